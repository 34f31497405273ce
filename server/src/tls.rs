//! HTTPS without a proxy: rustls with the certificate and key from PEM files, read again on
//! SIGHUP (a renewed certificate is used for new connections; open ones keep theirs), and
//! an optional plain-HTTP listener that sends everyone to the HTTPS address.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

/// Why the certificate or key could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The certificate file is unreadable or holds no certificate.
    #[error("certificate {path}: {reason}")]
    Certificate {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The key file is unreadable, holds no key, or a key rustls cannot use.
    #[error("private key {path}: {reason}")]
    Key {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// rustls refused the configuration.
    #[error("TLS: {0}")]
    Rustls(#[from] rustls::Error),
}

/// The certificate in use, replaced on reload.
#[derive(Debug)]
pub struct Certificates {
    cert: PathBuf,
    key: PathBuf,
    current: RwLock<Arc<CertifiedKey>>,
}

impl Certificates {
    /// Reads the PEM certificate chain and private key.
    pub fn load(cert: &Path, key: &Path) -> Result<Certificates, TlsError> {
        let current = RwLock::new(Arc::new(read(cert, key)?));
        Ok(Certificates { cert: cert.to_owned(), key: key.to_owned(), current })
    }

    /// Reads the files again; on failure the certificate in use stays.
    pub fn reload(&self) -> Result<(), TlsError> {
        let fresh = Arc::new(read(&self.cert, &self.key)?);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = fresh;
        Ok(())
    }

    /// The DER of the leaf certificate in use.
    pub fn leaf(&self) -> Vec<u8> {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        current.cert.first().map(|c| c.as_ref().to_vec()).unwrap_or_default()
    }
}

impl ResolvesServerCert for Certificates {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current.read().unwrap_or_else(|e| e.into_inner()).clone())
    }
}

fn read(cert: &Path, key: &Path) -> Result<CertifiedKey, TlsError> {
    let bad_cert = |reason: String| TlsError::Certificate { path: cert.to_owned(), reason };
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| bad_cert(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad_cert(e.to_string()))?;
    if chain.is_empty() {
        return Err(bad_cert("no certificate in the file".into()));
    }
    let bad_key = |reason: String| TlsError::Key { path: key.to_owned(), reason };
    let der = PrivateKeyDer::from_pem_file(key).map_err(|e| bad_key(e.to_string()))?;
    let signing = rustls::crypto::ring::sign::any_supported_type(&der).map_err(|e| bad_key(e.to_string()))?;
    let certified = CertifiedKey::new(chain, signing);
    certified.keys_match().map_err(|e| bad_key(format!("does not belong to the certificate: {e}")))?;
    Ok(certified)
}

/// The acceptor for the web server: TLS 1.2 and 1.3, HTTP/2 and HTTP/1.1 by ALPN.
pub fn acceptor(certs: Arc<Certificates>) -> Result<TlsAcceptor, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_cert_resolver(certs);
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Reads the certificate again at each SIGHUP, until shutdown.
pub async fn reload_on_hangup(certs: Arc<Certificates>, mut shutdown: watch::Receiver<bool>) {
    let mut hangup = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
        Ok(signal) => signal,
        Err(e) => {
            tracing::warn!(error = %e, "SIGHUP cannot be caught: the certificate is read at start only");
            let _ = shutdown.wait_for(|stop| *stop).await;
            return;
        }
    };
    loop {
        tokio::select! {
            _ = hangup.recv() => match certs.reload() {
                Ok(()) => tracing::info!("TLS certificate read again"),
                Err(e) => tracing::error!(error = %e, "TLS certificate not reloaded; the previous one stays in use"),
            },
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
    }
}

/// Answers every plain-HTTP request with a permanent redirect to HTTPS: to `public` (the
/// public URL's origin) when set, else to the request's host on `https_port`; path and query
/// kept.
pub async fn redirect(listener: TcpListener, public: Option<String>, https_port: u16, shutdown: watch::Receiver<bool>) {
    let app = axum::Router::new().fallback(move |headers: HeaderMap, uri: Uri| {
        let public = public.clone();
        async move {
            let base = match public {
                Some(base) => base,
                None => match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
                    Some(host) => https_origin(host, https_port),
                    None => return (StatusCode::BAD_REQUEST, "Host header missing").into_response(),
                },
            };
            to_https(&base, &uri)
        }
    });
    crate::web::serve::side(listener, app, shutdown).await;
}

/// `https://host[:port]` for a `Host` header (its own port dropped).
fn https_origin(host: &str, port: u16) -> String {
    let name = match host.rsplit_once(':') {
        Some((name, p)) if p.bytes().all(|b| b.is_ascii_digit()) && !name.ends_with(':') => name,
        _ => host,
    };
    if port == 443 {
        format!("https://{name}")
    } else {
        format!("https://{name}:{port}")
    }
}

fn to_https(base: &str, uri: &Uri) -> Response {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, format!("{base}{path}"))]).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redirect_keeps_path_and_query() {
        let uri: Uri = "/app/login?next=%2Fapp".parse().unwrap();
        let response = to_https("https://arc.example.com", &uri);
        assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(response.headers()[header::LOCATION], "https://arc.example.com/app/login?next=%2Fapp");
        assert_eq!(https_origin("arc.example.com:80", 443), "https://arc.example.com");
        assert_eq!(https_origin("127.0.0.1:8080", 8443), "https://127.0.0.1:8443");
        assert_eq!(https_origin("[::1]:80", 8443), "https://[::1]:8443");
    }

    #[test]
    fn a_missing_or_foreign_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let one = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let two = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let cert = dir.path().join("cert.pem");
        let key = dir.path().join("key.pem");
        std::fs::write(&cert, one.cert.pem()).unwrap();
        std::fs::write(&key, one.signing_key.serialize_pem()).unwrap();
        let certs = Certificates::load(&cert, &key).unwrap();
        assert_eq!(certs.leaf(), one.cert.der().to_vec());

        std::fs::write(&key, two.signing_key.serialize_pem()).unwrap();
        let e = certs.reload().unwrap_err();
        assert!(e.to_string().contains("does not belong"), "{e}");
        assert_eq!(certs.leaf(), one.cert.der().to_vec(), "the certificate in use stays");

        std::fs::write(&cert, two.cert.pem()).unwrap();
        certs.reload().unwrap();
        assert_eq!(certs.leaf(), two.cert.der().to_vec());
        assert!(Certificates::load(&dir.path().join("none.pem"), &key).is_err());
    }
}
