//! HTTP(S) probes: the API's health path through the Ingress and the frontend's website endpoint.
//!
//! reqwest with rustls and the public web roots: a certificate cert-manager has not issued yet, or
//! one for the wrong name, fails the probe, which is the point of checking "valid certificate".

use std::time::Duration;

use super::retry::ProbeError;

/// The client every HTTP probe shares. Attempt timeouts come from the retry policy; the connect
/// timeout here only keeps one black-holed address from eating a whole attempt.
pub fn client() -> Result<reqwest::Client, String> {
    client_trusting(&[])
}

/// [`client`], also trusting the PEM certificates in `roots`: the sandbox's S3 server signs its
/// own, standing in for the public roots that sign `*.scw.cloud` in a real run.
pub fn client_trusting(roots: &[String]) -> Result<reqwest::Client, String> {
    let mut b = reqwest::Client::builder();
    for pem in roots {
        b = b.add_root_certificate(
            reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| error_chain(&e))?,
        );
    }
    b.use_rustls_tls()
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("mobi-tui/", env!("CARGO_PKG_VERSION"), " smoke"))
        .build()
        .map_err(|e| error_chain(&e))
}

/// An error with its causes, `a: b: c`: reqwest's own message ("error sending request") says
/// nothing; the cause (refused, certificate, DNS) is what the operator needs.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    parts.join(": ")
}

/// `base` + `path` with exactly one slash between them.
pub fn join_url(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    if path.is_empty() {
        return base.to_string();
    }
    format!("{}/{}", base, path.trim_start_matches('/'))
}

/// Bucket website endpoints are often output as a bare host name; the check is over HTTPS.
pub fn website_url(endpoint: &str) -> String {
    if endpoint.contains("://") {
        endpoint.to_string()
    } else {
        format!("https://{endpoint}")
    }
}

/// GET `url`, pass on 2xx. 5xx, 404 (route not there yet) and connection errors are retried.
pub async fn get_2xx(client: &reqwest::Client, url: &str) -> Result<String, ProbeError> {
    let resp = client
        .get(url)
        .send()
        .await
        .map_err(|e| ProbeError::retry(format!("GET {url}: {}", error_chain(&e))))?;
    let status = resp.status();
    if status.is_success() {
        Ok(format!("GET {url}: HTTP {}", status.as_u16()))
    } else {
        Err(ProbeError::retry(format!(
            "GET {url}: HTTP {} (expected 2xx)",
            status.as_u16()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(join_url("https://a/", "/healthz"), "https://a/healthz");
        assert_eq!(join_url("https://a", "healthz"), "https://a/healthz");
        assert_eq!(join_url("https://a/v1/", ""), "https://a/v1");
        assert_eq!(
            website_url("b.s3-website.fr-par.scw.cloud"),
            "https://b.s3-website.fr-par.scw.cloud"
        );
        assert_eq!(website_url("http://127.0.0.1:9"), "http://127.0.0.1:9");
    }
}
