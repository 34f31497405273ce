//! The home screen: the site's state, open alarms with cancel, arm/disarm/night, panic.

use leptos::prelude::*;

use super::{show, site_data, use_app};
use crate::api::customer::{app_arm, app_cancel, app_panic, home_of};
use crate::components::appjs;
use crate::i18n::td_string;
use crate::lang::use_lang;
use crate::lang::words;
use crate::model::customer::{AppAlarm, AppHome};

/// `/app`.
#[component]
pub fn Home() -> impl IntoView {
    let data = site_data("home", true, home_of);
    provide_context(Outcomes { cancel: RwSignal::new(None), panic: RwSignal::new(None), asking: RwSignal::new(false) });
    view! { <section class="screen home">{show(data, |h: AppHome| view! { <HomeView h/> })}</section> }
}

/// What the customer's last actions came to; kept above the screen, which is drawn anew on
/// every update. Each belongs to its site (another site's screen does not show it) and goes
/// away after [`OUTCOME_SHOWN`].
#[derive(Clone, Copy)]
struct Outcomes {
    /// The last cancel's site and result (`cancelled`, `wrong_password`, ...).
    cancel: RwSignal<Option<(i64, String)>>,
    /// The last panic's site and whether it went through.
    panic: RwSignal<Option<(i64, bool)>>,
    /// The panic confirmation is showing.
    asking: RwSignal<bool>,
}

/// How long the result of a cancel or a panic stays on the screen.
const OUTCOME_SHOWN: std::time::Duration = std::time::Duration::from_secs(60);

/// Sets an outcome and clears it after [`OUTCOME_SHOWN`] unless a newer one replaced it.
fn show_for_a_while<T: Clone + PartialEq + Send + Sync + 'static>(signal: RwSignal<Option<T>>, value: T) {
    signal.set(Some(value.clone()));
    set_timeout(
        move || {
            if signal.try_get_untracked().flatten().as_ref() == Some(&value) {
                signal.try_set(None);
            }
        },
        OUTCOME_SHOWN,
    );
}

#[component]
fn HomeView(h: AppHome) -> impl IntoView {
    let lang = use_lang();
    let state = h.arm.clone();
    let since = h.arm_changed.clone().unwrap_or_default();
    let who = h.arm_user.clone();
    let icon = match state.as_str() {
        "armed" => "🔒",
        "night" => "🌙",
        "disarmed" => "🔓",
        _ => "?",
    };
    let alarm = !h.alarms.is_empty();
    let test_until = h.test_until.clone().map(|(_, t)| t);
    let suspended = h.suspended_until.clone();
    let state_name = state.clone();
    let cancelled = expect_context::<Outcomes>().cancel;
    view! {
        <div class=format!("state-card state-{}", if alarm { "alarm" } else { state.as_str() }) data-testid="arm-state" data-state=state.clone()>
            <span class="state-icon" aria-hidden="true">{icon}</span>
            <div>
                <strong class="state-name">{move || words::state(lang.get(), &state_name)}</strong>
                <span class="muted small">
                    {move || if since.is_empty() { String::new() } else { td_string!(lang.get().locale(), app.home.since, time = &since) }}
                    {move || who.clone().map(|w| {
                        let l = lang.get();
                        let w = if w == "app" { td_string!(l.locale(), app.journal.app).to_owned() } else { w };
                        format!(" · {}", td_string!(l.locale(), app.home.by, who = &w))
                    })}
                </span>
            </div>
        </div>
        {test_until.map(|t| view! { <p class="badge-line test" data-testid="test-badge">{move || td_string!(lang.get().locale(), app.home.test_until, time = &t)}</p> })}
        {suspended.map(|t| view! { <p class="badge-line suspended">{move || td_string!(lang.get().locale(), app.home.suspended_until, time = &t)}</p> })}
        {h.alarms.clone().into_iter().map(|a| view! { <AlarmCard a site_id=h.site_id/> }).collect_view()}
        {move || cancelled.get().filter(|(site, _)| *site == h.site_id).map(|(_, r)| view! { <p class="result" data-testid="cancel-result" data-result=r.clone()>{words::cancel_result(lang.get(), &r)}</p> })}
        <CommandLine h=h.clone()/>
        <Actions site_id=h.site_id/>
        <Panic site_id=h.site_id/>
        <p class="muted small right">{move || td_string!(lang.get().locale(), app.home.read_at, time = &h.read_at)}</p>
    }
}

