//! `/operator`: the dashboard. The queue (highest priority, then oldest; live clocks; claims
//! locked for the others; storm groups folded), the live map of sites, incidents and crews,
//! and the signal feed. Everything arrives pushed; a reconnect reloads the snapshot.

use std::collections::HashSet;

use crate::tx;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api::ops::{act_on_storm, incident_action, load_ops};
use crate::components::clock::{self, elapsed, wait_class};
use crate::components::header::Header;
use crate::components::opsmap;
use crate::components::require_role::RequireRole;
use crate::components::signal_feed::SignalFeed;
use crate::components::words::{self, crew_status};
use crate::model::ops::{
    CrewMarker, IncidentCard, MapConfig, OpsAction, OpsEvent, OpsSnapshot, QueueLimits, SiteMarker, StormAction,
};
use crate::model::{Role, SessionUser};

/// The dashboard (staff only).
#[component]
pub fn OperatorPage() -> impl IntoView {
    view! {
        <RequireRole allowed=|u: &SessionUser| u.role.is_staff() render=|user: SessionUser| view! {
            <Header user=user.clone() title=tx!(staff.ops.title)><StaffNav role=user.role/></Header>
            <Dashboard me=user.id login=user.username.clone() boss=user.role.is_supervisor()/>
        }/>
    }
}

/// Links between the staff pages.
#[component]
pub fn StaffNav(role: Role) -> impl IntoView {
    let boss = role.is_supervisor();
    view! {
        <nav class="staff-nav">
            <a href="/operator">{tx!(staff.ops.dashboard)}</a>
            <Show when=move || boss><a href="/supervisor">{tx!(staff.ops.supervisor)}</a></Show>
            <Show when=move || role == Role::Admin><a href="/admin">{tx!(staff.ops.admin)}</a></Show>
        </nav>
    }
}

/// The dashboard's live state.
#[derive(Clone, Copy)]
struct Board {
    incidents: RwSignal<Vec<IncidentCard>>,
    limits: RwSignal<QueueLimits>,
    crews: RwSignal<Vec<CrewMarker>>,
    sites: StoredValue<Vec<SiteMarker>>,
    map: StoredValue<Option<MapConfig>>,
    map_ready: RwSignal<bool>,
    map_drawn: RwSignal<bool>,
    loaded: RwSignal<u32>,
    live: RwSignal<bool>,
    message: RwSignal<Option<(bool, String)>>,
    /// Who is signed in: the alarm tone is muted per login.
    login: StoredValue<String>,
    /// The snapshot asked for last, and the events pushed while it is on its way: a snapshot
    /// read before an incident opened must not hide the incident pushed meanwhile, so they
    /// are applied again on top of it.
    reloading: StoredValue<(u64, Option<Vec<OpsEvent>>)>,
}

fn sort_queue(list: &mut [IncidentCard]) {
    list.sort_by_key(|i| (i.priority, i.opened_at_ms, i.id));
}

impl Board {
    fn new(login: String) -> Board {
        Board {
            login: StoredValue::new(login),
            incidents: RwSignal::new(Vec::new()),
            limits: RwSignal::new(QueueLimits::default()),
            crews: RwSignal::new(Vec::new()),
            sites: StoredValue::new(Vec::new()),
            map: StoredValue::new(None),
            map_ready: RwSignal::new(false),
            map_drawn: RwSignal::new(false),
            loaded: RwSignal::new(0),
            live: RwSignal::new(false),
            message: RwSignal::new(None),
            reloading: StoredValue::new((0, None)),
        }
    }

