//! The pages' Content Security Policy: scripts only from Vigil itself and the inline
//! hydration scripts carrying this response's nonce (Leptos puts it on every script it
//! writes), wasm, styles from Vigil (inline style attributes too: the views use them), images
//! from Vigil and the map's tile server, connections only to Vigil, no framing.

use axum::http::{header, HeaderValue};
use leptos::prelude::use_context;

/// The policy for a page whose scripts carry `nonce`, with map tiles from `tiles` (a CSP
/// source expression; empty for none).
pub fn page_policy(nonce: &str, tiles: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: {tiles}; connect-src 'self'; \
         worker-src 'self'; manifest-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The CSP source for a tile URL template: its origin, or `https:` when the host itself is
/// a template (`{s}.tile...`); empty when there is no tile server.
pub fn tile_source(tile_url: &str) -> String {
    let Some((scheme, rest)) = tile_url.split_once("://") else {
        return String::new();
    };
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || !matches!(scheme, "http" | "https") {
        String::new()
    } else if host.contains('{') {
        format!("{scheme}:")
    } else {
        format!("{scheme}://{host}")
    }
}

/// Sets the page's policy on the response being rendered (server side only).
pub fn set_page_policy() {
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    let tiles = use_context::<super::Ctx>().map(|ctx| tile_source(&ctx.dashboard.map.tile_url)).unwrap_or_default();
    if let Ok(value) = HeaderValue::from_str(&page_policy(&nonce, &tiles)) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_come_from_their_origin_only() {
        assert_eq!(tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png"), "https://tile.openstreetmap.org");
        assert_eq!(tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png"), "https:");
        assert_eq!(tile_source(""), "");
        let p = page_policy("abc", "https://tile.openstreetmap.org");
        assert!(p.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        assert!(
            p.contains("frame-ancestors 'none'") && !p.contains("unsafe-eval'; style")
                || p.contains("wasm-unsafe-eval")
        );
        assert!(!p.contains("script-src 'self' 'unsafe-inline'"));
    }
}
