//! Plugin mode: the go-plugin handshake, AutoMTLS, and the gRPC server.
//!
//! Terraform starts a provider as a child process with `TF_PLUGIN_MAGIC_COOKIE` and (AutoMTLS)
//! `PLUGIN_CLIENT_CERT` set, and reads one line from its stdout:
//! `1|6|tcp|127.0.0.1:PORT|grpc|<base64 DER server cert, no padding>`. It then connects over TLS,
//! presenting the client certificate it put in the environment, and trusts exactly the server
//! certificate from that line.
//!
//! Why a hand-built rustls configuration instead of tonic's `ServerTlsConfig`: go-plugin's client
//! certificate is a self-signed *CA* certificate on a P-521 key. webpki refuses a CA certificate
//! as an end-entity, and ring cannot verify P-521 signatures. So the verifier here pins the exact
//! certificate bytes from `PLUGIN_CLIENT_CERT` (which is what "trust that client cert" means) and
//! verifies the handshake signatures with the aws-lc-rs provider, which supports P-521.
//!
//! AutoMTLS is behind the `plugin-mtls` cargo feature: the sandbox always runs Terraform with
//! `TF_DISABLE_PLUGIN_TLS=1` (Terraform's own switch, used by HashiCorp's plugin test harness), so
//! a default build serves plain gRPC on loopback and leaves aws-lc-rs and its C build out. A
//! default build that is asked for AutoMTLS anyway says how to get either mode, instead of
//! failing the handshake obscurely.

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use magma_protocol::tfplugin6::provider_server::ProviderServer;
use tokio::net::TcpListener;

use super::catalog::{self, ProviderInfo};
use super::controller::ControllerServer;
use super::provider::SandboxProvider;
use super::SandboxError;

/// Environment variable naming the provider to serve, for when `argv[0]` cannot say it.
pub const PROVIDER_ENV: &str = "MOBI_SANDBOX_PROVIDER";
/// Simulated apply latency in milliseconds.
pub const LATENCY_ENV: &str = "MOBI_SANDBOX_LATENCY_MS";

/// Serves a stand-in provider if Terraform launched this process as one; `None` otherwise.
///
/// Called first thing in `main`, so the same binary is both mobi-tui and its providers: the
/// filesystem mirror only has to hold links to `current_exe()`.
pub fn run_as_plugin_if_launched() -> Option<ExitCode> {
    std::env::var_os("TF_PLUGIN_MAGIC_COOKIE")?;
    let from_env = std::env::var(PROVIDER_ENV).ok().filter(|s| !s.is_empty());
    let argv0 = std::env::args_os().next().unwrap_or_default();
    let file_name = std::path::Path::new(&argv0)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let type_name = match from_env {
        Some(t) => t,
        None => catalog::type_from_plugin_file_name(&file_name)?.to_owned(),
    };
    let Some(info) = catalog::find(&type_name) else {
        eprintln!("mobi-tui sandbox: no stand-in for provider {type_name:?}");
        return Some(ExitCode::FAILURE);
    };
    Some(match serve(info) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mobi-tui sandbox: {e}");
            ExitCode::FAILURE
        }
    })
}

fn latency_from_env() -> Duration {
    std::env::var(LATENCY_ENV)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or_default()
}

/// Runs the provider server until Terraform asks it to shut down.
pub fn serve(info: &'static ProviderInfo) -> Result<(), SandboxError> {
    // Terraform forwards Ctrl-C to its whole process group and then stops providers through the
    // protocol; a provider killed by the signal would fail the run instead of letting it stop
    // cleanly (go-plugin servers ignore SIGINT for the same reason).
    // SAFETY: installing SIG_IGN has no handler code that could be unsound.
    unsafe {
        let _ = nix::sys::signal::signal(
            nix::sys::signal::Signal::SIGINT,
            nix::sys::signal::SigHandler::SigIgn,
        );
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| SandboxError::Plugin(format!("cannot start the runtime: {e}")))?;
    rt.block_on(serve_async(info))
}

async fn serve_async(info: &'static ProviderInfo) -> Result<(), SandboxError> {
    let plugin_err =
        |what: &str, e: &dyn std::fmt::Display| SandboxError::Plugin(format!("{what}: {e}"));
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|e| plugin_err("cannot listen on 127.0.0.1", &e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| plugin_err("no local address", &e))?;

    let (shutdown_tx, mut shutdown_rx) = tokio::sync::watch::channel(false);
    // Once Terraform has asked it to stop (after its last answer), the process exits promptly
    // instead of waiting out the HTTP/2 graceful close: Terraform launches each provider several
    // times per command, one after the other, so tens of milliseconds per exit add up.
    let mut exit_rx = shutdown_tx.subscribe();
    tokio::spawn(async move {
        if exit_rx.wait_for(|stop| *stop).await.is_ok() {
            tokio::time::sleep(Duration::from_millis(5)).await;
            std::process::exit(0);
        }
    });
    let provider = SandboxProvider::new(info, latency_from_env());
    let router = tonic::transport::Server::builder()
        .add_service(ProviderServer::new(provider))
        .add_service(ControllerServer::new(shutdown_tx));
    let shutdown = async move {
        let _ = shutdown_rx.wait_for(|stop| *stop).await;
    };

    let client_cert = std::env::var("PLUGIN_CLIENT_CERT")
        .ok()
        .filter(|s| !s.trim().is_empty());
    match client_cert {
        #[cfg(not(feature = "plugin-mtls"))]
        Some(_) => Err(SandboxError::Plugin(NO_MTLS.into())),
        #[cfg(feature = "plugin-mtls")]
        Some(pem) => mtls::serve(listener, router, shutdown, &pem).await,
        None => {
            // No AutoMTLS (a client with it disabled): plain gRPC on loopback.
            handshake(&format!("1|6|tcp|{addr}|grpc"))?;
            let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
            router
                .serve_with_incoming_shutdown(incoming, shutdown)
                .await
                .map_err(|e| plugin_err("gRPC server failed", &e))
        }
    }
}