    /// A snapshot is asked for: returns its number, and events are kept from now until it
    /// (or a later one) arrives.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn asking(&self) -> u64 {
        self.reloading.update_value(|(n, kept)| {
            *n += 1;
            kept.get_or_insert_with(Vec::new);
        });
        self.reloading.with_value(|(n, _)| *n)
    }

    /// Snapshot `n` arrived: taken only if no later one was asked for, then the events
    /// pushed since it was asked for are applied on top (each carries a whole card, so once
    /// more is harmless).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn arrived(&self, n: u64, s: Option<OpsSnapshot>) {
        if self.reloading.with_value(|(last, _)| *last != n) {
            return;
        }
        let mut kept = Vec::new();
        self.reloading.update_value(|(_, k)| kept = k.take().unwrap_or_default());
        if let Some(s) = s {
            self.take(s);
            for event in kept {
                self.change(event, false);
            }
        }
    }

    fn take(&self, s: OpsSnapshot) {
        let mut incidents = s.incidents;
        sort_queue(&mut incidents);
        self.incidents.set(incidents);
        self.limits.set(s.limits);
        self.crews.set(s.crews);
        self.sites.set_value(s.sites);
        self.map.set_value(Some(s.map));
        self.loaded.update(|n| *n += 1);
        if self.map_drawn.get_untracked() {
            self.push_all();
        }
    }

    fn push_all(&self) {
        self.sites.with_value(|s| opsmap::set_sites(s));
        self.incidents.with_untracked(|i| opsmap::set_incidents(i));
        self.crews.with_untracked(|c| opsmap::set_crews(c));
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn apply(&self, event: OpsEvent) {
        self.reloading.update_value(|(_, kept)| {
            if let Some(kept) = kept {
                kept.push(event.clone());
            }
        });
        self.change(event, true);
    }

    /// Applies a pushed change; a new open incident sounds the tone unless `sound` is off
    /// (a change applied again on top of a snapshot has sounded already).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn change(&self, event: OpsEvent, sound: bool) {
        match event {
            OpsEvent::Incident(card) => {
                opsmap::update_incident(&card);
                // A new open incident sounds the alarm tone (by priority).
                let known = self.incidents.with_untracked(|list| list.iter().any(|i| i.id == card.id));
                if sound && !known && !card.is_closed() {
                    self.login.with_value(|login| crate::components::appjs::alarm(card.priority, login));
                }
                self.incidents.update(|list| {
                    list.retain(|i| i.id != card.id);
                    if !card.is_closed() {
                        list.push(card);
                        sort_queue(list);
                    }
                });
            }
            OpsEvent::Crew(crew) => {
                opsmap::update_crew(&crew);
                self.crews.update(|list| match list.iter_mut().find(|c| c.id == crew.id) {
                    Some(c) => *c = crew,
                    None => list.push(crew),
                });
            }
            OpsEvent::Site(site) => {
                opsmap::update_site(&site);
                self.sites.update_value(|list| match list.iter_mut().find(|s| s.id == site.id) {
                    Some(s) => *s = site,
                    None => list.push(site),
                });
            }
        }
    }
}

/// A line of the queue: an incident, or a storm group of several.
#[derive(Clone, PartialEq)]
enum Line {
    One(Box<IncidentCard>),
    Group { key: String, cards: Vec<IncidentCard> },
}

/// The queue's lines: unclaimed incidents of one storm group fold into one line unless it was
/// unfolded; a claimed incident always has its own line (someone is working it).
fn lines(incidents: &[IncidentCard], expanded: &HashSet<String>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    for card in incidents {
        match &card.group_key {
            Some(key) if !expanded.contains(key) && card.claimed_by.is_none() => {
                if let Some(Line::Group { cards, .. }) =
                    out.iter_mut().find(|l| matches!(l, Line::Group { key: k, .. } if k == key))
                {
                    cards.push(card.clone());
                } else {
                    out.push(Line::Group { key: key.clone(), cards: vec![card.clone()] });
                }
            }
            _ => out.push(Line::One(Box::new(card.clone()))),
        }
    }
    out.into_iter()
        .map(|l| match l {
            Line::Group { cards, .. } if cards.len() == 1 => {
                Line::One(Box::new(cards.into_iter().next().expect("one")))
            }
            l => l,
        })
        .collect()
}

