//! A stand-in for the Mobi backend and one worker, wired to the real PostgreSQL and Redis:
//! `POST /api/media` inserts a task row and XADDs to a stream; the worker (its own thread and
//! runtime, like a separate pod) reads the stream, fills the row's JSONB result and XADDs an
//! event; `GET /api/events` relays those events as SSE; `GET /healthz` and `GET /` answer 200.

use std::time::Duration;

use mobi_tui::checks::redis::{Resp, RespConn};
use mobi_tui::checks::tls::TlsMode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone)]
pub struct Wiring {
    pub pg_port: u16,
    pub pg_user: String,
    pub pg_password: String,
    pub pg_db: String,
    pub redis_port: u16,
    pub redis_user: String,
    pub redis_password: String,
}

const JOBS: &str = "media.photo";
const EVENTS: &str = "task.events";

impl Wiring {
    async fn pg(&self) -> Result<tokio_postgres::Client, String> {
        let mut cfg = tokio_postgres::Config::new();
        cfg.host("127.0.0.1")
            .port(self.pg_port)
            .user(&self.pg_user)
            .password(&self.pg_password)
            .dbname(&self.pg_db);
        let (client, conn) = cfg
            .connect(tokio_postgres::NoTls)
            .await
            .map_err(|e| e.to_string())?;
        tokio::spawn(conn);
        Ok(client)
    }

    async fn redis(&self) -> Result<RespConn, String> {
        let mut c = RespConn::connect("127.0.0.1", self.redis_port, &TlsMode::Disable)
            .await
            .map_err(|e| e.to_string())?;
        match c
            .command(&[
                b"AUTH",
                self.redis_user.as_bytes(),
                self.redis_password.as_bytes(),
            ])
            .await
            .map_err(|e| e.to_string())?
        {
            Resp::Error(e) => Err(e),
            _ => Ok(c),
        }
    }
}

/// Creates the task table the e2e check reads.
pub async fn create_schema(w: &Wiring) {
    let pg = w.pg().await.expect("connect to test postgres");
    pg.batch_execute(
        "CREATE TABLE IF NOT EXISTS tasks (id bigserial PRIMARY KEY, kind text NOT NULL, result jsonb)",
    )
    .await
    .expect("create tasks");
}

pub struct Backend {
    pub port: u16,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    worker_stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Backend {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn start(w: Wiring) -> Self {
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let (stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let wiring = w.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                create_schema(&wiring).await;
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                let _ = port_tx.send(listener.local_addr().expect("addr").port());
                let serve = async {
                    loop {
                        if let Ok((sock, _)) = listener.accept().await {
                            let w = wiring.clone();
                            tokio::spawn(async move {
                                let _ = handle(sock, w).await;
                            });
                        }
                    }
                };
                tokio::select! {
                    _ = serve => {}
                    _ = stop_rx => {}
                }
            });
        });
        let port = port_rx
            .recv_timeout(Duration::from_secs(30))
            .expect("backend started");
        let (worker_stop, worker_rx) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                tokio::select! {
                    _ = worker(w) => {}
                    _ = worker_rx => {}
                }
            });
        });
        Self {
            port,
            stop: Some(stop),
            worker_stop: Some(worker_stop),
        }
    }

    /// Stops the HTTP server (its port then refuses connections).
    pub fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }

    /// Stops only the worker: uploads still land, results never come.
    pub fn stop_worker(&mut self) {
        if let Some(s) = self.worker_stop.take() {
            let _ = s.send(());
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.stop();
        self.stop_worker();
    }
}

async fn respond(
    sock: &mut TcpStream,
    status: &str,
    ctype: &str,
    body: &str,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    sock.write_all(head.as_bytes()).await?;
    sock.write_all(body.as_bytes()).await?;
    sock.shutdown().await
}

async fn handle(mut sock: TcpStream, w: Wiring) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|x| x == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.lines();
    let request = lines.next().unwrap_or("");
    let mut parts = request.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let length: usize = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    match (method, path) {
        ("GET", "/healthz") => respond(&mut sock, "200 OK", "text/plain", "ok").await,
        ("GET", "/") => respond(&mut sock, "200 OK", "text/html", "<h1>mobi</h1>").await,
        ("POST", "/api/media") => match upload(&w).await {
            Ok(id) => {
                respond(
                    &mut sock,
                    "201 Created",
                    "application/json",
                    &format!("{{\"id\":{id}}}"),
                )
                .await
            }
            Err(e) => respond(&mut sock, "503 Service Unavailable", "text/plain", &e).await,
        },
        ("GET", "/api/events") => events(sock, &w).await,
        _ => respond(&mut sock, "404 Not Found", "text/plain", "not found").await,
    }
}

