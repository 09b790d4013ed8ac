//! The sandbox's S3 server: `mobi-tui sandbox serve-s3`, one detached process per env, serving
//! the env's buckets from a folder over TLS on two loopback ports: the S3 API (path-style,
//! `https://127.0.0.1:PORT/<bucket>/<key>`) and the bucket websites
//! (`https://127.0.0.1:WPORT/<bucket>/`, index document for a folder, error document on 404).
//!
//! Why this binary and a hand-written subset rather than moto or the `s3s` crate: the README's
//! job must start the server itself with nothing more installed (moto is a Python package), and
//! `s3s` is a large generated crate (every S3 operation's DTOs) that would add to every cold
//! build for the handful of operations the sandbox needs. hyper, tokio-rustls and the SigV4
//! signer (`checks::sigv4`, tested against AWS's vectors) are already in the tree, so the server
//! costs no new dependency. What it serves: ListBuckets, Create/Head/Delete/ListObjects(V2) on
//! buckets, Put/Get/Head/Delete on objects, with every API request's SigV4 signature checked
//! against the keys the sandbox's `scaleway_iam_api_key` resources issued (`keys.json`, written
//! by the provider), and anonymous reads allowed only where the bucket's ACL or policy makes them
//! public, as on Scaleway. Uploads are taken plain or as the SDKs' default `aws-chunked` with an
//! unsigned checksum trailer, their checksums checked (see [`super::s3_upload`]), and
//! `If-None-Match: *` is honoured atomically, so Terraform's S3 backend (state and its
//! `use_lockfile` lock) works against it; signed streaming and multipart are refused with
//! `NotImplemented` rather than half done.
//!
//! State is re-read from the folder on every request (keys, bucket metadata), so an apply that
//! changes a key, an ACL, a policy or a website configuration takes effect without a restart.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use serde::{Deserialize, Serialize};
use sha2::Digest;

use super::s3_upload;
use crate::checks::sigv4;

/// `serve-s3` arguments: the data folder and the two ports (chosen by the provider, recorded).
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    #[arg(long)]
    pub port: u16,
    #[arg(long)]
    pub website_port: u16,
    /// The server's record: when it is gone (the env forgotten, its folder deleted), the server
    /// exits by itself instead of outliving what started it.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
}

/// How often the server looks for its record.
const RECORD_POLL: std::time::Duration = std::time::Duration::from_secs(2);

/// A bucket's settings as the provider applied them (`buckets/<name>/meta.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketMeta {
    /// Canned ACL (`private`, `public-read`, …).
    #[serde(default)]
    pub acl: String,
    /// The bucket policy's JSON text, if one is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<Website>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Website {
    pub index: String,
    #[serde(default)]
    pub error: Option<String>,
}

pub fn keys_path(dir: &Path) -> PathBuf {
    dir.join("keys.json")
}

pub fn buckets_dir(dir: &Path) -> PathBuf {
    dir.join("buckets")
}

pub fn bucket_dir(dir: &Path, bucket: &str) -> PathBuf {
    buckets_dir(dir).join(bucket)
}

pub fn meta_path(dir: &Path, bucket: &str) -> PathBuf {
    bucket_dir(dir, bucket).join("meta.json")
}

/// An object's file: the key percent-encoded into one file name, so no key escapes its bucket.
pub fn object_path(dir: &Path, bucket: &str, key: &str) -> PathBuf {
    bucket_dir(dir, bucket)
        .join("objects")
        .join(sigv4::uri_encode(key, false))
}

pub fn read_meta(dir: &Path, bucket: &str) -> Option<BucketMeta> {
    let text = std::fs::read_to_string(meta_path(dir, bucket)).ok()?;
    serde_json::from_str(&text).ok()
}

