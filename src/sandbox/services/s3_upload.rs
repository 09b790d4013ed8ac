//! The body of a PutObject as AWS SDKs send it, for the sandbox's S3 server: pure functions,
//! no IO.
//!
//! Since 2025 the AWS SDKs, Go's among them (so Terraform's S3 backend), send a single-part
//! upload as `aws-chunked` with an unsigned trailer by default: `x-amz-content-sha256:
//! STREAMING-UNSIGNED-PAYLOAD-TRAILER`, `x-amz-decoded-content-length: N`, `x-amz-trailer:
//! x-amz-checksum-crc32`, and a body of `<hex size>\r\n<bytes>\r\n` chunks ended by a `0\r\n`
//! chunk, the trailer lines (`x-amz-checksum-crc32:<base64>`) and an empty line. Scaleway's
//! Object Storage accepts these and checks the checksum, so the sandbox does the same: a body
//! that does not match its checksum or length is refused, as it would be there.
//!
//! Signed streaming (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`, a signature per chunk) is not taken:
//! no client the sandbox serves sends it, and half-checking signatures would be worse than a
//! clear refusal.

use base64::Engine as _;
use sha2::Digest as _;

/// The `x-amz-content-sha256` value of an aws-chunked body with an unsigned trailer.
pub const UNSIGNED_TRAILER: &str = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

/// Why an upload's body is refused: the S3 error code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadBody {
    pub code: &'static str,
    pub message: String,
}

fn bad(code: &'static str, message: impl Into<String>) -> BadBody {
    BadBody {
        code,
        message: message.into(),
    }
}

/// An aws-chunked body decoded: the object's bytes and the trailer lines (lower-case names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunked {
    pub payload: Vec<u8>,
    pub trailers: Vec<(String, String)>,
}

/// Decodes an aws-chunked body (chunk extensions after `;` are skipped).
pub fn decode_chunked(body: &[u8]) -> Result<Chunked, BadBody> {
    let incomplete = |what: &str| bad("IncompleteBody", format!("aws-chunked body: {what}"));
    let mut payload = Vec::with_capacity(body.len());
    let mut rest = body;
    loop {
        let end = find_crlf(rest).ok_or_else(|| incomplete("a chunk size line has no CRLF"))?;
        let line = std::str::from_utf8(&rest[..end])
            .map_err(|_| incomplete("a chunk size line is not text"))?;
        let size_hex = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| incomplete(&format!("chunk size {size_hex:?} is not hexadecimal")))?;
        rest = &rest[end + 2..];
        if size == 0 {
            break;
        }
        if rest.len() < size + 2 || &rest[size..size + 2] != b"\r\n" {
            return Err(incomplete("a chunk is shorter than its size"));
        }
        payload.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
    let mut trailers = Vec::new();
    loop {
        let Some(end) = find_crlf(rest) else {
            // The closing empty line may be missing at the very end; what is left is one line.
            if !rest.is_empty() {
                trailers.push(trailer_line(rest).ok_or_else(|| incomplete("bad trailer line"))?);
            }
            break;
        };
        if end == 0 {
            break;
        }
        trailers.push(trailer_line(&rest[..end]).ok_or_else(|| incomplete("bad trailer line"))?);
        rest = &rest[end + 2..];
    }
    Ok(Chunked { payload, trailers })
}

fn find_crlf(b: &[u8]) -> Option<usize> {
    b.windows(2).position(|w| w == b"\r\n")
}

