//! The customer app's languages: English, Romanian, Hungarian, Finnish, Norwegian (bokmål)
//! and French. The language comes from the `vigil_lang` cookie when the customer chose one,
//! otherwise from the browser's `Accept-Language`; the server renders in it and writes it
//! into `<html lang>`, where the browser picks it up when it hydrates.

mod en;
mod fi;
mod fr;
mod hu;
mod nb;
mod ro;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The cookie that keeps a chosen language.
pub const COOKIE: &str = "vigil_lang";

/// A language of the customer app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Romanian.
    Ro,
    /// Hungarian.
    Hu,
    /// Finnish.
    Fi,
    /// Norwegian bokmål.
    Nb,
    /// French.
    Fr,
}

impl Lang {
    /// Every language, in the order the switcher lists them.
    pub const ALL: [Lang; 6] = [Lang::En, Lang::Ro, Lang::Hu, Lang::Fi, Lang::Nb, Lang::Fr];

    /// The BCP 47 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ro => "ro",
            Lang::Hu => "hu",
            Lang::Fi => "fi",
            Lang::Nb => "nb",
            Lang::Fr => "fr",
        }
    }

    /// The language's name in itself.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ro => "Română",
            Lang::Hu => "Magyar",
            Lang::Fi => "Suomi",
            Lang::Nb => "Norsk bokmål",
            Lang::Fr => "Français",
        }
    }

    /// A language from a tag (`ro`, `fr-CA`, `no`, `nn-NO`...), if it is one of ours.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "ro" | "mo" => Some(Lang::Ro),
            "hu" => Some(Lang::Hu),
            "fi" => Some(Lang::Fi),
            "nb" | "no" | "nn" => Some(Lang::Nb),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    /// The best of ours for an `Accept-Language` header (by quality, then order).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut tags: Vec<(f32, usize, Lang)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut bits = part.split(';');
                let lang = Lang::parse(bits.next()?)?;
                let q = bits.find_map(|b| b.trim().strip_prefix("q=")?.parse::<f32>().ok()).unwrap_or(1.0);
                (q > 0.0).then_some((q, i, lang))
            })
            .collect();
        tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        tags.first().map(|t| t.2)
    }

    fn table(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::En => en::TABLE,
            Lang::Ro => ro::TABLE,
            Lang::Hu => hu::TABLE,
            Lang::Fi => fi::TABLE,
            Lang::Nb => nb::TABLE,
            Lang::Fr => fr::TABLE,
        }
    }

    /// The text of `key` in this language (English if missing, the key itself if unknown).
    pub fn t(self, key: &str) -> &'static str {
        let find = |table: &'static [(&'static str, &'static str)]| table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        find(self.table()).or_else(|| find(en::TABLE)).unwrap_or("…")
    }

    /// [`Lang::t`] with `{name}` placeholders filled.
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        args.iter().fold(self.t(key).to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
    }
}

/// The language of this request (server) or page (browser).
pub fn initial() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>().map(|p| from_headers(&p.headers)).unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document().document_element().and_then(|e| e.get_attribute("lang")).and_then(|l| Lang::parse(&l)).unwrap_or_default()
    }
}

/// The language a request asks for: the cookie, else `Accept-Language`, else English.
#[cfg(feature = "ssr")]
pub fn from_headers(headers: &axum::http::HeaderMap) -> Lang {
    let cookie = headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('=').and_then(Lang::parse));
    let accept = || headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language);
    cookie.or_else(accept).unwrap_or_default()
}

/// The page's language, as a signal that reads as the default once its page is gone: the
/// server may still be finishing a response whose request was dropped (a reload, a
/// navigation), and a text is not worth a panic then.
#[derive(Clone, Copy)]
pub struct LangSignal(RwSignal<Lang>);

impl LangSignal {
    /// The language (tracked).
    pub fn get(self) -> Lang {
        self.0.try_get().unwrap_or_default()
    }

    /// The language (not tracked).
    pub fn get_untracked(self) -> Lang {
        self.0.try_get_untracked().unwrap_or_default()
    }

    /// Changes the language.
    pub fn set(self, lang: Lang) {
        self.0.try_set(lang);
    }
}

/// Makes the page's language signal available below.
pub fn provide() {
    provide_context(LangSignal(RwSignal::new(initial())));
}

/// The page's language signal.
pub fn use_lang() -> LangSignal {
    use_context::<LangSignal>().unwrap_or_else(|| LangSignal(RwSignal::new(Lang::default())))
}

/// Switches the language: the signal, `<html lang>`, and the cookie for the next visits.
pub fn switch(lang: Lang) {
    use_lang().set(lang);
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", lang.code());
        }
        if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
            let _ = doc.set_cookie(&format!("{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_key_and_its_placeholders() {
        let placeholders = |s: &str| {
            let mut names: Vec<String> = s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned())).collect();
            names.sort();
            names
        };
        for lang in Lang::ALL {
            let table = lang.table();
            for (key, text) in en::TABLE {
                let found = table.iter().find(|(k, _)| k == key);
                assert!(found.is_some(), "{} lacks {key}", lang.code());
                let other = found.map(|(_, t)| *t).unwrap_or_default();
                assert!(!other.trim().is_empty(), "{} has an empty {key}", lang.code());
                assert_eq!(placeholders(text), placeholders(other), "{} {key}", lang.code());
            }
            assert_eq!(table.len(), en::TABLE.len(), "{} has keys English lacks", lang.code());
            let mut keys: Vec<_> = table.iter().map(|(k, _)| *k).collect();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), table.len(), "{} repeats a key", lang.code());
        }
    }

    #[test]
    fn browser_preferences_pick_a_language() {
        assert_eq!(Lang::from_accept_language("fr-CA,fr;q=0.9,en;q=0.8"), Some(Lang::Fr));
        assert_eq!(Lang::from_accept_language("de-DE,de;q=0.9,hu;q=0.5,en;q=0.4"), Some(Lang::Hu));
        assert_eq!(Lang::from_accept_language("en;q=0.2,nb-NO;q=0.9"), Some(Lang::Nb));
        assert_eq!(Lang::from_accept_language("de,es"), None);
        assert_eq!(Lang::parse("no"), Some(Lang::Nb));
        assert_eq!(Lang::En.tf("home.by", &[("who", "#3")]), "by #3");
        assert_eq!(Lang::Ro.t("no.such.key"), "…");
    }
}
