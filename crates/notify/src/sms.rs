//! SMS through an HTTP gateway.

use crate::http::{check_response, transport_error};
use crate::{Message, NotifyError, SendError, SmsConfig};

/// The SMS channel, ready to send.
pub(crate) struct SmsSender {
    url: reqwest::Url,
    token: Option<String>,
    from: String,
}

impl SmsSender {
    /// Checks the gateway URL.
    pub(crate) fn new(config: &SmsConfig) -> Result<SmsSender, NotifyError> {
        let url = reqwest::Url::parse(&config.url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| NotifyError::Config("sms.url is not an http(s) URL".into()))?;
        Ok(SmsSender { url, token: config.token.clone(), from: config.from.clone() })
    }

    /// POSTs `{"from", "to", "text"}` to the gateway.
    pub(crate) async fn send(&self, http: &reqwest::Client, msg: &Message) -> Result<(), SendError> {
        let to = normalize_phone(&msg.recipient)
            .ok_or_else(|| SendError::Permanent(format!("invalid phone number {:?}", msg.recipient)))?;
        let mut request = http.post(self.url.clone()).json(&serde_json::json!({
            "from": self.from,
            "to": to,
            "text": msg.body,
        }));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| transport_error("SMS gateway", e))?;
        check_response("SMS gateway", response).await
    }
}

/// An E.164-style number with its separators (spaces, `-`, `.`, `/`, parentheses)
/// removed: an optional leading `+` and 3 to 15 digits; `None` otherwise.
fn normalize_phone(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let (plus, rest) = match raw.strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => ("", raw),
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '/' | '(' | ')' => {}
            _ => return None,
        }
    }
    (3..=15).contains(&digits.len()).then(|| format!("{plus}{digits}"))
}

#[cfg(test)]
mod tests {
    use super::normalize_phone;

    #[test]
    fn phone_numbers() {
        assert_eq!(normalize_phone(" +49 151 1234-5678 ").as_deref(), Some("+4915112345678"));
        assert_eq!(normalize_phone("0151/1234567").as_deref(), Some("01511234567"));
        assert_eq!(normalize_phone("+49 151 abc"), None);
        assert_eq!(normalize_phone("+"), None);
        assert_eq!(normalize_phone("1234567890123456"), None);
    }
}
