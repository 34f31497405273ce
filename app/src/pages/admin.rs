//! The administration pages. `/admin`: search sites by account, name, address or phone and
//! edit one (keys, pets, notes, zones, the contacts' calling order and safe words);
//! `/admin/import`: accounts from CSV with a progress bar and a per-row error report;
//! `/admin/crews`: crews' tracking devices; `/admin/users`: logins, roles, disabling,
//! passwords; `/admin/audit`: the audit journal, filtered, and its CSV export.

use leptos::prelude::*;

use crate::api::admin::{
    add_zone, admin_crews, admin_requests, admin_users, change_user, create_user, crew_device, load_admin_site,
    move_contact, request_done, save_instructions, search_sites, set_safe_word,
};
use crate::components::header::Header;
use crate::components::require_role::RequireRole;
use crate::model::admin::{AdminSiteDetail, FieldErrors, UserChange, ROLES};
use crate::model::import::{ImportResult, COLUMNS};
use crate::model::{Role, SessionUser};
use crate::pages::operator::StaffNav;
use crate::tx;

mod plans;
mod words;

/// The parts of the administration pages, one address each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminSection {
    /// `/admin`: service requests, site search and editing (supervisors too).
    Sites,
    /// `/admin/users`: logins and roles.
    Users,
    /// `/admin/crews`: crews and their devices.
    Crews,
    /// `/admin/import`: accounts from CSV.
    Import,
    /// `/admin/audit`: the audit journal and its export.
    Audit,
    /// `/admin/history`: past incidents, their reports and export (supervisors too).
    History,
    /// `/admin/plans`: the centre's action plans.
    Plans,
}

impl AdminSection {
    const ALL: [AdminSection; 7] = [
        AdminSection::Sites,
        AdminSection::History,
        AdminSection::Plans,
        AdminSection::Users,
        AdminSection::Crews,
        AdminSection::Import,
        AdminSection::Audit,
    ];

    fn path(self) -> &'static str {
        match self {
            AdminSection::Sites => "/admin",
            AdminSection::Users => "/admin/users",
            AdminSection::Crews => "/admin/crews",
            AdminSection::Import => "/admin/import",
            AdminSection::Audit => "/admin/audit",
            AdminSection::History => "/admin/history",
            AdminSection::Plans => "/admin/plans",
        }
    }

    /// The section's name in the page (`data-section`), kept in English for tests and styles.
    fn id(self) -> &'static str {
        match self {
            AdminSection::Sites => "Sites",
            AdminSection::Users => "Logins",
            AdminSection::Crews => "Crews",
            AdminSection::Import => "Import",
            AdminSection::Audit => "Audit journal",
            AdminSection::History => "Incident history",
            AdminSection::Plans => "Plans and holidays",
        }
    }

    /// The section's title in the page's language.
    fn title(self) -> &'static str {
        words::section(self)
    }

    /// Supervisors see the sites; the rest is for administrators.
    fn allowed(self, role: Role) -> bool {
        matches!(self, AdminSection::Sites | AdminSection::History) || role == Role::Admin
    }
}

/// An administration page (supervisors: the sites; admins: everything).
#[component]
pub fn AdminPage(section: AdminSection) -> impl IntoView {
    view! {
        <RequireRole allowed=|u: &SessionUser| matches!(u.role, Role::Supervisor | Role::Admin) render=move |user: SessionUser| {
            let role = user.role;
            if !section.allowed(role) {
                return view! { <leptos_router::components::Redirect path="/admin"/> }.into_any();
            }
            view! {
                <Header user=user.clone() title=tx!(admin.nav.title)><StaffNav role=user.role/></Header>
                <nav class="subnav" aria-label=tx!(admin.nav.title)>
                    {AdminSection::ALL.into_iter().filter(|s| s.allowed(role)).map(|s| view! {
                        <a href=s.path() class:current=s == section aria-current=(s == section).then_some("page")>{s.title()}</a>
                    }).collect_view()}
                </nav>
                <main class="page admin" data-section=section.id()>
                    {match section {
                        AdminSection::Sites => view! { <Requests/><Search admin=role == Role::Admin/> }.into_any(),
                        AdminSection::Users => view! { <Users/> }.into_any(),
                        AdminSection::Crews => view! { <Crews/> }.into_any(),
                        AdminSection::Import => view! { <Import/> }.into_any(),
                        AdminSection::Audit => view! { <Audit/> }.into_any(),
                        AdminSection::History => view! { <History/> }.into_any(),
                        AdminSection::Plans => view! { <plans::CentrePlans/> }.into_any(),
                    }}
                </main>
            }.into_any()
        }/>
    }
}

#[component]
fn Search(admin: bool) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let page = RwSignal::new(0_usize);
    // Bumped when a site is archived or brought back: the lists are read again.
    let version = RwSignal::new(0_u32);
    // Loaded in the browser only: the search box drives it, and the server has nothing to
    // render for it that the first keystroke would not replace.
    let results = LocalResource::new(move || {
        version.track();
        search_sites(query.get(), page.get())
    });
    let editing = RwSignal::new(None::<i64>);
    let creating = RwSignal::new(false);
    view! {
        <section class="card">
            <h2>{tx!(admin.nav.sites)} <button class="btn small" data-testid="new-site"
                on:click=move |_| { editing.set(None); creating.update(|c| *c = !*c) }>
                {tx!(admin.sites.new)}</button></h2>
            <Show when=move || creating.try_get().unwrap_or(false)>
                <SiteDetails site=None initial=crate::model::admin::SiteForm { kind: "business".into(), time_zone: "Europe/Bucharest".into(), ..Default::default() }
                    on_saved=Callback::new(move |(id, _)| { creating.set(false); editing.set(Some(id)); })/>
            </Show>
            <input type="search" class="wide" placeholder=tx!(admin.sites.search_placeholder) aria-label=tx!(admin.sites.search)
                data-testid="site-search"
                maxlength="200" on:input=move |ev| { page.set(0); query.set(event_target_value(&ev)); }/>
            {move || match results.try_get().flatten() {
                None => view! { <p class="muted">{tx!(admin.sites.searching)}</p> }.into_any(),
                Some(r) => match r {
                    Ok(found) => {
                        let (total, first, shown) = (found.total, found.offset, found.sites.len());
                        let more = first + shown < total;
                        view! {
                            <p class="muted" data-testid="site-count">{match total {
                                0 => tx!(admin.sites.none).to_owned(),
                                t if shown == t => tx!(admin.sites.count, count = t),
                                t => tx!(admin.sites.range, first = first + 1, last = first + shown, total = t),
                            }}</p>
                            <table class="grid" data-testid="site-results">
                                <thead><tr><th>{tx!(admin.sites.accounts)}</th><th>{tx!(admin.common.site)}</th><th>{tx!(admin.common.address)}</th>
                                    <th>{tx!(admin.sites.contacts)}</th><th></th></tr></thead>
                                <tbody>{found.sites.into_iter().map(|s| {
                                    let id = s.id;
                                    view! {
                                        <tr><td class="mono">{s.accounts.join(", ")}</td><td>{s.name}</td><td>{s.address}</td><td>{s.contacts.join(" · ")}</td>
                                        <td><button class="btn small" data-testid="edit-site"
                                            on:click=move |_| editing.set(Some(id))>{tx!(admin.common.edit)}</button></td></tr>
                                    }
                                }).collect_view()}</tbody>
                            </table>
                            <div class="pager">
                                <button class="btn small" data-testid="page-prev" disabled=first == 0
                                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>{tx!(admin.sites.previous)}</button>
                                <button class="btn small" data-testid="page-next" disabled=!more
                                    on:click=move |_| page.update(|p| *p += 1)>{tx!(admin.sites.next)}</button>
                            </div>
                        }.into_any()
                    }
                    Err(e) => view! { <p class="field-error">{crate::components::readable(&e)}</p> }.into_any(),
                },
            }}
        </section>
        // `try_`: a server render may evaluate this once more after the page's owner is
        // gone (see lang::LangSignal); that must read as "not editing", not panic.
        <Show when=move || editing.try_get().flatten().is_some()>
            <SiteEditor id=editing.try_get_untracked().flatten().unwrap_or_default() admin
                on_archived=Callback::new(move |_| { editing.set(None); version.update(|v| *v += 1); })/>
        </Show>
        <Archived admin version/>
    }
}

/// The archived sites, each with a button that brings it back (admins).
#[component]
fn Archived(admin: bool, version: RwSignal<u32>) -> impl IntoView {
    let list = LocalResource::new(move || {
        version.track();
        crate::api::admin::archived_sites()
    });
    let problem = RwSignal::new(None::<String>);
    let restore = move |id: i64| {
        leptos::task::spawn_local(async move {
            match crate::api::admin::archive_site(id, false).await {
                Ok(()) => version.update(|v| *v += 1),
                Err(e) => problem.set(Some(crate::components::readable(&e))),
            }
        });
    };
    view! {
        {move || list.get().and_then(Result::ok).filter(|l| !l.is_empty()).map(|l| view! {
            <section class="card" data-testid="archived-sites">
                <Fold label=tx!(admin.archived.title, n = l.len()) id="archived-sites-box">
                    <table class="grid">
                        <thead><tr><th>{tx!(admin.common.site)}</th><th>{tx!(admin.common.address)}</th><th>{tx!(admin.archived.archived)}</th><th></th></tr></thead>
                        <tbody>{l.iter().map(|s| {
                            let id = s.id;
                            view! {
                                <tr data-testid="archived-site" data-site=id.to_string()><td>{s.name.clone()}</td><td>{s.address.clone()}</td><td class="nowrap">{s.archived.clone()}</td>
                                <td>{admin.then(|| view! { <button class="btn small" data-testid="site-restore"
                                    on:click=move |_| restore(id)>{tx!(admin.archived.restore)}</button> })}</td></tr>
                            }
                        }).collect_view()}</tbody>
                    </table>
                    <p class="muted small">{tx!(admin.archived.note)}</p>
                    {move || problem.get().map(|m| view! { <p class="field-error">{m}</p> })}
                </Fold>
            </section>
        })}
    }
}