fn read_keys(dir: &Path) -> std::collections::BTreeMap<String, String> {
    std::fs::read_to_string(keys_path(dir))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Whether an anonymous `s3:GetObject` on `bucket` is allowed: a `public-read` ACL, or a policy
/// statement allowing it to principal `*` and no statement denying it (Deny wins, as in IAM).
pub fn public_read(meta: &BucketMeta, bucket: &str) -> bool {
    let Some(policy) = meta.policy.as_deref() else {
        return matches!(meta.acl.as_str(), "public-read" | "public-read-write");
    };
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(policy) else {
        return false;
    };
    let statements = match &doc["Statement"] {
        serde_json::Value::Array(a) => a.clone(),
        s @ serde_json::Value::Object(_) => vec![s.clone()],
        _ => return false,
    };
    let list = |v: &serde_json::Value| -> Vec<String> {
        match v {
            serde_json::Value::String(s) => vec![s.clone()],
            serde_json::Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    };
    let applies = |s: &serde_json::Value| {
        let anyone = s["Principal"] == "*" || list(&s["Principal"]["SCW"]).iter().any(|p| p == "*");
        let action = list(&s["Action"])
            .iter()
            .any(|a| a == "s3:GetObject" || a == "s3:*" || a == "*");
        let resource = list(&s["Resource"]).iter().any(|r| {
            r == &format!("{bucket}/*") || r == "*" || r == &format!("arn:aws:s3:::{bucket}/*")
        });
        anyone && action && resource
    };
    let (mut allow, mut deny) = (false, false);
    for s in statements.iter().filter(|s| applies(s)) {
        match s["Effect"].as_str() {
            Some("Allow") => allow = true,
            Some("Deny") => deny = true,
            _ => {}
        }
    }
    allow && !deny
}

/// `Credential=AK/20260101/fr-par/s3/aws4_request, SignedHeaders=a;b, Signature=hex`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

pub fn parse_authorization(value: &str) -> Option<Authorization> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256")?.trim();
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => signature = Some(v),
            _ => {}
        }
    }
    let c: Vec<&str> = credential?.split('/').collect();
    let [ak, date, region, service, "aws4_request"] = c.as_slice() else {
        return None;
    };
    Some(Authorization {
        access_key: (*ak).to_owned(),
        date: (*date).to_owned(),
        region: (*region).to_owned(),
        service: (*service).to_owned(),
        signed_headers: signed?.split(';').map(str::to_owned).collect(),
        signature: signature?.to_owned(),
    })
}

/// Percent-decoding of one query component (`+` is a literal plus in SigV4 queries).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or(""), 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query_pairs(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Why a signed request is refused: the S3 error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

/// Checks a request's SigV4 header signature against `keys` (access key → secret key).
/// `headers` are the request's (lower-case names); `path` is the raw (encoded) path.
pub fn verify(
    keys: &std::collections::BTreeMap<String, String>,
    method: &str,
    path: &str,
    raw_query: &str,
    headers: &[(String, String)],
) -> Result<String, Refusal> {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let auth = header("authorization")
        .and_then(parse_authorization)
        .ok_or_else(|| Refusal {
            code: "AuthorizationHeaderMalformed",
            message: "the Authorization header is not AWS4-HMAC-SHA256".into(),
        })?;
    let secret = keys.get(&auth.access_key).ok_or_else(|| Refusal {
        code: "InvalidAccessKeyId",
        message: "the access key was not issued by this sandbox's scaleway_iam_api_key".into(),
    })?;
    let amz_date = header("x-amz-date").unwrap_or_default();
    let payload_hash = header("x-amz-content-sha256").unwrap_or("UNSIGNED-PAYLOAD");
    let signed: Vec<(&str, &str)> = auth
        .signed_headers
        .iter()
        .map(|n| (n.as_str(), header(n).unwrap_or_default()))
        .collect();
    let decoded = query_pairs(raw_query);
    let query: Vec<(&str, &str)> = decoded
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let creds = sigv4::Credentials {
        access_key: auth.access_key.clone(),
        secret_key: crate::secret::Secret::new(secret.clone()),
    };
    let expected = sigv4::authorization(
        &creds,
        &sigv4::Scope {
            amz_date,
            region: &auth.region,
            service: &auth.service,
        },
        &sigv4::Request {
            method,
            path,
            query: &query,
            headers: &signed,
            payload_hash,
        },
    );
    let good = expected
        .rsplit_once("Signature=")
        .is_some_and(|(_, s)| s == auth.signature)
        && amz_date.starts_with(&auth.date);
    if good {
        Ok(auth.access_key)
    } else {
        Err(Refusal {
            code: "SignatureDoesNotMatch",
            message:
                "the request signature we calculated does not match the signature you provided"
                    .into(),
        })
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn error(status: StatusCode, code: &str, message: &str) -> Response<Full<Bytes>> {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{}</Message></Error>",
        xml_escape(message)
    );
    Response::builder()
        .status(status)
        .header("content-type", "application/xml")
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_default()
}

fn empty(status: StatusCode) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .body(Full::new(Bytes::new()))
        .unwrap_or_default()
}

