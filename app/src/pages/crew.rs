//! `/crew`: the guard's phone. Shift on and off, status (en route, on site, back), the
//! incident the crew is sent to with what the guard needs at the door and a navigation link,
//! and the phone's position shared while on shift. New jobs arrive pushed.

use crate::tx;
use leptos::prelude::*;

use crate::api::ops::{crew_finding, crew_report, load_crew_job};
use crate::components::header::Header;
use crate::components::require_role::RequireRole;
use crate::components::words::crew_status;
use crate::model::ops::CrewJob;
use crate::model::{Role, SessionUser};

/// The crew page (crew logins only).
#[component]
pub fn CrewPage() -> impl IntoView {
    view! {
        <RequireRole allowed=|u: &SessionUser| u.role == Role::Crew render=|user: SessionUser| view! {
            <Header user title=tx!(staff.crew.title)><span></span></Header>
            <CrewHome/>
        }/>
    }
}

#[component]
fn CrewHome() -> impl IntoView {
    let job = LocalResource::new(load_crew_job);
    let flash = RwSignal::new(None::<(bool, String)>);
    let live = RwSignal::new(false);
    let sharing = RwSignal::new(false);

    #[cfg(feature = "hydrate")]
    Effect::new(move |started: Option<()>| {
        if started.is_none() {
            // A new job (or a recall) replaces whatever the last message said.
            let changed = move |_: &str, _: String| {
                flash.set(None);
                job.refetch();
            };
            crate::components::stream::listen("/api/v1/crew/stream", &["job"], live, changed, move || job.refetch());
            share_position(sharing, flash);
        }
    });

    // The status shows once, in the crew card; only a refusal or an error is a message.
    let report = move |status: &'static str| {
        leptos::task::spawn_local(async move {
            match crew_report(Some(status.into()), None, None).await {
                Ok(o) if o.ok => flash.set(None),
                Ok(o) => flash.set(Some((false, o.message))),
                Err(e) => flash.set(Some((false, crate::components::readable(&e)))),
            }
            job.refetch();
        });
    };

    view! {
        <main class="crew-page">
            {move || flash.get().map(|(ok, t)| view! { <p class=if ok { "flash ok" } else { "flash bad" } data-testid="flash">{t}</p> })}
            {move || match job.get() {
                    None => view! { <p class="centered">tx!(staff.common.loading)</p> }.into_any(),
                    Some(r) => match r {
                    Ok(j) => view! { <JobView j report live sharing flash/> }.into_any(),
                    Err(e) => view! { <p class="centered field-error">{crate::components::readable(&e)}</p> }.into_any(),
                    },
                }}
        </main>
    }
}

