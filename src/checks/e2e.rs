//! The end-to-end flow: upload → task row → worker result → SSE event.
//!
//! The SSE stream is opened before the upload, so an event sent right after the worker finishes
//! cannot be missed. The task row is read either directly (`--direct`) or with `psql` in a pod;
//! both run the same query ([`super::postgres::task_state_sql`]).

use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::Value;
use tokio::sync::mpsc;

use super::http::{error_chain, join_url};
use super::kubectl::Kube;
use super::postgres::{self, PgTarget};
use super::retry::ProbeError;

/// Where the flow's parts are; built by the runner from the preset's `[smoke]` table.
#[derive(Debug, Clone)]
pub struct Flow {
    pub upload_url: String,
    pub events_url: String,
    pub upload_field: String,
    pub id_field: String,
    pub task_sql: String,
}

/// How the task row is read.
pub enum TaskDb<'a> {
    Direct(&'a PgTarget),
    Pod {
        kube: &'a Kube,
        namespace: &'a str,
        image: &'a str,
        target: &'a PgTarget,
    },
}

/// The task row's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    Absent,
    Pending,
    Done,
}

impl TaskDb<'_> {
    async fn state(
        &self,
        client: &mut Option<tokio_postgres::Client>,
        sql: &str,
        id: &str,
    ) -> Result<TaskState, String> {
        let word = match self {
            TaskDb::Direct(target) => {
                if client.is_none() {
                    *client = Some(postgres::connect(target).await.map_err(reason)?);
                }
                let Some(c) = client.as_ref() else {
                    return Err("no database connection".into());
                };
                let rows = c.query(sql, &[&id]).await.map_err(|e| error_chain(&e))?;
                match rows.first() {
                    None => None,
                    Some(r) => Some(r.try_get::<_, String>(0).map_err(|e| e.to_string())?),
                }
            }
            TaskDb::Pod {
                kube,
                namespace,
                image,
                target,
            } => {
                // The password goes through stdin (read by the shell), never into the pod spec.
                let query = sql.replace("$1", &postgres::sql_literal(id));
                let command = vec![
                    "sh".to_string(),
                    "-c".into(),
                    "IFS= read -r PGPASSWORD; export PGPASSWORD; exec psql -X -q -t -A -v ON_ERROR_STOP=1 -h \"$1\" -p \"$2\" -U \"$3\" -d \"$4\" -c \"$5\"".into(),
                    "sh".into(),
                    target.host.clone(),
                    target.port.to_string(),
                    target.user.clone(),
                    target.dbname.clone(),
                    query,
                ];
                let stdin = format!("{}\n", target.password.as_ref().map_or("", |p| p.expose()));
                let run = kube
                    .run_pod(namespace, "e2e-psql", image, &command, Some(&stdin))
                    .await
                    .map_err(reason)?;
                if !run.success {
                    return Err(format!("psql in a pod: {}", run.why()));
                }
                run.stdout
                    .lines()
                    .map(str::trim)
                    .find(|l| *l == "pending" || *l == "done")
                    .map(str::to_string)
            }
        };
        Ok(match word.as_deref() {
            None => TaskState::Absent,
            Some("done") => TaskState::Done,
            Some(_) => TaskState::Pending,
        })
    }
}

fn reason(e: ProbeError) -> String {
    match e {
        ProbeError::Retry(r) | ProbeError::Fatal(r) | ProbeError::Skip(r) => r,
    }
}