fn content_type(key: &str) -> &'static str {
    match key.rsplit('.').next().unwrap_or_default() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn object(method: &Method, path: &Path, key: &str) -> Option<Response<Full<Bytes>>> {
    let bytes = std::fs::read(path).ok()?;
    let etag = format!(
        "\"{}\"",
        hex::encode(sha2::Sha256::digest(&bytes))[..32].to_owned()
    );
    let len = bytes.len();
    let body = if method == Method::HEAD {
        Bytes::new()
    } else {
        Bytes::from(bytes)
    };
    Response::builder()
        .header("content-type", content_type(key))
        .header("content-length", len)
        .header("etag", etag)
        .body(Full::new(body))
        .ok()
}

/// Writes an object whole (a temporary file beside `objects/`, then into place), so a reader
/// never sees half of it. With `only_new`, an existing object wins and nothing is written:
/// `Ok(false)`.
fn put_object(
    dir: &Path,
    bucket: &str,
    object_file: &Path,
    bytes: &[u8],
    only_new: bool,
) -> std::io::Result<bool> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = bucket_dir(dir, bucket).join(format!(".upload-{}-{n}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    let placed = if only_new {
        // link(2) fails when the name exists: the atomic "create if absent".
        match std::fs::hard_link(&tmp, object_file) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        }
    } else {
        std::fs::rename(&tmp, object_file).map(|()| true)
    };
    let _ = std::fs::remove_file(&tmp);
    placed
}

fn list_objects(dir: &Path, bucket: &str, query: &[(String, String)]) -> Response<Full<Bytes>> {
    let prefix = query
        .iter()
        .find(|(k, _)| k == "prefix")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let mut keys: Vec<(String, u64)> = std::fs::read_dir(bucket_dir(dir, bucket).join("objects"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let key = percent_decode(e.file_name().to_str()?);
            let size = e.metadata().ok()?.len();
            Some((key, size))
        })
        .filter(|(k, _)| k.starts_with(prefix))
        .collect();
    keys.sort();
    let contents: String = keys
        .iter()
        .map(|(k, size)| {
            format!(
                "<Contents><Key>{}</Key><Size>{size}</Size><StorageClass>STANDARD</StorageClass></Contents>",
                xml_escape(k)
            )
        })
        .collect();
    let v2 = query.iter().any(|(k, v)| k == "list-type" && v == "2");
    let count = if v2 {
        format!("<KeyCount>{}</KeyCount>", keys.len())
    } else {
        String::new()
    };
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>{}</Name><Prefix>{}</Prefix>{count}<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>{contents}</ListBucketResult>",
        xml_escape(bucket),
        xml_escape(prefix)
    );
    Response::builder()
        .header("content-type", "application/xml")
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_default()
}

fn list_buckets(dir: &Path) -> Response<Full<Bytes>> {
    let mut names: Vec<String> = std::fs::read_dir(buckets_dir(dir))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .collect();
    names.sort();
    let buckets: String = names
        .iter()
        .map(|n| {
            format!(
                "<Bucket><Name>{}</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate></Bucket>",
                xml_escape(n)
            )
        })
        .collect();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>sandbox</ID></Owner><Buckets>{buckets}</Buckets></ListAllMyBucketsResult>"
    );
    Response::builder()
        .header("content-type", "application/xml")
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_default()
}

/// `/bucket/key` (raw, encoded) → (bucket, decoded key).
fn split_path(path: &str) -> (String, String) {
    let p = path.trim_start_matches('/');
    let (b, k) = p.split_once('/').unwrap_or((p, ""));
    (percent_decode(b), percent_decode(k))
}

/// One S3 API request, answered by [`answer`] and logged as one line on stderr (the server's
/// `s3.log`): `PUT /bucket/key 200`, what a user (or a test) reads to see what a client did,
/// Terraform's lock object among it.
async fn api(dir: Arc<PathBuf>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let line = format!("{} {}", req.method(), req.uri().path());
    let resp = answer(dir, req).await;
    // Not eprintln!: a full disk must not panic a request.
    let _ = writeln!(std::io::stderr(), "{line} {}", resp.status().as_u16());
    resp
}

