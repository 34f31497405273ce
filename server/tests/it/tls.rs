//! HTTPS served by Vigil itself: the certificate is presented, a renewed one is taken on
//! SIGHUP for new connections while an open connection goes on, plain HTTP is redirected,
//! and cookies are `Secure`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::process::Vigil;

/// Accepts any certificate and remembers the leaf it was shown (the test checks which).
#[derive(Debug, Default)]
struct Remember(Mutex<Vec<Vec<u8>>>);

impl ServerCertVerifier for Remember {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.0.lock().unwrap().push(end_entity.to_vec());
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        rustls::crypto::ring::default_provider().signature_verification_algorithms.supported_schemes()
    }
}

/// A TLS connection (HTTP/1.1 by ALPN) and the leaf certificate the server showed.
async fn connect(addr: std::net::SocketAddr) -> (TlsStream<TcpStream>, Vec<u8>) {
    let seen = Arc::new(Remember::default());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(seen.clone())
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let tcp = TcpStream::connect(addr).await.unwrap();
    let stream = TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("TLS handshake");
    let leaf = seen.0.lock().unwrap().last().cloned().unwrap();
    (stream, leaf)
}

/// One keep-alive GET; returns the status line and headers (the body is read to its length).
async fn get(stream: &mut TlsStream<TcpStream>, path: &str) -> String {
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).await.unwrap(), 1, "connection closed");
        buf.push(byte[0]);
    }
    let head = String::from_utf8(buf).unwrap();
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await.unwrap();
    head
}

fn write_certificate(dir: &std::path::Path) -> Vec<u8> {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    std::fs::write(dir.join("cert.pem"), made.cert.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), made.signing_key.serialize_pem()).unwrap();
    made.cert.der().to_vec()
}

#[tokio::test]
async fn https_with_a_certificate_renewed_on_sighup_and_plain_http_redirected() {
    let dir = tempfile::tempdir().unwrap();
    let first = write_certificate(dir.path());
    let database = format!("sqlite://{}", dir.path().join("vigil.db").display());
    let cert = dir.path().join("cert.pem").display().to_string();
    let key = dir.path().join("key.pem").display().to_string();
    let root = dir.path().display().to_string();
    let vigil =
        Vigil::start(&database, &root, &["--tls-cert", &cert, "--tls-key", &key, "--http-redirect", "127.0.0.1:0"]);
    assert_eq!(vigil.running["https"], true);
    // A request head sent only in part to the redirect port, checked at the end: cut off.
    let redirect = vigil.running["redirect"].as_str().unwrap().trim_start_matches("Some(").trim_end_matches(')');
    let mut slow = TcpStream::connect(redirect).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n").await.unwrap();

    let (mut open, shown) = connect(vigil.http).await;
    assert_eq!(shown, first, "the configured certificate is presented");
    let head = get(&mut open, "/healthz").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.to_ascii_lowercase().contains("strict-transport-security: max-age="), "HSTS over HTTPS: {head}");

    // A renewed certificate: new connections get it after SIGHUP; the open one goes on.
    let second = write_certificate(dir.path());
    vigil.signal("HUP");
    let mut renewed = None;
    for _ in 0..100 {
        let (_, shown) = connect(vigil.http).await;
        if shown == second {
            renewed = Some(shown);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(renewed.is_some(), "the renewed certificate is presented after SIGHUP");
    let head = get(&mut open, "/readyz").await;
    assert!(head.starts_with("HTTP/1.1 200"), "the connection opened before the reload still answers: {head}");
    assert!(vigil.log().iter().any(|l| l.contains("TLS certificate read again")));

    // A broken renewal keeps the certificate in use.
    std::fs::write(dir.path().join("cert.pem"), "not a certificate").unwrap();
    vigil.signal("HUP");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(connect(vigil.http).await.1, second);
    assert!(vigil.log().iter().any(|l| l.contains("TLS certificate not reloaded")));

    // Plain HTTP on the redirect port goes to HTTPS, path and query kept.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let resp = client.get(format!("http://{redirect}/app/login?next=x")).send().await.unwrap();
    assert_eq!(resp.status(), 308);
    let port = vigil.http.port();
    assert_eq!(
        resp.headers()["location"],
        format!("https://{}:{port}/app/login?next=x", redirect.split(':').next().unwrap())
    );

    // Sessions over HTTPS get the __Host- Secure cookie.
    let (mut tls, _) = connect(vigil.http).await;
    let body = r#"{"username":"nobody","password":"wrong password here"}"#;
    let request = format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nOrigin: https://localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut reply = vec![0u8; 512];
    let n = tls.read(&mut reply).await.unwrap();
    assert!(String::from_utf8_lossy(&reply[..n]).starts_with("HTTP/1.1 401"), "reached the API over TLS");
    drop(tls);
    drop(open);

    // The redirect listener keeps the web server's header deadline.
    let mut rest = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(15), slow.read_to_end(&mut rest)).await;
    assert!(ended.is_ok(), "a request head never finished is cut off on the redirect port");
    assert_eq!(vigil.terminate().code(), Some(0));
}
