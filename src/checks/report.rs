//! What the operator reads at the end: a table, JSON lines, and JUnit XML for CI dashboards.
//! Pure string building, so every format is tested without running a probe.

use std::time::Duration;

use super::{CheckResult, Status};

/// Counts over a run; decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub duration: Duration,
}

impl Summary {
    pub fn of(results: &[CheckResult]) -> Self {
        let mut s = Summary::default();
        for r in results {
            match r.status {
                Status::Pass => s.passed += 1,
                Status::Fail => s.failed += 1,
                Status::Skipped => s.skipped += 1,
            }
            // Checks run concurrently, so the run lasts as long as its slowest check.
            s.duration = s.duration.max(r.duration);
        }
        s
    }

    /// 0 when every check that ran passed, 1 when any failed.
    pub fn ok(&self) -> bool {
        self.failed == 0
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The final table: one row per check, in the order given.
pub fn table(results: &[CheckResult]) -> String {
    let name_w = results
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .max("check".len());
    let mut out = format!(
        "{:<name_w$}  {:<7}  {:>7}  {:>8}  reason\n",
        "check", "status", "time", "attempts"
    );
    for r in results {
        out.push_str(&format!(
            "{:<name_w$}  {:<7}  {:>6.1}s  {:>8}  {}\n",
            r.name,
            r.status.as_str(),
            r.duration.as_secs_f64(),
            r.attempts,
            one_line(&r.reason)
        ));
    }
    let s = Summary::of(results);
    out.push_str(&format!(
        "{} passed, {} failed, {} skipped in {:.1}s\n",
        s.passed,
        s.failed,
        s.skipped,
        s.duration.as_secs_f64()
    ));
    out
}

/// One `{"type":"check",...}` line.
pub fn json_line(r: &CheckResult) -> String {
    serde_json::json!({
        "type": "check",
        "name": r.name,
        "status": r.status.as_str(),
        "reason": r.reason,
        "duration_s": (r.duration.as_secs_f64() * 1000.0).round() / 1000.0,
        "attempts": r.attempts,
    })
    .to_string()
}

/// The closing `{"type":"summary",...}` line.
pub fn json_summary(results: &[CheckResult]) -> String {
    let s = Summary::of(results);
    serde_json::json!({
        "type": "summary",
        "passed": s.passed,
        "failed": s.failed,
        "skipped": s.skipped,
        "duration_s": (s.duration.as_secs_f64() * 1000.0).round() / 1000.0,
        "ok": s.ok(),
    })
    .to_string()
}

/// Escapes text for XML attributes and content; drops characters XML 1.0 cannot carry at all
/// (most C0 controls), since a probe's error text may contain anything a server sent.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A JUnit XML report: one `<testsuite>` named `suite`, one `<testcase>` per check.
pub fn junit(suite: &str, results: &[CheckResult]) -> String {
    let s = Summary::of(results);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"{n}\" tests=\"{t}\" failures=\"{f}\" errors=\"0\" skipped=\"{k}\" time=\"{d:.3}\">\n",
        n = xml_escape(suite),
        t = results.len(),
        f = s.failed,
        k = s.skipped,
        d = s.duration.as_secs_f64()
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{n}\" tests=\"{t}\" failures=\"{f}\" errors=\"0\" skipped=\"{k}\" time=\"{d:.3}\">\n",
        n = xml_escape(suite),
        t = results.len(),
        f = s.failed,
        k = s.skipped,
        d = s.duration.as_secs_f64()
    ));
    for r in results {
        let head = format!(
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
            xml_escape(suite),
            xml_escape(&r.name),
            r.duration.as_secs_f64()
        );
        let reason = xml_escape(&r.reason);
        match r.status {
            Status::Pass => out.push_str(&format!(
                "{head}>\n      <system-out>{reason} ({} attempt(s))</system-out>\n    </testcase>\n",
                r.attempts
            )),
            Status::Fail => out.push_str(&format!(
                "{head}>\n      <failure message=\"{reason}\" type=\"fail\">{reason}</failure>\n    </testcase>\n"
            )),
            Status::Skipped => {
                out.push_str(&format!("{head}>\n      <skipped message=\"{reason}\"/>\n    </testcase>\n"))
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(name: &str, status: Status, reason: &str, ms: u64) -> CheckResult {
        CheckResult {
            name: name.into(),
            status,
            reason: reason.into(),
            duration: Duration::from_millis(ms),
            attempts: 1,
        }
    }

    fn sample() -> Vec<CheckResult> {
        vec![
            r("s3.media_bucket", Status::Pass, "HTTP 200", 120),
            r(
                "redis.direct",
                Status::Fail,
                "connection refused\n(os error 111)",
                3400,
            ),
            r("postgres.pod", Status::Skipped, "no kubectl", 0),
        ]
    }

    #[test]
    fn summary_counts_and_exit() {
        let s = Summary::of(&sample());
        assert_eq!((s.passed, s.failed, s.skipped), (1, 1, 1));
        assert_eq!(s.duration, Duration::from_millis(3400));
        assert!(!s.ok());
        assert!(Summary::of(&sample()[..1]).ok());
        assert!(
            Summary::of(&sample()[2..]).ok(),
            "skipped only is not a failure"
        );
    }

    #[test]
    fn table_has_one_line_per_check() {
        let t = table(&sample());
        assert_eq!(t.lines().count(), 5);
        assert!(
            t.contains(
                "redis.direct     fail        3.4s         1  connection refused (os error 111)"
            ),
            "{t}"
        );
        assert!(t.ends_with("1 passed, 1 failed, 1 skipped in 3.4s\n"));
    }

    #[test]
    fn json_lines() {
        let line = json_line(&sample()[1]);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["type"], "check");
        assert_eq!(v["status"], "fail");
        assert_eq!(v["duration_s"], 3.4);
        let s: serde_json::Value = serde_json::from_str(&json_summary(&sample())).unwrap();
        assert_eq!(s["type"], "summary");
        assert_eq!(s["failed"], 1);
        assert_eq!(s["ok"], false);
    }

    #[test]
    fn xml_escape_covers_markup_quotes_and_controls() {
        assert_eq!(
            xml_escape("a<b>&\"c\"'d'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;\u{FFFD}&#10;"
        );
    }

    #[test]
    fn junit_shape() {
        let mut results = sample();
        results[1].reason = "<boom> & \"bang\"".into();
        let x = junit("mobi smoke", &results);
        assert!(x.contains("tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\""));
        assert!(x.contains("<failure message=\"&lt;boom&gt; &amp; &quot;bang&quot;\""));
        assert!(x.contains("<skipped message=\"no kubectl\"/>"));
        assert!(!x.contains("<boom>"));
    }
}
