//! The full log of a run: `DIR/.mobi/log/<env>-<UTC time>.log`, plain lines, whatever the
//! screen shows.
//!
//! Why always: the live view collapses finished phases and `--json` is for programs; a person
//! filing a bug, or reading what phase 4 printed after the screen moved on, needs every line
//! somewhere. It holds the same rendering as the plain output (never a secret: events carry no
//! variable values), without its abbreviations (every detail line, every expected warning).
//! It is appended to while the run goes (a log, not a document: no temp-file-and-rename), and
//! lives under `.mobi/`, whose `.gitignore` keeps it out of git.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Where the logs of the runs in `out_dir` go.
pub fn log_dir(out_dir: &Path) -> PathBuf {
    out_dir.join(".mobi").join("log")
}

/// A new log file for `env` (`what`: `run` or `wizard`, only for the wizard's own name).
/// Errors name the path; callers report them in one line and go on without a log.
pub fn create(out_dir: &Path, stem: &str) -> Result<(PathBuf, BufWriter<File>), String> {
    let dir = log_dir(out_dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mobi = out_dir.join(".mobi");
    let ignore = mobi.join(".gitignore");
    if !ignore.exists() {
        let _ = std::fs::write(&ignore, "# run state of mobi-tui: never committed\n*\n");
    }
    let stamp = timestamp();
    // Two runs in the same second (a wizard and a headless run on two envs, say) get a suffix.
    for n in 0..100u32 {
        let name = if n == 0 {
            format!("{stem}-{stamp}.log")
        } else {
            format!("{stem}-{stamp}-{n}.log")
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => return Ok((path, BufWriter::new(f))),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    Err(format!("{}: too many logs this second", dir.display()))
}

/// `20261202T013501Z`: sorts by time, no characters a shell or a filesystem minds.
fn timestamp() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// An open run log: events and lines go in as the plain, unabridged rendering.
pub struct RunLog {
    pub path: PathBuf,
    out: NoEscapes<BufWriter<File>>,
}

impl RunLog {
    /// A new log for a run on `env` in `out_dir`; the error names the path.
    pub fn create(out_dir: &Path, env: &str) -> Result<Self, String> {
        let (path, f) = create(out_dir, env)?;
        Ok(Self {
            path,
            out: NoEscapes(f),
        })
    }

    /// Write one event (errors ignored: a full disk must not end the run).
    pub fn event(&mut self, ev: &crate::engine::RunEvent) {
        super::Reporter::full_log(&mut self.out).event(ev);
    }

    pub fn lines(&mut self, lines: &[String]) {
        super::Reporter::full_log(&mut self.out).trailer(lines);
    }
}

/// A writer that drops every escape sequence (anstream's stripping): what a run without colour
/// writes, and what a log file gets.
pub struct NoEscapes<W>(pub W);

impl<W: Write> Write for NoEscapes<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let clean: Vec<u8> = anstream::adapter::strip_bytes(buf).into_vec();
        self.0.write_all(&clean)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_is_created_under_mobi_and_git_ignored() {
        let dir = tempfile::tempdir().expect("tmp");
        let (a, _) = create(dir.path(), "dev").expect("log");
        let (b, _) = create(dir.path(), "dev").expect("second log");
        assert_ne!(a, b);
        assert!(a.starts_with(dir.path().join(".mobi/log")));
        let name = a.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        assert!(
            name.starts_with("dev-2") && name.ends_with("Z.log"),
            "{name}"
        );
        assert!(std::fs::read_to_string(dir.path().join(".mobi/.gitignore"))
            .expect("ignore")
            .contains('*'));
    }

    #[test]
    fn the_log_holds_plain_lines_without_escapes() {
        let dir = tempfile::tempdir().expect("tmp");
        let mut log = RunLog::create(dir.path(), "dev").expect("log");
        log.event(&crate::engine::RunEvent::Log {
            phase: 2,
            line: "\u{1b}[32mInitializing\u{1b}[0m".into(),
        });
        log.lines(&["done".into()]);
        let path = log.path.clone();
        drop(log);
        let text = std::fs::read_to_string(path).expect("read");
        assert_eq!(text, "    │ Initializing\ndone\n");
    }

    #[test]
    fn an_unwritable_dir_is_named() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, "x").expect("file");
        let err = create(&file, "dev").expect_err("not a directory");
        assert!(err.contains("not-a-dir"), "{err}");
    }
}
