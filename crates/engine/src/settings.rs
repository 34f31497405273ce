//! What an alarm company agreed with a customer about a site: its kind, its action plans,
//! cancel windows, schedules, code overrides and billing terms (stored as JSON).

use rules::billing::Terms;
use rules::classify::{Category, Override};
use rules::schedule::WeeklySchedule;
use serde::{Deserialize, Serialize};

/// A protected building or a tracked vehicle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// A home, shop or office.
    #[default]
    Premises,
    /// A vehicle with a tracker.
    Vehicle,
}

/// One step of an action plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum StepKind {
    /// Tell the site's contacts (SMS, e-mail, push) that an alarm came in.
    NotifyCustomer,
    /// Call the contacts in their order; each call's outcome is recorded.
    CallContacts,
    /// Check the password (safe word) of whoever answers.
    VerifyPassword,
    /// Send the nearest available rapid-response crew (after the cancel window, if any).
    Dispatch,
    /// Notify the police (for a moving vehicle, with its track).
    NotifyPolice,
    /// Notify the fire brigade.
    NotifyFire,
    /// Wait before the next step.
    Wait {
        /// Seconds to wait.
        seconds: u32,
    },
    /// Something the operator must do that no other step says ("Call the caretaker on
    /// 0740 000 000 before sending a crew"); always ticked off by hand.
    Instruction {
        /// What to do, as the operator reads it.
        text: String,
    },
}

/// A step and whether the engine runs it by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// What to do.
    #[serde(flatten)]
    pub kind: StepKind,
    /// Run by the engine (true) or ticked off by the operator (false).
    pub auto: bool,
}

impl Step {
    /// A step the engine runs.
    pub const fn auto(kind: StepKind) -> Step {
        Step { kind, auto: true }
    }

    /// A step the operator works.
    pub const fn manual(kind: StepKind) -> Step {
        Step { kind, auto: false }
    }
}

/// The agreed procedure for one category of incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Categories this plan is for.
    pub categories: Vec<Category>,
    /// Steps in order.
    pub steps: Vec<Step>,
}

/// Everything the engine is told about one site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SiteSettings {
    /// Building or vehicle.
    pub kind: SiteKind,
    /// The panel user number whose code is the duress code: an opening by it is a duress alarm.
    pub duress_user: Option<String>,
    /// The user a duress opening is shown as wherever the customer looks (the person it
    /// stands for), never the duress number itself; `None`: user 1.
    pub duress_shown_as: Option<String>,
    /// Cancel window after an intrusion alarm, seconds (default 150).
    pub cancel_window_s: u32,
    /// Cancel window after a fire alarm, seconds (default 120).
    pub fire_cancel_window_s: u32,
    /// The site's own plans: each replaces the centre's plan of its categories.
    pub plans: Vec<Plan>,
    /// Per-code category and priority overrides.
    pub overrides: Vec<Override>,
    /// Weekly opening hours, if the site is under open/close supervision.
    pub schedule: Option<WeeklySchedule>,
    /// Closed on the centre's public holidays (no opening is expected then, unless the
    /// site changed that day's hours itself).
    pub closed_on_holidays: bool,
    /// Vehicles: no contact for this long raises a life-sign incident (e.g. 3 or 30 days).
    pub life_sign_ms: Option<i64>,
    /// Dispatch billing terms.
    pub billing: Terms,
    /// What a billable dispatch costs.
    pub price: Price,
    /// A crew arriving later than this after dispatch is "late" (no charge).
    pub crew_sla_ms: i64,
    /// What operators and crews must know on the spot: keys, pets, notes.
    pub instructions: Instructions,
}

/// What a billable dispatch costs under the site's contract.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Price {
    /// One billable dispatch in the currency's minor unit (cents, bani); 0: not agreed.
    pub per_dispatch_minor: u64,
    /// ISO 4217 code ("EUR", "RON"); empty: not agreed.
    pub currency: String,
}

