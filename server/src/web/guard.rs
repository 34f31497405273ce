//! The web server's outer defences: cross-site request refusal for every unsafe method on
//! `/api` and `/rpc`, and the security headers on every response.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::error::ErrorBody;

/// How the web server faces the outside.
#[derive(Debug, Clone)]
pub struct WebSecurity {
    /// The address people reach Vigil at (`https://arc.example.com`), when it sits behind a
    /// TLS proxy or its host name is fixed; `None`: the `Host` of each request.
    pub public_url: Option<url::Url>,
    /// Where a client's address comes from: the socket, or a header a trusted proxy sets.
    pub client_ip: axum_client_ip::ClientIpSource,
    /// The longest a site's service may be suspended at once, days.
    pub max_suspension_days: i64,
    /// Vigil serves HTTPS itself (`--tls-cert`).
    pub tls: bool,
}

impl Default for WebSecurity {
    fn default() -> Self {
        WebSecurity {
            public_url: None,
            client_ip: axum_client_ip::ClientIpSource::ConnectInfo,
            max_suspension_days: super::DEFAULT_MAX_SUSPENSION_DAYS,
            tls: false,
        }
    }
}

impl WebSecurity {
    /// Whether people reach Vigil over https (cookies are then `Secure`, HSTS is sent).
    pub fn https(&self) -> bool {
        self.tls || self.public_url.as_ref().is_some_and(|u| u.scheme() == "https")
    }

    /// The public origin (`https://arc.example.com`), if one is set.
    pub fn origin(&self) -> Option<String> {
        self.public_url.as_ref().map(|u| u.origin().ascii_serialization())
    }
}

/// Paths that take unsafe methods without a browser session: the crews' tracking apps.
const NO_SESSION_POSTS: &[&str] = &["/api/v1/osmand"];

/// Refuses an unsafe request (`POST`, `PUT`, `PATCH`, `DELETE`) to `/api` or `/rpc` that a
/// page of another site could have made: it must say `Sec-Fetch-Site: same-origin` or carry
/// an `Origin` equal to Vigil's own (the public URL's, else the request's `Host`).
pub async fn refuse_cross_site(State(security): State<WebSecurity>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let guarded = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && (path.starts_with("/api/") || path.starts_with("/rpc/"))
        && !NO_SESSION_POSTS.contains(&path);
    let authority = request.uri().authority().map(|a| a.as_str());
    if guarded && !same_origin(request.headers(), authority, security.origin().as_deref()) {
        tracing::warn!(%path, origin = ?request.headers().get(header::ORIGIN), "cross-site request refused");
        let body = ErrorBody { error: "cross-site request refused: Origin does not match".into() };
        return (StatusCode::FORBIDDEN, Json(body)).into_response();
    }
    next.run(request).await
}

/// Whether the request says it comes from Vigil's own pages.
/// `authority` is the request URI's (HTTP/2 carries the host there, not in `Host`).
fn same_origin(headers: &HeaderMap, authority: Option<&str>, public_origin: Option<&str>) -> bool {
    let text = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    if text("sec-fetch-site") == Some("same-origin") {
        return true;
    }
    let Some(origin) = text(header::ORIGIN.as_str()) else {
        return false;
    };
    match public_origin {
        Some(expected) => origin.eq_ignore_ascii_case(expected),
        None => {
            let Some(host) = text(header::HOST.as_str()).or(authority) else {
                return false;
            };
            let bare = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
            bare.is_some_and(|h| h.eq_ignore_ascii_case(host))
        }
    }
}

/// The policy for responses that set none themselves (API, files): nothing from other
/// origins, no framing. Pages set their own, with the request's script nonce
/// (`app::ssr::csp`).
const DEFAULT_CSP: &str = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Adds the security headers every response carries, where the handler did not set them.
pub async fn security_headers(State(security): State<WebSecurity>, request: Request, next: Next) -> Response<Body> {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set = |name: header::HeaderName, value: &'static str| {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(header::CONTENT_SECURITY_POLICY, DEFAULT_CSP);
    set(header::HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(self)");
    set(header::HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    if security.https() {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (header::HeaderName::from_static(k), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn only_vigils_own_origin_passes() {
        let host = [("host", "127.0.0.1:3000")];
        assert!(same_origin(&headers(&[host[0], ("origin", "http://127.0.0.1:3000")]), None, None));
        assert!(!same_origin(&headers(&[host[0], ("origin", "http://evil.example")]), None, None));
        assert!(!same_origin(&headers(&[host[0], ("origin", "null")]), None, None));
        assert!(!same_origin(&headers(&host), None, None), "no Origin, no fetch metadata");
        let h2 = [("origin", "https://127.0.0.1:3000")];
        assert!(same_origin(&headers(&h2), Some("127.0.0.1:3000"), None), "HTTP/2: the URI's authority");
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")]), None, None));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "cross-site"), ("origin", "http://evil.example")]),
            None,
            None
        ));
        let public = Some("https://arc.example.com");
        assert!(same_origin(&headers(&[("host", "10.0.0.5"), ("origin", "https://arc.example.com")]), None, public));
        assert!(!same_origin(
            &headers(&[("host", "arc.example.com"), ("origin", "http://arc.example.com")]),
            None,
            public
        ));
    }
}
