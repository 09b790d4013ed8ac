//! AWS Signature Version 4, as Scaleway Object Storage accepts it.
//!
//! Written here rather than pulled in from an SDK: the smoke checks only need to sign a handful of
//! header-signed requests (HeadBucket), and the whole AWS SDK would dwarf the rest of the binary.
//! Pure functions only, so the signature is tested against AWS's published test vectors.

use hmac::{Hmac, KeyInit as _, Mac};
use sha2::{Digest, Sha256};

use crate::secret::Secret;

type HmacSha256 = Hmac<Sha256>;

/// SHA-256 of the empty payload, the usual `x-amz-content-sha256` of a body-less request.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The keys that sign; the secret key is a [`Secret`], so it never reaches a log.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub access_key: String,
    pub secret_key: Secret,
}

/// One request to sign. `headers` must include `host` and `x-amz-date`; names are lower-cased
/// and sorted here, values trimmed.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub method: &'a str,
    /// Already URI-encoded path (`/bucket/key`).
    pub path: &'a str,
    /// Query parameters, not encoded.
    pub query: &'a [(&'a str, &'a str)],
    pub headers: &'a [(&'a str, &'a str)],
    /// Hex SHA-256 of the body (or `UNSIGNED-PAYLOAD`).
    pub payload_hash: &'a str,
}

/// Where and when: `20150830T123600Z`, region, service.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    pub amz_date: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

impl Scope<'_> {
    fn date(&self) -> &str {
        self.amz_date.get(..8).unwrap_or(self.amz_date)
    }
    fn credential_scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date(),
            self.region,
            self.service
        )
    }
}

/// Percent-encodes per RFC 3986 as SigV4 wants: unreserved characters pass, the rest is `%XX`.
pub fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn sorted_headers(headers: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| {
            let value = v.split_whitespace().collect::<Vec<_>>().join(" ");
            (k.to_ascii_lowercase(), value)
        })
        .collect();
    v.sort();
    v
}

/// The `SignedHeaders` value: lower-cased names, sorted, `;`-joined.
pub fn signed_headers(headers: &[(&str, &str)]) -> String {
    sorted_headers(headers)
        .into_iter()
        .map(|(k, _)| k)
        .collect::<Vec<_>>()
        .join(";")
}

/// Step 1 of SigV4: the canonical request.
pub fn canonical_request(req: &Request<'_>) -> String {
    let mut query: Vec<(String, String)> = req
        .query
        .iter()
        .map(|(k, v)| (uri_encode(k, false), uri_encode(v, false)))
        .collect();
    query.sort();
    let query = query
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let headers: String = sorted_headers(req.headers)
        .into_iter()
        .map(|(k, v)| format!("{k}:{v}\n"))
        .collect();
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        if req.path.is_empty() { "/" } else { req.path },
        query,
        headers,
        signed_headers(req.headers),
        req.payload_hash
    )
}

/// Step 2: the string to sign.
pub fn string_to_sign(scope: &Scope<'_>, canonical_request: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256\n{}\n{}\n{}",
        scope.amz_date,
        scope.credential_scope(),
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here; the fallback keeps
    // the function total without a panic path.
    match HmacSha256::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// Step 3: the signing key, derived from the secret, the date, the region and the service.
pub fn signing_key(secret_key: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k_date = hmac(format!("AWS4{secret_key}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// Steps 1–4: the value of the `Authorization` header.
pub fn authorization(creds: &Credentials, scope: &Scope<'_>, req: &Request<'_>) -> String {
    let canonical = canonical_request(req);
    let sts = string_to_sign(scope, &canonical);
    let key = signing_key(
        creds.secret_key.expose(),
        scope.date(),
        scope.region,
        scope.service,
    );
    let signature = hex::encode(hmac(&key, sts.as_bytes()));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}",
        creds.access_key,
        scope.credential_scope(),
        signed_headers(req.headers),
        signature
    )
}

/// `YYYYMMDDTHHMMSSZ` for a UTC timestamp.
pub fn amz_date(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `get-vanilla` from AWS's Signature Version 4 test suite.
    #[test]
    fn aws_test_suite_get_vanilla() {
        let creds = Credentials {
            access_key: "AKIDEXAMPLE".into(),
            secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        };
        let scope = Scope {
            amz_date: "20150830T123600Z",
            region: "us-east-1",
            service: "service",
        };
        let headers = [
            ("Host", "example.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
        ];
        let req = Request {
            method: "GET",
            path: "/",
            query: &[],
            headers: &headers,
            payload_hash: EMPTY_SHA256,
        };
        assert_eq!(
            canonical_request(&req),
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            authorization(&creds, &scope, &req),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    /// The "GET Object" example of the S3 SigV4 header-signing documentation.
    #[test]
    fn s3_documented_get_object_example() {
        let creds = Credentials {
            access_key: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
        };
        let scope = Scope {
            amz_date: "20130524T000000Z",
            region: "us-east-1",
            service: "s3",
        };
        let headers = [
            ("Host", "examplebucket.s3.amazonaws.com"),
            ("Range", "bytes=0-9"),
            ("x-amz-content-sha256", EMPTY_SHA256),
            ("x-amz-date", "20130524T000000Z"),
        ];
        let req = Request {
            method: "GET",
            path: "/test.txt",
            query: &[],
            headers: &headers,
            payload_hash: EMPTY_SHA256,
        };
        assert_eq!(
            authorization(&creds, &scope, &req),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
             SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
             Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    /// The signing-key example of the SigV4 documentation ("Deriving the signing key").
    #[test]
    fn documented_signing_key() {
        let key = signing_key(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20120215",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            hex::encode(key),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }

    #[test]
    fn query_is_encoded_and_sorted() {
        let headers = [("host", "h"), ("x-amz-date", "20150830T123600Z")];
        let req = Request {
            method: "GET",
            path: "/",
            query: &[("prefix", "a b/c"), ("list-type", "2")],
            headers: &headers,
            payload_hash: EMPTY_SHA256,
        };
        let c = canonical_request(&req);
        assert!(c.contains("\nlist-type=2&prefix=a%20b%2Fc\n"), "{c}");
    }

    #[test]
    fn debug_hides_the_secret() {
        let creds = Credentials {
            access_key: "AK".into(),
            secret_key: "s3cr3t".into(),
        };
        assert!(!format!("{creds:?}").contains("s3cr3t"));
    }

    #[test]
    fn amz_date_format() {
        let t = time::OffsetDateTime::from_unix_timestamp(1_440_938_160).unwrap();
        assert_eq!(amz_date(t), "20150830T123600Z");
    }
}
