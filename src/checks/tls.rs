//! TLS for the direct probes (PostgreSQL and Redis), with the modes libpq users already know.
//!
//! Scaleway's managed PostgreSQL and Redis present certificates signed by a per-instance CA, not
//! one from the public web PKI, so the default here matches libpq's `sslmode=require`: the link
//! is encrypted but the certificate is not checked. `verify-full` checks the chain and the host
//! name against a CA file the operator downloads (`MOBI_DATABASE_CA_FILE` / `MOBI_REDIS_CA_FILE`),
//! or against the public roots when none is given.

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use rustls::client::danger::{ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, RootCertStore};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_rustls::TlsConnector;

/// How a direct probe protects its connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain TCP (local tests, or a target reached over a trusted private network only).
    Disable,
    /// Encrypted, certificate not verified (libpq's `require`).
    Require,
    /// Encrypted, chain and host name verified against `ca_file`, or the public roots.
    VerifyFull { ca_file: Option<PathBuf> },
}

impl TlsMode {
    /// Reads libpq-style names; `None` for an unknown word so the caller can name the variable.
    pub fn parse(word: &str, ca_file: Option<PathBuf>) -> Option<Self> {
        match word.trim().to_ascii_lowercase().as_str() {
            "disable" | "0" | "false" | "off" | "no" => Some(Self::Disable),
            "require" | "prefer" | "allow" | "1" | "true" | "on" | "yes" => Some(Self::Require),
            "verify-full" | "verify-ca" | "verify" => Some(Self::VerifyFull { ca_file }),
            _ => None,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Disable => "plain",
            Self::Require => "tls",
            Self::VerifyFull { .. } => "tls verified",
        }
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn roots(ca_file: Option<&Path>) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let pem = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            for cert in CertificateDer::pem_slice_iter(&pem) {
                let cert = cert.map_err(|e| format!("{}: {e}", path.display()))?;
                store
                    .add(cert)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
            if store.is_empty() {
                return Err(format!("{}: no PEM certificate found", path.display()));
            }
        }
        None => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    Ok(store)
}

/// A rustls client configuration for the mode; `None` for [`TlsMode::Disable`].
pub fn client_config(mode: &TlsMode) -> Result<Option<Arc<ClientConfig>>, String> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let config = match mode {
        TlsMode::Disable => return Ok(None),
        TlsMode::Require => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCert(provider())))
            .with_no_client_auth(),
        TlsMode::VerifyFull { ca_file } => builder
            .with_root_certificates(roots(ca_file.as_deref())?)
            .with_no_client_auth(),
    };
    Ok(Some(Arc::new(config)))
}

/// Accepts any certificate but still checks the handshake signatures, as libpq's `require` does.
#[derive(Debug)]
struct AcceptAnyCert(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    crate::tls::verify_signatures_with!(0);
}

/// Wraps a TCP stream in TLS for `host`.
pub async fn connect<S>(
    config: Arc<ClientConfig>,
    host: &str,
    stream: S,
) -> io::Result<tokio_rustls::client::TlsStream<S>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let name = ServerName::try_from(host.to_string())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    TlsConnector::from(config).connect(name, stream).await
}

/// tokio-postgres' TLS hooks over rustls, so `sslmode` works without another dependency.
#[derive(Clone)]
pub struct PgTls(pub Arc<ClientConfig>);

impl<S> tokio_postgres::tls::MakeTlsConnect<S> for PgTls
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = PgTlsStream<S>;
    type TlsConnect = PgTlsConnect;
    type Error = io::Error;

    fn make_tls_connect(&mut self, domain: &str) -> io::Result<PgTlsConnect> {
        Ok(PgTlsConnect {
            config: self.0.clone(),
            domain: domain.to_string(),
        })
    }
}

pub struct PgTlsConnect {
    config: Arc<ClientConfig>,
    domain: String,
}

impl<S> tokio_postgres::tls::TlsConnect<S> for PgTlsConnect
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Stream = PgTlsStream<S>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<PgTlsStream<S>>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        Box::pin(async move {
            let tls = connect(self.config, &self.domain, stream).await?;
            Ok(PgTlsStream(tls))
        })
    }
}

pub struct PgTlsStream<S>(tokio_rustls::client::TlsStream<S>);

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for PgTlsStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for PgTlsStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> tokio_postgres::tls::TlsStream for PgTlsStream<S> {
    fn channel_binding(&self) -> tokio_postgres::tls::ChannelBinding {
        // No channel binding: SCRAM then runs without `-PLUS`, which every server accepts.
        tokio_postgres::tls::ChannelBinding::none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_like_libpq() {
        assert_eq!(TlsMode::parse("disable", None), Some(TlsMode::Disable));
        assert_eq!(TlsMode::parse("0", None), Some(TlsMode::Disable));
        assert_eq!(TlsMode::parse("require", None), Some(TlsMode::Require));
        assert_eq!(
            TlsMode::parse("verify-full", None),
            Some(TlsMode::VerifyFull { ca_file: None })
        );
        assert_eq!(TlsMode::parse("sometimes", None), None);
    }

    #[test]
    fn configs_build() {
        assert!(client_config(&TlsMode::Disable).unwrap().is_none());
        assert!(client_config(&TlsMode::Require).unwrap().is_some());
        assert!(client_config(&TlsMode::VerifyFull { ca_file: None })
            .unwrap()
            .is_some());
        let err = client_config(&TlsMode::VerifyFull {
            ca_file: Some("/nonexistent/ca.pem".into()),
        })
        .unwrap_err();
        assert!(err.contains("/nonexistent/ca.pem"));
    }
}
