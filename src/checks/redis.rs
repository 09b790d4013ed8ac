//! Redis: RESP spoken directly (`AUTH`, `PING` → `+PONG`) from this machine, and `redis-cli` in
//! a pod. RESP2 is small enough that a client library would cost more than it saves; the parser is
//! pure and public so the test backend reuses it.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use super::retry::ProbeError;
use super::tls::{self, TlsMode};

/// One RESP2 reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resp {
    Simple(String),
    Error(String),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<Resp>>),
}

impl Resp {
    /// The text of a simple or bulk string.
    pub fn text(&self) -> Option<String> {
        match self {
            Resp::Simple(s) => Some(s.clone()),
            Resp::Bulk(Some(b)) => Some(String::from_utf8_lossy(b).into_owned()),
            _ => None,
        }
    }
}

/// A command as a RESP array of bulk strings.
pub fn encode(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn line(buf: &[u8]) -> Option<(&[u8], usize)> {
    buf.windows(2)
        .position(|w| w == b"\r\n")
        .map(|i| (&buf[..i], i + 2))
}

fn int(bytes: &[u8]) -> Result<i64, String> {
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad RESP integer {:?}", String::from_utf8_lossy(bytes)))
}

/// The longest bulk string accepted. The probe only reads `+PONG`, `+OK` and short errors; a
/// server (or something pretending to be one) announcing `$9999999999` would otherwise make the
/// reader grow its buffer until the attempt times out.
pub const MAX_BULK: usize = 1 << 20;
/// The deepest array nesting accepted: parsing recurses per level, so a reply of `*1\r\n`
/// repeated must not be able to exhaust the stack.
pub const MAX_DEPTH: usize = 8;
/// The most array items accepted in one reply.
pub const MAX_ITEMS: usize = 1 << 16;
/// The most bytes buffered for one reply (a header line without `\r\n`, say).
pub const MAX_REPLY: usize = MAX_BULK + 4096;

/// Parses one reply from the front of `buf`: `Ok(None)` while incomplete, else the reply and the
/// bytes it used. Lengths, item counts and nesting beyond the caps above are errors.
pub fn parse(buf: &[u8]) -> Result<Option<(Resp, usize)>, String> {
    parse_at(buf, 0)
}

fn parse_at(buf: &[u8], depth: usize) -> Result<Option<(Resp, usize)>, String> {
    let Some(&kind) = buf.first() else {
        return Ok(None);
    };
    let Some((head, used)) = line(&buf[1..]) else {
        if buf.len() > MAX_REPLY {
            return Err(format!("RESP line longer than {MAX_REPLY} bytes"));
        }
        return Ok(None);
    };
    let used = used + 1;
    let text = || String::from_utf8_lossy(head).into_owned();
    match kind {
        b'+' => Ok(Some((Resp::Simple(text()), used))),
        b'-' => Ok(Some((Resp::Error(text()), used))),
        b':' => Ok(Some((Resp::Int(int(head)?), used))),
        b'$' => {
            let n = int(head)?;
            if n < 0 {
                return Ok(Some((Resp::Bulk(None), used)));
            }
            let n = usize::try_from(n).map_err(|e| e.to_string())?;
            if n > MAX_BULK {
                return Err(format!(
                    "RESP bulk string of {n} bytes (more than {MAX_BULK} accepted)"
                ));
            }
            if buf.len() < used + n + 2 {
                return Ok(None);
            }
            Ok(Some((
                Resp::Bulk(Some(buf[used..used + n].to_vec())),
                used + n + 2,
            )))
        }
        b'*' => {
            let n = int(head)?;
            if n < 0 {
                return Ok(Some((Resp::Array(None), used)));
            }
            if depth >= MAX_DEPTH {
                return Err(format!("RESP arrays nested deeper than {MAX_DEPTH} levels"));
            }
            let n = usize::try_from(n).map_err(|e| e.to_string())?;
            if n > MAX_ITEMS {
                return Err(format!(
                    "RESP array of {n} items (more than {MAX_ITEMS} accepted)"
                ));
            }
            let mut items = Vec::new();
            let mut at = used;
            for _ in 0..n {
                match parse_at(&buf[at..], depth + 1)? {
                    Some((item, u)) => {
                        items.push(item);
                        at += u;
                    }
                    None => return Ok(None),
                }
            }
            Ok(Some((Resp::Array(Some(items)), at)))
        }
        other => Err(format!("not a RESP reply (first byte {other:#04x})")),
    }
}

/// A reply that breaks RESP or its caps (carried inside an `io::Error`, told apart from TLS
/// errors, which are `InvalidData` too).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ProtocolError(pub String);

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// A RESP connection over TCP or TLS.
pub struct RespConn {
    io: Box<dyn Io>,
    buf: Vec<u8>,
}

impl RespConn {
    pub async fn connect(host: &str, port: u16, mode: &TlsMode) -> std::io::Result<Self> {
        let tcp = tokio::time::timeout(Duration::from_secs(10), TcpStream::connect((host, port)))
            .await
            .map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out")
            })??;
        let io: Box<dyn Io> = match tls::client_config(mode)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?
        {
            None => Box::new(tcp),
            Some(config) => Box::new(tls::connect(config, host, tcp).await?),
        };
        Ok(Self {
            io,
            buf: Vec::new(),
        })
    }

    /// Sends one command and reads its reply.
    pub async fn command(&mut self, args: &[&[u8]]) -> std::io::Result<Resp> {
        self.io.write_all(&encode(args)).await?;
        self.io.flush().await?;
        self.read_reply().await
    }

    pub async fn read_reply(&mut self) -> std::io::Result<Resp> {
        loop {
            match parse(&self.buf) {
                Ok(Some((reply, used))) => {
                    self.buf.drain(..used);
                    return Ok(reply);
                }
                Ok(None) => {}
                Err(e) => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        ProtocolError(e),
                    ))
                }
            }
            let mut chunk = [0u8; 4096];
            let n = self.io.read(&mut chunk).await?;
            if n == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "connection closed by the server",
                ));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// Where and as whom to connect. `Debug` hides the password (a [`Secret`]).
