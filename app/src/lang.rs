//! Vigil's languages: English, Romanian, Hungarian, Finnish, Norwegian (bokmål) and French.
//! The language comes from the `vigil_lang` cookie when the person chose one (staff: their
//! login's language, set at sign-in), otherwise from the browser's `Accept-Language`; the
//! server renders in it and writes it into `<html lang>`, where the browser picks it up when
//! it hydrates. The texts themselves are in `locales/` (see [`crate::i18n`]).

use crate::i18n::Locale;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub mod words;

/// The cookie that keeps a chosen language.
pub const COOKIE: &str = "vigil_lang";

/// A language of Vigil's pages and messages.
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

    /// The language of a generated texts' locale.
    pub fn of(locale: Locale) -> Lang {
        Lang::ALL.into_iter().find(|l| l.locale() == locale).unwrap_or_default()
    }

    /// The generated texts' locale of this language.
    pub fn locale(self) -> Locale {
        match self {
            Lang::En => Locale::en,
            Lang::Ro => Locale::ro,
            Lang::Hu => Locale::hu,
            Lang::Fi => Locale::fi,
            Lang::Nb => Locale::nb,
            Lang::Fr => Locale::fr,
        }
    }
}

/// The cookie that keeps `lang` for a year (readable by the page, which switches it).
pub fn cookie(lang: Lang) -> String {
    format!("{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code())
}

/// The page's language now, untracked: staff pages are drawn in it once (changing a login's
/// language reloads the page), so their texts need no signal each. Outside a page (a server
/// function checking a form), the request's language.
pub fn now() -> Locale {
    use_context::<LangSignal>().map_or_else(initial, LangSignal::get_untracked).locale()
}

/// A staff page's text in the page's language ([`now`]): `tx!(staff.queue.title)`, or with
/// its placeholders filled, `tx!(staff.queue.waiting, count = n)`. A key that no language
/// file holds does not compile.
#[macro_export]
macro_rules! tx {
    ($($key:tt)*) => {
        $crate::i18n::td_string!($crate::lang::now(), $($key)*)
    };
}

/// The language of this request (server) or page (browser).
pub fn initial() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>().map(|p| from_headers(&p.headers)).unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|l| Lang::parse(&l))
            .unwrap_or_default()
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
    let accept = || {
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::from_accept_language)
    };
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
            let _ = doc.set_cookie(&cookie(lang));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_preferences_pick_a_language() {
        assert_eq!(Lang::from_accept_language("fr-CA,fr;q=0.9,en;q=0.8"), Some(Lang::Fr));
        assert_eq!(Lang::from_accept_language("de-DE,de;q=0.9,hu;q=0.5,en;q=0.4"), Some(Lang::Hu));
        assert_eq!(Lang::from_accept_language("en;q=0.2,nb-NO;q=0.9"), Some(Lang::Nb));
        assert_eq!(Lang::from_accept_language("de,es"), None);
        assert_eq!(Lang::parse("no"), Some(Lang::Nb));
        use crate::i18n::td_string;
        assert_eq!(td_string!(Lang::En.locale(), app.home.by, who = "#3"), "by #3");
        assert_eq!(td_string!(Lang::Ro.locale(), app.tab.home), "Acasă");
    }
}