#[component]
fn Dashboard(me: i64, login: String, boss: bool) -> impl IntoView {
    let board = Board::new(login.clone());
    // Read from the browser after hydration (the server cannot know it).
    let muted = RwSignal::new(false);
    Effect::new({
        let login = login.clone();
        move |_| muted.set(crate::components::appjs::muted(&login))
    });
    let toggle_sound = move |_| {
        let on = !muted.get_untracked();
        board.login.with_value(|l| crate::components::appjs::set_muted(l, on));
        muted.set(on);
    };
    let (now, offset) = clock::ticking();
    let selected = RwSignal::new(0_usize);
    let expanded = RwSignal::new(HashSet::<String>::new());
    let navigate = use_navigate();
    let open = {
        let navigate = navigate.clone();
        move |id: i64| navigate(&format!("/operator/incidents/{id}"), Default::default())
    };

    let reload = move || {
        let n = board.asking();
        leptos::task::spawn_local(async move {
            match load_ops().await {
                Ok(s) => {
                    clock::sync(offset, now, s.now_ms);
                    board.arrived(n, Some(s));
                }
                Err(e) => {
                    board.arrived(n, None);
                    board.message.set(Some((false, tx!(staff.ops.load_failed, error = e))));
                }
            }
        });
    };

    #[cfg(not(feature = "hydrate"))]
    let _ = reload;
    #[cfg(feature = "hydrate")]
    Effect::new(move |started: Option<()>| {
        if started.is_none() {
            crate::components::stream::listen(
                "/api/v1/ops/stream",
                &["ops", "lagged"],
                board.live,
                move |name, data| {
                    if name == "lagged" {
                        reload();
                    } else if let Ok(ev) = serde_json::from_str::<OpsEvent>(&data) {
                        board.apply(ev);
                    }
                },
                reload,
            );
            opsmap::load(move || board.map_ready.set(true));
            on_cleanup(opsmap::destroy);
        }
    });

    // Draws the map once its scripts and the first snapshot are both there.
    Effect::new({
        let open = open.clone();
        move |_| {
            if board.map_ready.get() && board.loaded.get() > 0 && !board.map_drawn.get_untracked() {
                let Some(cfg) = board.map.get_value() else { return };
                let open = open.clone();
                opsmap::init("ops-map", &cfg, true, move |kind, id| {
                    // A site or a crew opens the incident it is about, if any.
                    let target = match kind.as_str() {
                        "incident" => Some(id),
                        "site" => {
                            board.incidents.with_untracked(|list| list.iter().find(|i| i.site_id == id).map(|i| i.id))
                        }
                        "crew" => {
                            board.crews.with_untracked(|list| list.iter().find(|c| c.id == id).and_then(|c| c.incident))
                        }
                        _ => None,
                    };
                    match target {
                        Some(incident) => open(incident),
                        None => board.message.set(Some((
                            true,
                            match kind.as_str() {
                                "crew" => tx!(staff.ops.none_at_crew),
                                "site" => tx!(staff.ops.none_at_site),
                                _ => tx!(staff.ops.none_here),
                            }
                            .to_owned(),
                        ))),
                    }
                });
                board.map_drawn.set(true);
                board.push_all();
            }
        }
    });

    // Claiming opens the incident: the operator claims it to work it.
    let claimed = RwSignal::new(None::<i64>);
    Effect::new({
        let open = open.clone();
        move |_| {
            if let Some(id) = claimed.get() {
                open(id);
            }
        }
    });
    let claim = move |id: i64| {
        leptos::task::spawn_local(async move {
            match incident_action(id, OpsAction::Claim).await {
                Ok(o) if o.ok => claimed.set(Some(id)),
                Ok(o) => board.message.set(Some((false, o.message))),
                Err(e) => board.message.set(Some((false, crate::components::readable(&e)))),
            }
        });
    };
    let storm = move |group: String, action: StormAction| {
        leptos::task::spawn_local(async move {
            match act_on_storm(group, action).await {
                Ok(o) => board.message.set(Some((o.ok, o.message))),
                Err(e) => board.message.set(Some((false, crate::components::readable(&e)))),
            }
        });
    };

    let visible = Memo::new(move |_| board.incidents.with(|i| expanded.with(|e| lines(i, e))));
    #[cfg(feature = "hydrate")]
    {
        let open = open.clone();
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            let typing = ev
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
                .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
            if typing || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            let n = visible.with_untracked(Vec::len);
            let current = visible.with_untracked(|v| v.get(selected.get_untracked()).cloned());
            match ev.key().as_str() {
                "j" | "ArrowDown" if n > 0 => selected.update(|s| *s = (*s + 1).min(n - 1)),
                "k" | "ArrowUp" => selected.update(|s| *s = s.saturating_sub(1)),
                "Enter" | "o" => match current {
                    Some(Line::One(card)) => open(card.id),
                    Some(Line::Group { key, .. }) => expanded.update(|e| {
                        e.insert(key);
                    }),
                    None => {}
                },
                "c" => {
                    if let Some(Line::One(card)) = current {
                        claim(card.id);
                    }
                }
                _ => return,
            }
            ev.prevent_default();
        });
        on_cleanup(move || handle.remove());
    }

    view! {
        <main class="ops">
            <section class="ops-queue" aria-label=tx!(staff.ops.queue_label)>
                <div class="feed-head">
                    <h2>{tx!(staff.ops.queue)} <span class="count" data-testid="queue-count">{move || board.incidents.with(Vec::len)}</span></h2>
                    <span class="live" class:on=move || board.live.get() data-testid="ops-live">
                        {move || if board.live.get() { tx!(staff.ops.live) } else { tx!(staff.ops.reconnecting) }}
                    </span>
                    <button class="btn small sound" data-testid="sound-toggle" aria-pressed=move || muted.get().to_string() on:click=toggle_sound
                        title=tx!(staff.ops.sound_help)>
                        {move || if muted.get() { tx!(staff.ops.sound_off) } else { tx!(staff.ops.sound_on) }}
                    </button>
                </div>
                <p class="keys">{tx!(staff.ops.keys)}</p>
                {move || board.message.get().map(|(ok, text)| view! {
                    <p class=if ok { "flash ok" } else { "flash bad" } data-testid="flash">{text}</p>
                })}
                <ol class="queue" data-testid="queue">
                    <For
                        each=move || visible.get().into_iter().enumerate()
                        key=|(n, l)| (*n, match l { Line::One(c) => c.row_key(), Line::Group { key, cards } => format!("{key}:{}:{}", cards.len(), cards.iter().map(IncidentCard::row_key).collect::<String>()) })
                        children=move |(n, line)| {
                            let is_selected = move || selected.get() == n;
                            match line {
                                Line::One(card) => view! {
                                    <QueueRow card=*card me now limits=board.limits selected=Signal::derive(is_selected) on_claim=claim/>
                                }.into_any(),
                                Line::Group { key, cards } => view! {
                                    <StormRow key cards now selected=Signal::derive(is_selected) boss expanded on_storm=storm/>
                                }.into_any(),
                            }
                        }
                    />
                </ol>
                <Show when=move || { board.loaded.get() > 0 && board.incidents.with(Vec::is_empty) }>
                    <p class="empty">{tx!(staff.ops.empty)}</p>
                </Show>
            </section>
            <section class="ops-map-wrap" aria-label=tx!(staff.ops.map)>
                <div id="ops-map" class="ops-map" data-testid="ops-map"></div>
                <CrewStrip crews=board.crews/>
            </section>
            <section class="ops-feed">
                <details open>
                    <summary data-testid="feed-toggle">{tx!(staff.ops.signals)}</summary>
                    <SignalFeed/>
                </details>
            </section>
        </main>
    }
}

