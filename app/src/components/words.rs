//! Staff pages' words chosen by a value (a role, a crew's status, an incident's category and
//! status): each value Vigil knows names a text of `locales/<language>/staff.json`. Queue
//! cards reach every dashboard alike over the live stream, so they carry values and each
//! page says them in its own language.

use crate::i18n::td_string;
use crate::lang::Lang;
use crate::model::ops::{CrewOnCard, IncidentCard};
use crate::model::Role;
use crate::tx;

/// A role's name in the page's language.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Operator => tx!(staff.role.operator),
        Role::Supervisor => tx!(staff.role.supervisor),
        Role::Customer => tx!(staff.role.customer),
        Role::Admin => tx!(staff.role.admin),
        Role::Crew => tx!(staff.role.crew),
    }
}

/// A crew's status (`available`, `en_route`...) in the page's language; an unknown one as it
/// is stored.
pub fn crew_status(status: &str) -> String {
    match status {
        "available" => tx!(staff.crew_status.available),
        "dispatched" => tx!(staff.crew_status.dispatched),
        "en_route" => tx!(staff.crew_status.en_route),
        "on_site" => tx!(staff.crew_status.on_site),
        "returning" => tx!(staff.crew_status.returning),
        "off" => tx!(staff.crew_status.off),
        other => return other.replace('_', " "),
    }
    .to_owned()
}

/// An alarm category (`burglary`, `link_failure`...) as a title ("Burglary").
pub fn category(name: &str) -> &'static str {
    category_in(Lang::of(crate::lang::now()), name)
}

/// [`category`] in `lang` (a server answering a request in its language).
pub fn category_in(lang: Lang, name: &str) -> &'static str {
    let l = lang.locale();
    match name {
        "fire" => td_string!(l, staff.category.fire),
        "panic" => td_string!(l, staff.category.panic),
        "duress" => td_string!(l, staff.category.duress),
        "medical" => td_string!(l, staff.category.medical),
        "burglary" => td_string!(l, staff.category.burglary),
        "tamper" => td_string!(l, staff.category.tamper),
        "trouble" => td_string!(l, staff.category.trouble),
        "link_failure" => td_string!(l, staff.category.link_failure),
        "open_close" => td_string!(l, staff.category.open_close),
        "test" => td_string!(l, staff.category.test),
        "restore" => td_string!(l, staff.category.restore),
        _ => td_string!(l, staff.category.other),
    }
}

/// An incident's title in the page's language: its category's word in place of the English
/// one the engine wrote ("Burglary: Hall" → "Efracție: Hall"); a title of another shape as it is.
pub fn incident_title(card: &IncidentCard) -> String {
    match card.title.strip_prefix(&card.category_label) {
        Some(rest) => format!("{}{rest}", category(&card.category)),
        None => card.title.clone(),
    }
}

/// An incident's status in words: crews gone from one still open say it must be closed.
pub fn incident_status(card: &IncidentCard) -> &'static str {
    match card.status.as_str() {
        "new" => tx!(staff.status.new),
        "acknowledged" => tx!(staff.status.acknowledged),
        "in_progress" if !card.crews.is_empty() && card.crews.iter().all(|c| !c.active) => {
            tx!(staff.status.crews_gone)
        }
        "in_progress" => tx!(staff.status.in_progress),
        "dispatched" => tx!(staff.status.dispatched),
        "on_site" => tx!(staff.status.on_site),
        "closed" => tx!(staff.status.closed),
        _ => tx!(staff.status.in_progress),
    }
}

/// Where a crew sent to an incident is: its status, or when it left or was recalled.
pub fn crew_state(c: &CrewOnCard) -> String {
    let at = c.at.as_deref().unwrap_or_default();
    match c.status.as_str() {
        "left" => tx!(staff.crew_state.left, time = at),
        "recalled" => tx!(staff.crew_state.recalled, time = at),
        "" => c.state.clone(),
        status => crew_status(status),
    }
}

/// The crews of an incident in one line ("Echo 7 on site · backup Echo 8 en route").
pub fn crew_line(card: &IncidentCard) -> Option<String> {
    (!card.crews.is_empty()).then(|| {
        card.crews
            .iter()
            .map(|c| {
                let state = crew_state(c);
                if c.backup {
                    tx!(staff.crew_state.backup_line, name = &c.name, state = &state)
                } else {
                    tx!(staff.crew_state.line, name = &c.name, state = &state)
                }
            })
            .collect::<Vec<_>>()
            .join(" · ")
    })
}