/// Archiving a site, asked twice (admins).
#[component]
fn ArchiveSite(site: i64, on_archived: Callback<()>) -> impl IntoView {
    let asked = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let archive = move |_| {
        leptos::task::spawn_local(async move {
            match crate::api::admin::archive_site(site, true).await {
                Ok(()) => on_archived.run(()),
                Err(e) => problem.set(Some(crate::components::readable(&e))),
            }
        });
    };
    view! {
        <div class="danger-zone" data-testid="archive">
            <button class="btn small" data-testid="site-archive" on:click=move |_| asked.update(|a| *a = !*a)>{tx!(admin.site.archive)}</button>
            <span class:hidden=move || !asked.get()>
                <span class="small">" "{tx!(admin.site.archive_warning)}" "</span>
                <button class="btn small danger" data-testid="site-archive-confirm" on:click=archive>{tx!(admin.site.archive_confirm)}</button>
            </span>
            {move || problem.get().map(|m| view! { <p class="field-error" data-testid="archive-problem">{m}</p> })}
        </div>
    }
}

/// The message of a field, shown next to it.
fn field_error(errors: RwSignal<FieldErrors>, field: &'static str) -> impl IntoView {
    // `try_`: see `Search`; a late server evaluation reads as no message.
    move || {
        errors
            .try_with(|e| e.get(field))
            .flatten()
            .map(|m| view! { <span class="field-error" data-field=field>{m}</span> })
    }
}

