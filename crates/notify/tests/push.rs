//! Web Push against a local push service on 127.0.0.1 that checks VAPID and decrypts.

mod common;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use common::{b64e, closed_port, now};
use notify::p256::elliptic_curve::sec1::ToEncodedPoint;
use notify::p256::SecretKey;
use notify::{decrypt_aes128gcm, verify_vapid, Channel, Config, Message, Notifier, PushConfig, SendError};
use tokio::sync::mpsc;

/// What the push service saw in one request.
#[derive(Debug)]
struct Received {
    path: String,
    plaintext: Vec<u8>,
    headers: HeaderMap,
}

/// The push service's state: the subscription's private half and its answer.
struct Service {
    origin: String,
    ua_private: SecretKey,
    auth: [u8; 16],
    answer: StatusCode,
    tx: mpsc::UnboundedSender<Result<Received, String>>,
}

async fn receive(State(svc): State<Arc<Service>>, uri: axum::http::Uri, headers: HeaderMap, body: Bytes) -> StatusCode {
    let checked = (|| {
        let authorization =
            headers.get("authorization").and_then(|v| v.to_str().ok()).ok_or("no Authorization header")?;
        verify_vapid(authorization, &svc.origin, now()).map_err(|e| e.to_string())?;
        let plaintext = decrypt_aes128gcm(&body, &svc.ua_private, &svc.auth).map_err(|e| e.to_string())?;
        Ok(Received { path: uri.path().to_owned(), plaintext, headers: headers.clone() })
    })();
    let status = if checked.is_ok() { svc.answer } else { StatusCode::BAD_REQUEST };
    svc.tx.send(checked).unwrap();
    status
}

/// Starts a push service answering `answer`; returns the subscription JSON and
/// the channel of what it receives.
async fn push_service(answer: StatusCode) -> (String, mpsc::UnboundedReceiver<Result<Received, String>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let ua_private = SecretKey::random(&mut rand::rngs::OsRng);
    let auth: [u8; 16] = rand::random();
    let subscription = serde_json::json!({
        "endpoint": format!("{origin}/wpush/v2/sub-123"),
        "expirationTime": null,
        "keys": {
            "p256dh": b64e(ua_private.public_key().to_encoded_point(false).as_bytes()),
            "auth": b64e(&auth),
        }
    })
    .to_string();
    let (tx, rx) = mpsc::unbounded_channel();
    let svc = Arc::new(Service { origin, ua_private, auth, answer, tx });
    let app = Router::new().route("/wpush/v2/{id}", post(receive)).with_state(svc);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (subscription, rx)
}

fn notifier() -> Notifier {
    let push = PushConfig { ttl_s: 900, ..PushConfig::generate("mailto:ops@example.org") };
    strict_notifier(push).allow_private_push_endpoints()
}

fn strict_notifier(push: PushConfig) -> Notifier {
    Notifier::new(Config { push: Some(push), ..Config::default() }).unwrap()
}

#[tokio::test]
async fn by_default_pushes_never_go_to_private_or_loopback_addresses() {
    let (subscription, mut rx) = push_service(StatusCode::CREATED).await;
    let strict = strict_notifier(PushConfig::generate("mailto:ops@example.org"));
    let err = strict.send(&message(subscription.clone())).await.unwrap_err();
    assert!(!err.is_retryable(), "an address literal is refused for good: {err}");
    let by_name = subscription.replace("127.0.0.1", "localhost");
    assert!(strict.send(&message(by_name)).await.is_err(), "a name that resolves to loopback is refused too");
    assert!(rx.try_recv().is_err(), "nothing reached the local service");
}

