//! `/app`: the customer app, phone-first. The frame (sign-in gate, site selector, language,
//! live updates, tab bar) wraps one screen per tab. Screens load their data in the browser
//! and keep the last copy, so the installed app opens offline with the last known state,
//! marked as such.

pub mod contacts;
pub mod home;
pub mod journal;
pub mod more;
mod pin;
pub mod schedule;
mod signin;

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::api::customer::app_sites;
use crate::api::whoami;
use crate::components::appjs;
use crate::i18n::td_string;
use crate::lang::words;
use crate::lang::{self, use_lang, Lang};
use crate::model::customer::{AppSite, SiteRole};
use crate::model::{Role, SessionUser};

/// What every screen of the app shares.
#[derive(Clone, Copy)]
pub struct AppCtx {
    /// The signed-in customer.
    pub user: StoredValue<SessionUser>,
    /// Their sites.
    pub sites: RwSignal<Vec<AppSite>>,
    /// The site shown.
    pub site: RwSignal<Option<i64>>,
    /// Bumped after the customer's own changes: every screen reloads.
    pub tick: RwSignal<u64>,
    /// Bumped when the shown site changed on the server (pushed): the screens showing its
    /// state reload; screens with forms (contacts, hours) do not, so typing is not lost.
    pub pushed: RwSignal<u64>,
    /// The live connection is up.
    pub live: RwSignal<bool>,
}

impl AppCtx {
    /// The customer's role on the shown site. Read with `try_` (leptos-rs/leptos#3595): a
    /// screen's closure may run once more after the app's owner was disposed under Suspense.
    pub fn role(&self) -> Option<SiteRole> {
        let site = self.site.try_get().flatten()?;
        self.sites.try_with(|s| s.iter().find(|x| x.site_id == site).map(|x| x.role)).flatten()
    }

    /// Makes the screens reload.
    pub fn reload(&self) {
        self.tick.update(|t| *t += 1);
    }

    /// Tracks both reload triggers (for screens that show the site's live state).
    pub fn track_live(&self) {
        self.tick.track();
        self.pushed.track();
    }
}

/// The app's shared state.
pub fn use_app() -> AppCtx {
    expect_context::<AppCtx>()
}

/// A screen's data: fresh, or the last copy kept when the server cannot be reached.
#[derive(Clone, Debug, PartialEq)]
pub enum Loaded<T> {
    /// From the server just now.
    Fresh(T),
    /// The last copy, kept at this (browser-local) time.
    Stale(T, String),
    /// Neither.
    Failed(String),
}

/// Runs a server call; keeps its answer under `key`, or falls back to the kept copy.
pub async fn fetch<T, F>(key: String, call: F) -> Loaded<T>
where
    T: Serialize + DeserializeOwned,
    F: std::future::Future<Output = Result<T, ServerFnError>>,
{
    match call.await {
        Ok(v) => {
            appjs::save(&key, &v);
            Loaded::Fresh(v)
        }
        Err(e) => match appjs::load::<T>(&key) {
            Some((v, at)) => Loaded::Stale(v, browser_time(at)),
            None => Loaded::Failed(e.to_string()),
        },
    }
}

/// A screen's data for the shown site, kept under `key.<site>`: loaded again when the site
/// changes, after the customer's own changes, and (with `live`) when the site changed on the
/// server.
pub fn site_data<T, F, Fut>(key: &'static str, live: bool, call: F) -> LocalResource<Option<Loaded<T>>>
where
    T: Serialize + DeserializeOwned + 'static,
    F: Fn(i64) -> Fut + Copy + 'static,
    Fut: std::future::Future<Output = Result<T, ServerFnError>> + 'static,
{
    let app = use_app();
    LocalResource::new(move || {
        let site = app.site.get();
        if live {
            app.track_live();
        } else {
            app.tick.track();
        }
        async move {
            match site {
                Some(id) => Some(fetch(format!("{key}.{id}"), call(id)).await),
                None => None,
            }
        }
    })
}

/// A browser-local `HH:MM` of a unix ms time.
fn browser_time(at_ms: f64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&at_ms.into());
        format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = at_ms;
        String::new()
    }
}

/// Shows a screen's data with `render`, a loading line, the "offline, last known" banner, or
/// the error.
pub fn show<T: Clone + Send + Sync + 'static, V: IntoView + 'static>(
    data: LocalResource<Option<Loaded<T>>>,
    render: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_lang();
    move || {
        match data.get().flatten() {
        None => view! { <p class="muted">{move || td_string!(lang.get().locale(), app.common.loading)}</p> }.into_any(),
        Some(Loaded::Fresh(v)) => render(v).into_any(),
        Some(Loaded::Stale(v, at)) => view! {
            <p class="stale" data-stale="true">{move || td_string!(lang.get().locale(), app.common.stale, time = &at)}</p>
            {render(v)}
        }
        .into_any(),
        Some(Loaded::Failed(e)) => view! { <p class="field-error" role="alert">{move || td_string!(lang.get().locale(), app.common.failed)}" "<small>{e.clone()}</small></p> }.into_any(),
    }
    }
}

/// Translates a server-side error code (`pin_trivial`, `date_order`, ...) for a field.
pub fn error_text(lang: Lang, code: &str) -> String {
    words::error(lang, code)
}

