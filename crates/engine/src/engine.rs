//! The engine: sites, open incidents and crews in memory; signals, commands and the clock in;
//! [`Output`]s out. Pure: it never reads a clock or does I/O.

use std::collections::{BTreeMap, HashMap};

use rules::classify::{classify, Category, Classification, EventFacts, Kind, Priority};
use rules::geo::{Fix, LatLon};

use crate::command::Actor;
use crate::crew::Crew;
use crate::incident::{Assignment, CrewEnd, Incident, Resolution, Status, StepProgress, StepStatus};
use crate::output::{JournalEntry, Output};
use crate::site::{ArmState, Site};
use crate::storm::StormRule;
use crate::words;

/// One stored signal, as the engine reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// Signal id (its place in the store).
    pub id: i64,
    /// The site, if the account is known.
    pub site_id: Option<i64>,
    /// When it was received.
    pub at_ms: i64,
    /// `cid`, `sia` or `None` (internal signals carry `None`).
    pub protocol: Option<String>,
    /// Contact ID qualifier.
    pub qualifier: Option<String>,
    /// Event code.
    pub code: Option<String>,
    /// Zone as sent.
    pub zone: Option<String>,
    /// Zone name, if known.
    pub zone_name: Option<String>,
    /// User number, if sent.
    pub user: Option<String>,
    /// What it means, for people.
    pub meaning: String,
    /// Position from extended data `[X]`/`[Y]`.
    pub position: Option<LatLon>,
}

/// The alarm engine.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    pub(crate) sites: HashMap<i64, Site>,
    pub(crate) incidents: BTreeMap<i64, Incident>,
    pub(crate) crews: BTreeMap<i64, Crew>,
    pub(crate) next_id: i64,
    pub(crate) storm: StormRule,
    pub(crate) storm_index: crate::storm::StormIndex,
    pub(crate) escalate_after_ms: i64,
    /// The centre's own plans per category (for premises without plans of their own).
    pub(crate) centre_plans: Vec<crate::settings::Plan>,
    /// The centre's public holidays (local dates; sites closed on holidays expect nothing).
    pub(crate) holidays: Vec<chrono::NaiveDate>,
}

/// An incident nobody claimed for this long is escalated to supervisors (default).
pub const ESCALATE_AFTER_MS: i64 = 60_000;

impl Engine {
    /// An engine with these sites, open incidents and crews; new incident ids start after
    /// `last_incident_id`.
    pub fn new(
        sites: impl IntoIterator<Item = Site>,
        open: impl IntoIterator<Item = Incident>,
        crews: impl IntoIterator<Item = Crew>,
        last_incident_id: i64,
    ) -> Engine {
        let mut incidents: BTreeMap<i64, Incident> =
            open.into_iter().filter(Incident::is_open).map(|i| (i.id, i)).collect();
        let mut crews: BTreeMap<i64, Crew> = crews.into_iter().map(|c| (c.id, c)).collect();
        for inc in incidents.values_mut() {
            // Incidents stored before crews were listed name only their one crew.
            if inc.crews.is_empty() {
                if let (Some(c), Some(at)) = (inc.crew_id, inc.dispatched_at_ms) {
                    let name = crews.get(&c).map(|c| c.name.clone()).unwrap_or_default();
                    let done = crews.get(&c).is_none_or(|k| {
                        use crate::command::CrewStatus::*;
                        matches!(k.status, Available | Returning | Off)
                    });
                    inc.crews.push(Assignment {
                        crew_id: c,
                        name,
                        backup: false,
                        sent_at_ms: at,
                        arrived_at_ms: inc.on_site_at_ms,
                        ended_at_ms: None,
                        end: done.then_some(CrewEnd::Left),
                    });
                }
            }
            for a in inc.active_crews() {
                if let Some(crew) = crews.get_mut(&a.crew_id) {
                    crew.incident = Some(inc.id);
                }
            }
        }
        Engine {
            sites: sites.into_iter().map(|s| (s.info.id, s)).collect(),
            incidents,
            crews,
            next_id: last_incident_id + 1,
            storm: StormRule::default(),
            storm_index: Default::default(),
            escalate_after_ms: ESCALATE_AFTER_MS,
            centre_plans: Vec::new(),
            holidays: Vec::new(),
        }
    }

