//! SMS against a local HTTP gateway on 127.0.0.1 that checks the token and JSON.

mod common;

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use common::closed_port;
use notify::{Channel, Config, Message, Notifier, SendError, SmsConfig};
use tokio::sync::mpsc;

const TOKEN: &str = "gw-token-5f1c";

struct Gateway {
    answer: StatusCode,
    tx: mpsc::UnboundedSender<serde_json::Value>,
}

async fn receive(
    State(gw): State<Arc<Gateway>>,
    headers: HeaderMap,
    Json(body): Json<serde_json::Value>,
) -> (StatusCode, &'static str) {
    let authorized = headers.get("authorization").is_some_and(|v| v.as_bytes() == format!("Bearer {TOKEN}").as_bytes());
    if !authorized {
        return (StatusCode::UNAUTHORIZED, "bad token");
    }
    gw.tx.send(body).unwrap();
    (gw.answer, "{}")
}

/// Starts a gateway answering `answer` to authorized requests; returns its URL.
async fn gateway(answer: StatusCode) -> (String, mpsc::UnboundedReceiver<serde_json::Value>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/sms", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    let app = Router::new().route("/api/sms", post(receive)).with_state(Arc::new(Gateway { answer, tx }));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, rx)
}

fn notifier(url: String, token: Option<&str>) -> Notifier {
    Notifier::new(Config {
        sms: Some(SmsConfig { url, token: token.map(str::to_owned), from: "VIGIL".into() }),
        ..Config::default()
    })
    .unwrap()
}

fn message() -> Message {
    Message {
        channel: Channel::Sms,
        recipient: "+49 151 1234-5678".into(),
        subject: "unused".into(),
        body: "Alarm site 12: burglary zone 3".into(),
    }
}

#[tokio::test]
async fn an_sms_reaches_the_gateway_as_json() {
    let (url, mut rx) = gateway(StatusCode::ACCEPTED).await;
    notifier(url, Some(TOKEN)).send(&message()).await.unwrap();
    assert_eq!(
        rx.recv().await.unwrap(),
        serde_json::json!({"from": "VIGIL", "to": "+4915112345678", "text": "Alarm site 12: burglary zone 3"})
    );
}

#[tokio::test]
async fn server_errors_are_retryable_and_client_errors_permanent() {
    let (url, mut rx) = gateway(StatusCode::INTERNAL_SERVER_ERROR).await;
    let err = notifier(url, Some(TOKEN)).send(&message()).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    rx.recv().await.unwrap();

    let (url, mut rx) = gateway(StatusCode::BAD_REQUEST).await;
    let err = notifier(url, Some(TOKEN)).send(&message()).await.unwrap_err();
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
    rx.recv().await.unwrap();
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_permanent_and_never_echoed() {
    let (url, _rx) = gateway(StatusCode::OK).await;
    let err = notifier(url.clone(), None).send(&message()).await.unwrap_err();
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
    let err = notifier(url, Some("wrong-secret")).send(&message()).await.unwrap_err();
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
    assert!(!err.to_string().contains("wrong-secret"));
}

#[tokio::test]
async fn an_unreachable_gateway_is_retryable() {
    let url = format!("http://127.0.0.1:{}/api/sms", closed_port().await);
    let err = notifier(url, Some(TOKEN)).send(&message()).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
}

#[tokio::test]
async fn a_bad_number_is_permanent_without_a_request() {
    let (url, mut rx) = gateway(StatusCode::OK).await;
    let msg = Message { recipient: "call me maybe".into(), ..message() };
    let err = notifier(url, Some(TOKEN)).send(&msg).await.unwrap_err();
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
    assert!(rx.try_recv().is_err());

    let bare = Notifier::new(Config::default()).unwrap();
    assert_eq!(bare.send(&message()).await.unwrap_err(), SendError::NotConfigured(Channel::Sms));
    assert!(Notifier::new(Config {
        sms: Some(SmsConfig { url: "not a url".into(), token: None, from: "X".into() }),
        ..Config::default()
    })
    .is_err());
}