#[component]
fn CommandLine(h: AppHome) -> impl IntoView {
    let lang = use_lang();
    // A finished command's line goes away two minutes after it was asked; a queued one stays.
    let shown = RwSignal::new(true);
    #[cfg(feature = "hydrate")]
    if let Some(c) = h.command.as_ref().filter(|c| c.status != "queued") {
        let left = (crate::model::customer::COMMAND_SHOWN_MS - c.age_ms).max(0) as u64;
        set_timeout(
            move || {
                shown.try_set(false);
            },
            std::time::Duration::from_millis(left),
        );
    }
    let command = h.command.clone();
    move || {
        command.clone().filter(|_| shown.get()).map(|c| {
            let key = c.command.clone();
            let status = c.status.clone();
            let by = c.by.clone().unwrap_or_default();
            view! {
                <p class=format!("command-line {}", c.status) data-testid="command" data-status=c.status.clone()>
                    {move || {
                        let l = lang.get();
                        let what = words::command(l, &key);
                        match status.as_str() {
                            "queued" => td_string!(l.locale(), app.home.cmd_queued, what = what),
                            "failed" => td_string!(l.locale(), app.home.cmd_failed, what = what),
                            _ => td_string!(l.locale(), app.home.cmd_done, what = what, who = &by, time = &c.at),
                        }
                    }}
                </p>
            }
        })
    }
}

#[component]
fn AlarmCard(a: AppAlarm, site_id: i64) -> impl IntoView {
    let lang = use_lang();
    let app = use_app();
    let password = RwSignal::new(String::new());
    let result = expect_context::<Outcomes>().cancel;
    let busy = RwSignal::new(false);
    let cancel = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let r = app_cancel(site_id, password.get_untracked()).await;
            show_for_a_while(result, (site_id, r.unwrap_or_else(|_| "failed".into())));
            password.set(String::new());
            busy.set(false);
            app.reload();
        });
    };
    let category = a.category.clone();
    let cancellable = a.cancel_until_ms.is_some();
    view! {
        <div class="alarm-card" data-testid="alarm" data-category=a.category.clone() data-id=a.id.to_string()>
            <strong>{move || words::category(lang.get(), &category)}</strong>
            <span class="muted small">{move || td_string!(lang.get().locale(), app.home.alarm_at, time = &a.opened)}</span>
            {a.crew_dispatched.then(|| view! { <p class="crew-line">{move || td_string!(lang.get().locale(), app.home.crew_sent)}</p> })}
            {cancellable.then(|| view! {
                <form class="cancel-form" on:submit=cancel>
                    <label>{move || td_string!(lang.get().locale(), app.home.cancel_label)}
                        <input type="password" autocomplete="off" data-testid="cancel-password"
                            prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                    </label>
                    <button type="submit" class="danger wide" data-testid="cancel" disabled=busy>{move || td_string!(lang.get().locale(), app.home.cancel)}</button>
                </form>
            })}
        </div>
    }
}

#[component]
fn Actions(site_id: i64) -> impl IntoView {
    let lang = use_lang();
    let app = use_app();
    let busy = RwSignal::new(false);
    let send = move |command: &'static str| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let _ = app_arm(site_id, command.to_owned()).await;
            busy.set(false);
            app.reload();
        });
    };
    let button = move |command: &'static str, class: &'static str| {
        view! {
            <button class=format!("action {class}") data-testid=format!("cmd-{command}") disabled=busy on:click=move |_| send(command)>
                {move || words::command(lang.get(), command)}
            </button>
        }
    };
    view! {
        <div class="actions">
            {button("arm", "arm")}
            {button("night", "night")}
            {button("disarm", "disarm")}
        </div>
    }
}

#[component]
fn Panic(site_id: i64) -> impl IntoView {
    let lang = use_lang();
    let app = use_app();
    let Outcomes { panic: sent, asking, .. } = expect_context::<Outcomes>();
    let go = move |_| {
        asking.set(false);
        leptos::task::spawn_local(async move {
            let position = appjs::position(5000).await;
            let r = app_panic(site_id, position.map(|p| p.0), position.map(|p| p.1)).await;
            show_for_a_while(sent, (site_id, r.is_ok()));
            app.reload();
        });
    };
    view! {
        <div class="panic-box">
            {move || if asking.get() {
                view! {
                    <p class="panic-ask">{td_string!(lang.get().locale(), app.panic.ask)}</p>
                    <div class="actions two">
                        <button class="danger" data-testid="panic-confirm" on:click=go>{td_string!(lang.get().locale(), app.panic.yes)}</button>
                        <button class="ghost" on:click=move |_| asking.set(false)>{td_string!(lang.get().locale(), app.panic.no)}</button>
                    </div>
                }.into_any()
            } else {
                view! { <button class="panic" data-testid="panic" on:click=move |_| asking.set(true)>{td_string!(lang.get().locale(), app.panic.button)}</button> }.into_any()
            }}
            {move || sent.get().filter(|(site, _)| *site == site_id).map(|(_, ok)| view! { <p class="result" data-testid="panic-result">{if ok { td_string!(lang.get().locale(), app.panic.sent) } else { td_string!(lang.get().locale(), app.panic.failed) }}</p> })}
        </div>
    }
}