/// True when `text` contains `id` as a whole token (so task 1 is not found in "12").
pub fn mentions(text: &str, id: &str) -> bool {
    if id.is_empty() {
        return false;
    }
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices(id).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + id.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// The longest SSE line kept (longer ones are cut): a stream that never ends a line must not
/// grow memory without bound.
pub const MAX_SSE_LINE: usize = 1 << 20;

/// A text/event-stream parser that works on bytes, as the format is specified (WHATWG HTML,
/// "event stream interpretation"): lines end with CRLF, LF or a bare CR, even when the CR and
/// the LF arrive in different chunks; a line is decoded as UTF-8 only once complete, so a
/// character split across chunks stays whole; a field line without a colon is the field name
/// with an empty value; an event is dispatched at a blank line when it has data.
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    /// The previous chunk ended with CR: an LF at the start of the next one belongs to it.
    after_cr: bool,
    data: Vec<String>,
    event: Option<String>,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next chunk; returns the events it completed (`name: data` when named, else the
    /// data, its lines joined with `\n`).
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<String> {
        let mut events = Vec::new();
        for &b in chunk {
            if std::mem::take(&mut self.after_cr) && b == b'\n' {
                continue;
            }
            match b {
                b'\r' | b'\n' => {
                    self.after_cr = b == b'\r';
                    let line = std::mem::take(&mut self.line);
                    if let Some(ev) = self.line_done(&line) {
                        events.push(ev);
                    }
                }
                _ if self.line.len() < MAX_SSE_LINE => self.line.push(b),
                _ => {}
            }
        }
        events
    }

    fn line_done(&mut self, line: &[u8]) -> Option<String> {
        if line.is_empty() {
            let data = std::mem::take(&mut self.data);
            let event = self.event.take();
            if data.is_empty() {
                return None;
            }
            let data = data.join("\n");
            return Some(match event {
                Some(name) if !name.is_empty() => format!("{name}: {data}"),
                _ => data,
            });
        }
        if line[0] == b':' {
            return None; // a comment (keep-alive)
        }
        let text = String::from_utf8_lossy(line);
        let (field, value) = match text.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (text.as_ref(), ""),
        };
        match field {
            "data" => self.data.push(value.to_string()),
            "event" => self.event = Some(value.trim().to_string()),
            _ => {}
        }
        None
    }
}

/// The id in an upload response: `id_field` as a string or a number.
pub fn response_id(body: &Value, id_field: &str) -> Option<String> {
    match body.get(id_field)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn multipart(field: &str) -> (String, Vec<u8>) {
    let boundary = format!("mobi-smoke-{}", std::process::id());
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"mobi-smoke.txt\"\r\n\
         Content-Type: text/plain\r\n\r\nmobi-tui smoke check\r\n--{boundary}--\r\n"
    );
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

/// Aborts the SSE reader when the flow ends, so a quiet stream does not keep a connection (and a
/// task) alive in a long-lived runtime such as the TUI's.
pub struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The events of an open stream (an `Err` when it failed or closed), and the reader's guard.
pub type Events = (mpsc::UnboundedReceiver<Result<String, String>>, AbortOnDrop);

/// Opens the SSE stream; events arrive on the returned channel until the stream ends.
pub async fn open_events(client: &reqwest::Client, url: &str) -> Result<Events, ProbeError> {
    let resp = client
        .get(url)
        .header("accept", "text/event-stream")
        .send()
        .await
        .map_err(|e| ProbeError::retry(format!("SSE GET {url}: {}", error_chain(&e))))?;
    if !resp.status().is_success() {
        return Err(ProbeError::retry(format!(
            "SSE GET {url}: HTTP {}",
            resp.status().as_u16()
        )));
    }
    let ctype = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if !ctype.starts_with("text/event-stream") {
        return Err(ProbeError::fatal(format!(
            "SSE GET {url}: content-type {ctype:?}, expected text/event-stream"
        )));
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let mut stream = resp.bytes_stream();
    let reader = tokio::spawn(async move {
        let mut parser = SseParser::new();
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(bytes) => {
                    for ev in parser.feed(&bytes) {
                        if tx.send(Ok(ev)).is_err() {
                            return;
                        }
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(error_chain(&e)));
                    return;
                }
            }
        }
        let _ = tx.send(Err("event stream closed by the server".into()));
    });
    Ok((rx, AbortOnDrop(reader)))
}