    /// Replaces the centre's public holidays.
    pub fn set_holidays(&mut self, holidays: Vec<chrono::NaiveDate>) {
        self.holidays = holidays;
    }

    /// The centre's public holidays.
    pub fn holidays(&self) -> &[chrono::NaiveDate] {
        &self.holidays
    }

    /// Replaces the centre's plans (what premises without plans of their own follow; the
    /// built-in defaults fill the categories these leave out). Open incidents keep theirs.
    pub fn set_centre_plans(&mut self, plans: Vec<crate::settings::Plan>) {
        self.centre_plans = plans;
    }

    /// The centre's plans.
    pub fn centre_plans(&self) -> &[crate::settings::Plan] {
        &self.centre_plans
    }

    /// Sets how long an incident may wait unclaimed before it is escalated to supervisors.
    pub fn set_escalation(&mut self, after_ms: i64) {
        self.escalate_after_ms = after_ms.max(1_000);
    }

    /// Replaces the storm rule.
    pub fn set_storm_rule(&mut self, rule: StormRule) {
        self.storm = rule;
    }

    /// Stops monitoring a site (archived): it is forgotten with its state.
    pub fn remove_site(&mut self, site_id: i64) {
        self.sites.remove(&site_id);
    }

    /// Adds or replaces a site (new settings or contacts); its state is kept if it had one.
    pub fn upsert_site(&mut self, mut site: Site) {
        if let Some(old) = self.sites.get(&site.info.id) {
            site.state = old.state.clone();
        }
        self.sites.insert(site.info.id, site);
    }

    /// Adds or replaces a crew's fixed facts (name, shift), keeping its assignment.
    pub fn upsert_crew(&mut self, mut crew: Crew) {
        if let Some(old) = self.crews.get(&crew.id) {
            crew.incident = old.incident;
        }
        self.crews.insert(crew.id, crew);
    }

    /// A site.
    pub fn site(&self, id: i64) -> Option<&Site> {
        self.sites.get(&id)
    }

    /// An open incident.
    pub fn incident(&self, id: i64) -> Option<&Incident> {
        self.incidents.get(&id)
    }

    /// Open incidents, highest priority then oldest first.
    pub fn open_incidents(&self) -> Vec<&Incident> {
        let mut v: Vec<&Incident> = self.incidents.values().collect();
        v.sort_by_key(|i| (i.priority, i.opened_at_ms, i.id));
        v
    }

    /// Every site loaded.
    pub fn sites(&self) -> impl Iterator<Item = &Site> {
        self.sites.values()
    }

    /// Every crew.
    pub fn crews(&self) -> impl Iterator<Item = &Crew> {
        self.crews.values()
    }

    /// Whether a signal received at `at_ms` fell in its site's current test period (and in
    /// what that test covers): the feed marks such signals, which open no live incident.
    pub fn on_test_at(&self, site_id: i64, at_ms: i64, zone: Option<&str>, facts: EventFacts) -> bool {
        let Some(site) = self.sites.get(&site_id) else { return false };
        let Some(test) = site.state.test.as_ref() else { return false };
        if at_ms >= test.until_ms || test.since_ms.is_some_and(|s| at_ms < s) {
            return false;
        }
        test.scope.covers(zone, classify(facts, &site.settings.overrides).category)
    }

    /// The earliest time [`Engine::tick`] has something to do, if any.
    pub fn next_deadline(&self) -> Option<i64> {
        self.incidents.values().filter_map(Incident::deadline).min()
    }

