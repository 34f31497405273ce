//! `/admin`: search sites by account, name, address or phone; import accounts from CSV with a
//! progress bar and a per-row error report; crews with their guards and tracking devices;
//! users and roles.

use leptos::prelude::*;

use crate::api::admin::{admin_crews, admin_users, search_sites};
use crate::components::header::Header;
use crate::components::require_role::RequireRole;
use crate::model::import::{ImportResult, COLUMNS};
use crate::model::{Role, SessionUser};
use crate::pages::operator::StaffNav;

/// The administration page (supervisors search; admins also import and manage).
#[component]
pub fn AdminPage() -> impl IntoView {
    view! {
        <RequireRole allowed=|u: &SessionUser| matches!(u.role, Role::Supervisor | Role::Admin) render=|user: SessionUser| {
            let admin = user.role == Role::Admin;
            view! {
                <Header user=user.clone() title="Administration"><StaffNav role=user.role/></Header>
                <main class="page admin">
                    <Search/>
                    <Show when=move || admin><Import/><Crews/><Users/></Show>
                </main>
            }
        }/>
    }
}

#[component]
fn Search() -> impl IntoView {
    let query = RwSignal::new(String::new());
    let results = Resource::new(move || query.get(), search_sites);
    view! {
        <section class="card">
            <h2>"Sites"</h2>
            <input type="search" class="wide" placeholder="Account, name, address or phone" aria-label="Search sites" data-testid="site-search"
                on:input=move |ev| query.set(event_target_value(&ev))/>
            <Transition fallback=|| view! { <p class="muted">"Searching…"</p> }>
                {move || results.get().map(|r| match r {
                    Ok(list) => view! {
                        <table class="grid" data-testid="site-results">
                            <thead><tr><th>"Accounts"</th><th>"Site"</th><th>"Address"</th><th>"Contacts"</th></tr></thead>
                            <tbody>{list.into_iter().map(|s| view! {
                                <tr><td class="mono">{s.accounts.join(", ")}</td><td>{s.name}</td><td>{s.address}</td><td>{s.contacts.join(" · ")}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Import() -> impl IntoView {
    let total = RwSignal::new(0_usize);
    let done = RwSignal::new(0_usize);
    let report = RwSignal::new(Vec::<ImportResult>::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(file) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.files())
                .and_then(|f| f.get(0))
            else {
                return;
            };
            leptos::task::spawn_local(async move {
                let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await else {
                    error.set(Some("The file could not be read.".into()));
                    return;
                };
                run_import(text.as_string().unwrap_or_default(), total, done, report, error, busy).await;
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let ok = move || report.with(|r| r.iter().filter(|x| x.site_id.is_some()).count());
    view! {
        <section class="card">
            <h2>"Import accounts (CSV)"</h2>
            <p class="muted">"Columns: " <span class="mono">{COLUMNS.join(",")}</span>". The first line is the header."</p>
            <input type="file" accept=".csv,text/csv" data-testid="import-file" disabled=move || busy.get() on:change=on_file/>
            {move || error.get().map(|e| view! { <p class="field-error">{e}</p> })}
            <Show when=move || { total.get() > 0 }>
                <div class="progress" data-testid="import-progress">
                    <progress max=move || total.get() value=move || done.get()></progress>
                    <span>{move || format!("{} of {} rows · {} imported · {} with errors", done.get(), total.get(), ok(), done.get() - ok())}</span>
                </div>
            </Show>
            <Show when=move || report.with(|r| r.iter().any(|x| x.site_id.is_none()))>
                <table class="grid errors" data-testid="import-errors">
                    <thead><tr><th>"Line"</th><th>"Account"</th><th>"What to fix"</th></tr></thead>
                    <tbody>
                        {move || report.get().into_iter().filter(|r| r.site_id.is_none()).map(|r| view! {
                            <tr><td>{r.line}</td><td class="mono">{r.account}</td><td>{r.errors.join("; ")}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
        </section>
    }
}

/// Sends the file's rows in chunks, moving the progress bar after each.
#[cfg(feature = "hydrate")]
async fn run_import(
    text: String,
    total: RwSignal<usize>,
    done: RwSignal<usize>,
    report: RwSignal<Vec<ImportResult>>,
    error: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
) {
    use crate::api::admin::{import_rows, IMPORT_CHUNK};
    let mut lines = text.lines().enumerate().map(|(n, l)| (n + 1, l.to_owned()));
    let header = lines.next().map(|(_, h)| h.to_lowercase()).unwrap_or_default();
    if !header.starts_with("account") {
        error.set(Some(format!("The first line must be the header: {}", COLUMNS.join(","))));
        return;
    }
    let rows: Vec<(usize, String)> = lines.filter(|(_, l)| !l.trim().is_empty()).collect();
    error.set(None);
    report.set(Vec::new());
    total.set(rows.len());
    done.set(0);
    busy.set(true);
    for chunk in rows.chunks(IMPORT_CHUNK) {
        match import_rows(chunk.to_vec()).await {
            Ok(results) => {
                done.update(|d| *d += results.len());
                report.update(|r| r.extend(results));
            }
            Err(e) => {
                error.set(Some(format!("Import stopped: {e}")));
                break;
            }
        }
    }
    busy.set(false);
}

#[component]
fn Crews() -> impl IntoView {
    let crews = Resource::new(|| (), |_| admin_crews());
    view! {
        <section class="card">
            <h2>"Crews"</h2>
            <Transition fallback=|| ()>
                {move || crews.get().map(|r| r.map(|list| view! {
                    <table class="grid" data-testid="admin-crews">
                        <thead><tr><th>"Crew"</th><th>"Guard login"</th><th>"Tracking device id"</th><th>"Status"</th></tr></thead>
                        <tbody>{list.into_iter().map(|c| view! {
                            <tr><td>{c.name}</td><td>{c.login.unwrap_or_default()}</td><td class="mono">{c.device_id.unwrap_or_default()}</td><td>{c.status.replace('_', " ")}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                }))}
            </Transition>
        </section>
    }
}

#[component]
fn Users() -> impl IntoView {
    let users = Resource::new(|| (), |_| admin_users());
    view! {
        <section class="card">
            <h2>"Users and roles"</h2>
            <Transition fallback=|| ()>
                {move || users.get().map(|r| r.map(|list| view! {
                    <table class="grid" data-testid="admin-users">
                        <thead><tr><th>"Login"</th><th>"Name"</th><th>"Role"</th></tr></thead>
                        <tbody>{list.into_iter().map(|u| view! { <tr><td>{u.username}</td><td>{u.name}</td><td>{u.role}</td></tr> }).collect_view()}</tbody>
                    </table>
                }))}
            </Transition>
        </section>
    }
}
