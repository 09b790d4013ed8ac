//! The buckets exist and the user's keys reach them: a SigV4-signed HeadBucket, path-style.
//!
//! Path-style (`endpoint/bucket`) rather than virtual-host style, so the same request works
//! against Scaleway's endpoint and against any local S3 server without wildcard DNS.

use super::http::error_chain;
use super::retry::ProbeError;
use super::sigv4::{self, Credentials, Scope, EMPTY_SHA256};

/// The signing region: `s3.<region>.scw.cloud` names it; anything else falls back to `fr-par`.
pub fn region_from_endpoint(endpoint: &str) -> String {
    let host = endpoint
        .split("://")
        .last()
        .unwrap_or(endpoint)
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    let parts: Vec<&str> = host.split('.').collect();
    match parts.as_slice() {
        ["s3", region, "scw", "cloud"] => (*region).to_string(),
        _ => "fr-par".into(),
    }
}

/// HEAD `endpoint/bucket`, signed. 200 passes; 404 is retried (a bucket may still be appearing);
/// 403 and 301 cannot fix themselves and fail at once with what to change.
pub async fn head_bucket(
    client: &reqwest::Client,
    endpoint: &str,
    region: &str,
    creds: &Credentials,
    bucket: &str,
) -> Result<String, ProbeError> {
    let url = format!(
        "{}/{}",
        endpoint.trim_end_matches('/'),
        sigv4::uri_encode(bucket, false)
    );
    let parsed = reqwest::Url::parse(&url)
        .map_err(|e| ProbeError::fatal(format!("s3_endpoint {endpoint:?}: {e}")))?;
    let host = match (parsed.host_str(), parsed.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        (None, _) => {
            return Err(ProbeError::fatal(format!(
                "s3_endpoint {endpoint:?} has no host"
            )))
        }
    };
    let amz_date = sigv4::amz_date(time::OffsetDateTime::now_utc());
    let path = parsed.path().to_string();
    let headers = [
        ("host", host.as_str()),
        ("x-amz-content-sha256", EMPTY_SHA256),
        ("x-amz-date", amz_date.as_str()),
    ];
    let auth = sigv4::authorization(
        creds,
        &Scope {
            amz_date: &amz_date,
            region,
            service: "s3",
        },
        &sigv4::Request {
            method: "HEAD",
            path: &path,
            query: &[],
            headers: &headers,
            payload_hash: EMPTY_SHA256,
        },
    );
    let resp = client
        .head(parsed)
        .header("x-amz-content-sha256", EMPTY_SHA256)
        .header("x-amz-date", &amz_date)
        .header("authorization", auth)
        .send()
        .await
        .map_err(|e| ProbeError::retry(format!("HEAD {url}: {}", error_chain(&e))))?;
    match resp.status().as_u16() {
        200 => Ok(format!("bucket {bucket} reachable (HTTP 200)")),
        404 => Err(ProbeError::retry(format!("bucket {bucket} not found (HTTP 404)"))),
        403 => Err(ProbeError::fatal(format!(
            "access to bucket {bucket} denied (HTTP 403): check SCW_ACCESS_KEY/SCW_SECRET_KEY and the bucket policy"
        ))),
        301 => Err(ProbeError::fatal(format!(
            "bucket {bucket} is in another region (HTTP 301): set MOBI_S3_REGION or fix s3_endpoint"
        ))),
        code => Err(ProbeError::retry(format!("HEAD {url}: HTTP {code}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_comes_from_scaleway_endpoints() {
        assert_eq!(
            region_from_endpoint("https://s3.nl-ams.scw.cloud"),
            "nl-ams"
        );
        assert_eq!(
            region_from_endpoint("https://s3.pl-waw.scw.cloud/"),
            "pl-waw"
        );
        assert_eq!(region_from_endpoint("http://127.0.0.1:9000"), "fr-par");
    }
}