async fn answer(dir: Arc<PathBuf>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let raw_query = req.uri().query().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let signed = header("authorization").is_some();
    if signed {
        if let Err(r) = verify(
            &read_keys(&dir),
            method.as_str(),
            &path,
            &raw_query,
            &headers,
        ) {
            return error(StatusCode::FORBIDDEN, r.code, &r.message);
        }
    }
    let (bucket, key) = split_path(&path);
    let query = query_pairs(&raw_query);
    if bucket.is_empty() {
        return if signed && method == Method::GET {
            list_buckets(&dir)
        } else {
            error(StatusCode::FORBIDDEN, "AccessDenied", "Access Denied")
        };
    }
    let Some(meta) = read_meta(&dir, &bucket) else {
        return if signed && method == Method::PUT && key.is_empty() {
            match std::fs::create_dir_all(bucket_dir(&dir, &bucket).join("objects")) {
                Ok(()) => {
                    let text = serde_json::to_string(&BucketMeta {
                        acl: "private".into(),
                        ..Default::default()
                    })
                    .unwrap_or_default();
                    let _ = std::fs::write(meta_path(&dir, &bucket), text);
                    empty(StatusCode::OK)
                }
                Err(e) => error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "InternalError",
                    &e.to_string(),
                ),
            }
        } else {
            error(
                StatusCode::NOT_FOUND,
                "NoSuchBucket",
                "The specified bucket does not exist",
            )
        };
    };
    if !signed {
        // Anonymous: only reads of objects, and only where the ACL or the policy allows them.
        let read = matches!(method, Method::GET | Method::HEAD) && !key.is_empty();
        if !(read && public_read(&meta, &bucket)) {
            return error(StatusCode::FORBIDDEN, "AccessDenied", "Access Denied");
        }
    }
    if query.iter().any(|(k, _)| k == "uploads" || k == "uploadId") {
        return error(
            StatusCode::NOT_IMPLEMENTED,
            "NotImplemented",
            "the sandbox's S3 server takes single-part uploads only",
        );
    }
    let object_file = object_path(&dir, &bucket, &key);
    match (method.clone(), key.is_empty()) {
        (Method::HEAD, true) => empty(StatusCode::OK),
        (Method::GET, true) => list_objects(&dir, &bucket, &query),
        (Method::PUT, true) => empty(StatusCode::OK),
        (Method::DELETE, true) => {
            let any = std::fs::read_dir(bucket_dir(&dir, &bucket).join("objects"))
                .map(|mut d| d.next().is_some())
                .unwrap_or(false);
            if any {
                return error(
                    StatusCode::CONFLICT,
                    "BucketNotEmpty",
                    "The bucket you tried to delete is not empty",
                );
            }
            let _ = std::fs::remove_dir_all(bucket_dir(&dir, &bucket));
            empty(StatusCode::NO_CONTENT)
        }
        (Method::GET | Method::HEAD, false) => {
            object(&method, &object_file, &key).unwrap_or_else(|| {
                error(
                    StatusCode::NOT_FOUND,
                    "NoSuchKey",
                    "The specified key does not exist.",
                )
            })
        }
        (Method::PUT, false) => {
            let body = match req.into_body().collect().await {
                Ok(b) => b.to_bytes(),
                Err(e) => return error(StatusCode::BAD_REQUEST, "IncompleteBody", &e.to_string()),
            };
            let bytes = match s3_upload::payload(&body, &headers) {
                Ok(b) => b,
                Err(r) => {
                    let status = if r.code == "NotImplemented" {
                        StatusCode::NOT_IMPLEMENTED
                    } else {
                        StatusCode::BAD_REQUEST
                    };
                    return error(status, r.code, &r.message);
                }
            };
            // `If-None-Match: *` (what Terraform's S3 backend sends for its `.tflock`): the
            // write happens only if no object has the key, decided atomically.
            let only_new = header("if-none-match").is_some_and(|v| v.trim() == "*");
            match put_object(&dir, &bucket, &object_file, &bytes, only_new) {
                Ok(true) => empty(StatusCode::OK),
                Ok(false) => error(
                    StatusCode::PRECONDITION_FAILED,
                    "PreconditionFailed",
                    "At least one of the pre-conditions you specified did not hold",
                ),
                Err(e) => error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "InternalError",
                    &e.to_string(),
                ),
            }
        }
        (Method::DELETE, false) => {
            let _ = std::fs::remove_file(&object_file);
            empty(StatusCode::NO_CONTENT)
        }
        _ => error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
        ),
    }
}

