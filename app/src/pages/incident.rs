//! `/operator/incidents/:id`: the incident workspace. The site sheet, the signals, the action
//! plan as a checklist, the contacts in calling order with call outcomes and a password check
//! that never shows the password, dispatch with the candidates' distance and time, notes,
//! and closing with the resolution's billing effect. Reloads itself when the incident changes.

use crate::tx;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::ops::{incident_action, load_incident};
use crate::components::clock::{self, elapsed};
use crate::components::header::Header;
use crate::components::require_role::RequireRole;
use crate::components::words;
use crate::model::ops::{IncidentWork, OpsAction};
use crate::model::SessionUser;
use crate::pages::operator::StaffNav;

/// The workspace (staff only).
#[component]
pub fn IncidentPage() -> impl IntoView {
    view! {
        <RequireRole allowed=|u: &SessionUser| u.role.is_staff() render=|user: SessionUser| view! {
            <Header user=user.clone() title=tx!(staff.inc.title)><StaffNav role=user.role/></Header>
            <Workspace boss=user.role.is_supervisor()/>
        }/>
    }
}

#[component]
fn Workspace(boss: bool) -> impl IntoView {
    let params = use_params_map();
    let raw = move || params.with(|p| p.get("id").unwrap_or_default());
    let number = |raw: &str| raw.parse::<i64>().ok().filter(|i| *i > 0).unwrap_or(0);
    let id = move || number(&raw());
    // Event handlers and stream callbacks read the id outside any tracking context.
    let id_now = move || number(&params.with_untracked(|p| p.get("id").unwrap_or_default()));
    // Loaded in the browser: the page hydrates the same way however fast the server is. An
    // address that names no incident number is answered here, without asking the server.
    let work = LocalResource::new(move || {
        let (n, raw) = (id(), raw());
        async move {
            if n == 0 {
                return Err(tx!(staff.inc.bad_number, raw = format!("{raw:?}")));
            }
            load_incident(n).await.map_err(|e| crate::components::readable(&e))
        }
    });
    let flash = RwSignal::new(None::<(bool, String)>);
    // Crews still out when a close was asked: the page asks what to do with them.
    let crews_out = RwSignal::new(Vec::<String>::new());
    let (now, offset) = clock::ticking();
    let live = RwSignal::new(false);

    #[cfg(feature = "hydrate")]
    Effect::new(move |started: Option<()>| {
        if started.is_none() {
            crate::components::stream::listen(
                "/api/v1/ops/stream",
                &["ops"],
                live,
                move |_, data| {
                    if let Ok(crate::model::ops::OpsEvent::Incident(card)) = serde_json::from_str(&data) {
                        if card.id == id_now() {
                            work.refetch();
                        }
                    }
                },
                move || work.refetch(),
            );
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(w)) = work.get() {
            clock::sync(offset, now, w.now_ms);
        }
    });

    let act = move |action: OpsAction| {
        let incident = id_now();
        leptos::task::spawn_local(async move {
            match incident_action(incident, action).await {
                Ok(o) => {
                    // Crews still out: the close form asks what to do; no second message.
                    let asking = !o.crews_out.is_empty();
                    crews_out.set(o.crews_out);
                    flash.set((!asking).then_some((o.ok, o.message)));
                }
                Err(e) => flash.set(Some((false, crate::components::readable(&e)))),
            }
            work.refetch();
        });
    };

    view! {
        <main class="work">
            {move || match work.get() {
                    None => view! { <p class="centered">{tx!(staff.inc.loading)}</p> }.into_any(),
                    Some(r) => match r {
                    Ok(w) => view! { <Sheet w act flash now live boss crews_out/> }.into_any(),
                    Err(e) => view! {
                        <div class="centered not-found" data-testid="work-error">
                            <p class="field-error">{e}</p>
                            <p><a href="/operator">{tx!(staff.inc.back)}</a></p>
                        </div>
                    }.into_any(),
                    },
                }}
        </main>
    }
}