#[component]
fn JobView(
    j: CrewJob,
    report: impl Fn(&'static str) + Copy + Send + Sync + 'static,
    live: RwSignal<bool>,
    sharing: RwSignal<bool>,
    flash: RwSignal<Option<(bool, String)>>,
) -> impl IntoView {
    let status = j.crew.status.clone();
    let on_shift = status != "off";
    let sent = j.incident.is_some();
    let next: Option<(&'static str, &'static str)> = match status.as_str() {
        "dispatched" => Some(("en_route", tx!(staff.crew.on_my_way))),
        "en_route" => Some(("on_site", tx!(staff.crew.arrived))),
        "on_site" => Some(("returning", tx!(staff.crew.leaving))),
        "returning" => Some(("available", tx!(staff.crew.back))),
        _ => None,
    };
    view! {
        <section class="card crew-state">
            <h1 data-testid="crew-name">{j.crew.name.clone()}</h1>
            <p class=format!("crew-status {status}") data-testid="crew-status">{crew_status(&status)}</p>
            <p class="muted">
                <span class="live" class:on=move || live.get()>{move || if live.get() { tx!(staff.crew.connected) } else { tx!(staff.crew.reconnecting) }}</span>
                " · "{move || if sharing.get() { tx!(staff.crew.shared) } else { tx!(staff.crew.not_shared) }}
                {move || (!sharing.get()).then(|| view! {
                    " "<button class="btn small" data-testid="share-position" on:click=move |_| {
                        #[cfg(feature = "hydrate")]
                        share_position(sharing, flash);
                        #[cfg(not(feature = "hydrate"))]
                        let _ = flash;
                    }>{tx!(staff.crew.share)}</button>
                })}
            </p>
            {next.map(|(to, label)| view! { <button class="btn primary big" data-testid="crew-next" data-next=to on:click=move |_| report(to)>{label}</button> })}
            {if on_shift {
                (!sent).then(|| view! { <button class="btn" data-testid="shift-off" on:click=move |_| report("off")>{tx!(staff.crew.end_shift)}</button> }).into_any()
            } else {
                view! { <button class="btn primary big" data-testid="shift-on" on:click=move |_| report("available")>{tx!(staff.crew.start_shift)}</button> }.into_any()
            }}
        </section>
        {match j.incident {
            Some(inc) => view! {
                <section class="card crew-job" data-testid="crew-job">
                    <h2><span class=format!("prio p{}", inc.priority)>{format!("P{}", inc.priority)}</span>" "{inc.title.clone()}</h2>
                    <p class="addr"><strong>{inc.site.name.clone()}</strong><br/>{inc.site.address.clone()}</p>
                    <a class="btn primary big" href=inc.navigate_url.clone() target="_blank" rel="noopener" data-testid="navigate">{tx!(staff.crew.navigate)}</a>
                    <dl class="facts">
                        <dt>{tx!(staff.crew.zones)}</dt><dd>{if inc.zones.is_empty() { "—".to_owned() } else { inc.zones.iter().map(|z| inc.site.zones.iter().find(|n| n.zone.trim_start_matches('0') == z.trim_start_matches('0')).map(|n| format!("{z} {}", n.name)).unwrap_or_else(|| z.clone())).collect::<Vec<_>>().join(", ") }}</dd>
                        <dt>{tx!(staff.crew.keys)}</dt><dd>{if inc.site.keys.is_empty() { tx!(staff.crew.no_keys).to_owned() } else { inc.site.keys.clone() }}</dd>
                        <dt>{tx!(staff.crew.pets)}</dt><dd>{if inc.site.pets.is_empty() { tx!(staff.crew.no_pets).to_owned() } else { inc.site.pets.clone() }}</dd>
                        <dt>{tx!(staff.crew.notes)}</dt><dd>{inc.site.notes.clone()}</dd>
                        <dt>{tx!(staff.crew.sent)}</dt><dd>{inc.dispatched_at.clone().unwrap_or_default()}</dd>
                    </dl>
                </section>
                <Finding flash/>
            }.into_any(),
            None => view! { <section class="card"><p class="muted" data-testid="no-job">{tx!(staff.crew.no_job)}</p></section> }.into_any(),
        }}
    }
}

/// What the guard found: a few words and a photo, into the incident's journal.
#[component]
fn Finding(flash: RwSignal<Option<(bool, String)>>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let chosen = RwSignal::new(false);
    let send = move |_| {
        let words = text.get_untracked();
        if words.chars().count() > crate::model::ops::MAX_FINDING_CHARS {
            error.set(Some(tx!(staff.crew.too_long, n = crate::model::ops::MAX_FINDING_CHARS)));
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let photo = match crate::components::appjs::send_photo("finding-photo").await {
                Ok(p) => p,
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                    return;
                }
            };
            if words.trim().is_empty() && photo.is_none() {
                error.set(Some(tx!(staff.crew.empty_finding).into()));
                busy.set(false);
                return;
            }
            match crew_finding(words, photo).await {
                Ok(o) if o.ok => {
                    error.set(None);
                    text.set(String::new());
                    chosen.set(false);
                    flash.set(Some((true, o.message)));
                }
                Ok(o) => error.set(Some(o.message)),
                Err(e) => error.set(Some(crate::components::readable(&e))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card finding" data-testid="finding">
            <h2>{tx!(staff.crew.finding)}</h2>
            <textarea rows="3" maxlength="1000" placeholder=tx!(staff.crew.finding_example) aria-label=tx!(staff.crew.what_found) data-testid="finding-text"
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <div class="actions">
                <label class="btn">{move || if chosen.get() { tx!(staff.crew.photo_added) } else { tx!(staff.crew.add_photo) }}
                    <input id="finding-photo" type="file" accept="image/jpeg,image/png,image/webp" capture="environment" data-testid="finding-photo" hidden
                        on:change=move |ev| chosen.set(!event_target_value(&ev).is_empty())/>
                </label>
                <button class="btn primary" data-testid="finding-send" disabled=move || busy.get() on:click=send>{tx!(staff.crew.send_report)}</button>
            </div>
            {move || error.get().map(|e| view! { <p class="field-error" data-testid="finding-error">{e}</p> })}
        </section>
    }
}

/// Shares the phone's position while the page is open: every fix, at most one every 10 s.
#[cfg(feature = "hydrate")]
fn share_position(sharing: RwSignal<bool>, flash: RwSignal<Option<(bool, String)>>) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Ok(geo) = window().navigator().geolocation() else { return };
    let last = StoredValue::new_local(0.0_f64);
    let on_fix = Closure::<dyn FnMut(JsValue)>::new(move |p: JsValue| {
        let now = js_sys::Date::now();
        if now - last.get_value() < 10_000.0 {
            return;
        }
        let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap_or(JsValue::UNDEFINED);
        let coords = get(&p, "coords");
        let (Some(lat), Some(lon)) = (get(&coords, "latitude").as_f64(), get(&coords, "longitude").as_f64()) else {
            return;
        };
        last.set_value(now);
        sharing.set(true);
        leptos::task::spawn_local(async move {
            if let Err(e) = crew_report(None, Some(lat), Some(lon)).await {
                flash.set(Some((false, tx!(staff.crew.position_failed, error = e))));
            }
        });
    });
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_| sharing.set(false));
    let _ = geo
        .watch_position_with_error_callback(on_fix.as_ref().unchecked_ref(), Some(on_error.as_ref().unchecked_ref()));
    on_fix.forget();
    on_error.forget();
}

#[cfg(feature = "hydrate")]
use wasm_bindgen::JsValue;