#[tokio::test]
async fn a_redirect_from_the_push_service_is_not_followed() {
    let (subscription, _rx) = push_service(StatusCode::CREATED).await;
    let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = hits.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let target = format!("{base}/elsewhere");
    let app = Router::new()
        .route("/wpush/v2/{id}", post(move || async move { (StatusCode::TEMPORARY_REDIRECT, [("location", target)]) }))
        .route(
            "/elsewhere",
            post(move || async move {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                StatusCode::CREATED
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let endpoint: serde_json::Value = serde_json::from_str(&subscription).unwrap();
    let old = endpoint["endpoint"].as_str().unwrap();
    let origin = old.split("/wpush").next().unwrap();
    let redirecting = subscription.replace(origin, &base);
    assert!(notifier().send(&message(redirecting)).await.is_err(), "a redirect is no delivery");
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0, "the redirect was not followed");
}

fn message(recipient: String) -> Message {
    Message {
        channel: Channel::Push,
        recipient,
        subject: "Alarm: burglary".into(),
        body: "Site 12, zone 3 – hall PIR".into(),
    }
}

#[tokio::test]
async fn a_push_arrives_signed_and_decryptable() {
    let (subscription, mut rx) = push_service(StatusCode::CREATED).await;
    notifier().send(&message(subscription)).await.unwrap();
    let got = rx.recv().await.unwrap().expect("the push service accepted the request");
    assert_eq!(got.path, "/wpush/v2/sub-123");
    let json: serde_json::Value = serde_json::from_slice(&got.plaintext).unwrap();
    assert_eq!(json, serde_json::json!({"title": "Alarm: burglary", "body": "Site 12, zone 3 – hall PIR"}));
    assert_eq!(got.headers["content-encoding"], "aes128gcm");
    assert_eq!(got.headers["ttl"], "900");
    assert_eq!(got.headers["urgency"], "high");
}

#[tokio::test]
async fn gone_subscriptions_are_permanent() {
    for answer in [StatusCode::GONE, StatusCode::NOT_FOUND] {
        let (subscription, mut rx) = push_service(answer).await;
        let err = notifier().send(&message(subscription)).await.unwrap_err();
        assert!(matches!(err, SendError::Permanent(_)), "{answer}: {err:?}");
        assert!(!err.is_retryable());
        rx.recv().await.unwrap().expect("the request itself was valid");
    }
}

#[tokio::test]
async fn overload_and_rate_limits_are_retryable() {
    for answer in [StatusCode::SERVICE_UNAVAILABLE, StatusCode::TOO_MANY_REQUESTS] {
        let (subscription, mut rx) = push_service(answer).await;
        let err = notifier().send(&message(subscription)).await.unwrap_err();
        assert!(err.is_retryable(), "{answer}: {err:?}");
        rx.recv().await.unwrap().expect("the request itself was valid");
    }
}

#[tokio::test]
async fn an_unreachable_push_service_is_retryable() {
    let port = closed_port().await;
    let sub = serde_json::json!({
        "endpoint": format!("http://127.0.0.1:{port}/x"),
        "keys": {
            "p256dh": b64e(SecretKey::random(&mut rand::rngs::OsRng).public_key().to_encoded_point(false).as_bytes()),
            "auth": b64e(&[0u8; 16]),
        }
    });
    let err = notifier().send(&message(sub.to_string())).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
}

#[tokio::test]
async fn malformed_subscriptions_and_missing_config_are_permanent() {
    for bad in [
        "not json",
        r#"{"endpoint": "ftp://x/y", "keys": {"p256dh": "BCVx", "auth": "AAAA"}}"#,
        r#"{"endpoint": "https://push.example.net/x", "keys": {"p256dh": "AAAA", "auth": "BTBZMqHH6r4Tts7J_aSIgg"}}"#,
    ] {
        let err = notifier().send(&message(bad.into())).await.unwrap_err();
        assert!(matches!(err, SendError::Permanent(_)), "{bad}: {err:?}");
    }
    let bare = Notifier::new(Config::default()).unwrap();
    let err = bare.send(&message("{}".into())).await.unwrap_err();
    assert_eq!(err, SendError::NotConfigured(Channel::Push));
    assert!(!err.is_retryable());
}
