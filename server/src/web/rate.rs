//! A request-rate limit on the sign-in doors, per client address, in front of the
//! database's attempt counts: a flood is answered 429 before it costs a query or an Argon2
//! hash.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::error::ErrorBody;
use crate::windows::Windows;

/// The sign-in doors.
const DOORS: &[&str] = &["/api/v1/session", "/rpc/login", "/rpc/app/sign_in"];
/// Sign-in requests per address per minute.
const PER_MINUTE: u32 = 60;

/// Sign-in requests per address.
#[derive(Clone)]
pub struct SignInRate(Arc<Windows<IpAddr>>);

impl Default for SignInRate {
    fn default() -> Self {
        SignInRate(Arc::new(Windows::new(PER_MINUTE, 60_000, 100_000)))
    }
}

/// Answers 429 to a sign-in request from an address over its rate.
pub async fn limit_sign_in(State(rate): State<SignInRate>, request: Request, next: Next) -> Response {
    if request.method() == Method::POST && DOORS.contains(&request.uri().path()) {
        let (mut parts, body) = request.into_parts();
        let ip = axum_client_ip::ClientIp::from_request_parts(&mut parts, &()).await.ok().map(|c| c.0);
        if let Some(ip) = ip {
            if !rate.0.allow(&ip, app::ssr::auth::now_ms()) {
                let body = ErrorBody { error: "too many sign-in requests from this address; wait a minute".into() };
                return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "60")], Json(body)).into_response();
            }
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    next.run(request).await
}