/// One website request: `/<bucket>/<key>`, anonymous, as a browser sends it.
async fn website(dir: Arc<PathBuf>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let method = req.method().clone();
    if !matches!(method, Method::GET | Method::HEAD) {
        return error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "website endpoints serve GET and HEAD",
        );
    }
    let (bucket, key) = split_path(req.uri().path());
    let Some(meta) = read_meta(&dir, &bucket) else {
        return error(
            StatusCode::NOT_FOUND,
            "NoSuchBucket",
            "The specified bucket does not exist",
        );
    };
    let Some(site) = meta.website.clone() else {
        return error(
            StatusCode::NOT_FOUND,
            "NoSuchWebsiteConfiguration",
            "The specified bucket does not have a website configuration",
        );
    };
    if !public_read(&meta, &bucket) {
        return error(StatusCode::FORBIDDEN, "AccessDenied", "Access Denied");
    }
    let key = if key.is_empty() || key.ends_with('/') {
        format!("{key}{}", site.index)
    } else {
        key
    };
    if let Some(r) = object(&method, &object_path(&dir, &bucket, &key), &key) {
        return r;
    }
    if let Some(mut r) = site
        .error
        .as_deref()
        .and_then(|e| object(&method, &object_path(&dir, &bucket, e), e))
    {
        *r.status_mut() = StatusCode::NOT_FOUND;
        return r;
    }
    error(
        StatusCode::NOT_FOUND,
        "NoSuchKey",
        "The specified key does not exist.",
    )
}

/// The TLS configuration from the data folder's `server.crt.der` / `server.key.der`.
fn tls_config(dir: &Path) -> Result<Arc<rustls::ServerConfig>, String> {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let cert =
        std::fs::read(dir.join("server.crt.der")).map_err(|e| format!("server.crt.der: {e}"))?;
    let key =
        std::fs::read(dir.join("server.key.der")).map_err(|e| format!("server.key.der: {e}"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert)],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
        )
        .map_err(|e| e.to_string())?;
    Ok(Arc::new(config))
}

type Handler = fn(
    Arc<PathBuf>,
    Request<Incoming>,
) -> futures::future::BoxFuture<'static, Response<Full<Bytes>>>;

