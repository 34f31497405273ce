//! The admin pages' words for values (a role, a zone type, a plan's category, a step...), in
//! the page's language. The model's tables keep their English labels; these match on the
//! stored value, and the ones that return an `Option` say `None` for a value they do not know
//! (the caller then shows the model's label or the value itself).

use crate::tx;

/// The words of an administration section's title.
pub fn section(s: super::AdminSection) -> &'static str {
    use super::AdminSection;
    match s {
        AdminSection::Sites => tx!(admin.nav.sites),
        AdminSection::Users => tx!(admin.nav.users),
        AdminSection::Crews => tx!(admin.nav.crews),
        AdminSection::Import => tx!(admin.nav.import),
        AdminSection::Audit => tx!(admin.nav.audit),
        AdminSection::History => tx!(admin.nav.history),
        AdminSection::Plans => tx!(admin.nav.plans),
    }
}

/// A login's role (one of `model::admin::ROLES`).
pub fn role(role: &'static str) -> &'static str {
    match role {
        "operator" => tx!(admin.roles.operator),
        "supervisor" => tx!(admin.roles.supervisor),
        "admin" => tx!(admin.roles.admin),
        "crew" => tx!(admin.roles.crew),
        "customer" => tx!(admin.roles.customer),
        other => other,
    }
}

/// A customer login's role on a site (`owner`, `contact`).
pub fn member_role(role: &str) -> String {
    match role {
        "owner" => tx!(admin.members.roles.owner).to_owned(),
        "contact" => tx!(admin.members.roles.contact).to_owned(),
        other => other.to_owned(),
    }
}

/// A kind of customer request (`technician`, `forgotten_code`, ...).
pub fn request_kind(kind: &str) -> String {
    match kind {
        "technician" => tx!(admin.requests.kinds.technician).to_owned(),
        "forgotten_code" => tx!(admin.requests.kinds.forgotten_code).to_owned(),
        "pause" => tx!(admin.requests.kinds.pause).to_owned(),
        "move" => tx!(admin.requests.kinds.moving).to_owned(),
        "transfer" => tx!(admin.requests.kinds.transfer).to_owned(),
        "pets_keys" => tx!(admin.requests.kinds.pets_keys).to_owned(),
        other => other.replace('_', " "),
    }
}

/// A group of audit actions (a prefix of `model::history::AUDIT_GROUPS`).
pub fn audit_group(prefix: &str) -> Option<&'static str> {
    Some(match prefix {
        "" => tx!(admin.audit.groups.everything),
        "login" => tx!(admin.audit.groups.login),
        "user." => tx!(admin.audit.groups.user),
        "site." => tx!(admin.nav.sites),
        "contact." => tx!(admin.audit.groups.contact),
        "account." => tx!(admin.audit.groups.account),
        "crew." => tx!(admin.nav.crews),
        "app." => tx!(admin.audit.groups.app),
        "service_request." => tx!(admin.audit.groups.service_request),
        _ => return None,
    })
}

/// A kind of site (one of `model::admin::SITE_KINDS`).
pub fn site_kind(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "home" => tx!(admin.site.kinds.home),
        "business" => tx!(admin.site.kinds.business),
        "vehicle" => tx!(admin.site.kinds.vehicle),
        _ => return None,
    })
}

/// A zone type (one of `model::admin::ZONE_KINDS`).
pub fn zone_kind(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "entry" => tx!(admin.zones.kinds.entry),
        "interior" => tx!(admin.zones.kinds.interior),
        "perimeter" => tx!(admin.zones.kinds.perimeter),
        "fire" => tx!(admin.zones.kinds.fire),
        "panic" => tx!(admin.zones.kinds.panic),
        "technical" => tx!(admin.zones.kinds.technical),
        "24h" => tx!(admin.zones.kinds.all_day),
        _ => return None,
    })
}

/// A day of the week, Monday first (`model::admin::WEEKDAYS`): the customer app's names.
pub fn weekday(n: usize) -> Option<&'static str> {
    let day = u8::try_from(n).ok().filter(|d| *d < 7)?;
    Some(crate::lang::words::weekday(crate::lang::Lang::of(crate::lang::now()), day))
}

/// An incident category a plan is for (one of `model::plans::PLAN_CATEGORIES`).
pub fn plan_category(category: &str) -> Option<&'static str> {
    Some(match category {
        "burglary" => tx!(admin.plans.categories.burglary),
        "fire" => tx!(admin.plans.categories.fire),
        "panic" => tx!(admin.plans.categories.panic),
        "duress" => tx!(admin.plans.categories.duress),
        "medical" => tx!(admin.plans.categories.medical),
        "tamper" => tx!(admin.plans.categories.tamper),
        "trouble" => tx!(admin.plans.categories.trouble),
        "link_failure" => tx!(admin.plans.categories.link_failure),
        "open_close" => tx!(admin.plans.categories.open_close),
        "other" => tx!(admin.plans.categories.other),
        _ => return None,
    })
}

/// A kind of plan step (one of `model::plans::STEP_KINDS`).
pub fn step_kind(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "notify_customer" => tx!(admin.plans.steps.notify_customer),
        "call_contacts" => tx!(admin.plans.steps.call_contacts),
        "verify_password" => tx!(admin.plans.steps.verify_password),
        "wait" => tx!(admin.plans.steps.wait),
        "dispatch" => tx!(admin.plans.steps.dispatch),
        "notify_police" => tx!(admin.plans.steps.notify_police),
        "notify_fire" => tx!(admin.plans.steps.notify_fire),
        "instruction" => tx!(admin.plans.steps.instruction),
        _ => return None,
    })
}