    /// Handles one stored signal.
    pub fn on_signal(&mut self, signal: &Signal, now_ms: i64) -> Output {
        let mut out = Output::default();
        let Some(site_id) = signal.site_id else { return out };
        let Some(site) = self.sites.get_mut(&site_id) else { return out };
        site.state.last_contact_ms = Some(signal.at_ms.max(site.state.last_contact_ms.unwrap_or(0)));
        site.state.life_sign_raised = false;
        if let Some(pos) = signal.position {
            site.add_fix(Fix { at_ms: signal.at_ms, pos });
        }
        out.sites.insert(site_id);
        let facts = EventFacts {
            protocol: signal.protocol.as_deref(),
            qualifier: signal.qualifier.as_deref(),
            code: signal.code.as_deref(),
        };
        let class = classify(facts, &site.settings.overrides);
        let duress = class.kind == Kind::Opening && site.settings.is_duress_user(signal.user.as_deref());
        if site.state.suspended(now_ms) {
            // A suspended service takes no action, except that a person must still see a
            // life-safety alarm: it opens an incident marked so.
            if duress || (class.kind == Kind::Alarm && life_safety(class.category)) {
                let (class, title) = if duress {
                    (duress_class(), "Duress code used to disarm (suspended site)".to_owned())
                } else {
                    (class, format!("{} (suspended site)", title_of(class.category, signal)))
                };
                self.alarm(signal, class, &title, now_ms, &mut out);
            }
            return out;
        }
        match class.kind {
            Kind::Opening => {
                set_arm(site, ArmState::Disarmed, signal);
                if duress {
                    // Whatever the customer side shows of this opening names the person the
                    // code stands for, as after a normal disarm.
                    site.state.arm_user = Some(site.settings.duress_shown_as());
                    self.alarm(signal, duress_class(), "Duress code used to disarm", now_ms, &mut out);
                }
            }
            Kind::Closing => set_arm(site, ArmState::Armed, signal),
            Kind::NightClosing => set_arm(site, ArmState::Night, signal),
            Kind::Restore => {
                if let Some(inc) = self.open_incident_of(site_id) {
                    inc.add_signal(signal.id);
                    inc.updated_at_ms = now_ms;
                    out.links.push((inc.id, signal.id));
                    journal(&mut out, inc.id, now_ms, Actor::Engine, "restore", Some(signal.meaning.clone()));
                    out.incidents.insert(inc.id, inc.clone());
                }
            }
            Kind::Alarm => {
                let title = title_of(class.category, signal);
                self.alarm(signal, class, &title, now_ms, &mut out);
            }
            Kind::Test | Kind::Info => {}
        }
        out
    }

    /// The open incident of a site that new signals join: not a test one, and never a silent
    /// (duress) one, whose existence must not change what the site's other alarms look like.
    pub(crate) fn open_incident_of(&mut self, site_id: i64) -> Option<&mut Incident> {
        self.incidents
            .values_mut()
            .filter(|i| i.site_id == site_id && i.is_open() && !i.test && !i.silent)
            .min_by_key(|i| i.opened_at_ms)
    }