async fn accept_loop(
    listener: tokio::net::TcpListener,
    tls: tokio_rustls::TlsAcceptor,
    dir: Arc<PathBuf>,
    handler: Handler,
) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let (tls, dir) = (tls.clone(), dir.clone());
        tokio::spawn(async move {
            let Ok(stream) = tls.accept(tcp).await else {
                return;
            };
            let service = hyper::service::service_fn(move |req| {
                let fut = handler(dir.clone(), req);
                async move { Ok::<_, std::convert::Infallible>(fut.await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Runs the server until SIGTERM or SIGINT; returns the exit code.
pub fn main(args: ServeArgs) -> u8 {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            crate::exit::print_error(format_args!("serve-s3: {e}"));
            return 1;
        }
    };
    rt.block_on(async move {
        let tls = match tls_config(&args.dir) {
            Ok(c) => tokio_rustls::TlsAcceptor::from(c),
            Err(e) => {
                crate::exit::print_error(format_args!("serve-s3: TLS: {e}"));
                return 1;
            }
        };
        let bind = |port: u16| tokio::net::TcpListener::bind(("127.0.0.1", port));
        let (api_l, web_l) = match (bind(args.port).await, bind(args.website_port).await) {
            (Ok(a), Ok(w)) => (a, w),
            (Err(e), _) | (_, Err(e)) => {
                crate::exit::print_error(format_args!(
                    "serve-s3: bind 127.0.0.1:{}/{}: {e}",
                    args.port, args.website_port
                ));
                return 1;
            }
        };
        let dir = Arc::new(args.dir.clone());
        let api_h: Handler = |d, r| Box::pin(api(d, r));
        let web_h: Handler = |d, r| Box::pin(website(d, r));
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(e) => {
                    crate::exit::print_error(format_args!("serve-s3: {e}"));
                    return 1;
                }
            };
        let record = args.record.clone();
        let orphaned = async move {
            let Some(record) = record else {
                return std::future::pending().await;
            };
            while record.exists() {
                tokio::time::sleep(RECORD_POLL).await;
            }
        };
        tokio::select! {
            _ = orphaned => {}
            _ = accept_loop(api_l, tls.clone(), dir.clone(), api_h) => {}
            _ = accept_loop(web_l, tls, dir, web_h) => {}
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(acl: &str, policy: Option<serde_json::Value>) -> BucketMeta {
        BucketMeta {
            acl: acl.into(),
            policy: policy.map(|p| p.to_string()),
            website: None,
        }
    }

    #[test]
    fn public_read_follows_the_acl_then_the_policy() {
        assert!(!public_read(&meta("private", None), "b"));
        assert!(public_read(&meta("public-read", None), "b"));
        let allow = serde_json::json!({"Statement": [
            {"Effect": "Allow", "Principal": {"SCW": ["user_id:x"]}, "Action": ["s3:*"], "Resource": ["b", "b/*"]},
            {"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"], "Resource": ["b/*"]},
        ]});
        assert!(public_read(&meta("private", Some(allow.clone())), "b"));
        assert!(!public_read(&meta("private", Some(allow)), "other"));
        let deny = serde_json::json!({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "b/*"},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "b/*"},
        ]});
        assert!(!public_read(&meta("public-read", Some(deny)), "b"));
        let admins_only = serde_json::json!({"Statement": [
            {"Effect": "Allow", "Principal": {"SCW": ["user_id:x"]}, "Action": ["s3:*"], "Resource": ["b/*"]},
        ]});
        assert!(!public_read(&meta("public-read", Some(admins_only)), "b"));
    }

    fn signed_headers(secret: &str, path: &str, query: &[(&str, &str)]) -> Vec<(String, String)> {
        let amz_date = "20261202T010203Z";
        let headers = [
            ("host", "127.0.0.1:9000"),
            ("x-amz-content-sha256", sigv4::EMPTY_SHA256),
            ("x-amz-date", amz_date),
        ];
        let auth = sigv4::authorization(
            &sigv4::Credentials {
                access_key: "SCWAPPS".into(),
                secret_key: secret.into(),
            },
            &sigv4::Scope {
                amz_date,
                region: "nl-ams",
                service: "s3",
            },
            &sigv4::Request {
                method: "GET",
                path,
                query,
                headers: &headers,
                payload_hash: sigv4::EMPTY_SHA256,
            },
        );
        let mut v: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        v.push(("authorization".into(), auth));
        v
    }

    #[test]
    fn signatures_are_checked_against_the_issued_keys() {
        let keys: std::collections::BTreeMap<String, String> =
            [("SCWAPPS".to_owned(), "right-secret".to_owned())].into();
        let h = signed_headers("right-secret", "/b/a%20b", &[("prefix", "x/y")]);
        assert_eq!(
            verify(&keys, "GET", "/b/a%20b", "prefix=x%2Fy", &h),
            Ok("SCWAPPS".into())
        );
        // Another query than the one signed.
        assert_eq!(
            verify(&keys, "GET", "/b/a%20b", "prefix=z", &h)
                .unwrap_err()
                .code,
            "SignatureDoesNotMatch"
        );
        let wrong = signed_headers("wrong-secret", "/b", &[]);
        assert_eq!(
            verify(&keys, "GET", "/b", "", &wrong).unwrap_err().code,
            "SignatureDoesNotMatch"
        );
        assert_eq!(
            verify(&Default::default(), "GET", "/b", "", &wrong)
                .unwrap_err()
                .code,
            "InvalidAccessKeyId"
        );
    }

    #[test]
    fn authorization_parses_and_paths_stay_in_their_bucket() {
        let a = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=AK/20260101/fr-par/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab",
        )
        .unwrap();
        assert_eq!(
            (
                a.access_key.as_str(),
                a.region.as_str(),
                a.signed_headers.len()
            ),
            ("AK", "fr-par", 2)
        );
        assert!(parse_authorization("AWS AK:sig").is_none());
        assert_eq!(split_path("/b/dir/x%2By"), ("b".into(), "dir/x+y".into()));
        let p = object_path(Path::new("/d"), "b", "../../etc/passwd");
        assert_eq!(p.parent().unwrap(), Path::new("/d/buckets/b/objects"));
        assert_eq!(percent_decode("a%2Fb%zz%4"), "a/b%zz%4");
    }
}
