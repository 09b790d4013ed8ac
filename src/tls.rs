//! The TLS pieces shared by the sandbox's servers (the stand-in providers' AutoMTLS, the local
//! PostgreSQL and Redis) and the smoke checks' clients, so each exists once: a self-signed
//! certificate for a local server, and the handshake-signature checks every custom rustls
//! verifier needs. A verifier decides whom it trusts on its own; the signatures of the
//! handshake are always checked, with the crypto provider's algorithms.

/// A self-signed certificate for `names` (host names or IP addresses), with its key pair.
pub fn self_signed(names: &[&str]) -> Result<rcgen::CertifiedKey, rcgen::Error> {
    rcgen::generate_simple_self_signed(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
}

/// Writes the three signature methods of a rustls `ServerCertVerifier` or `ClientCertVerifier`
/// (`verify_tls12_signature`, `verify_tls13_signature`, `supported_verify_schemes`), checking
/// against the `CryptoProvider` held in the field `self.$provider`.
macro_rules! verify_signatures_with {
    ($provider:tt) => {
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &rustls::pki_types::CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(
                message,
                cert,
                dss,
                &self.$provider.signature_verification_algorithms,
            )
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &rustls::pki_types::CertificateDer<'_>,
            dss: &rustls::DigitallySignedStruct,
        ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(
                message,
                cert,
                dss,
                &self.$provider.signature_verification_algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
            self.$provider
                .signature_verification_algorithms
                .supported_schemes()
        }
    };
}
pub(crate) use verify_signatures_with;

#[cfg(test)]
mod tests {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;

    #[test]
    fn self_signed_pem_reads_back_as_its_der() {
        let c = super::self_signed(&["localhost"]).unwrap();
        let der = CertificateDer::from_pem_slice(c.cert.pem().as_bytes()).unwrap();
        assert_eq!(der.as_ref(), c.cert.der().as_ref());
        assert!(CertificateDer::from_pem_slice(b"nothing").is_err());
    }
}