async fn upload(w: &Wiring) -> Result<i64, String> {
    let pg = w.pg().await?;
    let mut redis = w.redis().await?;
    let row = pg
        .query_one(
            "INSERT INTO tasks (kind) VALUES ('photo') RETURNING id",
            &[],
        )
        .await
        .map_err(|e| e.to_string())?;
    let id: i64 = row.get(0);
    let id_s = id.to_string();
    redis
        .command(&[b"XADD", JOBS.as_bytes(), b"*", b"task_id", id_s.as_bytes()])
        .await
        .map_err(|e| e.to_string())?;
    Ok(id)
}

/// `XREAD` entries as (id, fields).
fn entries(reply: &Resp) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let Resp::Array(Some(streams)) = reply else {
        return out;
    };
    for s in streams {
        let Resp::Array(Some(pair)) = s else { continue };
        let Some(Resp::Array(Some(items))) = pair.get(1) else {
            continue;
        };
        for item in items {
            let Resp::Array(Some(e)) = item else { continue };
            let id = e.first().and_then(Resp::text).unwrap_or_default();
            let fields = match e.get(1) {
                Some(Resp::Array(Some(f))) => f.iter().filter_map(Resp::text).collect(),
                _ => Vec::new(),
            };
            out.push((id, fields));
        }
    }
    out
}

async fn last_id(redis: &mut RespConn, stream: &str) -> String {
    match redis
        .command(&[b"XREVRANGE", stream.as_bytes(), b"+", b"-", b"COUNT", b"1"])
        .await
    {
        Ok(Resp::Array(Some(items))) => items
            .first()
            .and_then(|e| match e {
                Resp::Array(Some(e)) => e.first().and_then(Resp::text),
                _ => None,
            })
            .unwrap_or_else(|| "0-0".into()),
        _ => "0-0".into(),
    }
}

async fn events(mut sock: TcpStream, w: &Wiring) -> std::io::Result<()> {
    let mut redis = match w.redis().await {
        Ok(r) => r,
        Err(e) => return respond(&mut sock, "503 Service Unavailable", "text/plain", &e).await,
    };
    let mut last = last_id(&mut redis, EVENTS).await;
    sock.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n: connected\n\n",
    )
    .await?;
    loop {
        let reply = redis
            .command(&[
                b"XREAD",
                b"BLOCK",
                b"500",
                b"STREAMS",
                EVENTS.as_bytes(),
                last.as_bytes(),
            ])
            .await?;
        for (id, fields) in entries(&reply) {
            last = id;
            let data = fields
                .chunks(2)
                .find(|kv| kv.first().map(String::as_str) == Some("data"))
                .and_then(|kv| kv.get(1).cloned())
                .unwrap_or_default();
            sock.write_all(format!("event: task\ndata: {data}\n\n").as_bytes())
                .await?;
        }
        // A comment line doubles as a liveness probe: a closed client ends this loop.
        sock.write_all(b": ping\n\n").await?;
    }
}

async fn worker(w: Wiring) {
    let mut last = "0-0".to_string();
    loop {
        let mut redis = match w.redis().await {
            Ok(r) => r,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(300)).await;
                continue;
            }
        };
        loop {
            let reply = match redis
                .command(&[
                    b"XREAD",
                    b"BLOCK",
                    b"500",
                    b"STREAMS",
                    JOBS.as_bytes(),
                    last.as_bytes(),
                ])
                .await
            {
                Ok(r) => r,
                Err(_) => break,
            };
            for (id, fields) in entries(&reply) {
                last = id;
                let Some(task) = fields.get(1).and_then(|t| t.parse::<i64>().ok()) else {
                    continue;
                };
                let Ok(pg) = w.pg().await else { continue };
                let _ = pg
                    .execute(
                        "UPDATE tasks SET result = jsonb_build_object('ok', true, 'worker', 'ipod') WHERE id = $1",
                        &[&task],
                    )
                    .await;
                let data = format!("{{\"id\":{task},\"status\":\"done\"}}");
                let _ = redis
                    .command(&[b"XADD", EVENTS.as_bytes(), b"*", b"data", data.as_bytes()])
                    .await;
            }
        }
    }
}