/// The message for `field` among `errors`, if any.
pub fn field_error(errors: RwSignal<Vec<(String, String)>>, field: &'static str) -> impl IntoView {
    let lang = use_lang();
    move || {
        // `try_`: a late server evaluation after the page's owner is gone reads as no message.
        errors.try_with(|e| e.iter().find(|(f, _)| f == field).map(|(_, code)| code.clone())).flatten().map(|code| {
            view! { <span class="field-error" data-field=field>{error_text(lang.get(), &code)}</span> }
        })
    }
}

/// The app at `/app/*`: the sign-in screen, or the frame around the screen asked for.
#[component]
pub fn CustomerApp() -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    let lang = use_lang();
    view! {
        <div class="app-root">
            <Suspense fallback=move || view! { <p class="centered">{move || td_string!(lang.get().locale(), app.common.loading)}</p> }>
                {move || me.get().map(|r| match r {
                    Ok(Some(user)) if user.role == Role::Customer && user.must_change => view! {
                        <main class="app-main first-pin"><pin::ChangePin first=true/></main>
                    }.into_any(),
                    Ok(Some(user)) if user.role == Role::Customer => view! { <Frame user/> }.into_any(),
                    Ok(Some(user)) => view! { <Redirect path=user.role.home_path()/> }.into_any(),
                    Ok(None) => view! { <signin::SignIn/> }.into_any(),
                    // Vigil or its database is unreachable: not a sign-in screen that cannot
                    // work either; asked again every few seconds.
                    Err(_) => {
                        crate::components::database::every_few_seconds(move || me.refetch());
                        view! {
                            <p class="centered" role="alert" data-testid="app-unavailable">
                                {move || td_string!(lang.get().locale(), app.common.unavailable)}
                            </p>
                        }.into_any()
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Frame(user: SessionUser) -> impl IntoView {
    let lang = use_lang();
    let app = AppCtx {
        user: StoredValue::new(user),
        sites: RwSignal::new(Vec::new()),
        site: RwSignal::new(None),
        tick: RwSignal::new(0),
        pushed: RwSignal::new(0),
        live: RwSignal::new(false),
    };
    provide_context(app);
    let sites = LocalResource::new(move || async move { Some(fetch("sites".into(), app_sites()).await) });
    Effect::new(move |_| {
        let list = match sites.get().flatten() {
            Some(Loaded::Fresh(l) | Loaded::Stale(l, _)) => l,
            _ => return,
        };
        let kept = appjs::load::<i64>("site").map(|(id, _)| id);
        let chosen = kept.filter(|id| list.iter().any(|s| s.site_id == *id)).or(list.first().map(|s| s.site_id));
        app.sites.set(list);
        if app.site.get_untracked() != chosen {
            app.site.set(chosen);
        }
    });
    #[cfg(feature = "hydrate")]
    crate::components::stream::listen(
        "/api/v1/app/stream",
        &["site"],
        app.live,
        move |_, data| {
            let id = data.trim().parse::<i64>().ok();
            if id == Some(0) || id == app.site.get_untracked() {
                app.pushed.update(|t| *t += 1);
            }
        },
        move || app.pushed.update(|t| *t += 1),
    );
    let choose = move |ev: leptos::ev::Event| {
        if let Ok(id) = event_target_value(&ev).parse::<i64>() {
            appjs::save("site", &id);
            app.site.set(Some(id));
        }
    };
    let tab = move |href: &'static str, icon: &'static str, label: fn(Lang) -> &'static str| {
        view! { <A href=href attr:class="tab" exact=true><span class="tab-icon" aria-hidden="true">{icon}</span><span>{move || label(lang.get())}</span></A> }
    };
    view! {
        <header class="app-bar">
            <span class="brand">"Vigil"</span>
            <select class="site-select" aria-label=move || td_string!(lang.get().locale(), app.frame.site) data-testid="site-select" on:change=choose
                prop:value=move || app.site.get().map(|s| s.to_string()).unwrap_or_default()>
                {move || app.sites.get().into_iter().map(|s| view! {
                    <option value=s.site_id.to_string()>{s.name.clone()}</option>
                }).collect_view()}
            </select>
            <span class=move || if app.live.get() { "dot live" } else { "dot" }
                title=move || if app.live.get() { td_string!(lang.get().locale(), app.frame.live) } else { td_string!(lang.get().locale(), app.frame.offline) }></span>
        </header>
        <main class="app-main">
            <Outlet/>
        </main>
        <nav class="tabs" aria-label=move || td_string!(lang.get().locale(), app.frame.nav)>
            {tab("/app", "⌂", |l: Lang| td_string!(l.locale(), app.tab.home))}
            {tab("/app/journal", "☰", |l: Lang| td_string!(l.locale(), app.tab.journal))}
            {tab("/app/contacts", "☎", |l: Lang| td_string!(l.locale(), app.tab.contacts))}
            {tab("/app/schedule", "◷", |l: Lang| td_string!(l.locale(), app.tab.schedule))}
            {tab("/app/more", "⋯", |l: Lang| td_string!(l.locale(), app.tab.more))}
        </nav>
    }
}

/// The language switcher.
#[component]
pub fn LangSelect() -> impl IntoView {
    let lang = use_lang();
    view! {
        <select class="lang-select" data-testid="lang-select" aria-label=move || td_string!(lang.get().locale(), app.more.language)
            prop:value=move || lang.get().code()
            on:change=move |ev| { if let Some(l) = Lang::parse(&event_target_value(&ev)) { lang::switch(l); } }>
            {Lang::ALL.into_iter().map(|l| view! { <option value=l.code()>{l.name()}</option> }).collect_view()}
        </select>
    }
}