/// Runs the whole flow within `budget`. Failing to start (SSE or upload) is retried by the caller;
/// once a task exists, a missing step is a failure that names the step.
pub async fn run(
    client: &reqwest::Client,
    flow: &Flow,
    db: &TaskDb<'_>,
    budget: Duration,
) -> Result<String, ProbeError> {
    let start = Instant::now();
    let (mut events, _reader) = open_events(client, &flow.events_url).await?;

    let (ctype, body) = multipart(&flow.upload_field);
    let resp = client
        .post(&flow.upload_url)
        .header("content-type", ctype)
        .body(body)
        .send()
        .await
        .map_err(|e| {
            ProbeError::retry(format!("upload {}: {}", flow.upload_url, error_chain(&e)))
        })?;
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(ProbeError::retry(format!(
            "upload {}: HTTP {}",
            flow.upload_url,
            status.as_u16()
        )));
    }
    let json: Value = serde_json::from_str(&text).map_err(|_| {
        ProbeError::fatal(format!("upload {}: response is not JSON", flow.upload_url))
    })?;
    let id = response_id(&json, &flow.id_field).ok_or_else(|| {
        ProbeError::fatal(format!(
            "upload {}: response has no `{}` field",
            flow.upload_url, flow.id_field
        ))
    })?;
    let t_upload = start.elapsed();

    let deadline = start + budget;
    let mut client_db = None;
    let mut t_row = None;
    let mut t_done = None;
    let mut t_event = None;
    let mut last_db_error = None;
    let mut stream_error = None;
    loop {
        if t_done.is_none() {
            match db.state(&mut client_db, &flow.task_sql, &id).await {
                Ok(TaskState::Absent) => {}
                Ok(TaskState::Pending) => {
                    t_row.get_or_insert(start.elapsed());
                }
                Ok(TaskState::Done) => {
                    t_row.get_or_insert(start.elapsed());
                    t_done = Some(start.elapsed());
                }
                Err(e) => {
                    client_db = None;
                    last_db_error = Some(e);
                }
            }
        }
        // Drain the events that arrived meanwhile.
        while let Ok(ev) = events.try_recv() {
            match ev {
                Ok(text) if t_event.is_none() && mentions(&text, &id) => {
                    t_event = Some(start.elapsed())
                }
                Ok(_) => {}
                Err(e) => stream_error = Some(e),
            }
        }
        if t_done.is_some() && t_event.is_some() {
            break;
        }
        if Instant::now() >= deadline {
            let step = match (t_row, t_done, t_event) {
                (None, _, _) => format!(
                    "task {id} uploaded but no row in the task table{}",
                    last_db_error.map(|e| format!(" ({e})")).unwrap_or_default()
                ),
                (Some(_), None, _) => format!("task {id}: row present but no worker result"),
                _ => format!(
                    "task {id}: worker result stored but no SSE event mentioned it{}",
                    stream_error.map(|e| format!(" ({e})")).unwrap_or_default()
                ),
            };
            return Err(ProbeError::fatal(format!(
                "{step} within {:.0}s",
                budget.as_secs_f64()
            )));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let secs = |d: Option<Duration>| d.map(|d| d.as_secs_f64()).unwrap_or(0.0);
    Ok(format!(
        "task {id}: uploaded {:.1}s, row {:.1}s, worker result {:.1}s, SSE event {:.1}s",
        t_upload.as_secs_f64(),
        secs(t_row),
        secs(t_done),
        secs(t_event)
    ))
}

/// The URLs of the flow from the API's base URL and the preset's paths.
pub fn urls(api_url: &str, upload_path: &str, events_path: &str) -> (String, String) {
    (
        join_url(api_url, upload_path),
        join_url(api_url, events_path),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_whole_tokens_only() {
        assert!(mentions(r#"{"id": 12, "status": "done"}"#, "12"));
        assert!(!mentions(r#"{"id": 123}"#, "12"));
        assert!(mentions("task:abc-1 done", "abc-1"));
        assert!(!mentions("xabc-1", "abc-1"));
        assert!(!mentions("anything", ""));
    }

    #[test]
    fn sse_events_are_split_and_tail_kept() {
        let mut p = SseParser::new();
        let evs = p.feed(
            b": ping\n\nevent: task\ndata: {\"id\":1}\n\ndata: a\r\ndata: b\r\n\r\ndata: partial",
        );
        assert_eq!(
            evs,
            vec!["task: {\"id\":1}".to_string(), "a\nb".to_string()]
        );
        assert_eq!(p.feed(b"\n\n"), vec!["partial".to_string()]);
    }

    /// Byte by byte: a two-byte character and a CR LF split across chunks, bare CR line ends,
    /// a `data` field without a colon.
    #[test]
    fn sse_parser_works_on_bytes_across_chunks() {
        let stream = "data: caf\u{e9} \u{1f680}\r\n\r\ndata: x\rdata\r\revent:\rdata: y\n\n";
        let mut p = SseParser::new();
        let mut evs = Vec::new();
        for b in stream.as_bytes() {
            evs.extend(p.feed(std::slice::from_ref(b)));
        }
        assert_eq!(evs, ["caf\u{e9} \u{1f680}", "x\n", "y"]);
    }

    #[test]
    fn ids_from_responses() {
        let v: Value = serde_json::json!({"id": 7, "task_id": "x"});
        assert_eq!(response_id(&v, "id").as_deref(), Some("7"));
        assert_eq!(response_id(&v, "task_id").as_deref(), Some("x"));
        assert_eq!(response_id(&v, "nope"), None);
    }
}