    /// An alarm signal: on test it is recorded as a closed test incident; otherwise it joins
    /// the site's open incident or opens one.
    fn alarm(&mut self, signal: &Signal, class: Classification, title: &str, now_ms: i64, out: &mut Output) {
        let Some(site_id) = signal.site_id else { return };
        let Some(site) = self.sites.get(&site_id) else { return };
        if site.state.test_at(now_ms).is_some_and(|t| t.scope.covers(signal.zone.as_deref(), class.category)) {
            let id = self.open(site_id, class.category, class.priority, title, now_ms, out);
            let inc = self.incidents.get_mut(&id).expect("just opened");
            inc.test = true;
            inc.add_signal(signal.id);
            out.links.push((id, signal.id));
            self.close(id, Resolution::Test, Actor::Engine, now_ms, "site on test: recorded, not acted on", out);
            return;
        }
        let joinable = if class.category == Category::Duress { None } else { self.open_incident_of(site_id) };
        if let Some(inc) = joinable {
            let id = inc.id;
            inc.add_signal(signal.id);
            add_zone(inc, signal);
            inc.updated_at_ms = now_ms;
            out.links.push((id, signal.id));
            let raise = class.priority < inc.priority;
            journal(out, id, now_ms, Actor::Engine, "signal", Some(signal.meaning.clone()));
            if raise {
                let old = inc.category;
                inc.priority = class.priority;
                inc.category = class.category;
                inc.title = title.to_owned();
                journal(
                    out,
                    id,
                    now_ms,
                    Actor::Engine,
                    "escalated",
                    Some(format!("{} became {}", words::category(old), words::category(class.category))),
                );
                // A storm groups one category: the incident leaves its old group and may
                // join one of its new category.
                if let Some(inc) = self.incidents.get_mut(&id) {
                    inc.group_key = None;
                }
                self.group_storm(id, now_ms, out);
                self.add_plan(id, now_ms, out);
            }
            out.incidents.insert(id, self.incidents[&id].clone());
            return;
        }
        let id = self.open(site_id, class.category, class.priority, title, now_ms, out);
        let inc = self.incidents.get_mut(&id).expect("just opened");
        inc.add_signal(signal.id);
        add_zone(inc, signal);
        inc.position = signal.position;
        out.links.push((id, signal.id));
        journal(out, id, now_ms, Actor::Engine, "signal", Some(signal.meaning.clone()));
        self.start_plan(id, now_ms, out);
    }

    /// Opens an incident (no plan yet) and returns its id.
    pub(crate) fn open(
        &mut self,
        site_id: i64,
        category: Category,
        priority: Priority,
        title: &str,
        now_ms: i64,
        out: &mut Output,
    ) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        let inc = Incident {
            id,
            site_id,
            category,
            priority,
            title: title.to_owned(),
            status: Status::New,
            opened_at_ms: now_ms,
            updated_at_ms: now_ms,
            acknowledged_at_ms: None,
            claimed_by: None,
            signals: Vec::new(),
            zones: Vec::new(),
            steps: Vec::new(),
            calls: Vec::new(),
            cancel_attempts: Vec::new(),
            cancel_until_ms: None,
            wait_until_ms: None,
            crew_id: None,
            crews: Vec::new(),
            dispatched_at_ms: None,
            on_site_at_ms: None,
            silent: category == Category::Duress,
            test: false,
            group_key: None,
            escalated_at_ms: None,
            position: None,
            moving: None,
            closed_at_ms: None,
            resolution: None,
            charge: None,
            notes: Vec::new(),
        };
        self.incidents.insert(id, inc);
        journal(out, id, now_ms, Actor::Engine, "opened", Some(title.to_owned()));
        self.group_storm(id, now_ms, out);
        out.incidents.insert(id, self.incidents[&id].clone());
        id
    }

    /// Adds the plan steps of the incident's (new) category that it does not have yet.
    fn add_plan(&mut self, id: i64, now_ms: i64, out: &mut Output) {
        let Some(inc) = self.incidents.get(&id) else { return };
        let Some(site) = self.sites.get(&inc.site_id) else { return };
        let steps = site.settings.plan_for(inc.category, &self.centre_plans);
        let inc = self.incidents.get_mut(&id).expect("checked");
        for step in steps {
            if !inc.steps.iter().any(|s| s.step == step) {
                inc.steps.push(StepProgress { step, status: StepStatus::Pending, at_ms: None, note: None });
            }
        }
        self.run_auto(id, now_ms, out);
    }

    /// Gives a new incident its plan, its cancel window, and runs the automatic steps.
    pub(crate) fn start_plan(&mut self, id: i64, now_ms: i64, out: &mut Output) {
        let Some(inc) = self.incidents.get(&id) else { return };
        let Some(site) = self.sites.get(&inc.site_id) else { return };
        let window = site.settings.cancel_window_ms(inc.category);
        let inc = self.incidents.get_mut(&id).expect("checked");
        if let Some(w) = window {
            inc.cancel_until_ms = Some(now_ms + w);
            journal(
                out,
                id,
                now_ms,
                Actor::Engine,
                "cancel_window",
                Some(format!("customer may cancel for {} s", w / 1000)),
            );
        }
        self.add_plan(id, now_ms, out);
    }

    /// Closes an incident, frees its crew, books its billing, and drops it from memory.
    pub(crate) fn close(
        &mut self,
        id: i64,
        resolution: Resolution,
        actor: Actor,
        now_ms: i64,
        why: &str,
        out: &mut Output,
    ) {
        let Some(mut inc) = self.incidents.remove(&id) else { return };
        inc.status = Status::Closed;
        inc.resolution = Some(resolution);
        inc.closed_at_ms = Some(now_ms);
        inc.updated_at_ms = now_ms;
        inc.cancel_until_ms = None;
        inc.wait_until_ms = None;
        for s in inc.steps.iter_mut().filter(|s| s.status == StepStatus::Pending) {
            s.status = StepStatus::Skipped;
            s.at_ms = Some(now_ms);
        }
        // A crew still on it is called back: nobody works a closed incident.
        for a in inc.crews.iter_mut().filter(|a| a.active()) {
            a.end = Some(CrewEnd::Recalled);
            a.ended_at_ms = Some(now_ms);
            if let Some(crew) = self.crews.get_mut(&a.crew_id).filter(|c| c.incident == Some(id)) {
                crew.incident = None;
                crew.status = crate::command::CrewStatus::Available;
                crew.updated_at_ms = now_ms;
                out.crews.insert(crew.id, crew.clone());
            }
        }
        if let Some(at) = inc.dispatched_at_ms {
            if let Some(site) = self.sites.get_mut(&inc.site_id) {
                inc.charge = Some(crate::billing::book(site, &inc, at, resolution));
                out.sites.insert(site.info.id);
            }
        }
        let detail = match inc.charge {
            Some(c) => format!("{} ({why}). {}", words::resolution(resolution), words::charge(Some(c))),
            None => format!("{} ({why})", words::resolution(resolution)),
        };
        journal(out, id, now_ms, actor, "closed", Some(detail));
        out.incidents.insert(id, inc);
    }
}

