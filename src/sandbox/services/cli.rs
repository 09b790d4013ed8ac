//! `mobi-tui sandbox status|start|stop`: the data plane's services of every env (or one) under
//! an output folder, as their records and processes say.

use std::path::{Path, PathBuf};

use super::{Health, Record, Services};

#[derive(Debug, clap::Args)]
pub struct SandboxArgs {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum Action {
    /// List each env's services: kind, state, pid, port, resource.
    Status(Target),
    /// Start the services that are not running, from their records (same port, same data).
    Start(Target),
    /// Stop every service (records and data are kept; a sandbox run starts them again).
    Stop(Target),
    /// The env's S3 server (started detached by the sandbox provider, not by hand).
    #[command(name = "serve-s3", hide = true)]
    ServeS3(super::s3_server::ServeArgs),
}

#[derive(Debug, Clone, clap::Args)]
pub struct Target {
    /// Folder the tree was generated into (the sandbox lives in DIR/.mobi/sandbox/).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Only this environment.
    #[arg(long, value_name = "ENV")]
    pub env: Option<String>,
}

/// The env folders under `DIR/.mobi/sandbox` that have services, sorted.
fn envs(t: &Target) -> Vec<(String, PathBuf)> {
    let root = t.out.join(".mobi").join("sandbox");
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("services").is_dir())
        .filter_map(|e| Some((e.file_name().to_str()?.to_owned(), e.path())))
        .filter(|(name, _)| t.env.as_deref().is_none_or(|e| e == name))
        .collect();
    out.sort();
    out
}

/// One status line.
pub fn line(env: &str, r: &Record, h: &Health) -> String {
    let state = match h {
        Health::Running { pid } => format!("running (pid {pid})"),
        Health::Stopped => "stopped".into(),
        Health::Missing(why) => format!("not available: {why}"),
    };
    format!(
        "{env}\t{}\t{}\t127.0.0.1:{}\t{state}\t{}",
        r.name,
        r.kind.label(),
        r.port,
        r.resource_id
    )
}

fn each(t: &Target, mut f: impl FnMut(&str, &Services, &Record) -> Result<(), String>) -> u8 {
    let mut code = 0;
    let mut any = false;
    for (env, dir) in envs(t) {
        let services = Services::at(&dir);
        match services.list() {
            Ok(list) => {
                for r in list {
                    any = true;
                    if let Err(e) = f(&env, &services, &r) {
                        eprintln!("mobi-tui: error: {env} {}: {e}", r.name);
                        code = 1;
                    }
                }
            }
            Err(e) => {
                eprintln!("mobi-tui: error: {e}");
                code = 1;
            }
        }
    }
    if !any && code == 0 {
        eprintln!(
            "no sandbox services under {}",
            Path::new(&t.out).join(".mobi/sandbox").display()
        );
    }
    code
}

/// Runs the subcommand; returns the exit code (1 when a service could not be read or started).
pub fn main(args: SandboxArgs) -> u8 {
    match args.action {
        Action::Status(t) => each(&t, |env, s, r| {
            println!("{}", line(env, r, &s.health(r)));
            Ok(())
        }),
        Action::Start(t) => each(&t, |env, s, r| {
            s.start(r).map_err(|e| e.to_string())?;
            println!("{}", line(env, r, &s.health(r)));
            Ok(())
        }),
        Action::Stop(t) => each(&t, |env, s, r| {
            s.stop(r);
            println!("{}", line(env, r, &s.health(r)));
            Ok(())
        }),
        Action::ServeS3(args) => super::s3_server::main(args),
    }
}
