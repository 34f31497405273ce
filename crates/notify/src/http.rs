//! How HTTP outcomes map onto [`SendError`], shared by the SMS and push channels.

use crate::SendError;

/// The most of a response body quoted in an error.
const MAX_QUOTE: usize = 200;

/// A request that got no response: retryable unless the request itself was
/// malformed. The URL is left out of the message.
pub(crate) fn transport_error(what: &str, e: reqwest::Error) -> SendError {
    let permanent = e.is_builder();
    let text = format!("{what}: {}", e.without_url());
    if permanent {
        SendError::Permanent(text)
    } else {
        SendError::Retryable(text)
    }
}

/// 2xx is delivered; 408, 429 and 5xx are retryable; anything else (4xx,
/// an unfollowed redirect) is permanent. The error quotes the start of the body.
pub(crate) async fn check_response(what: &str, response: reqwest::Response) -> Result<(), SendError> {
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let body = response.text().await.unwrap_or_default();
    let mut quote: String = body.chars().take(MAX_QUOTE).collect();
    if quote.len() < body.len() {
        quote.push('…');
    }
    let text = format!("{what} answered {status}: {}", quote.trim());
    if status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429 {
        Err(SendError::Retryable(text))
    } else {
        Err(SendError::Permanent(text))
    }
}
