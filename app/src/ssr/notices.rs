//! A notice to a site's contacts written in a contact's language (SMS, e-mail, push). The
//! engine writes the English; the other five come from `locales/<language>/app.json`.

use engine::rules::classify::Category;
use engine::{Notice, NoticeWords};

use crate::i18n::td_string;
use crate::lang::words;
use crate::lang::Lang;

/// What the alarm was, in `lang`: the category's word, then the zone's name if any.
fn what(lang: Lang, category: Category, place: Option<&str>) -> String {
    let name = serde_json::to_value(category).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let label = words::category(lang, &name);
    // French sets a space before the colon.
    let colon = if lang == Lang::Fr { " : " } else { ": " };
    match place {
        Some(p) => format!("{label}{colon}{p}"),
        None => label.to_owned(),
    }
}

/// The subject and body of `n` for a contact who reads `lang` (`None`, English, or a notice
/// without words: the engine's English).
pub fn texts(n: &Notice, site: &str, lang: Option<Lang>) -> (String, String) {
    let (Some(lang), Some(words)) = (lang.filter(|l| *l != Lang::En), n.words.as_ref()) else {
        return (n.subject.clone(), n.body.clone());
    };
    let l = lang.locale();
    match words {
        NoticeWords::Alarm { category, place, cancellable } => {
            let what = what(lang, *category, place.as_deref());
            let subject = td_string!(l, app.notice.alarm.subject, site = site, what = &what);
            let mut body = td_string!(l, app.notice.alarm.body, site = site, what = &what);
            if *cancellable {
                body.push(' ');
                body.push_str(td_string!(l, app.notice.alarm.cancel));
            }
            (subject, body)
        }
        NoticeWords::NobodyReached { category, place } => {
            let what = what(lang, *category, place.as_deref());
            (
                td_string!(l, app.notice.nobody.subject, site = site),
                td_string!(l, app.notice.nobody.body, site = site, what = &what),
            )
        }
        NoticeWords::Cancelled => (
            td_string!(l, app.notice.cancelled.subject, site = site),
            td_string!(l, app.notice.cancelled.body, site = site),
        ),
        NoticeWords::CrewOnItsWay { crew } => (
            td_string!(l, app.notice.crew.subject, site = site),
            td_string!(l, app.notice.crew.body, site = site, crew = crew),
        ),
        NoticeWords::TestMode { on: true } => (
            td_string!(l, app.notice.test_on.subject, site = site),
            td_string!(l, app.notice.test_on.body, site = site),
        ),
        NoticeWords::TestMode { on: false } => (
            td_string!(l, app.notice.test_off.subject, site = site),
            td_string!(l, app.notice.test_off.body, site = site),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::NoticeKind;

    fn notice(words: NoticeWords) -> Notice {
        Notice {
            site_id: 1,
            incident: Some(7),
            kind: NoticeKind::Alarm,
            subject: "Shop: Burglary: Hall".into(),
            body: "Alarm at Shop: Burglary: Hall.".into(),
            sms: true,
            words: Some(words),
        }
    }

    #[test]
    fn a_contact_reads_the_notice_in_their_language_and_english_stays_the_engines() {
        let alarm =
            notice(NoticeWords::Alarm { category: Category::Burglary, place: Some("Hol".into()), cancellable: true });
        let (subject, body) = texts(&alarm, "Magazin", Some(Lang::Ro));
        assert_eq!(subject, "Magazin: Efracție: Hol");
        assert!(body.starts_with("Alarmă la Magazin: Efracție: Hol.") && body.contains("anulați-o"), "{body}");
        assert_eq!(texts(&alarm, "Magazin", Some(Lang::En)), (alarm.subject.clone(), alarm.body.clone()));
        assert_eq!(texts(&alarm, "Magazin", None).0, alarm.subject);
        let (_, fr) = texts(&notice(NoticeWords::CrewOnItsWay { crew: "Alpha 1".into() }), "Boutique", Some(Lang::Fr));
        assert_eq!(fr, "Une patrouille d'intervention (Alpha 1) est en route vers Boutique.");
        for lang in Lang::ALL {
            for words in [
                NoticeWords::Cancelled,
                NoticeWords::TestMode { on: true },
                NoticeWords::NobodyReached { category: Category::Fire, place: None },
            ] {
                let (s, b) = texts(&notice(words), "X", Some(lang));
                assert!(!s.contains('{') && !b.contains('{') && !b.contains('…'), "{lang:?}: {s} / {b}");
            }
        }
    }
}