fn trailer_line(line: &[u8]) -> Option<(String, String)> {
    let text = std::str::from_utf8(line).ok()?;
    let (name, value) = text.split_once(':')?;
    Some((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
}

/// Checks every `x-amz-checksum-<algorithm>` among `fields` (request headers or trailers)
/// against `payload`. An algorithm the sandbox cannot compute is refused by name rather than
/// let through unchecked.
pub fn check_checksums(payload: &[u8], fields: &[(String, String)]) -> Result<(), BadBody> {
    for (name, value) in fields {
        let Some(algorithm) = name.strip_prefix("x-amz-checksum-") else {
            continue;
        };
        if algorithm == "type" || algorithm == "algorithm" {
            continue;
        }
        let computed = match algorithm {
            "crc32" => crc32fast::hash(payload).to_be_bytes().to_vec(),
            "crc32c" => crc32c(payload).to_be_bytes().to_vec(),
            "sha256" => sha2::Sha256::digest(payload).to_vec(),
            other => {
                return Err(bad(
                    "NotImplemented",
                    format!(
                        "the sandbox's S3 server checks crc32, crc32c and sha256 checksums, not {other}"
                    ),
                ))
            }
        };
        let expected = base64::engine::general_purpose::STANDARD.encode(&computed);
        if expected != *value {
            return Err(bad(
                "BadDigest",
                format!("the {algorithm} checksum you specified did not match what we received"),
            ));
        }
    }
    Ok(())
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit: uploads here are state
/// files and small objects, and no crate in the tree computes it.
pub fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The object's bytes of a PutObject: `body` as received, decoded when it is aws-chunked, its
/// length and checksums checked. `headers` are the request's (lower-case names).
pub fn payload(body: &[u8], headers: &[(String, String)]) -> Result<Vec<u8>, BadBody> {
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let content_sha = header("x-amz-content-sha256").unwrap_or_default();
    if content_sha == UNSIGNED_TRAILER {
        let chunked = decode_chunked(body)?;
        if let Some(n) = header("x-amz-decoded-content-length") {
            if n.trim().parse::<usize>().ok() != Some(chunked.payload.len()) {
                return Err(bad(
                    "IncompleteBody",
                    format!(
                        "x-amz-decoded-content-length is {n} but the chunks hold {} bytes",
                        chunked.payload.len()
                    ),
                ));
            }
        }
        let declared = header("x-amz-trailer")
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !declared.is_empty() && !chunked.trailers.iter().any(|(k, _)| *k == declared) {
            return Err(bad(
                "IncompleteBody",
                format!("the trailer {declared} that x-amz-trailer announced is missing"),
            ));
        }
        check_checksums(&chunked.payload, headers)?;
        check_checksums(&chunked.payload, &chunked.trailers)?;
        return Ok(chunked.payload);
    }
    if content_sha.starts_with("STREAMING-") {
        return Err(bad(
            "NotImplemented",
            format!("the sandbox's S3 server takes plain bodies and {UNSIGNED_TRAILER}, not {content_sha}"),
        ));
    }
    if content_sha.len() == 64 && hex::encode(sha2::Sha256::digest(body)) != content_sha {
        return Err(bad(
            "XAmzContentSHA256Mismatch",
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
        ));
    }
    check_checksums(body, headers)?;
    Ok(body.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    fn chunked(parts: &[&[u8]], trailer: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for p in parts {
            out.extend_from_slice(format!("{:x}\r\n", p.len()).as_bytes());
            out.extend_from_slice(p);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("0\r\n{trailer}\r\n\r\n").as_bytes());
        out
    }

    fn headers(h: &[(&str, String)]) -> Vec<(String, String)> {
        h.iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    #[test]
    fn crc_vectors() {
        // The standard check values of both polynomials for "123456789".
        assert_eq!(crc32fast::hash(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
    }

    #[test]
    fn an_unsigned_trailer_upload_decodes_and_its_crc32_is_checked() {
        let data = b"{\"version\": 4}\n";
        let crc = b64(&crc32fast::hash(data).to_be_bytes());
        let body = chunked(
            &[&data[..5], &data[5..]],
            &format!("x-amz-checksum-crc32:{crc}"),
        );
        let h = [
            ("x-amz-content-sha256", UNSIGNED_TRAILER.to_owned()),
            ("x-amz-decoded-content-length", data.len().to_string()),
            ("x-amz-trailer", "x-amz-checksum-crc32".to_owned()),
        ];
        assert_eq!(payload(&body, &headers(&h)).unwrap(), data);

        let tampered = chunked(
            &[b"{\"version\": 5}\n"],
            &format!("x-amz-checksum-crc32:{crc}"),
        );
        assert_eq!(
            payload(&tampered, &headers(&h)).unwrap_err().code,
            "BadDigest"
        );
        let short = [
            ("x-amz-content-sha256", UNSIGNED_TRAILER.to_owned()),
            ("x-amz-decoded-content-length", "3".to_owned()),
        ];
        assert_eq!(
            payload(&body, &headers(&short)).unwrap_err().code,
            "IncompleteBody"
        );
        let missing = chunked(&[data], "");
        assert_eq!(
            payload(&missing, &headers(&h)).unwrap_err().code,
            "IncompleteBody",
            "the announced trailer is absent"
        );
    }

    #[test]
    fn a_truncated_chunk_is_refused() {
        let mut body = chunked(&[b"abcdef"], "x-amz-checksum-crc32:AAAAAA==");
        body.truncate(7);
        assert_eq!(decode_chunked(&body).unwrap_err().code, "IncompleteBody");
        assert_eq!(
            decode_chunked(b"zz\r\nab\r\n0\r\n\r\n").unwrap_err().code,
            "IncompleteBody"
        );
    }

    #[test]
    fn plain_bodies_keep_the_sha256_check_and_signed_streaming_is_refused() {
        let h = [(
            "x-amz-content-sha256",
            hex::encode(sha2::Sha256::digest(b"x")),
        )];
        assert_eq!(payload(b"x", &headers(&h)).unwrap(), b"x");
        assert_eq!(
            payload(b"y", &headers(&h)).unwrap_err().code,
            "XAmzContentSHA256Mismatch"
        );
        let signed = [(
            "x-amz-content-sha256",
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD".to_owned(),
        )];
        assert_eq!(
            payload(b"x", &headers(&signed)).unwrap_err().code,
            "NotImplemented"
        );
        let header_crc = [
            ("x-amz-content-sha256", "UNSIGNED-PAYLOAD".to_owned()),
            (
                "x-amz-checksum-crc32c",
                b64(&crc32c(b"hello").to_be_bytes()),
            ),
        ];
        assert_eq!(payload(b"hello", &headers(&header_crc)).unwrap(), b"hello");
        assert_eq!(
            payload(b"hellO", &headers(&header_crc)).unwrap_err().code,
            "BadDigest"
        );
        let unknown = [("x-amz-checksum-sha1", "x".to_owned())];
        assert_eq!(
            payload(b"x", &headers(&unknown)).unwrap_err().code,
            "NotImplemented"
        );
    }
}