/// What a default build says when Terraform asks for AutoMTLS.
#[cfg(not(feature = "plugin-mtls"))]
pub const NO_MTLS: &str = "Terraform asked for AutoMTLS (PLUGIN_CLIENT_CERT is set) but this build serves stand-in providers over plain gRPC on loopback: run Terraform with TF_DISABLE_PLUGIN_TLS=1 (mobi-tui's sandbox does), or build mobi-tui with --features plugin-mtls";

fn handshake(line: &str) -> Result<(), SandboxError> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| SandboxError::Plugin(format!("cannot write the handshake: {e}")))
}

/// go-plugin's AutoMTLS: see the module documentation.
#[cfg(feature = "plugin-mtls")]
mod mtls {
    use std::sync::Arc;

    use base64::Engine as _;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
    use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
    use rustls::DistinguishedName;
    use tokio::net::TcpListener;
    use tokio_stream::wrappers::ReceiverStream;

    use super::{handshake, SandboxError};

    /// Serves `router` over TLS pinned to Terraform's client certificate `pem`.
    pub(super) async fn serve(
        listener: TcpListener,
        router: tonic::transport::server::Router,
        shutdown: impl std::future::Future<Output = ()>,
        pem: &str,
    ) -> Result<(), SandboxError> {
        let plugin_err =
            |what: &str, e: &dyn std::fmt::Display| SandboxError::Plugin(format!("{what}: {e}"));
        let addr = listener
            .local_addr()
            .map_err(|e| plugin_err("no local address", &e))?;
        let client_der = CertificateDer::from_pem_slice(pem.as_bytes())
            .map(|c| c.to_vec())
            .map_err(|_| {
                SandboxError::Plugin("PLUGIN_CLIENT_CERT holds no PEM certificate".into())
            })?;
        let cert = crate::tls::self_signed(&["localhost"])
            .map_err(|e| plugin_err("cannot generate the server certificate", &e))?;
        let server_der = cert.cert.der().to_vec();
        let tls = tls_config(
            server_der.clone(),
            cert.key_pair.serialize_der(),
            client_der,
        )?;
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
        let (tx, rx) = tokio::sync::mpsc::channel(16);
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    // A failed handshake (wrong client) just drops that connection.
                    if let Ok(tls) = acceptor.accept(tcp).await {
                        let _ = tx.send(Ok::<_, std::io::Error>(tls)).await;
                    }
                });
            }
        });
        let cert_b64 = base64::engine::general_purpose::STANDARD_NO_PAD.encode(&server_der);
        handshake(&format!("1|6|tcp|{addr}|grpc|{cert_b64}"))?;
        router
            .serve_with_incoming_shutdown(ReceiverStream::new(rx), shutdown)
            .await
            .map_err(|e| plugin_err("gRPC server failed", &e))
    }

    fn tls_config(
        server_der: Vec<u8>,
        key_der: Vec<u8>,
        client_der: Vec<u8>,
    ) -> Result<rustls::ServerConfig, SandboxError> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let verifier = Arc::new(PinnedClientCert {
            cert: client_der,
            provider: provider.clone(),
        });
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| SandboxError::Plugin(format!("TLS setup: {e}")))?
            .with_client_cert_verifier(verifier)
            .with_single_cert(
                vec![CertificateDer::from(server_der)],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_der)),
            )
            .map_err(|e| SandboxError::Plugin(format!("TLS setup: {e}")))?;
        // gRPC-Go insists on ALPN h2.
        config.alpn_protocols = vec![b"h2".to_vec()];
        Ok(config)
    }

    /// Accepts exactly one client certificate, byte for byte, and checks the handshake
    /// signatures against it.
    #[derive(Debug)]
    struct PinnedClientCert {
        cert: Vec<u8>,
        provider: Arc<rustls::crypto::CryptoProvider>,
    }

    impl ClientCertVerifier for PinnedClientCert {
        fn root_hint_subjects(&self) -> &[DistinguishedName] {
            &[]
        }

        fn verify_client_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            _intermediates: &[CertificateDer<'_>],
            _now: UnixTime,
        ) -> Result<ClientCertVerified, rustls::Error> {
            if end_entity.as_ref() == self.cert.as_slice() {
                Ok(ClientCertVerified::assertion())
            } else {
                Err(rustls::Error::General(
                    "client certificate is not Terraform's".into(),
                ))
            }
        }

        crate::tls::verify_signatures_with!(provider);
    }
}
