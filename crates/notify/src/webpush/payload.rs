//! The plaintext of a push message: the JSON the service worker shows.

use super::MAX_PLAINTEXT;

/// `{"title": title, "body": body}` as UTF-8 JSON, shortened (body first, then
/// title, each at a character boundary, ending in `…`) to fit [`MAX_PLAINTEXT`].
pub fn payload(title: &str, body: &str) -> Vec<u8> {
    let (mut title, mut body) = (title.to_owned(), body.to_owned());
    loop {
        let json = serde_json::json!({ "title": title, "body": body }).to_string();
        if json.len() <= MAX_PLAINTEXT {
            return json.into_bytes();
        }
        let excess = json.len() - MAX_PLAINTEXT;
        let target = if body.is_empty() { &mut title } else { &mut body };
        shorten(target, excess);
    }
}

/// Cuts at least `excess` bytes (plus room for the ellipsis) off the end of `s`.
fn shorten(s: &mut String, excess: usize) {
    let ellipsis = '…';
    let mut cut = s.len().saturating_sub(excess + ellipsis.len_utf8());
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    if !s.is_empty() {
        s.push(ellipsis);
    }
}