#[component]
fn SiteEditor(id: i64, admin: bool, on_archived: Callback<()>) -> impl IntoView {
    let detail = Resource::new(move || id, load_admin_site);
    let saved = RwSignal::new(None::<String>);
    // Kept here, above the editor that a reload draws again: a new login's first PIN must stay
    // on screen until the administrator has passed it on.
    let invited = RwSignal::new(None::<String>);
    view! {
        <section class="card" data-testid="site-editor">
            <Transition fallback=|| view! { <p class="muted">{tx!(admin.common.loading)}</p> }>
                {move || detail.get().map(|r| match r {
                    Ok(d) => view! { <EditorBody d detail saved invited/>{admin.then(|| view! { <ArchiveSite site=id on_archived/> })} }.into_any(),
                    Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn EditorBody(
    d: AdminSiteDetail,
    detail: Resource<Result<AdminSiteDetail, ServerFnError>>,
    saved: RwSignal<Option<String>>,
    invited: RwSignal<Option<String>>,
) -> impl IntoView {
    let id = d.id;
    // The title follows the details saved below without drawing the editor again.
    let title = RwSignal::new((d.name.clone(), d.address.clone()));
    let adding = RwSignal::new(false);
    let (rules, hours, form) = (d.rules.clone(), d.hours.clone(), d.form.clone());
    let (site_plans, overrides, hour_changes) = (d.plans.clone(), d.overrides.clone(), d.hour_changes.clone());
    let (keys, pets, notes) =
        (RwSignal::new(d.keys.clone()), RwSignal::new(d.pets.clone()), RwSignal::new(d.notes.clone()));
    let (zone_number, zone_name) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let zone_errors = RwSignal::new(FieldErrors::default());
    let save = move |_| {
        leptos::task::spawn_local(async move {
            let r = save_instructions(id, keys.get_untracked(), pets.get_untracked(), notes.get_untracked()).await;
            saved.set(Some(match r {
                Ok(()) => tx!(admin.common.saved).into(),
                Err(e) => e.to_string(),
            }));
        });
    };
    let add = move |_| {
        leptos::task::spawn_local(async move {
            match add_zone(id, zone_number.get_untracked(), zone_name.get_untracked()).await {
                Ok(e) if e.is_empty() => {
                    zone_errors.set(e);
                    zone_number.set(String::new());
                    zone_name.set(String::new());
                    detail.refetch();
                }
                Ok(e) => zone_errors.set(e),
                Err(e) => zone_errors.set(FieldErrors { form: Some(e.to_string()), ..Default::default() }),
            }
        });
    };
    let shift = move |contact: i64, up: bool| {
        leptos::task::spawn_local(async move {
            if let Err(e) = move_contact(id, contact, up).await {
                saved.set(Some(e.to_string()));
            }
            detail.refetch();
        });
    };
    let input = |s: RwSignal<String>| move |ev| s.set(event_target_value(&ev));
    view! {
        <h2>{move || title.get().0}" "<span class="muted">{move || title.get().1}</span></h2>
        <Fold label=tx!(admin.site.rules_box) id="site-rules-box" class="site-details-box">
            <RulesEditor site=id initial=rules.clone()/>
        </Fold>
        <Fold label=tx!(admin.site.hours_box) id="site-hours-box" class="site-details-box">
            <HoursEditor site=id initial=hours.clone()/>
            <plans::DayChanges site=id changes=hour_changes.clone()/>
        </Fold>
        <Fold label=tx!(admin.site.plans_box) id="site-plans-box" class="site-details-box">
            <plans::PlanList site=Some(id) plans=site_plans.clone()/>
        </Fold>
        <Fold label=tx!(admin.site.overrides_box) id="site-overrides-box" class="site-details-box">
            <plans::OverridesEditor site=id overrides=overrides.clone()/>
        </Fold>
        <Fold label=tx!(admin.site.details_box) id="site-details-box" class="site-details-box">
            <SiteDetails site=Some(id) initial=form.clone() on_saved=Callback::new(move |(_, form): (i64, crate::model::admin::SiteForm)| title.set((form.name, format!("{}, {}", form.address, form.city))))/>
        </Fold>
        <div class="editor-grid">
            <div>
                <h3>{tx!(admin.site.instructions)}</h3>
                <label>{tx!(admin.site.keys)}<input class="wide" data-testid="keys" prop:value=keys on:input=input(keys)/></label>
                <label>{tx!(admin.site.pets)}<input class="wide" data-testid="pets" prop:value=pets on:input=input(pets)/></label>
                <label>{tx!(admin.site.notes)}<textarea class="wide" rows="3" data-testid="notes" prop:value=notes
                    on:input=input(notes)></textarea></label>
                <button class="btn primary" data-testid="save-instructions" on:click=save>{tx!(admin.common.save)}</button>
                {move || saved.get().map(|m| view! { <span class="muted" data-testid="saved">{m}</span> })}
            </div>
            <div>
                <h3>{tx!(admin.contacts.title)}</h3>
                <ol class="contacts" data-testid="admin-contacts">{d.contacts.iter().enumerate().map(|(n, c)| {
                    let cid = c.id;
                    let last = n + 1 == d.contacts.len();
                    let card = c.card.clone();
                    let no_sms = if card.sms { String::new() } else { format!(" · {}", tx!(admin.contacts.no_sms)) };
                    let note = format!("{no_sms}{}", if card.email.is_empty() { String::new() } else { format!(" · {}", card.email) });
                    view! { <li data-testid="admin-contact">{c.name.clone()}" · "{c.phone.clone()}<span class="muted small">{note}</span>" "
                        <button class="btn small" disabled={n == 0} on:click=move |_| shift(cid, true)
                            aria-label=tx!(admin.common.move_up)>"↑"</button>
                        <button class="btn small" disabled=last data-testid="move-down" on:click=move |_| shift(cid, false)
                            aria-label=tx!(admin.common.move_down)>"↓"</button>
                        <Fold label=tx!(admin.common.edit) id=format!("contact-edit-{cid}") class="contact-edit">
                            <ContactEditor site=id contact=Some(cid) initial=card.clone() detail/>
                        </Fold>
                        <SafeWord site=id contact=cid on_file=c.has_safe_word/>
                    </li> }
                }).collect_view()}</ol>
                // A button and a `Show`, not a `<details>`: Chromium gave no layout box to the
                // tel and e-mail inputs of a `<details>` drawn again by the editor's reload.
                <div class="contact-edit" data-testid="add-contact">
                    <button class="btn small" data-testid="add-contact-open"
                        on:click=move |_| adding.update(|a| *a = !*a)>{tx!(admin.contacts.add_open)}</button>
                    <Show when=move || adding.try_get().unwrap_or(false)>
                        <ContactEditor site=id contact=None initial=crate::model::admin::ContactForm { sms: true, ..Default::default() } detail/>
                    </Show>
                </div>
                <Members site=id members=d.members.clone() detail invited/>
                <Accounts site=id accounts=d.accounts.clone() detail/>
                <h3>{tx!(admin.zones.title)}</h3>
                <ul class="zones">{d.zones.iter().map(|z| view! { <ZoneItem site=id zone=z.zone.clone() name=z.name.clone() kind=z.kind.clone() detail/> }).collect_view()}</ul>
                <div class="inline-form">
                    <input size="4" placeholder=tx!(admin.common.no) aria-label=tx!(admin.zones.number) data-testid="zone-number"
                        prop:value=zone_number on:input=input(zone_number)/>
                    <input placeholder=tx!(admin.zones.name) aria-label=tx!(admin.zones.name) data-testid="zone-name" prop:value=zone_name
                        on:input=input(zone_name)/>
                    <button class="btn small" data-testid="add-zone" on:click=add>{tx!(admin.zones.add)}</button>
                </div>
                {field_error(zone_errors, "zone_number")}{field_error(zone_errors, "zone_name")}
            </div>
        </div>
    }
}

/// The customer logins of a site (the app's owner and contacts), and inviting one.
#[component]
fn Members(
    site: i64,
    members: Vec<crate::model::admin::AdminMember>,
    detail: Resource<Result<AdminSiteDetail, ServerFnError>>,
    invited: RwSignal<Option<String>>,
) -> impl IntoView {
    let (code, name, role) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new("owner".to_owned()));
    let errors = RwSignal::new(FieldErrors::default());
    let invite = move |_| {
        leptos::task::spawn_local(async move {
            match crate::api::admin::invite_member(
                site,
                code.get_untracked(),
                name.get_untracked(),
                role.get_untracked(),
            )
            .await
            {
                Ok(Ok(done)) => {
                    errors.set(FieldErrors::default());
                    invited.set(Some(match done.pin {
                        Some(pin) => tx!(admin.members.new_login, code = &done.code, pin = pin),
                        None => tx!(admin.members.access_given, code = &done.code),
                    }));
                    code.set(String::new());
                    name.set(String::new());
                    detail.refetch();
                }
                Ok(Err(e)) => errors.set(e),
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    let remove = move |user: i64| {
        leptos::task::spawn_local(async move {
            if let Err(e) = crate::api::admin::remove_member(site, user).await {
                errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() });
            }
            detail.refetch();
        });
    };
    let input = |s: RwSignal<String>| move |ev| s.set(event_target_value(&ev));
    view! {
        <h3>{tx!(admin.members.title)}</h3>
        <ul class="members" data-testid="members">{members.into_iter().map(|m| {
            let user = m.user_id;
            view! { <li data-code=m.code.clone()><span class="mono">{m.code.clone()}</span>" "{m.name.clone()}" · "{words::member_role(&m.role)}" "
                {m.first_pin.then(|| view! { <span class="badge warn">{tx!(admin.members.first_pin)}</span> })}
                " "<button class="btn small" data-testid="member-remove" on:click=move |_| remove(user)>{tx!(admin.members.remove)}</button></li> }
        }).collect_view()}</ul>
        <div class="inline-form" data-testid="invite">
            <input size="10" maxlength="10" inputmode="numeric" placeholder=tx!(admin.members.customer_id) aria-label=tx!(admin.members.customer_id)
                data-testid="invite-code" prop:value=code on:input=input(code)/>
            <input size="16" maxlength="80" placeholder=tx!(admin.common.name) aria-label=tx!(admin.common.name) data-testid="invite-name"
                prop:value=name on:input=input(name)/>
            <select aria-label=tx!(admin.members.role) data-testid="invite-role" on:change=input(role)>
                <option value="owner" selected=true>{tx!(admin.members.roles.owner)}</option>
                <option value="contact">{tx!(admin.members.roles.contact)}</option>
            </select>
            <button class="btn small" data-testid="invite-send" on:click=invite>{tx!(admin.members.give)}</button>
        </div>
        {field_error(errors, "username")}{field_error(errors, "display_name")}{field_error(errors, "member_role")}
        {move || errors.get().form.map(|m| view! { <span class="field-error">{m}</span> })}
        {move || invited.get().map(|m| view! { <p class="notice" data-testid="invited">{m}</p> })}
    }
}

/// A contact's safe word: whether one is on file, and a field to set or change it (never
/// shown again once saved; empty removes it).
#[component]
fn SafeWord(site: i64, contact: i64, on_file: bool) -> impl IntoView {
    let on_file = RwSignal::new(on_file);
    let word = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let done = RwSignal::new(None::<&'static str>);
    let save = move |_| {
        let w = word.get_untracked();
        leptos::task::spawn_local(async move {
            match set_safe_word(site, contact, w.clone()).await {
                Ok(e) if e.is_empty() => {
                    errors.set(e);
                    word.set(String::new());
                    on_file.set(!w.trim().is_empty());
                    done.set(Some(if w.trim().is_empty() {
                        tx!(admin.common.removed)
                    } else {
                        tx!(admin.common.saved)
                    }));
                }
                Ok(e) => errors.set(e),
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    view! {
        <div class="inline-form safe-word" data-testid="safe-word">
            <span class=move || if on_file.get() { "badge ok" } else { "badge warn" } data-testid="safe-word-state">
                {move || if on_file.get() { tx!(admin.safe_word.on_file) } else { tx!(admin.safe_word.none) }}
            </span>
            <input type="password" autocomplete="off" size="14" maxlength="64" placeholder=tx!(admin.safe_word.new)
                aria-label=tx!(admin.safe_word.new)
                data-testid="safe-word-input" prop:value=word on:input=move |ev| { done.set(None); word.set(event_target_value(&ev)) }/>
            <button class="btn small" data-testid="safe-word-save" on:click=save>{tx!(admin.common.set)}</button>
            {field_error(errors, "safe_word")}
            {move || errors.get().form.map(|m| view! { <span class="field-error">{m}</span> })}
            {move || done.get().map(|m| view! { <span class="muted" data-testid="safe-word-done">{m}</span> })}
        </div>
    }
}

/// What a CSV file brings in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CsvKind {
    /// Sites with their account and contacts.
    Accounts,
    /// Invoices from the billing system (customers see their balance).
    Invoices,
}

impl CsvKind {
    fn columns(self) -> &'static [&'static str] {
        match self {
            CsvKind::Accounts => &COLUMNS,
            CsvKind::Invoices => &crate::model::import::INVOICE_COLUMNS,
        }
    }

    /// The prefix of the test ids (`import-file`, `invoices-file`...).
    fn id(self) -> &'static str {
        match self {
            CsvKind::Accounts => "import",
            CsvKind::Invoices => "invoices",
        }
    }
}

#[component]
fn Import() -> impl IntoView {
    view! { <CsvImport kind=CsvKind::Accounts/><CsvImport kind=CsvKind::Invoices/> }
}

#[component]
fn CsvImport(kind: CsvKind) -> impl IntoView {
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
                    error.set(Some(tx!(admin.import.unreadable).into()));
                    return;
                };
                run_import(kind, text.as_string().unwrap_or_default(), total, done, report, error, busy).await;
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, kind);
    };
    let ok = move || report.with(|r| r.iter().filter(|x| x.site_id.is_some()).count());
    let id = kind.id();
    view! {
        <section class="card">
            <h2>{match kind { CsvKind::Accounts => tx!(admin.import.accounts_title), CsvKind::Invoices => tx!(admin.import.invoices_title) }}</h2>
            <p class="muted">{tx!(admin.import.columns)}" " <span class="mono">{kind.columns().join(",")}</span>". "{tx!(admin.import.header_first)}
                {(kind == CsvKind::Invoices).then(|| format!(" {}", tx!(admin.import.invoices_note)))}</p>
            <input type="file" accept=".csv,text/csv" data-testid=format!("{id}-file") disabled=move || busy.get() on:change=on_file/>
            {move || error.get().map(|e| view! { <p class="field-error">{e}</p> })}
            <Show when=move || total.try_get().is_some_and(|t| t > 0)>
                <div class="progress" data-testid=format!("{id}-progress")>
                    <progress max=move || total.get() value=move || done.get()></progress>
                    <span>{move || tx!(admin.import.progress, done = done.get(), total = total.get(), imported = ok(), failed = done.get() - ok())}</span>
                </div>
            </Show>
            <Show when=move || report.try_with(|r| r.iter().any(|x| x.site_id.is_none())).unwrap_or(false)>
                <table class="grid errors" data-testid=format!("{id}-errors")>
                    <thead><tr><th>{tx!(admin.common.line)}</th><th>{tx!(admin.common.account)}</th><th>{tx!(admin.import.what_to_fix)}</th></tr></thead>
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
    kind: CsvKind,
    text: String,
    total: RwSignal<usize>,
    done: RwSignal<usize>,
    report: RwSignal<Vec<ImportResult>>,
    error: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
) {
    use crate::api::admin::{import_invoices, import_rows, IMPORT_CHUNK};
    let mut lines = text.lines().enumerate().map(|(n, l)| (n + 1, l.to_owned()));
    let header = lines.next().map(|(_, h)| h.to_lowercase()).unwrap_or_default();
    if !header.starts_with("account") {
        error.set(Some(tx!(admin.import.bad_header, columns = kind.columns().join(","))));
        return;
    }
    let rows: Vec<(usize, String)> = lines.filter(|(_, l)| !l.trim().is_empty()).collect();
    error.set(None);
    report.set(Vec::new());
    total.set(rows.len());
    done.set(0);
    busy.set(true);
    for chunk in rows.chunks(IMPORT_CHUNK) {
        let answer = match kind {
            CsvKind::Accounts => import_rows(chunk.to_vec()).await,
            CsvKind::Invoices => import_invoices(chunk.to_vec()).await,
        };
        match answer {
            Ok(results) => {
                done.update(|d| *d += results.len());
                report.update(|r| r.extend(results));
            }
            Err(e) => {
                error.set(Some(tx!(admin.import.stopped, error = e)));
                break;
            }
        }
    }
    busy.set(false);
}

/// The customers' requests from the app (technician, forgotten code, pause, move...).
#[component]
fn Requests() -> impl IntoView {
    let reload = RwSignal::new(0_u32);
    let list = LocalResource::new(move || {
        reload.get();
        admin_requests()
    });
    let done = move |id: i64| {
        leptos::task::spawn_local(async move {
            let _ = request_done(id).await;
            reload.update(|n| *n += 1);
        });
    };
    view! {
        <section class="card">
            <h2>{tx!(admin.requests.title)}</h2>
            {move || list.get().map(|r| r.map(|list| if list.is_empty() {
                view! { <p class="muted" data-testid="no-requests">{tx!(admin.requests.none)}</p> }.into_any()
            } else {
                view! {
                    <table class="grid" data-testid="admin-requests">
                        <thead><tr><th>{tx!(admin.common.when)}</th><th>{tx!(admin.common.site)}</th><th>{tx!(admin.requests.request)}</th>
                            <th>{tx!(admin.requests.from)}</th><th></th></tr></thead>
                        <tbody>{list.into_iter().map(|q| view! {
                            <tr data-testid="admin-request">
                                <td>{q.at}</td>
                                <td>{q.site_name}</td>
                                <td><strong>{words::request_kind(&q.kind)}</strong>{q.dates.map(|d| format!(" ({d})"))}<br/>
                                    <span class="muted">{q.details}</span></td>
                                <td>{q.by.unwrap_or_default()}</td>
                                <td><button class="btn small" data-testid="request-done"
                                    on:click=move |_| done(q.id)>{tx!(admin.requests.done)}</button></td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any()
            }))}
        </section>
    }
}

#[component]
fn Crews() -> impl IntoView {
    let crews = LocalResource::new(admin_crews);
    let logins = LocalResource::new(admin_users);
    view! {
        <section class="card">
            <h2>{tx!(admin.nav.crews)}</h2>
            <p class="muted">{tx!(admin.crews.note)}</p>
            {move || crews.get().map(|r| r.map(|list| view! {
                    <table class="grid" data-testid="admin-crews">
                        <thead><tr><th>{tx!(admin.crews.crew_and_base)}</th><th>{tx!(admin.crews.guard)}</th><th>{tx!(admin.crews.device_column)}</th>
                            <th>{tx!(admin.crews.status)}</th></tr></thead>
                        <tbody>{list.into_iter().map(|c| view! {
                            <tr data-testid="crew-row" data-crew=c.name.clone()>
                                <td><CrewForm crew=Some(c.id) name=c.name.clone() lat=c.lat lon=c.lon crews/></td>
                                <td><GuardField crew=c.id value=c.login.unwrap_or_default() logins/></td>
                                <td><DeviceField crew=c.id value=c.device_id.unwrap_or_default()/></td>
                                <td>{crate::components::words::crew_status(&c.status)}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                }))}
            <h3>{tx!(admin.crews.new)}</h3>
            <div data-testid="new-crew"><CrewForm crew=None name=String::new() lat=0.0 lon=0.0 crews/></div>
        </section>
    }
}

type Loaded<T> = LocalResource<Result<Vec<T>, ServerFnError>>;

/// A crew's name and base (new when `crew` is `None`), with a message per bad field.
#[component]
fn CrewForm(
    crew: Option<i64>,
    name: String,
    lat: f64,
    lon: f64,
    crews: Loaded<crate::model::ops::AdminCrew>,
) -> impl IntoView {
    let fresh = crew.is_none();
    let coordinate = |v: f64| if fresh { String::new() } else { format!("{v:.5}") };
    let (name, lat, lon) = (RwSignal::new(name), RwSignal::new(coordinate(lat)), RwSignal::new(coordinate(lon)));
    let errors = RwSignal::new(FieldErrors::default());
    let done = RwSignal::new(None::<&'static str>);
    let save = move |_| {
        leptos::task::spawn_local(async move {
            match crate::api::admin::save_crew(crew, name.get_untracked(), lat.get_untracked(), lon.get_untracked())
                .await
            {
                Ok(e) if e.is_empty() => {
                    errors.set(e);
                    done.set(Some(tx!(admin.common.saved)));
                    if fresh {
                        name.set(String::new());
                        lat.set(String::new());
                        lon.set(String::new());
                        crews.refetch();
                    }
                }
                Ok(e) => errors.set(e),
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    let input = move |s: RwSignal<String>| {
        move |ev| {
            done.set(None);
            s.set(event_target_value(&ev))
        }
    };
    view! {
        <span class="inline-form crew-form">
            <input size="14" maxlength="40" placeholder=tx!(admin.crews.call_sign) aria-label=tx!(admin.crews.name) data-testid="crew-name"
                prop:value=name on:input=input(name)/>
            <input size="9" placeholder=tx!(admin.crews.base_lat) aria-label=tx!(admin.crews.base_lat) data-testid="crew-lat" prop:value=lat
                on:input=input(lat)/>
            <input size="9" placeholder=tx!(admin.crews.base_lon) aria-label=tx!(admin.crews.base_lon) data-testid="crew-lon" prop:value=lon
                on:input=input(lon)/>
            <button class="btn small" data-testid="crew-save"
                on:click=save>{if fresh { tx!(admin.common.create) } else { tx!(admin.common.save) }}</button>
            {field_error(errors, "name")}{field_error(errors, "lat")}{field_error(errors, "lon")}
            {move || errors.get().form.map(|m| view! { <span class="field-error">{m}</span> })}
            {move || done.get().map(|m| view! { <span class="muted" data-testid="crew-done">{m}</span> })}
        </span>
    }
}

/// The guard login of a crew: one of the crew logins, or none.
#[component]
fn GuardField(crew: i64, value: String, logins: Loaded<crate::model::ops::AdminUser>) -> impl IntoView {
    let errors = RwSignal::new(FieldErrors::default());
    let done = RwSignal::new(None::<&'static str>);
    let set = move |login: String| {
        leptos::task::spawn_local(async move {
            match crate::api::admin::crew_guard(crew, login).await {
                Ok(e) => {
                    done.set(e.is_empty().then_some(tx!(admin.common.saved)));
                    errors.set(e);
                }
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    let current = value.clone();
    view! {
        <select aria-label=tx!(admin.crews.guard) data-testid="crew-guard" on:change=move |ev| set(event_target_value(&ev))>
            <option value="" selected=current.is_empty()>{tx!(admin.crews.no_guard)}</option>
            {move || {
                let current = current.clone();
                logins.get().and_then(Result::ok).unwrap_or_default().into_iter().filter(|u| u.role == "crew" && !u.disabled).map(move |u| {
                    let selected = u.username == current;
                    view! { <option value=u.username.clone() selected=selected>{format!("{} ({})", u.username, u.name)}</option> }
                }).collect_view()
            }}
        </select>
        {field_error(errors, "guard")}
        {move || errors.get().form.map(|m| view! { <span class="field-error">{m}</span> })}
        {move || done.get().map(|m| view! { <span class="muted" data-testid="guard-done">{m}</span> })}
    }
}

#[component]
fn DeviceField(crew: i64, value: String) -> impl IntoView {
    let device = RwSignal::new(value);
    let message = RwSignal::new(None::<(bool, String)>);
    let save = move |_| {
        leptos::task::spawn_local(async move {
            message.set(Some(match crew_device(crew, device.get_untracked()).await {
                Ok(Ok(None)) => (true, tx!(admin.crews.cleared).into()),
                Ok(Ok(Some(key))) => {
                    let url = format!("{}/api/v1/osmand?key={key}", window().location().origin().unwrap_or_default());
                    (true, tx!(admin.crews.device_saved, url = url))
                }
                Ok(Err(problem)) => (false, problem),
                Err(e) => (false, e.to_string()),
            }));
        });
    };
    view! {
        <span class="inline-form">
            <input class="mono" size="12" aria-label=tx!(admin.crews.device) prop:value=device
                on:input=move |ev| device.set(event_target_value(&ev))/>
            <button class="btn small" on:click=save>{tx!(admin.common.save)}</button>
            {move || message.get().map(|(ok, m)| view! { <span class=if ok { "muted mono wrap-anywhere" } else { "field-error" } data-testid="device-message">{m}</span> })}
        </span>
    }
}

#[component]
fn Users() -> impl IntoView {
    let users = LocalResource::new(admin_users);
    let (username, name, password, role) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new("operator".to_owned()),
    );
    let errors = RwSignal::new(FieldErrors::default());
    let created = RwSignal::new(None::<String>);
    let create = move |_| {
        leptos::task::spawn_local(async move {
            let login = username.get_untracked();
            match create_user(login.clone(), name.get_untracked(), password.get_untracked(), role.get_untracked()).await
            {
                Ok(e) if e.is_empty() => {
                    errors.set(e);
                    password.set(String::new());
                    created.set(Some(tx!(admin.users.created, login = login)));
                    users.refetch();
                }
                Ok(e) => errors.set(e),
                Err(e) => errors.set(FieldErrors { form: Some(e.to_string()), ..Default::default() }),
            }
        });
    };
    let input = |s: RwSignal<String>| move |ev| s.set(event_target_value(&ev));
    view! {
        <section class="card">
            <h2>{tx!(admin.users.title)}</h2>
            {move || users.get().map(|r| r.map(|list| view! {
                    <table class="grid" data-testid="admin-users">
                        <thead><tr><th>{tx!(admin.users.login)}</th><th>{tx!(admin.common.name)}</th><th>{tx!(admin.users.role)}</th><th>{tx!(admin.users.sign_in)}</th>
                            <th>{tx!(admin.users.new_password)}</th><th>{tx!(admin.users.alerts)}</th></tr></thead>
                        <tbody>{list.into_iter().map(|u| view! { <UserRow u users/> }).collect_view()}</tbody>
                    </table>
                }))}
            <h3>{tx!(admin.users.new)}</h3>
            <div class="user-form" data-testid="new-user">
                <label>{tx!(admin.users.login)}<input prop:value=username on:input=input(username)
                    data-testid="new-username"/>{field_error(errors, "username")}</label>
                <label>{tx!(admin.common.name)}<input prop:value=name on:input=input(name)
                    data-testid="new-name"/>{field_error(errors, "display_name")}</label>
                <label>{tx!(admin.users.password)}<input type="password" autocomplete="new-password" prop:value=password on:input=input(password)
                    data-testid="new-password"/>{field_error(errors, "password")}</label>
                <label>{tx!(admin.users.role)}<select on:change=input(role) data-testid="new-role">
                    {ROLES.iter().map(|r| view! { <option value=*r selected={*r == "operator"}>{words::role(r)}</option> }).collect_view()}
                </select>{field_error(errors, "role")}</label>
                <button class="btn primary" data-testid="create-user" on:click=create>{tx!(admin.common.create)}</button>
                {move || errors.get().form.map(|m| view! { <span class="field-error">{m}</span> })}
                {move || created.get().map(|m| view! { <span class="muted" data-testid="user-created">{m}</span> })}
            </div>
        </section>
    }
}

/// One login: its role, whether it may sign in, and a new password.
#[component]
fn UserRow(
    u: crate::model::ops::AdminUser,
    users: LocalResource<Result<Vec<crate::model::ops::AdminUser>, ServerFnError>>,
) -> impl IntoView {
    let id = u.id;
    let errors = RwSignal::new(FieldErrors::default());
    let done = RwSignal::new(None::<&'static str>);
    let password = RwSignal::new(String::new());
    let (phone, email) = (RwSignal::new(u.phone.clone()), RwSignal::new(u.email.clone()));
    let apply = move |change: UserChange, ok: &'static str| {
        leptos::task::spawn_local(async move {
            let reset = matches!(change, UserChange::Password { .. } | UserChange::Alerts { .. });
            match change_user(id, change).await {
                Ok(e) if e.is_empty() => {
                    errors.set(e);
                    done.set(Some(ok));
                    if reset {
                        password.set(String::new());
                    } else {
                        users.refetch();
                    }
                }
                Ok(e) => errors.set(e),
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    let role = u.role.clone();
    let disabled = u.disabled;
    view! {
        <tr data-testid="user-row" data-login=u.username.clone() class:disabled-row=disabled>
            <td class="mono">{u.username.clone()}</td>
            <td>{u.name.clone()}</td>
            <td>
                <select aria-label=tx!(admin.users.role) data-testid="user-role"
                    on:change=move |ev| apply(UserChange::Role { role: event_target_value(&ev) }, tx!(admin.users.role_changed))>
                    {ROLES.iter().map(|r| view! { <option value=*r selected={*r == role}>{words::role(r)}</option> }).collect_view()}
                </select>
            </td>
            <td>
                {if disabled {
                    view! {
                        <span class="badge warn">{tx!(admin.users.disabled)}</span>" "
                        <button class="btn small" data-testid="user-enable" on:click=move |_| apply(UserChange::Enable, tx!(admin.users.enabled))>
                            {tx!(admin.users.enable)}</button>
                    }.into_any()
                } else {
                    view! {
                        <button class="btn small" data-testid="user-disable"
                            on:click=move |_| apply(UserChange::Disable, tx!(admin.users.disabled_done))>
                            {tx!(admin.users.disable)}</button>
                    }.into_any()
                }}
            </td>
            <td>
                <span class="inline-form">
                    <input type="password" autocomplete="new-password" size="14" aria-label=tx!(admin.users.new_password) data-testid="user-password"
                        prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                    <button class="btn small" data-testid="user-password-set"
                        on:click=move |_| apply(UserChange::Password { password: password.get_untracked() }, tx!(admin.users.password_set))>
                        {tx!(admin.common.set)}</button>
                </span>
                {field_error(errors, "password")}{field_error(errors, "role")}
                {move || errors.get().form.map(|m| view! { <span class="field-error" data-testid="user-error">{m}</span> })}
                {move || done.get().map(|m| view! { <span class="muted" data-testid="user-done">{m}</span> })}
            </td>
            <td>
                <span class="inline-form">
                    <input type="tel" size="13" placeholder=tx!(admin.common.phone) aria-label=tx!(admin.users.alert_phone) data-testid="user-phone"
                        prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev))/>
                    <input type="email" size="16" placeholder=tx!(admin.common.email) aria-label=tx!(admin.users.alert_email) data-testid="user-email"
                        prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
                    <button class="btn small" data-testid="user-alerts-save"
                        on:click=move |_| apply(UserChange::Alerts { phone: phone.get_untracked(), email: email.get_untracked() }, tx!(admin.users.alerts_saved))>
                        {tx!(admin.common.save)}</button>
                </span>
                {field_error(errors, "phone")}{field_error(errors, "email")}
            </td>
        </tr>
    }
}

/// The audit journal: filters, a page of entries at a time, and the same filter as CSV.
#[component]
fn Audit() -> impl IntoView {
    use crate::model::history::{AuditFilter, AuditLine, AUDIT_GROUPS};
    let (from, to, who, action, text) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let lines = RwSignal::new(Vec::<AuditLine>::new());
    let more = RwSignal::new(false);
    let errors = RwSignal::new(FieldErrors::default());
    let loading = RwSignal::new(false);
    let filter = move || AuditFilter {
        from: from.get_untracked(),
        to: to.get_untracked(),
        who: who.get_untracked(),
        action: action.get_untracked(),
        text: text.get_untracked(),
    };
    let load = move |older: bool| {
        let before = if older { lines.with_untracked(|l| l.last().map(|l| l.id)) } else { None };
        loading.set(true);
        leptos::task::spawn_local(async move {
            match crate::api::admin::audit_page(filter(), before).await {
                Ok(page) => {
                    errors.set(page.errors);
                    more.set(page.more);
                    if older {
                        lines.update(|l| l.extend(page.lines));
                    } else {
                        lines.set(page.lines);
                    }
                }
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
            loading.set(false);
        });
    };
    Effect::new(move |_| load(false));
    let input = |s: RwSignal<String>| move |ev| s.set(event_target_value(&ev));
    view! {
        <section class="card">
            <h2>{tx!(admin.nav.audit)}</h2>
            <p class="muted">{tx!(admin.audit.note)}</p>
            <form class="filters" data-testid="audit-filter" on:submit=move |ev| { ev.prevent_default(); load(false); }>
                <label>{tx!(admin.common.from)}<input type="date" name="from" prop:value=from on:input=input(from)
                    data-testid="audit-from"/>{field_error(errors, "from")}</label>
                <label>{tx!(admin.common.to)}<input type="date" name="to" prop:value=to on:input=input(to)
                    data-testid="audit-to"/>{field_error(errors, "to")}</label>
                <label>{tx!(admin.audit.who_login)}<input name="who" size="12" maxlength="64" prop:value=who on:input=input(who)
                    data-testid="audit-who"/>{field_error(errors, "who")}</label>
                <label>{tx!(admin.common.what)}<select name="action" on:change=input(action) data-testid="audit-action">
                    {AUDIT_GROUPS.iter().map(|(p, label)| view! { <option value=*p>{words::audit_group(p).unwrap_or(label)}</option> }).collect_view()}
                </select>{field_error(errors, "action")}</label>
                <label>{tx!(admin.audit.containing)}<input name="text" size="14" maxlength="200" prop:value=text on:input=input(text)
                    data-testid="audit-text"/>{field_error(errors, "text")}</label>
                <button type="submit" class="btn primary" data-testid="audit-search">{tx!(admin.common.show)}</button>
                // The same filter, as a download the browser makes itself.
                <a class="btn" data-testid="audit-export" download="" href=move || {
                    let q = [("from", from.get()), ("to", to.get()), ("who", who.get()), ("action", action.get()), ("text", text.get())];
                    format!("/api/v1/audit.csv?{}", crate::model::history::query_string(&q))
                }>{tx!(admin.common.export_csv)}</a>
            </form>
            {move || errors.get().form.map(|m| view! { <p class="field-error">{m}</p> })}
            <table class="grid audit" data-testid="audit-lines">
                <thead><tr><th>{tx!(admin.common.when)}</th><th>{tx!(admin.audit.who)}</th><th>{tx!(admin.common.what)}</th><th>{tx!(admin.audit.subject)}</th>
                    <th>{tx!(admin.audit.detail)}</th></tr></thead>
                <tbody>{move || lines.get().into_iter().map(|l| { let action = l.action.clone(); view! {
                    <tr data-action=action><td class="mono nowrap">{l.at}</td><td>{l.who}</td><td class="mono">{l.action}</td><td class="mono">{l.subject}</td><td class="wrap-anywhere">{l.detail}</td></tr>
                }}).collect_view()}</tbody>
            </table>
            {move || (lines.with(Vec::is_empty) && !loading.get()).then(|| view! { <p class="muted">{tx!(admin.common.nothing)}</p> })}
            <Show when=move || more.try_get().unwrap_or(false)>
                <button class="btn small" data-testid="audit-older" on:click=move |_| load(true)>{tx!(admin.audit.older)}</button>
            </Show>
        </section>
    }
}

/// A site's name, address, position (typed, or picked on the map), time zone and kind.
/// `site`: `None` creates one; `on_saved(id)` runs after a save.
#[component]
fn SiteDetails(
    site: Option<i64>,
    initial: crate::model::admin::SiteForm,
    on_saved: Callback<(i64, crate::model::admin::SiteForm)>,
) -> impl IntoView {
    use crate::components::opsmap;
    use crate::model::admin::{SiteForm, SITE_KINDS};
    let f = |v: &str| RwSignal::new(v.to_owned());
    let (name, address, city, lat, lon, tz, kind) = (
        f(&initial.name),
        f(&initial.address),
        f(&initial.city),
        f(&initial.lat),
        f(&initial.lon),
        f(&initial.time_zone),
        f(&initial.kind),
    );
    let errors = RwSignal::new(FieldErrors::default());
    let done = RwSignal::new(None::<&'static str>);
    let map_id = format!("pick-map-{}", site.unwrap_or(0));
    let map_open = RwSignal::new(false);
    let show_map = {
        let map_id = map_id.clone();
        move |_| {
            map_open.set(true);
            let map_id = map_id.clone();
            leptos::task::spawn_local(async move {
                let Ok(cfg) = crate::api::admin::admin_map().await else { return };
                opsmap::destroy();
                opsmap::load(move || {
                    opsmap::init(&map_id, &cfg, false, |_, _| {});
                    let at =
                        |s: RwSignal<String>| s.get_untracked().trim().replace(',', ".").parse::<f64>().unwrap_or(0.0);
                    opsmap::pick(at(lat), at(lon), move |y, x| {
                        lat.set(format!("{y:.6}"));
                        lon.set(format!("{x:.6}"));
                    });
                });
            });
        }
    };
    on_cleanup(opsmap::destroy);
    let save = move |_| {
        let form = SiteForm {
            name: name.get_untracked(),
            address: address.get_untracked(),
            city: city.get_untracked(),
            lat: lat.get_untracked(),
            lon: lon.get_untracked(),
            time_zone: tz.get_untracked(),
            kind: kind.get_untracked(),
        };
        if let Err(e) = form.check() {
            errors.set(e);
            return;
        }
        leptos::task::spawn_local(async move {
            match crate::api::admin::save_site(site, form.clone()).await {
                Ok(Ok(id)) => {
                    errors.set(FieldErrors::default());
                    done.set(Some(tx!(admin.common.saved)));
                    on_saved.run((id, form));
                }
                Ok(Err(e)) => errors.set(e),
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    let input = move |s: RwSignal<String>| {
        move |ev| {
            done.set(None);
            s.set(event_target_value(&ev))
        }
    };
    let current_kind = initial.kind.clone();
    view! {
        <div class="site-details" data-testid="site-details">
            <div class="form-grid">
                <label>{tx!(admin.common.name)}<input maxlength="120" data-testid="site-name" prop:value=name
                    on:input=input(name)/>{field_error(errors, "name")}</label>
                <label>{tx!(admin.site.kind_label)}<select data-testid="site-kind" on:change=input(kind)>
                    {SITE_KINDS.iter().map(|(k, label)| view! {
                        <option value=*k selected={*k == current_kind}>{words::site_kind(k).unwrap_or(label)}</option>
                    }).collect_view()}
                </select>{field_error(errors, "kind")}</label>
                <label>{tx!(admin.site.street)}<input maxlength="200" data-testid="site-address" prop:value=address
                    on:input=input(address)/>{field_error(errors, "address")}</label>
                <label>{tx!(admin.site.city)}<input maxlength="80" data-testid="site-city" prop:value=city
                    on:input=input(city)/>{field_error(errors, "city")}</label>
                <label>{tx!(admin.site.lat)}<input data-testid="site-lat" prop:value=lat on:input=input(lat)/>{field_error(errors, "lat")}</label>
                <label>{tx!(admin.site.lon)}<input data-testid="site-lon" prop:value=lon on:input=input(lon)/>{field_error(errors, "lon")}</label>
                <label>{tx!(admin.site.time_zone)}<input list="time-zones" data-testid="site-tz" prop:value=tz
                    on:input=input(tz)/>{field_error(errors, "time_zone")}</label>
            </div>
            <datalist id="time-zones">
                {["Europe/Bucharest", "Europe/Budapest", "Europe/Helsinki", "Europe/Oslo", "Europe/Paris", "Europe/London", "Europe/Berlin", "Europe/Chisinau", "UTC"].into_iter().map(|z| view! { <option value=z/> }).collect_view()}
            </datalist>
            <div class="form-actions">
                <button class="btn" data-testid="site-pick" on:click=show_map>{tx!(admin.site.pick)}</button>
                <button class="btn primary" data-testid="site-save"
                    on:click=save>{if site.is_none() { tx!(admin.site.create) } else { tx!(admin.site.save) }}</button>
                {move || errors.get().form.map(|m| view! { <span class="field-error">{m}</span> })}
                {move || done.get().map(|m| view! { <span class="muted" data-testid="site-saved">{m}</span> })}
            </div>
            <Show when=move || map_open.try_get().unwrap_or(false)>
                <p class="muted small">{tx!(admin.site.pick_hint)}</p>
            </Show>
            <div id=map_id class="pick-map" class:open=move || map_open.get() data-testid="pick-map"></div>
        </div>
    }
}

/// A site's panel accounts: each with its key (only its size shown) and supervised paths,
/// and adding one.
#[component]
fn Accounts(
    site: i64,
    accounts: Vec<crate::model::accounts::AdminAccount>,
    detail: Resource<Result<AdminSiteDetail, ServerFnError>>,
) -> impl IntoView {
    use crate::model::accounts::PathLine;
    let number = RwSignal::new(String::new());
    let (format, key) = (RwSignal::new("hex".to_owned()), RwSignal::new(String::new()));
    let paths = RwSignal::new(vec![PathLine {
        line: "*".into(),
        name: "link".into(),
        interval: "24h".into(),
        grace: "1h".into(),
    }]);
    let errors = RwSignal::new(FieldErrors::default());
    let add = move |_| {
        leptos::task::spawn_local(async move {
            match crate::api::admin::add_account(
                site,
                number.get_untracked(),
                format.get_untracked(),
                key.get_untracked(),
                paths.get_untracked(),
            )
            .await
            {
                Ok(e) if e.is_empty() => {
                    errors.set(e);
                    number.set(String::new());
                    key.set(String::new());
                    detail.refetch();
                }
                Ok(e) => errors.set(e),
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    let input = |s: RwSignal<String>| move |ev| s.set(event_target_value(&ev));
    view! {
        <h3>{tx!(admin.accounts.title)}</h3>
        <ul class="accounts" data-testid="accounts">{accounts.into_iter().map(|a| view! { <AccountItem site a detail/> }).collect_view()}</ul>
        <Fold label=tx!(admin.accounts.add_open) id="add-account" class="add-account">
            <div class="inline-form">
                <input size="8" maxlength="16" placeholder=tx!(admin.accounts.number_placeholder) aria-label=tx!(admin.accounts.number)
                    data-testid="account-number" prop:value=number on:input=input(number)/>
                <KeyFields format key/>
            </div>
            {field_error(errors, "number")}{field_error(errors, "key")}
            <PathsEditor paths errors/>
            <button class="btn small primary" data-testid="account-add" on:click=add>{tx!(admin.accounts.add)}</button>
            {move || errors.get().form.map(|m| view! { <span class="field-error">{m}</span> })}
        </Fold>
    }
}

/// The key fields: how it is written and the key (never shown back).
#[component]
fn KeyFields(format: RwSignal<String>, key: RwSignal<String>) -> impl IntoView {
    view! {
        <select aria-label=tx!(admin.accounts.key_format) data-testid="key-format" on:change=move |ev| format.set(event_target_value(&ev))>
            <option value="hex" selected=true>{tx!(admin.accounts.hex)}</option>
            <option value="text">{tx!(admin.accounts.text)}</option>
        </select>
        <input type="password" autocomplete="off" size="24" placeholder=tx!(admin.accounts.key_placeholder) aria-label=tx!(admin.accounts.key)
            data-testid="account-key"
            prop:value=key on:input=move |ev| key.set(event_target_value(&ev))/>
    }
}

/// Editable supervised paths: line, name, interval, grace.
#[component]
fn PathsEditor(paths: RwSignal<Vec<crate::model::accounts::PathLine>>, errors: RwSignal<FieldErrors>) -> impl IntoView {
    use crate::model::accounts::PathLine;
    let set = move |n: usize, f: fn(&mut PathLine, String)| {
        move |ev| {
            let v = event_target_value(&ev);
            paths.update(|p| {
                if let Some(line) = p.get_mut(n) {
                    f(line, v)
                }
            })
        }
    };
    view! {
        <table class="grid paths" data-testid="paths">
            <thead><tr><th>{tx!(admin.common.line)}</th><th>{tx!(admin.accounts.path)}</th><th>{tx!(admin.accounts.interval_column)}</th>
                <th>{tx!(admin.accounts.grace)}</th><th></th></tr></thead>
            <tbody>
                {move || paths.get().into_iter().enumerate().map(|(n, p)| view! {
                    <tr>
                        <td><input size="3" aria-label=tx!(admin.common.line) data-testid="path-line" prop:value=p.line
                            on:change=set(n, |l, v| l.line = v)/></td>
                        <td><input size="10" aria-label=tx!(admin.accounts.path_name) data-testid="path-name" prop:value=p.name
                            on:change=set(n, |l, v| l.name = v)/></td>
                        <td><input size="5" aria-label=tx!(admin.accounts.interval) data-testid="path-interval" prop:value=p.interval
                            on:change=set(n, |l, v| l.interval = v)/></td>
                        <td><input size="5" aria-label=tx!(admin.accounts.grace) data-testid="path-grace" prop:value=p.grace
                            on:change=set(n, |l, v| l.grace = v)/></td>
                        <td><button class="btn small" aria-label=tx!(admin.accounts.remove_path)
                            on:click=move |_| paths.update(|p| { p.remove(n); })>"×"</button>
                            {move || errors.with(|e| e.get(&format!("path{n}"))).map(|m| view! { <span class="field-error" data-field="path">{m}</span> })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <button class="btn small" data-testid="path-add"
            on:click=move |_| paths.update(|p| p.push(PathLine { line: "*".into(), name: String::new(), interval: "24h".into(), grace: String::new() }))>
            {tx!(admin.accounts.add_path)}</button>
        {field_error(errors, "paths")}
    }
}

/// One account: key size and policy, paths; changing the key or the paths.
#[component]
fn AccountItem(
    site: i64,
    a: crate::model::accounts::AdminAccount,
    detail: Resource<Result<AdminSiteDetail, ServerFnError>>,
) -> impl IntoView {
    let number = a.number.clone();
    let (format, key) = (RwSignal::new("hex".to_owned()), RwSignal::new(String::new()));
    let allow_plain = RwSignal::new(a.allow_plain);
    let key_label = RwSignal::new(a.key.clone());
    let paths = RwSignal::new(a.paths.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>());
    let errors = RwSignal::new(FieldErrors::default());
    let done = RwSignal::new(None::<&'static str>);
    let save_key = {
        let number = number.clone();
        move |_| {
            let number = number.clone();
            leptos::task::spawn_local(async move {
                let (f, k) = (format.get_untracked(), key.get_untracked());
                match crate::api::admin::account_key(site, number, f.clone(), k.clone(), allow_plain.get_untracked())
                    .await
                {
                    Ok(e) if e.is_empty() => {
                        errors.set(e);
                        key.set(String::new());
                        let bits = if f == "text" { k.trim().len() * 8 } else { k.trim().len() * 4 };
                        key_label.set((bits > 0).then(|| format!("AES-{bits}")));
                        done.set(Some(tx!(admin.accounts.key_saved)));
                    }
                    Ok(e) => errors.set(e),
                    Err(e) => {
                        errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() })
                    }
                }
            });
        }
    };
    let save_paths = {
        let number = number.clone();
        move |_| {
            let number = number.clone();
            leptos::task::spawn_local(async move {
                match crate::api::admin::account_paths(site, number, paths.get_untracked()).await {
                    Ok(e) if e.is_empty() => {
                        errors.set(e);
                        done.set(Some(tx!(admin.accounts.paths_saved)));
                    }
                    Ok(e) => errors.set(e),
                    Err(e) => {
                        errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() })
                    }
                }
            });
        }
    };
    let states =
        a.paths.iter().map(|(p, state)| format!("{} {}: {state}", p.line, p.name)).collect::<Vec<_>>().join(" · ");
    let removed = number.clone();
    view! {
        <li data-testid="account" data-number=number.clone()>
            <strong class="mono">{number.clone()}</strong>" · "
            <span data-testid="account-key-label">{move || key_label.get().unwrap_or_else(|| tx!(admin.accounts.no_key).into())}</span>
            {move || (allow_plain.get() && key_label.get().is_some()).then(|| format!(" · {}", tx!(admin.accounts.plain_taken)))}
            <span class="muted small">" "{states}</span>
            <Fold label=tx!(admin.accounts.key_and_paths) id=format!("account-{number}")>
                <div class="inline-form">
                    <KeyFields format key/>
                    <label class="small"><input type="checkbox" prop:checked=allow_plain
                        on:change=move |ev| allow_plain.set(event_target_checked(&ev))/>
                        " "{tx!(admin.accounts.take_plain)}</label>
                    <button class="btn small" data-testid="account-key-save" on:click=save_key.clone()>{tx!(admin.accounts.save_key)}</button>
                </div>
                {field_error(errors, "key")}
                <PathsEditor paths errors/>
                <button class="btn small" data-testid="account-paths-save" on:click=save_paths.clone()>{tx!(admin.accounts.save_paths)}</button>
                <RemoveAccount site number=removed.clone() detail errors/>
                {move || errors.get().form.map(|m| view! { <span class="field-error">{m}</span> })}
                {move || done.get().map(|m| view! { <span class="muted" data-testid="account-done">{m}</span> })}
            </Fold>
        </li>
    }
}

/// A contact's card: name, phone, e-mail, language, SMS; adds one when `contact` is `None`.
/// Removing an account, asked twice.
#[component]
fn RemoveAccount(
    site: i64,
    number: String,
    detail: Resource<Result<AdminSiteDetail, ServerFnError>>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let asked = RwSignal::new(false);
    let confirm = tx!(admin.accounts.remove_confirm, number = &number);
    let remove = move |_| {
        let number = number.clone();
        leptos::task::spawn_local(async move {
            match crate::api::admin::account_remove(site, number).await {
                Ok(()) => detail.refetch(),
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    view! {
        <div class="danger-zone">
            <button class="btn small" data-testid="account-remove" on:click=move |_| asked.update(|r| *r = !*r)>{tx!(admin.accounts.remove)}</button>
            <span class:hidden=move || !asked.get()>
                <span class="small">" "{tx!(admin.accounts.remove_warning)}" "</span>
                <button class="btn small danger" data-testid="account-remove-confirm" on:click=remove>{confirm}</button>
            </span>
        </div>
    }
}

#[component]
fn ContactEditor(
    site: i64,
    contact: Option<i64>,
    initial: crate::model::admin::ContactForm,
    detail: Resource<Result<AdminSiteDetail, ServerFnError>>,
) -> impl IntoView {
    use crate::model::admin::{ContactForm, LANGUAGES};
    let f = |v: &str| RwSignal::new(v.to_owned());
    let (name, phone, email, language) = (f(&initial.name), f(&initial.phone), f(&initial.email), f(&initial.language));
    let sms = RwSignal::new(initial.sms);
    let errors = RwSignal::new(FieldErrors::default());
    let save = move |_| {
        let form = ContactForm {
            name: name.get_untracked(),
            phone: phone.get_untracked(),
            email: email.get_untracked(),
            language: language.get_untracked(),
            sms: sms.get_untracked(),
        };
        if let Err(e) = form.check() {
            errors.set(e);
            return;
        }
        leptos::task::spawn_local(async move {
            match crate::api::admin::save_contact(site, contact, form).await {
                Ok(e) if e.is_empty() => detail.refetch(),
                Ok(e) => errors.set(e),
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    let remove = move |_| {
        let Some(contact) = contact else { return };
        leptos::task::spawn_local(async move {
            match crate::api::admin::remove_contact(site, contact).await {
                Ok(()) => detail.refetch(),
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    let input = |s: RwSignal<String>| move |ev| s.set(event_target_value(&ev));
    let current = initial.language.clone();
    view! {
        <div class="form-grid contact-form" data-testid="contact-form">
            <label>{tx!(admin.common.name)}<input maxlength="80" data-testid="contact-name" prop:value=name
                on:input=input(name)/>{field_error(errors, "contact_name")}</label>
            <label>{tx!(admin.common.phone)}<input type="tel" maxlength="24" data-testid="contact-phone" prop:value=phone
                on:input=input(phone)/>{field_error(errors, "contact_phone")}</label>
            <label>{tx!(admin.common.email)}<input type="email" maxlength="120" data-testid="contact-email" prop:value=email
                on:input=input(email)/>{field_error(errors, "contact_email")}</label>
            <label>{tx!(admin.contacts.language)}<select data-testid="contact-language" on:change=input(language)>
                <option value="" selected=current.is_empty()>{tx!(admin.contacts.centre_language)}</option>
                {LANGUAGES.iter().map(|(code, words)| view! { <option value=*code selected={*code == current}>{*words}</option> }).collect_view()}
            </select>{field_error(errors, "contact_language")}</label>
            <label class="check"><input type="checkbox" data-testid="contact-sms" prop:checked=sms
                on:change=move |ev| sms.set(event_target_checked(&ev))/>
                " "{tx!(admin.contacts.sms)}</label>
        </div>
        <div class="form-actions">
            <button class="btn small primary" data-testid="contact-save"
                on:click=save>{if contact.is_some() { tx!(admin.contacts.save) } else { tx!(admin.contacts.add) }}</button>
            {contact.is_some().then(|| view! { <button class="btn small" data-testid="contact-remove"
                on:click=remove>{tx!(admin.contacts.remove)}</button> })}
            {move || errors.get().form.map(|m| view! { <span class="field-error">{m}</span> })}
        </div>
    }
}

/// A zone: rename it, or remove its name.
#[component]
fn ZoneItem(
    site: i64,
    zone: String,
    name: String,
    kind: String,
    detail: Resource<Result<AdminSiteDetail, ServerFnError>>,
) -> impl IntoView {
    let number = zone.parse::<i64>().unwrap_or_default();
    let text = RwSignal::new(name);
    let kind = RwSignal::new(kind);
    let errors = RwSignal::new(FieldErrors::default());
    let change = move |name: Option<String>| {
        leptos::task::spawn_local(async move {
            let k = name.as_ref().map(|_| kind.get_untracked());
            match crate::api::admin::change_zone(site, number, name, k).await {
                Ok(e) if e.is_empty() => detail.refetch(),
                Ok(e) => errors.set(e),
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    let label = zone.clone();
    view! {
        <li class="inline-form" data-testid="zone" data-zone=zone>
            <span class="mono">{label}</span>
            <input size="18" maxlength="60" aria-label=tx!(admin.zones.name) data-testid="zone-rename" prop:value=text
                on:input=move |ev| text.set(event_target_value(&ev))/>
            <select aria-label=tx!(admin.zones.kind_label) data-testid="zone-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                <option value="" selected=move || kind.get().is_empty()>{tx!(admin.zones.no_kind)}</option>
                {crate::model::admin::ZONE_KINDS.iter().map(|(k, label)| view! {
                    <option value=*k selected=move || kind.get() == *k>{words::zone_kind(k).unwrap_or(label)}</option>
                }).collect_view()}
            </select>
            <button class="btn small" data-testid="zone-save" on:click=move |_| change(Some(text.get_untracked()))>{tx!(admin.common.save)}</button>
            <button class="btn small" data-testid="zone-remove" on:click=move |_| change(None)>{tx!(admin.common.remove)}</button>
            {field_error(errors, "zone_name")}
            {move || errors.get().form.map(|m| view! { <span class="field-error">{m}</span> })}
        </li>
    }
}

/// Past incidents: filters, a page at a time, each with its workspace and printable report,
/// and the same filter as CSV.
#[component]
fn History() -> impl IntoView {
    use crate::model::history::{query_string, IncidentFilter, IncidentPage};
    let f = || RwSignal::new(String::new());
    let (account, from, to, category, resolution, operator) = (f(), f(), f(), f(), f(), f());
    let page = RwSignal::new(IncidentPage::default());
    let loading = RwSignal::new(false);
    let filter = move || IncidentFilter {
        account: account.get_untracked(),
        from: from.get_untracked(),
        to: to.get_untracked(),
        category: category.get_untracked(),
        resolution: resolution.get_untracked(),
        operator: operator.get_untracked(),
    };
    let load = move |older: bool| {
        let before = if older { page.with_untracked(|p| p.lines.last().map(|l| l.id)) } else { None };
        loading.set(true);
        leptos::task::spawn_local(async move {
            match crate::api::admin::incident_history(filter(), before).await {
                Ok(next) => page.update(|p| {
                    if older {
                        p.lines.extend(next.lines);
                        p.more = next.more;
                        p.errors = next.errors;
                    } else {
                        *p = next;
                    }
                }),
                Err(e) => page.update(|p| {
                    p.errors = FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }
                }),
            }
            loading.set(false);
        });
    };
    Effect::new(move |_| load(false));
    let errors = RwSignal::new(FieldErrors::default());
    Effect::new(move |_| errors.set(page.with(|p| p.errors.clone())));
    let input = |s: RwSignal<String>| move |ev| s.set(event_target_value(&ev));
    view! {
        <section class="card">
            <h2>{tx!(admin.nav.history)}</h2>
            <p class="muted">{tx!(admin.history.note)}</p>
            <form class="filters" data-testid="history-filter" on:submit=move |ev| { ev.prevent_default(); load(false); }>
                <label>{tx!(admin.common.account)}<input size="8" maxlength="16" prop:value=account on:input=input(account)
                    data-testid="history-account"/>{field_error(errors, "account")}</label>
                <label>{tx!(admin.common.from)}<input type="date" prop:value=from on:input=input(from)
                    data-testid="history-from"/>{field_error(errors, "from")}</label>
                <label>{tx!(admin.common.to)}<input type="date" prop:value=to on:input=input(to)
                    data-testid="history-to"/>{field_error(errors, "to")}</label>
                <label>{tx!(admin.common.category)}<select on:change=input(category) data-testid="history-category">
                    <option value="">{tx!(admin.history.any)}</option>
                    {move || page.with(|p| p.categories.clone()).into_iter().map(|(v, w)| view! { <option value=v.clone() selected=move || category.get() == v>{w}</option> }).collect_view()}
                </select></label>
                <label>{tx!(admin.history.resolution)}<select on:change=input(resolution) data-testid="history-resolution">
                    <option value="">{tx!(admin.history.any)}</option>
                    {move || page.with(|p| p.resolutions.clone()).into_iter().map(|(v, w)| view! { <option value=v.clone() selected=move || resolution.get() == v>{w}</option> }).collect_view()}
                </select></label>
                <label>{tx!(admin.history.operator_login)}<input size="10" maxlength="64" prop:value=operator on:input=input(operator)
                    data-testid="history-operator"/>{field_error(errors, "operator")}</label>
                <button type="submit" class="btn primary" data-testid="history-search">{tx!(admin.common.show)}</button>
                <a class="btn" data-testid="history-export" download="" href=move || {
                    let q = [("account", account.get()), ("from", from.get()), ("to", to.get()), ("category", category.get()), ("resolution", resolution.get()), ("operator", operator.get())];
                    format!("/api/v1/incidents.csv?{}", query_string(&q))
                }>{tx!(admin.common.export_csv)}</a>
            </form>
            {move || errors.get().form.map(|m| view! { <p class="field-error">{m}</p> })}
            <table class="grid" data-testid="history-lines">
                <thead><tr><th>{tx!(admin.common.no)}</th><th>{tx!(admin.common.site)}</th><th>{tx!(admin.common.what)}</th><th>{tx!(admin.history.opened)}</th>
                    <th>{tx!(admin.history.closed)}</th><th>{tx!(admin.history.resolution)}</th><th>{tx!(admin.history.operator)}</th><th></th></tr></thead>
                <tbody>{move || page.with(|p| p.lines.clone()).into_iter().map(|l| view! {
                    <tr data-testid="history-line"><td class="mono"><a href=format!("/operator/incidents/{}", l.id)>{l.id}</a></td><td>{l.site}</td><td>{l.category}</td>
                    <td class="nowrap">{l.opened}</td><td class="nowrap">{l.closed.unwrap_or_else(|| tx!(admin.history.open).into())}</td>
                    <td>{l.resolution.unwrap_or_default()}</td><td>{l.operator.unwrap_or_default()}</td>
                    <td><a class="btn small" href=format!("/operator/incidents/{}/report", l.id)>{tx!(admin.history.report)}</a></td></tr>
                }).collect_view()}</tbody>
            </table>
            {move || (page.with(|p| p.lines.is_empty()) && !loading.get()).then(|| view! { <p class="muted">{tx!(admin.common.nothing)}</p> })}
            <Show when=move || page.try_with(|p| p.more).unwrap_or(false)>
                <button class="btn small" data-testid="history-older" on:click=move |_| load(true)>{tx!(admin.history.older)}</button>
            </Show>
        </section>
        <section class="card">
            <h2>{tx!(admin.monthly.title)}</h2>
            <form class="filters" method="get" action="/admin/monthly">
                <label>{tx!(admin.common.account)}<input name="account" size="8" maxlength="16" data-testid="monthly-link-account"/></label>
                <label>{tx!(admin.monthly.month)}<input name="month" type="month" data-testid="monthly-link-month"/></label>
                <button type="submit" class="btn" data-testid="monthly-link">{tx!(admin.monthly.open)}</button>
            </form>
        </section>
    }
}

/// A site's rules: the duress code, cancel windows, a vehicle's life sign, when a crew is
/// late, and the billing terms.
#[component]
fn RulesEditor(site: i64, initial: crate::model::admin::SiteRules) -> impl IntoView {
    use crate::model::admin::SiteRules;
    let f = |v: &str| RwSignal::new(v.to_owned());
    let fields = [
        ("duress_user", tx!(admin.rules.duress_user), f(&initial.duress_user), "text"),
        ("duress_shown_as", tx!(admin.rules.duress_shown_as), f(&initial.duress_shown_as), "text"),
        ("cancel_window_s", tx!(admin.rules.cancel_window_s), f(&initial.cancel_window_s), "text"),
        ("fire_cancel_window_s", tx!(admin.rules.fire_cancel_window_s), f(&initial.fire_cancel_window_s), "text"),
        ("life_sign", tx!(admin.rules.life_sign), f(&initial.life_sign), "text"),
        ("crew_sla_min", tx!(admin.rules.crew_sla_min), f(&initial.crew_sla_min), "text"),
        ("connected", tx!(admin.rules.connected), f(&initial.connected), "date"),
        ("warranty_until", tx!(admin.rules.warranty_until), f(&initial.warranty_until), "date"),
        ("included_per_year", tx!(admin.rules.included_per_year), f(&initial.included_per_year), "text"),
        ("price", tx!(admin.rules.price), f(&initial.price), "text"),
        ("currency", tx!(admin.rules.currency), f(&initial.currency), "text"),
    ];
    let free_first_month = RwSignal::new(initial.free_first_month);
    let free_first_false_alarm = RwSignal::new(initial.free_first_false_alarm);
    let value = move |name: &str| {
        fields.iter().find(|(n, ..)| *n == name).map(|(_, _, s, _)| s.get_untracked()).unwrap_or_default()
    };
    let errors = RwSignal::new(FieldErrors::default());
    let done = RwSignal::new(false);
    let save = move |_| {
        let rules = SiteRules {
            duress_user: value("duress_user"),
            duress_shown_as: value("duress_shown_as"),
            cancel_window_s: value("cancel_window_s"),
            fire_cancel_window_s: value("fire_cancel_window_s"),
            life_sign: value("life_sign"),
            crew_sla_min: value("crew_sla_min"),
            connected: value("connected"),
            warranty_until: value("warranty_until"),
            included_per_year: value("included_per_year"),
            free_first_month: free_first_month.get_untracked(),
            free_first_false_alarm: free_first_false_alarm.get_untracked(),
            price: value("price"),
            currency: value("currency"),
        };
        if let Err(e) = rules.check() {
            errors.set(e);
            done.set(false);
            return;
        }
        leptos::task::spawn_local(async move {
            match crate::api::admin::save_rules(site, rules).await {
                Ok(e) => {
                    done.set(e.is_empty());
                    errors.set(e);
                }
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    view! {
        <div class="form-grid" data-testid="rules-form">
            {fields.into_iter().map(|(name, label, signal, kind)| view! {
                <label>{label}<input type=kind data-testid=format!("rule-{name}") prop:value=signal on:input=move |ev| { done.set(false); signal.set(event_target_value(&ev)) }/>{field_error(errors, name)}</label>
            }).collect_view()}
        </div>
        <label class="check"><input type="checkbox" data-testid="rule-free_first_month" prop:checked=free_first_month on:change=move |ev| { done.set(false); free_first_month.set(event_target_checked(&ev)) }/>
            " "{tx!(admin.rules.free_first_month)}</label>
        <label class="check"><input type="checkbox" data-testid="rule-free_first_false_alarm" prop:checked=free_first_false_alarm on:change=move |ev| { done.set(false); free_first_false_alarm.set(event_target_checked(&ev)) }/>
            " "{tx!(admin.rules.free_first_false_alarm)}</label>
        <div class="form-actions">
            <button class="btn small primary" data-testid="rules-save" on:click=save>{tx!(admin.rules.save)}</button>
            {move || errors.get().form.map(|m| view! { <span class="field-error">{m}</span> })}
            {move || done.get().then(|| view! { <span class="muted" data-testid="rules-saved">{tx!(admin.common.saved)}</span> })}
        </div>
    }
}

/// A site's weekly opening hours: a window per day (a closing before the opening is the
/// next morning's), the tolerance, and whether they are supervised at all.
#[component]
fn HoursEditor(site: i64, initial: crate::model::admin::HoursForm) -> impl IntoView {
    use crate::model::admin::{HoursForm, WEEKDAYS};
    type Times = (RwSignal<String>, RwSignal<String>);
    let signals = |list: &[(String, String)], n: usize| {
        let (o, c) = list.get(n).cloned().unwrap_or_default();
        (RwSignal::new(o), RwSignal::new(c))
    };
    let days: Vec<(Times, Times)> = (0..7).map(|n| (signals(&initial.days, n), signals(&initial.later, n))).collect();
    let days = StoredValue::new(days);
    let supervised = RwSignal::new(initial.supervised);
    let closed_on_holidays = RwSignal::new(initial.closed_on_holidays);
    let tolerance = RwSignal::new(initial.tolerance_min.clone());
    let errors = RwSignal::new(FieldErrors::default());
    let done = RwSignal::new(false);
    let save = move |_| {
        let form = HoursForm {
            supervised: supervised.get_untracked(),
            closed_on_holidays: closed_on_holidays.get_untracked(),
            days: days.with_value(|d| d.iter().map(|((o, c), _)| (o.get_untracked(), c.get_untracked())).collect()),
            later: days.with_value(|d| d.iter().map(|(_, (o, c))| (o.get_untracked(), c.get_untracked())).collect()),
            tolerance_min: tolerance.get_untracked(),
        };
        if let Err(e) = form.check() {
            errors.set(e);
            done.set(false);
            return;
        }
        leptos::task::spawn_local(async move {
            match crate::api::admin::save_hours(site, form).await {
                Ok(e) => {
                    done.set(e.is_empty());
                    errors.set(e);
                }
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    view! {
        <label class="check"><input type="checkbox" data-testid="hours-supervised" prop:checked=supervised on:change=move |ev| supervised.set(event_target_checked(&ev))/>
            " "{tx!(admin.hours.supervised)}</label>
        <label class="check"><input type="checkbox" data-testid="hours-holidays" prop:checked=closed_on_holidays on:change=move |ev| closed_on_holidays.set(event_target_checked(&ev))/>
            " "{tx!(admin.hours.holidays)}</label>
        <table class="grid hours" data-testid="hours">
            <thead><tr><th>{tx!(admin.common.day)}</th><th>{tx!(admin.common.opens)}</th><th>{tx!(admin.common.closes)}</th>
                <th>{tx!(admin.hours.then_opens)}</th><th>{tx!(admin.common.closes)}</th><th></th></tr></thead>
            <tbody>{days.get_value().into_iter().enumerate().map(|(n, ((open, close), (open2, close2)))| {
                let field: &'static str = ["day0", "day1", "day2", "day3", "day4", "day5", "day6"][n];
                let later_field: &'static str = ["later0", "later1", "later2", "later3", "later4", "later5", "later6"][n];
                view! {
                    <tr data-day=n.to_string()>
                        <td>{words::weekday(n).unwrap_or(WEEKDAYS[n])}</td>
                        <td><input type="time" aria-label=tx!(admin.common.opens) data-testid="hours-open" prop:value=open
                            on:input=move |ev| open.set(event_target_value(&ev))/></td>
                        <td><input type="time" aria-label=tx!(admin.common.closes) data-testid="hours-close" prop:value=close
                            on:input=move |ev| close.set(event_target_value(&ev))/></td>
                        <td><input type="time" aria-label=tx!(admin.hours.then_opens) data-testid="hours-open2" prop:value=open2
                            on:input=move |ev| open2.set(event_target_value(&ev))/></td>
                        <td><input type="time" aria-label=tx!(admin.common.closes) data-testid="hours-close2" prop:value=close2
                            on:input=move |ev| close2.set(event_target_value(&ev))/></td>
                        <td class="muted small">{move || {
                            let (o, c) = (open.get(), close.get());
                            // The day's last window says whether it closes the next morning.
                            let (o2, c2) = (open2.get(), close2.get());
                            let (lo, lc) = if o2.is_empty() && c2.is_empty() { (&o, &c) } else { (&o2, &c2) };
                            match (crate::model::admin::clock_time(lo), crate::model::admin::clock_time(lc)) {
                                (Some(a), Some(b)) if b < a => tx!(admin.hours.next_morning),
                                _ if o.is_empty() && c.is_empty() => tx!(admin.hours.closed),
                                _ => "",
                            }
                        }}{field_error(errors, field)}{field_error(errors, later_field)}</td>
                    </tr>
                }
            }).collect_view()}</tbody>
        </table>
        <div class="form-actions">
            <label class="small">{tx!(admin.hours.tolerance)}" "<input size="4" data-testid="hours-tolerance" prop:value=tolerance
                on:input=move |ev| tolerance.set(event_target_value(&ev))/></label>
            {field_error(errors, "tolerance_min")}
            <button class="btn small primary" data-testid="hours-save" on:click=save>{tx!(admin.hours.save)}</button>
            {move || errors.get().form.map(|m| view! { <span class="field-error">{m}</span> })}
            {move || done.get().then(|| view! { <span class="muted" data-testid="hours-saved">{tx!(admin.common.saved)}</span> })}
        </div>
    }
}

/// A part of a form that opens and closes: a button and a `Show`, not a `<details>` (after
/// the site editor was drawn again, Chromium gave some inputs inside a `<details>` no layout
/// box, so they could not be typed into). The test id `<id>-open` is the button.
#[component]
fn Fold(
    #[prop(into)] label: String,
    #[prop(into)] id: String,
    #[prop(optional)] class: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let button = format!("{id}-open");
    view! {
        <div class=format!("fold {class}") data-testid=id>
            <button class="fold-head" data-testid=button aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() { "▾ " } else { "▸ " }}{label}
            </button>
            <Show when=move || open.try_get().unwrap_or(false)>{children()}</Show>
        </div>
    }
}