/// Appends a journal line.
pub(crate) fn journal(out: &mut Output, incident: i64, at_ms: i64, actor: Actor, action: &str, detail: Option<String>) {
    out.journal.push(JournalEntry { incident, at_ms, actor, action: action.to_owned(), detail });
}

fn set_arm(site: &mut Site, arm: ArmState, signal: &Signal) {
    site.state.arm = arm;
    site.state.arm_user = signal.user.clone();
    site.state.arm_changed_at_ms = Some(signal.at_ms);
}

/// Alarms a person must see even at a suspended site.
fn life_safety(category: Category) -> bool {
    matches!(category, Category::Fire | Category::Panic | Category::Medical | Category::Duress)
}

fn duress_class() -> Classification {
    Classification {
        category: Category::Duress,
        kind: Kind::Alarm,
        priority: rules::classify::default_priority(Category::Duress),
    }
}

fn add_zone(inc: &mut Incident, signal: &Signal) {
    let Some(zone) = signal.zone_name.clone().or_else(|| signal.zone.clone()) else { return };
    if !inc.zones.contains(&zone) {
        inc.zones.push(zone);
    }
}

/// A short title for an incident opened by a signal.
fn title_of(category: Category, signal: &Signal) -> String {
    let kind = match category {
        Category::Fire => "Fire",
        Category::Panic => "Panic",
        Category::Duress => "Duress",
        Category::Medical => "Medical",
        Category::Burglary => "Burglary",
        Category::Tamper => "Tamper",
        Category::Trouble => "Trouble",
        Category::LinkFailure => "Link failure",
        _ => return signal.meaning.clone(),
    };
    match &signal.zone_name {
        Some(zone) => format!("{kind}: {zone}"),
        None => kind.to_owned(),
    }
}