/// What operators and guards must know about a site on the spot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Instructions {
    /// Keys the company holds ("2 sets, tag K-017, key safe at the gate").
    pub keys: String,
    /// Animals on the premises.
    pub pets: String,
    /// Anything else (access, hazards, who may be inside).
    pub notes: String,
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            kind: SiteKind::Premises,
            duress_user: None,
            duress_shown_as: None,
            cancel_window_s: 150,
            fire_cancel_window_s: 120,
            plans: Vec::new(),
            overrides: Vec::new(),
            schedule: None,
            closed_on_holidays: false,
            life_sign_ms: None,
            billing: Terms::default(),
            price: Price::default(),
            crew_sla_ms: 20 * 60_000,
            instructions: Instructions::default(),
        }
    }
}

impl SiteSettings {
    /// The user a duress opening is shown as (the person it stands for; default user 1).
    pub fn duress_shown_as(&self) -> String {
        self.duress_shown_as.clone().filter(|u| !u.trim().is_empty()).unwrap_or_else(|| "1".to_owned())
    }

    /// Whether `user` is the site's duress code.
    pub fn is_duress_user(&self, user: Option<&str>) -> bool {
        self.duress_user.as_deref().is_some_and(|d| user.is_some_and(|u| same_user(u, d)))
    }

    /// The plan for a category: the site's own, else the centre's (`centre`: the plans an
    /// administrator set for every site), else the built-in default.
    pub fn plan_for(&self, category: Category, centre: &[Plan]) -> Vec<Step> {
        let found = |plans: &[Plan]| plans.iter().find(|p| p.categories.contains(&category)).map(|p| p.steps.clone());
        found(&self.plans)
            .or_else(|| (self.kind == SiteKind::Premises).then(|| found(centre)).flatten())
            .unwrap_or_else(|| default_plan(category, self.kind))
    }

    /// The cancel window for a category, if it has one.
    pub fn cancel_window_ms(&self, category: Category) -> Option<i64> {
        match category {
            Category::Burglary => Some(i64::from(self.cancel_window_s) * 1000),
            Category::Fire => Some(i64::from(self.fire_cancel_window_s) * 1000),
            _ => None,
        }
    }
}

/// The plan an alarm company uses when a site has not agreed another one.
pub fn default_plan(category: Category, kind: SiteKind) -> Vec<Step> {
    use StepKind::*;
    match (category, kind) {
        (Category::Burglary | Category::Panic, SiteKind::Vehicle) => {
            vec![Step::auto(NotifyCustomer), Step::manual(CallContacts), Step::auto(Dispatch)]
        }
        (Category::Burglary, _) => vec![
            Step::auto(NotifyCustomer),
            Step::manual(CallContacts),
            Step::manual(VerifyPassword),
            Step::auto(Dispatch),
            Step::manual(NotifyPolice),
        ],
        (Category::Fire, _) => vec![
            Step::auto(NotifyCustomer),
            Step::manual(CallContacts),
            Step::manual(VerifyPassword),
            Step::auto(Dispatch),
            Step::manual(NotifyFire),
        ],
        (Category::Panic, _) => vec![
            Step::auto(Dispatch),
            Step::auto(NotifyCustomer),
            Step::manual(CallContacts),
            Step::manual(NotifyPolice),
        ],
        // Silent: nobody at the site is told; a crew and the police go at once.
        (Category::Duress, _) => vec![Step::auto(Dispatch), Step::manual(NotifyPolice)],
        (Category::Medical, _) => vec![Step::manual(CallContacts), Step::auto(Dispatch), Step::auto(NotifyCustomer)],
        _ => vec![Step::auto(NotifyCustomer), Step::manual(CallContacts)],
    }
}

/// Whether two panel user numbers are the same user (`009` is `9`).
pub fn same_user(a: &str, b: &str) -> bool {
    match (a.trim().parse::<u32>(), b.trim().parse::<u32>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a.trim().eq_ignore_ascii_case(b.trim()),
    }
}