#[component]
fn QueueRow(
    card: IncidentCard,
    me: i64,
    now: RwSignal<i64>,
    limits: RwSignal<QueueLimits>,
    selected: Signal<bool>,
    on_claim: impl Fn(i64) + Copy + 'static,
) -> impl IntoView {
    let id = card.id;
    let opened = card.opened_at_ms;
    let acked = card.acknowledged_at_ms;
    let claimed = card.claimed_by.is_some();
    let mine = card.claimed_by == Some(me);
    let wait = move || if claimed { "ok" } else { wait_class(now.get() - opened, limits.get()) };
    let lock = card.claimed_by_name.clone().filter(|_| !mine);
    view! {
        <li class=move || format!("q-row p{} {}", card.priority, wait()) class:selected=move || selected.get() class:locked=lock.is_some() class:mine=mine
            data-testid="queue-row" data-incident=id data-site=card.site_id data-category=card.category.clone()>
            <span class=format!("prio p{}", card.priority)>{format!("P{}", card.priority)}</span>
            <div class="q-main">
                <a class="q-title" href=format!("/operator/incidents/{id}")>{words::incident_title(&card)}</a>
                <span class="q-site">{card.site_name.clone()}</span>
                <span class="q-meta">
                    <span class="status" data-testid="card-status">{words::incident_status(&card)}</span>
                    {words::crew_line(&card).map(|c| view! { <span class="crew" data-testid="card-crews">{c}</span> })}
                    {card.escalated.then(|| view! { <span class="badge esc" data-testid="escalated">{tx!(staff.ops.escalated)}</span> })}
                    {card.silent.then(|| view! { <span class="badge silent">{tx!(staff.ops.silent)}</span> })}
                    {lock.clone().map(|who| view! { <span class="badge lock" data-testid="locked-by">{format!("🔒 {who}")}</span> })}
                    {mine.then(|| view! { <span class="badge mine">{tx!(staff.ops.yours)}</span> })}
                </span>
            </div>
            <div class="q-clocks">
                <span class=move || format!("clock {}", wait()) title=tx!(staff.ops.since_first) data-testid="clock-open">{move || elapsed(now.get() - opened)}</span>
                <span class="clock ack" title=tx!(staff.ops.since_ack)>{move || acked.map(|a| elapsed(now.get() - a)).unwrap_or_else(|| "—".into())}</span>
            </div>
            {if claimed {
                view! { <a class="btn" href=format!("/operator/incidents/{id}")>{tx!(staff.ops.open)}</a> }.into_any()
            } else {
                view! { <button class="btn primary" data-testid="claim" on:click=move |_| on_claim(id)>{tx!(staff.ops.claim)}</button> }.into_any()
            }}
        </li>
    }
}