#[derive(Clone)]
pub struct RedisTarget {
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<crate::secret::Secret>,
    pub tls: TlsMode,
}

impl std::fmt::Debug for RedisTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "RedisTarget({}:{}, {})",
            self.host,
            self.port,
            self.tls.label()
        )
    }
}

/// `--direct`: connect, `AUTH` when a password is set, `PING` → `PONG`.
pub async fn ping(t: &RedisTarget) -> Result<String, ProbeError> {
    // A reply that breaks the protocol or its caps is not a transient failure: no retry.
    let io_err = |e: std::io::Error| {
        let msg = format!("{}:{} ({}): {e}", t.host, t.port, t.tls.label());
        if e.get_ref().is_some_and(|inner| inner.is::<ProtocolError>()) {
            ProbeError::fatal(msg)
        } else {
            ProbeError::retry(msg)
        }
    };
    let mut conn = RespConn::connect(&t.host, t.port, &t.tls)
        .await
        .map_err(io_err)?;
    if let Some(password) = &t.password {
        let reply = match &t.user {
            Some(user) => {
                conn.command(&[b"AUTH", user.as_bytes(), password.expose().as_bytes()])
                    .await
            }
            None => conn.command(&[b"AUTH", password.expose().as_bytes()]).await,
        }
        .map_err(io_err)?;
        if let Resp::Error(e) = reply {
            return Err(ProbeError::fatal(format!("AUTH refused: {e}")));
        }
    }
    match conn.command(&[b"PING"]).await.map_err(io_err)? {
        Resp::Simple(s) if s == "PONG" => Ok(format!(
            "PING -> PONG on {}:{} ({}{})",
            t.host,
            t.port,
            t.tls.label(),
            if t.password.is_some() {
                ", authenticated"
            } else {
                ""
            }
        )),
        Resp::Error(e) if e.starts_with("NOAUTH") => {
            Err(ProbeError::fatal(format!("{e}: set MOBI_REDIS_PASSWORD")))
        }
        other => Err(ProbeError::retry(format!("PING answered {other:?}"))),
    }
}

/// Quotes one argument for redis-cli's own line parser (the stdin the pod probe reads).
pub fn cli_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The pod probe: `redis-cli` reading its commands from stdin, so the password travels through
/// the attach stream and never appears in a pod spec or a process list. With TLS on, the
/// certificate is not verified in the pod (`--insecure`): it checks reachability and auth; the
/// `--direct` probe is the one that can verify a CA.
pub fn pod_command(t: &RedisTarget) -> (Vec<String>, String) {
    let mut cmd = vec![
        "redis-cli".to_string(),
        "-h".into(),
        t.host.clone(),
        "-p".into(),
        t.port.to_string(),
    ];
    if t.tls != TlsMode::Disable {
        cmd.push("--tls".into());
        cmd.push("--insecure".into());
    }
    let mut stdin = String::new();
    if let Some(password) = &t.password {
        stdin.push_str("AUTH ");
        if let Some(user) = &t.user {
            stdin.push_str(&cli_quote(user));
            stdin.push(' ');
        }
        stdin.push_str(&cli_quote(password.expose()));
        stdin.push('\n');
    }
    stdin.push_str("PING\n");
    (cmd, stdin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_commands() {
        assert_eq!(encode(&[b"PING"]), b"*1\r\n$4\r\nPING\r\n");
        assert_eq!(
            encode(&[b"AUTH", b"u", b"p w"]),
            b"*3\r\n$4\r\nAUTH\r\n$1\r\nu\r\n$3\r\np w\r\n"
        );
    }

    #[test]
    fn parses_replies() {
        assert_eq!(
            parse(b"+PONG\r\n").unwrap(),
            Some((Resp::Simple("PONG".into()), 7))
        );
        assert_eq!(
            parse(b"-WRONGPASS invalid\r\n").unwrap().unwrap().0,
            Resp::Error("WRONGPASS invalid".into())
        );
        assert_eq!(parse(b"$5\r\nhel").unwrap(), None);
        assert_eq!(parse(b"$-1\r\n").unwrap().unwrap().0, Resp::Bulk(None));
        let (v, used) = parse(b"*2\r\n$1\r\na\r\n:7\r\n+extra").unwrap().unwrap();
        assert_eq!(
            v,
            Resp::Array(Some(vec![Resp::Bulk(Some(b"a".to_vec())), Resp::Int(7)]))
        );
        assert_eq!(used, 15);
        assert_eq!(parse(b"*2\r\n$1\r\na\r\n").unwrap(), None);
        assert!(parse(b"?x\r\n").is_err());
    }

    #[test]
    fn pod_command_keeps_the_password_on_stdin() {
        let t = RedisTarget {
            host: "r".into(),
            port: 6379,
            user: Some("mobi".into()),
            password: Some("p\"w".into()),
            tls: TlsMode::Require,
        };
        let (cmd, stdin) = pod_command(&t);
        assert!(!cmd.join(" ").contains("p\"w"));
        assert!(cmd.contains(&"--tls".to_string()));
        assert_eq!(stdin, "AUTH \"mobi\" \"p\\\"w\"\nPING\n");
    }
}