#[component]
fn Sheet(
    w: IncidentWork,
    act: impl Fn(OpsAction) + Copy + Send + Sync + 'static,
    flash: RwSignal<Option<(bool, String)>>,
    now: RwSignal<i64>,
    live: RwSignal<bool>,
    boss: bool,
    crews_out: RwSignal<Vec<String>>,
) -> impl IntoView {
    let card = w.card.clone();
    let closed = card.is_closed();
    let locked_by = card.claimed_by_name.clone().filter(|_| !w.mine);
    let can_act = w.mine && !closed;
    let opened = card.opened_at_ms;
    let acked = card.acknowledged_at_ms;
    let any_active = card.crews.iter().any(|c| c.active);
    let site = w.site.clone();
    view! {
        <div class="work-head">
            <span class=format!("prio p{}", card.priority)>{format!("P{}", card.priority)}</span>
            <h1 data-testid="incident-title">{words::incident_title(&card)}" · "{card.site_name.clone()}</h1>
            <span class="status" data-testid="incident-status" data-status=card.status.clone()>{words::incident_status(&card)}</span>
            {card.silent.then(|| view! { <span class="badge silent">{tx!(staff.inc.silent)}</span> })}
            {card.escalated.then(|| view! { <span class="badge esc">{tx!(staff.inc.escalated)}</span> })}
            <span class="clock" title=tx!(staff.inc.since_first)>{move || elapsed(now.get() - opened)}</span>
            <span class="clock ack" title=tx!(staff.inc.since_ack)>{move || acked.map(|a| elapsed(now.get() - a)).unwrap_or_else(|| tx!(staff.inc.not_claimed).into())}</span>
            <span class="live" class:on=move || live.get()>{move || if live.get() { tx!(staff.inc.live) } else { "○" }}</span>
            <a class="btn small" data-testid="report-link" href=format!("/operator/incidents/{}/report", card.id)>{tx!(staff.inc.report)}</a>
            <span class="spacer"></span>
            {match (closed, w.mine, locked_by.clone()) {
                (true, _, _) => view! { <span class="badge">{tx!(staff.inc.closed)}</span> }.into_any(),
                (false, true, _) => view! { <button class="btn" data-testid="release" on:click=move |_| act(OpsAction::Release)>{tx!(staff.inc.release)}</button> }.into_any(),
                (false, false, Some(_)) if boss => view! { <button class="btn warn" data-testid="take-over" on:click=move |_| act(OpsAction::TakeOver)>{tx!(staff.inc.take_over)}</button> }.into_any(),
                (false, false, Some(_)) => view! { <button class="btn" disabled=true>{tx!(staff.inc.locked)}</button> }.into_any(),
                (false, false, None) => view! { <button class="btn primary" data-testid="claim" on:click=move |_| act(OpsAction::Claim)>{tx!(staff.inc.claim)}</button> }.into_any(),
            }}
        </div>
        {locked_by.map(|who| {
            let text = if boss {
                tx!(staff.inc.lock_boss, who = &who)
            } else {
                tx!(staff.inc.lock_reader, who = &who)
            };
            view! { <p class="lock-banner" data-testid="lock-banner">{text}</p> }
        })}
        {w.taken_from_me.clone().map(|by| view! { <p class="flash bad" data-testid="taken-over">{tx!(staff.inc.taken, by = &by)}</p> })}
        {move || flash.get().map(|(ok, text)| view! { <p class=if ok { "flash ok" } else { "flash bad" } data-testid="flash">{text}</p> })}
        {w.cancel_until.clone().map(|t| view! { <p class="note">{tx!(staff.inc.cancel_until, time = &t)}</p> })}
        <div class="work-grid">
            <section class="card site-sheet" data-testid="site-sheet">
                <h2>{tx!(staff.inc.site)}</h2>
                <p><strong>{site.name.clone()}</strong><br/>{site.address.clone()}</p>
                <p class="muted">{tx!(staff.inc.accounts, accounts = site.accounts.join(", "), zone = &site.time_zone)}
                    <a href=format!("https://www.openstreetmap.org/?mlat={:.5}&mlon={:.5}#map=17/{:.5}/{:.5}", site.lat, site.lon, site.lat, site.lon) target="_blank" rel="noopener">{tx!(staff.inc.map)}</a>
                </p>
                <dl class="facts">
                    <dt>{tx!(staff.inc.state)}</dt><dd>{site.arm.clone()}</dd>
                    <dt>{tx!(staff.inc.keys)}</dt><dd>{if site.keys.is_empty() { tx!(staff.inc.no_keys).to_owned() } else { site.keys.clone() }}</dd>
                    <dt>{tx!(staff.inc.pets)}</dt><dd>{if site.pets.is_empty() { tx!(staff.inc.no_pets).to_owned() } else { site.pets.clone() }}</dd>
                    <dt>{tx!(staff.inc.notes)}</dt><dd>{site.notes.clone()}</dd>
                    {site.test_until.clone().map(|t| view! { <dt>{tx!(staff.inc.test)}</dt><dd class="warn">{tx!(staff.inc.test_until, time = &t)}</dd> })}
                    {site.suspended_until.clone().map(|t| view! { <dt>{tx!(staff.inc.suspended)}</dt><dd class="warn">{tx!(staff.inc.until, time = &t)}</dd> })}
                </dl>
                <h3>{tx!(staff.inc.zones)}</h3>
                <ul class="zones">{site.zones.iter().map(|z| view! { <li><span class="mono">{z.zone.clone()}</span>" "{z.name.clone()}</li> }).collect_view()}</ul>
                {(!site.schedule.is_empty()).then(|| view! { <h3>{tx!(staff.inc.hours)}</h3><ul class="zones">{site.schedule.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ul> })}
                <h3>{tx!(staff.inc.signals)}</h3>
                <ul class="sigs" data-testid="incident-signals">{w.signals.iter().map(|s| view! {
                    <li><span class="mono">{s.local_time.clone()}</span>" "{s.test.then(|| view! { <span class="badge test">{tx!(staff.inc.test_badge)}</span>" " })}{s.meaning.clone()}{s.zone_name.clone().map(|z| format!(" · {z}"))}</li>
                }).collect_view()}</ul>
            </section>
            <section class="card plan" data-testid="plan">
                <h2>{tx!(staff.inc.plan)}</h2>
                <ol class="steps">{w.steps.iter().map(|s| {
                    let index = s.index;
                    let pending = s.status == "pending" && !s.auto;
                    view! {
                        <li class=format!("step {}", s.status) data-testid="step">
                            <span class="tick">{match s.status.as_str() { "done" => "✔", "skipped" => "–", "failed" => "✖", _ => "○" }}</span>
                            <span>{s.kind.clone()}{s.auto.then_some(tx!(staff.inc.auto))}</span>
                            <span class="muted">{s.at.clone().unwrap_or_default()}{s.note.clone().map(|n| format!(" · {n}"))}</span>
                            {pending.then(|| view! { <button class="btn small" disabled=!can_act data-testid="step-done" on:click=move |_| act(OpsAction::Step { step: index, note: None })>{tx!(staff.inc.done)}</button> })}
                        </li>
                    }
                }).collect_view()}</ol>
                <h2>{tx!(staff.inc.contacts)}</h2>
                <ol class="contacts">{w.contacts.iter().map(|c| view! { <ContactRow c=c.clone() can_act act/> }).collect_view()}</ol>
            </section>
            <section class="card dispatch" data-testid="dispatch">
                <h2>{tx!(staff.inc.dispatch)}</h2>
                <ul class="crews-on" data-testid="crews-on">{card.crews.iter().map(|c| {
                    let crew = c.crew_id;
                    let active = c.active;
                    view! {
                        <li data-testid="crew-sent" class:gone=!active>
                            <strong>{c.name.clone()}</strong>{c.backup.then_some(tx!(staff.inc.backup))}" · "<span data-testid="crew-state">{words::crew_state(c)}</span>
                            {(active && can_act).then(|| view! {
                                <button class="btn small" data-testid="recall" on:click=move |_| act(OpsAction::Recall { crew_id: crew })>{tx!(staff.inc.recall)}</button>
                                <button class="btn small" data-testid="reassign" title=tx!(staff.inc.reassign_help) on:click=move |_| act(OpsAction::Reassign { from_crew: crew, to_crew: None })>{tx!(staff.inc.reassign)}</button>
                            })}
                        </li>
                    }
                }).collect_view()}</ul>
                <Show when=move || can_act>
                    <button class="btn primary" data-testid="dispatch-nearest" on:click=move |_| act(OpsAction::Dispatch { crew_id: None })>
                        {if any_active { tx!(staff.inc.send_backup_nearest) } else { tx!(staff.inc.dispatch_nearest) }}
                    </button>
                </Show>
                <table class="cands">
                    <thead><tr><th>{tx!(staff.inc.free_crew)}</th><th>{tx!(staff.inc.distance)}</th><th>{tx!(staff.inc.eta)}</th><th></th></tr></thead>
                    <tbody>{w.candidates.iter().map(|c| {
                        let crew = c.crew_id;
                        view! { <tr data-testid="candidate">
                            <td>{c.name.clone()}</td>
                            <td>{format!("{:.1} km", c.distance_m / 1000.0)}</td>
                            <td>{format!("{} min", c.eta_s.div_ceil(60))}</td>
                            <td><button class="btn small" disabled=!can_act data-testid="send" on:click=move |_| act(OpsAction::Dispatch { crew_id: Some(crew) })>{if any_active { tx!(staff.inc.send_backup) } else { tx!(staff.inc.send) }}</button></td>
                        </tr> }
                    }).collect_view()}</tbody>
                </table>
                {w.candidates.is_empty().then(|| view! { <p class="muted">{tx!(staff.inc.no_crew)}</p> })}
                <h2>{tx!(staff.inc.notes)}</h2>
                <ul class="notes">{w.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
                <NoteForm can_act act/>
                <h2>{tx!(staff.inc.close)}</h2>
                <CloseForm choices=w.resolutions.clone() can_act act crews_out/>
            </section>
            <section class="card journal" data-testid="journal">
                {(!w.photos.is_empty()).then(|| view! {
                    <h2>{tx!(staff.inc.photos)}</h2>
                    <ul class="photos" data-testid="photos">{w.photos.iter().map(|(src, label)| view! {
                        <li><a href=src.clone() target="_blank" rel="noopener"><img src=src.clone() alt=tx!(staff.inc.photo, label = label) loading="lazy"/></a><small>{label.clone()}</small></li>
                    }).collect_view()}</ul>
                })}
                <h2>{tx!(staff.inc.journal)}</h2>
                <ol class="journal-lines">{w.journal.iter().map(|j| view! {
                    <li data-testid="journal-line" data-action=j.action.clone()>
                        <span class="mono">{j.at.clone()}</span>" "
                        <span class="actor">{j.who.clone().unwrap_or_else(|| j.actor.clone())}</span>" "
                        <strong>{j.label.clone()}</strong>
                        {j.detail.clone().map(|d| format!(" · {d}"))}
                    </li>
                }).collect_view()}</ol>
            </section>
        </div>
    }
}

#[component]
fn ContactRow(
    c: crate::model::ops::ContactLine,
    can_act: bool,
    act: impl Fn(OpsAction) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = c.id;
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let check = move |_| {
        let said = password.get_untracked();
        if said.trim().is_empty() {
            error.set(Some(tx!(staff.inc.type_password)));
            return;
        }
        error.set(None);
        password.set(String::new());
        act(OpsAction::Password { contact_id: id, password: said });
    };
    let call = move |outcome: &'static str| move |_| act(OpsAction::Call { contact_id: id, outcome: outcome.into() });
    view! {
        <li class="contact" data-testid="contact">
            <div><strong>{c.name.clone()}</strong>" "<a href=format!("tel:{}", c.phone.replace(' ', ""))>{c.phone.clone()}</a>
                {c.unavailable_until_ms.map(|_| view! { <span class="badge">{tx!(staff.inc.unavailable)}</span> })}
                {(!c.calls.is_empty()).then(|| view! { <span class="muted">{format!(" · {}", c.calls.join(", ").replace('_', " "))}</span> })}
            </div>
            <div class="call-buttons">
                <button class="btn small" disabled=!can_act on:click=call("reached")>{tx!(staff.inc.reached)}</button>
                <button class="btn small" disabled=!can_act data-testid="no-answer" on:click=call("no_answer")>{tx!(staff.inc.no_answer)}</button>
                <button class="btn small" disabled=!can_act on:click=call("declined_dispatch")>{tx!(staff.inc.declined)}</button>
            </div>
            {c.has_password.then(|| view! {
                <div class="pw">
                    <input type="password" autocomplete="off" placeholder=tx!(staff.inc.password) aria-label=tx!(staff.inc.password)
                        data-testid="password" disabled=!can_act prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                    <button class="btn small" disabled=!can_act data-testid="check-password" on:click=check>{tx!(staff.inc.check)}</button>
                    {move || error.get().map(|e| view! { <span class="field-error">{e}</span> })}
                </div>
            })}
        </li>
    }
}

#[component]
fn NoteForm(can_act: bool, act: impl Fn(OpsAction) + Copy + Send + Sync + 'static) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    view! {
        <div class="note-form">
            <textarea rows="2" placeholder=tx!(staff.inc.add_note_ph) aria-label=tx!(staff.inc.note) disabled=!can_act data-testid="note"
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <button class="btn small" disabled=!can_act on:click=move |_| {
                let t = text.get_untracked();
                if t.trim().is_empty() { error.set(Some(tx!(staff.inc.note_first))); return; }
                error.set(None);
                text.set(String::new());
                act(OpsAction::Note { text: t });
            }>{tx!(staff.inc.add_note)}</button>
            {move || error.get().map(|e| view! { <span class="field-error">{e}</span> })}
        </div>
    }
}

#[component]
fn CloseForm(
    choices: Vec<crate::model::ops::ResolutionChoice>,
    can_act: bool,
    act: impl Fn(OpsAction) + Copy + Send + Sync + 'static,
    crews_out: RwSignal<Vec<String>>,
) -> impl IntoView {
    let chosen = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    let effect = {
        let choices = choices.clone();
        move || chosen.with(|c| choices.iter().find(|r| &r.value == c).map(|r| r.billing.clone()))
    };
    view! {
        <div class="close-form">
            <select aria-label=tx!(staff.inc.resolution) data-testid="resolution" disabled=!can_act on:change=move |ev| chosen.set(event_target_value(&ev))>
                <option value="">{tx!(staff.inc.resolution_choose)}</option>
                {choices.iter().map(|r| view! { <option value=r.value.clone()>{r.label.clone()}</option> }).collect_view()}
            </select>
            <button class="btn" disabled=!can_act data-testid="close" on:click=move |_| {
                let r = chosen.get_untracked();
                if r.is_empty() { error.set(Some(tx!(staff.inc.choose_end))); return; }
                error.set(None);
                act(OpsAction::Close { resolution: r, recall_crews: false });
            }>{tx!(staff.inc.close_incident)}</button>
            {move || effect().map(|b| view! { <p class="muted" data-testid="billing-effect">{b}</p> })}
            {move || error.get().map(|e| view! { <span class="field-error">{e}</span> })}
            {move || {
                let names = crews_out.get();
                (!names.is_empty()).then(|| view! {
                    <div class="ask warn" data-testid="ask-recall">
                        <p>{tx!(staff.inc.crews_out, count = names.len(), names = names.join(", "))}</p>
                        <button class="btn warn" data-testid="recall-and-close" on:click=move |_| {
                            crews_out.set(Vec::new());
                            act(OpsAction::Close { resolution: chosen.get_untracked(), recall_crews: true });
                        }>{tx!(staff.inc.recall_close)}</button>
                        <button class="btn" data-testid="keep-open" on:click=move |_| crews_out.set(Vec::new())>{tx!(staff.inc.keep_open)}</button>
                    </div>
                })
            }}
        </div>
    }
}