/// A folded storm group: one category, its count, the area; a supervisor acknowledges or
/// closes the whole group from here.
#[component]
fn StormRow(
    key: String,
    cards: Vec<IncidentCard>,
    now: RwSignal<i64>,
    selected: Signal<bool>,
    boss: bool,
    expanded: RwSignal<HashSet<String>>,
    on_storm: impl Fn(String, StormAction) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let first = cards[0].clone();
    let opened = cards.iter().map(|c| c.opened_at_ms).min().unwrap_or(first.opened_at_ms);
    let unfold = key.clone();
    let resolution = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let (ack_key, close_key) = (key.clone(), key.clone());
    view! {
        <li class="q-row group" class:selected=move || selected.get() data-testid="storm-group" data-category=first.category.clone()>
            <span class=format!("prio p{}", first.priority)>{format!("P{}", first.priority)}</span>
            <div class="q-main">
                <span class="q-title" data-testid="storm-label">{tx!(staff.ops.storm, n = cards.len(), what = words::category(&first.category))}</span>
                <span class="q-site">{tx!(staff.ops.around, site = &first.site_name)}</span>
                {boss.then(|| view! {
                    <span class="storm-actions">
                        <button class="btn small" data-testid="storm-ack" on:click=move |_| on_storm(ack_key.clone(), StormAction::Acknowledge)>{tx!(staff.ops.ack_all)}</button>
                        <select aria-label=tx!(staff.ops.storm_resolution) data-testid="storm-resolution" on:change=move |ev| resolution.set(event_target_value(&ev))>
                            <option value="">{tx!(staff.ops.close_as)}</option>
                            <option value="false_technical">{tx!(staff.ops.false_technical)}</option>
                            <option value="false_user">{tx!(staff.ops.false_user)}</option>
                            <option value="real">{tx!(staff.ops.real)}</option>
                            <option value="duplicate">{tx!(staff.ops.duplicate)}</option>
                        </select>
                        <button class="btn small" data-testid="storm-close" on:click=move |_| {
                            let r = resolution.get_untracked();
                            if r.is_empty() { error.set(Some(tx!(staff.ops.choose_end))); return; }
                            error.set(None);
                            on_storm(close_key.clone(), StormAction::Close { resolution: r });
                        }>{tx!(staff.ops.close_all)}</button>
                        {move || error.get().map(|e| view! { <span class="field-error">{e}</span> })}
                    </span>
                })}
            </div>
            <div class="q-clocks"><span class="clock">{move || elapsed(now.get() - opened)}</span></div>
            <button class="btn" on:click=move |_| expanded.update(|e| { e.insert(unfold.clone()); })>{tx!(staff.ops.unfold)}</button>
        </li>
    }
}

#[component]
fn CrewStrip(crews: RwSignal<Vec<CrewMarker>>) -> impl IntoView {
    view! {
        <ul class="crew-strip" data-testid="crews">
            <For each=move || crews.get() key=|c| (c.id, c.status.clone(), c.incident) let:c>
                <li class=format!("crew-chip {}", c.status)>
                    <strong>{c.name.clone()}</strong>" "<span>{crew_status(&c.status)}</span>
                </li>
            </For>
        </ul>
    }
}
