//! The action plan editor (a category's steps, for one site or for the whole centre), a
//! site's code overrides and its changes of single days, and the centre's public holidays.

use leptos::prelude::*;

use super::{words, Fold};
use crate::model::admin::FieldErrors;
use crate::model::admin::HourChange;
use crate::model::plans::{
    category_label, check_holidays, check_overrides, check_plan, HolidayLine, OverrideLine, PlanForm, StepLine,
    PLAN_CATEGORIES, STEP_KINDS,
};
use crate::tx;

/// A row being edited: a stable key and a signal per field, so typing draws nothing again.
#[derive(Clone, Copy)]
struct StepRow {
    key: u64,
    kind: RwSignal<String>,
    auto: RwSignal<bool>,
    seconds: RwSignal<String>,
    text: RwSignal<String>,
}

impl StepRow {
    fn new(key: u64, s: &StepLine) -> StepRow {
        StepRow {
            key,
            kind: RwSignal::new(s.kind.clone()),
            auto: RwSignal::new(s.auto),
            seconds: RwSignal::new(s.seconds.clone()),
            text: RwSignal::new(s.text.clone()),
        }
    }

    fn line(&self) -> StepLine {
        StepLine {
            kind: self.kind.get_untracked(),
            auto: self.auto.get_untracked(),
            seconds: self.seconds.get_untracked(),
            text: self.text.get_untracked(),
        }
    }
}

/// Moves the row with `key` one place up or down.
fn shift<T: Copy + Send + Sync + 'static>(rows: RwSignal<Vec<T>>, at: impl Fn(&T) -> bool, up: bool) {
    rows.update(|r| {
        if let Some(i) = r.iter().position(at) {
            let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < r.len()) };
            if let Some(j) = j {
                r.swap(i, j);
            }
        }
    });
}

/// The message for the field of the row at this position (`<prefix><n>`).
fn row_error(
    errors: RwSignal<FieldErrors>,
    prefix: &'static str,
    position: impl Fn() -> Option<usize> + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        let n = position()?;
        errors
            .try_with(|e| e.get(&format!("{prefix}{n}")))
            .flatten()
            .map(|m| view! { <span class="field-error">{m}</span> })
    }
}

fn source_text(source: &str, site: bool) -> &'static str {
    match (source, site) {
        ("site", _) => tx!(admin.plans.source_site),
        ("centre", true) => tx!(admin.plans.source_centre_fallback),
        ("centre", false) => tx!(admin.plans.source_centre),
        (_, true) => tx!(admin.plans.source_builtin_fallback),
        _ => tx!(admin.plans.source_builtin),
    }
}

/// Every category's plan, each folded: for a site (`site`) or for the centre.
#[component]
pub fn PlanList(site: Option<i64>, plans: Vec<PlanForm>) -> impl IntoView {
    view! {
        <div class="plans" data-testid="plans">
            {plans.into_iter().map(|p| {
                let label = words::plan_category(&p.category).unwrap_or_else(|| category_label(&p.category)).to_owned();
                view! {
                    <Fold label id=format!("plan-{}", p.category) class="plan">
                        <PlanEditor site plan=p.clone()/>
                    </Fold>
                }
            }).collect_view()}
        </div>
    }
}

/// The plan of `category` that holds now (after a reset: the centre's or the built-in one).
async fn current(site: Option<i64>, category: &str) -> Option<PlanForm> {
    let plans = match site {
        Some(id) => crate::api::admin::load_admin_site(id).await.ok()?.plans,
        None => crate::api::admin::centre_plans().await.ok()?,
    };
    plans.into_iter().find(|p| p.category == category)
}

/// One category's steps: kind, by the engine or by hand, a wait's seconds, an instruction's
/// words; moved, removed, added; saved as the site's own or the centre's plan.
#[component]
fn PlanEditor(site: Option<i64>, plan: PlanForm) -> impl IntoView {
    let category = plan.category.clone();
    let next = StoredValue::new(plan.steps.len() as u64);
    let rows = RwSignal::new(plan.steps.iter().enumerate().map(|(n, s)| StepRow::new(n as u64, s)).collect::<Vec<_>>());
    let errors = RwSignal::new(FieldErrors::default());
    let saved = RwSignal::new(None::<&'static str>);
    let source = RwSignal::new(plan.source.clone());
    let mine = if site.is_some() { "site" } else { "centre" };
    let send = move |steps: Option<Vec<StepLine>>| {
        let category = category.clone();
        let reset = steps.is_none();
        leptos::task::spawn_local(async move {
            let r = match site {
                Some(id) => crate::api::admin::save_site_plan(id, category.clone(), steps).await,
                None => crate::api::admin::save_centre_plan(category.clone(), steps).await,
            };
            match r {
                Ok(e) if e.is_empty() => {
                    errors.set(e);
                    if !reset {
                        source.set(mine.to_owned());
                        saved.set(Some(tx!(admin.common.saved)));
                    } else if let Some(p) = current(site, &category).await {
                        let first = next.get_value();
                        next.set_value(first + p.steps.len() as u64);
                        rows.set(p.steps.iter().enumerate().map(|(n, s)| StepRow::new(first + n as u64, s)).collect());
                        source.set(p.source);
                        saved.set(Some(tx!(admin.plans.reset_done)));
                    }
                }
                Ok(e) => errors.set(e),
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    let send = StoredValue::new(send);
    let category_name = plan.category.clone();
    let save = move |_| {
        saved.set(None);
        let lines: Vec<StepLine> = rows.get_untracked().iter().map(StepRow::line).collect();
        if let Err(e) = check_plan(&category_name, &lines) {
            errors.set(e);
            return;
        }
        send.with_value(|f| f(Some(lines)));
    };
    let add = move |_| {
        let key = next.get_value();
        next.set_value(key + 1);
        rows.update(|r| r.push(StepRow::new(key, &StepLine { kind: "call_contacts".into(), ..Default::default() })));
        saved.set(None);
    };
    view! {
        <p class="muted small" data-testid="plan-source">{move || source_text(&source.get(), site.is_some())}</p>
        <ol class="plan-steps">
            <For each=move || rows.get() key=|r| r.key let:row>
                <PlanStep row rows errors/>
            </For>
        </ol>
        {move || errors.try_with(|e| e.get("steps")).flatten().map(|m| view! { <p class="field-error">{m}</p> })}
        <div class="form-actions">
            <button class="btn small" data-testid="plan-add-step" on:click=add>{tx!(admin.plans.add_step)}</button>
            <button class="btn small primary" data-testid="plan-save" on:click=save>
                {if site.is_some() { tx!(admin.plans.save_site) } else { tx!(admin.plans.save_centre) }}</button>
            <button class="btn small" data-testid="plan-reset" class:hidden=move || source.get() != mine on:click=move |_| send.with_value(|f| f(None))>
                {if site.is_some() { tx!(admin.plans.reset_site) } else { tx!(admin.plans.reset_centre) }}
            </button>
            {move || errors.try_with(|e| e.form.clone()).flatten().map(|m| view! { <span class="field-error">{m}</span> })}
            {move || saved.get().map(|m| view! { <span class="muted" data-testid="plan-saved">{m}</span> })}
        </div>
    }
}

/// One step of the plan being edited.
#[component]
fn PlanStep(row: StepRow, rows: RwSignal<Vec<StepRow>>, errors: RwSignal<FieldErrors>) -> impl IntoView {
    let key = row.key;
    let position = move || rows.try_with(|r| r.iter().position(|x| x.key == key)).flatten();
    // A wait is always the engine's, an instruction always the operator's.
    let fixed = move || matches!(row.kind.get().as_str(), "wait" | "instruction");
    view! {
        <li class="plan-step" data-testid="plan-step">
            <select aria-label=tx!(admin.plans.step) data-testid="step-kind" on:change=move |ev| row.kind.set(event_target_value(&ev))>
                {STEP_KINDS.iter().map(|(k, label)| view! {
                    <option value=*k selected=move || row.kind.get() == *k>{words::step_kind(k).unwrap_or(label)}</option>
                }).collect_view()}
            </select>
            <Show when=move || row.kind.try_get().as_deref() == Some("wait")>
                <input size="5" inputmode="numeric" aria-label=tx!(admin.plans.seconds) data-testid="step-seconds" prop:value=row.seconds
                    on:input=move |ev| row.seconds.set(event_target_value(&ev))/>" "{tx!(admin.plans.seconds_unit)}
            </Show>
            <Show when=move || row.kind.try_get().as_deref() == Some("instruction")>
                <input class="wide" maxlength="200" placeholder=tx!(admin.plans.instruction_placeholder) aria-label=tx!(admin.plans.instruction)
                    data-testid="step-text" prop:value=row.text on:input=move |ev| row.text.set(event_target_value(&ev))/>
            </Show>
            <span class="step-tools">
            <label class="check small">
                <input type="checkbox" data-testid="step-auto" prop:checked=move || if fixed() { row.kind.get() == "wait" } else { row.auto.get() } disabled=fixed on:change=move |ev| row.auto.set(event_target_checked(&ev))/>
                " "{tx!(admin.plans.by_itself)}
            </label>
            <button class="btn small" aria-label=tx!(admin.common.move_up) data-testid="step-up"
                on:click=move |_| shift(rows, |r| r.key == key, true)>"↑"</button>
            <button class="btn small" aria-label=tx!(admin.common.move_down) data-testid="step-down"
                on:click=move |_| shift(rows, |r| r.key == key, false)>"↓"</button>
            <button class="btn small" aria-label=tx!(admin.plans.remove_step) data-testid="step-remove"
                on:click=move |_| rows.update(|r| r.retain(|x| x.key != key))>"✕"</button>
            </span>
            {row_error(errors, "step", position)}
        </li>
    }
}

/// A code override being edited.
#[derive(Clone, Copy)]
struct OverrideRow {
    key: u64,
    protocol: RwSignal<String>,
    code: RwSignal<String>,
    category: RwSignal<String>,
    priority: RwSignal<String>,
}

impl OverrideRow {
    fn new(key: u64, o: &OverrideLine) -> OverrideRow {
        OverrideRow {
            key,
            protocol: RwSignal::new(o.protocol.clone()),
            code: RwSignal::new(o.code.clone()),
            category: RwSignal::new(o.category.clone()),
            priority: RwSignal::new(o.priority.clone()),
        }
    }

    fn line(&self) -> OverrideLine {
        OverrideLine {
            protocol: self.protocol.get_untracked(),
            code: self.code.get_untracked(),
            category: self.category.get_untracked(),
            priority: self.priority.get_untracked(),
        }
    }
}

/// A site's code overrides: this code from this panel means that category, at that priority.
#[component]
pub fn OverridesEditor(site: i64, overrides: Vec<OverrideLine>) -> impl IntoView {
    let next = StoredValue::new(overrides.len() as u64);
    let rows =
        RwSignal::new(overrides.iter().enumerate().map(|(n, o)| OverrideRow::new(n as u64, o)).collect::<Vec<_>>());
    let errors = RwSignal::new(FieldErrors::default());
    let saved = RwSignal::new(false);
    let add = move |_| {
        let key = next.get_value();
        next.set_value(key + 1);
        rows.update(|r| {
            r.push(OverrideRow::new(
                key,
                &OverrideLine {
                    protocol: "cid".into(),
                    category: "burglary".into(),
                    priority: "3".into(),
                    ..Default::default()
                },
            ))
        });
        saved.set(false);
    };
    let save = move |_| {
        saved.set(false);
        let lines: Vec<OverrideLine> = rows.get_untracked().iter().map(OverrideRow::line).collect();
        if let Err(e) = check_overrides(&lines) {
            errors.set(e);
            return;
        }
        leptos::task::spawn_local(async move {
            match crate::api::admin::save_overrides(site, lines).await {
                Ok(e) => {
                    saved.set(e.is_empty());
                    errors.set(e);
                }
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    view! {
        <p class="muted small">{tx!(admin.overrides.note)}</p>
        <ul class="overrides" data-testid="overrides">
            <For each=move || rows.get() key=|r| r.key let:row>
                {
                    let key = row.key;
                    let position = move || rows.try_with(|r| r.iter().position(|x| x.key == key)).flatten();
                    view! {
                        <li class="inline-form" data-testid="override">
                            <select aria-label=tx!(admin.overrides.protocol) data-testid="override-protocol"
                                on:change=move |ev| row.protocol.set(event_target_value(&ev))>
                                <option value="cid" selected=move || row.protocol.get() == "cid">{tx!(admin.overrides.contact_id)}</option>
                                <option value="sia" selected=move || row.protocol.get() == "sia">"SIA"</option>
                            </select>
                            <input size="4" aria-label=tx!(admin.overrides.code) placeholder="130" data-testid="override-code" prop:value=row.code
                                on:input=move |ev| row.code.set(event_target_value(&ev))/>
                            "→"
                            <select aria-label=tx!(admin.common.category) data-testid="override-category"
                                on:change=move |ev| row.category.set(event_target_value(&ev))>
                                {PLAN_CATEGORIES.iter().map(|(c, label)| view! {
                                    <option value=*c selected=move || row.category.get() == *c>{words::plan_category(c).unwrap_or(label)}</option>
                                }).collect_view()}
                            </select>
                            <label class="small">{tx!(admin.overrides.priority_label)}" "<input size="2" aria-label=tx!(admin.overrides.priority)
                                data-testid="override-priority" prop:value=row.priority on:input=move |ev| row.priority.set(event_target_value(&ev))/></label>
                            <button class="btn small" aria-label=tx!(admin.overrides.remove) data-testid="override-remove"
                                on:click=move |_| rows.update(|r| r.retain(|x| x.key != key))>"✕"</button>
                            {row_error(errors, "override", position)}
                        </li>
                    }
                }
            </For>
        </ul>
        <div class="form-actions">
            <button class="btn small" data-testid="override-add" on:click=add>{tx!(admin.overrides.add)}</button>
            <button class="btn small primary" data-testid="overrides-save" on:click=save>{tx!(admin.overrides.save)}</button>
            {move || errors.try_with(|e| e.get("overrides").or(e.form.clone())).flatten().map(|m| view! { <span class="field-error">{m}</span> })}
            {move || saved.get().then(|| view! { <span class="muted" data-testid="overrides-saved">{tx!(admin.common.saved)}</span> })}
        </div>
    }
}

/// A site's changes of single days (a holiday of its own, working late): listed with a
/// Remove button each, and added one at a time (both times, or neither for closed).
#[component]
pub fn DayChanges(site: i64, changes: Vec<HourChange>) -> impl IntoView {
    let list = RwSignal::new(changes);
    let (date, open, close) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = RwSignal::new(FieldErrors::default());
    let send = move |day: String, remove: bool| {
        leptos::task::spawn_local(async move {
            match crate::api::admin::change_hours_day(site, day, open.get_untracked(), close.get_untracked(), remove)
                .await
            {
                Ok(Ok(now)) => {
                    list.set(now);
                    errors.set(FieldErrors::default());
                    if !remove {
                        date.set(String::new());
                        open.set(String::new());
                        close.set(String::new());
                    }
                }
                Ok(Err(e)) => errors.set(e),
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    let input = |s: RwSignal<String>| move |ev| s.set(event_target_value(&ev));
    view! {
        <h4>{tx!(admin.days.title)}</h4>
        <ul class="day-changes" data-testid="day-changes">
            {move || list.get().into_iter().map(|c| {
                let day = c.date.clone();
                view! {
                    <li data-testid="day-change" data-date=c.date.clone()>
                        <span class="mono">{c.date.clone()}</span>" "{if c.hours == "closed" { tx!(admin.days.closed).to_owned() } else { c.hours.clone() }}" "
                        <button class="btn small" data-testid="day-change-remove"
                            on:click=move |_| send(day.clone(), true)>{tx!(admin.common.remove)}</button>
                    </li>
                }
            }).collect_view()}
        </ul>
        <div class="inline-form" data-testid="day-change-form">
            <input type="date" aria-label=tx!(admin.common.day) data-testid="day-change-date" prop:value=date on:input=input(date)/>
            <input type="time" aria-label=tx!(admin.common.opens) data-testid="day-change-open" prop:value=open on:input=input(open)/>
            <input type="time" aria-label=tx!(admin.common.closes) data-testid="day-change-close" prop:value=close on:input=input(close)/>
            <button class="btn small" data-testid="day-change-add" on:click=move |_| send(date.get_untracked(), false)>{tx!(admin.days.add)}</button>
            <span class="muted small">{tx!(admin.days.hint)}</span>
        </div>
        {super::field_error(errors, "change_date")}{super::field_error(errors, "change_hours")}
        {move || errors.try_with(|e| e.form.clone()).flatten().map(|m| view! { <span class="field-error">{m}</span> })}
    }
}

/// A holiday being edited.
#[derive(Clone, Copy)]
struct HolidayRow {
    key: u64,
    date: RwSignal<String>,
    name: RwSignal<String>,
}

/// The centre's public holidays: sites closed on holidays expect no opening then.
#[component]
fn Holidays(holidays: Vec<HolidayLine>) -> impl IntoView {
    let next = StoredValue::new(holidays.len() as u64);
    let rows = RwSignal::new(
        holidays
            .iter()
            .enumerate()
            .map(|(n, h)| HolidayRow {
                key: n as u64,
                date: RwSignal::new(h.date.clone()),
                name: RwSignal::new(h.name.clone()),
            })
            .collect::<Vec<_>>(),
    );
    let errors = RwSignal::new(FieldErrors::default());
    let saved = RwSignal::new(false);
    let add = move |_| {
        let key = next.get_value();
        next.set_value(key + 1);
        rows.update(|r| {
            r.push(HolidayRow { key, date: RwSignal::new(String::new()), name: RwSignal::new(String::new()) })
        });
        saved.set(false);
    };
    let save = move |_| {
        saved.set(false);
        let lines: Vec<HolidayLine> = rows
            .get_untracked()
            .iter()
            .map(|r| HolidayLine { date: r.date.get_untracked(), name: r.name.get_untracked() })
            .collect();
        if let Err(e) = check_holidays(&lines) {
            errors.set(e);
            return;
        }
        leptos::task::spawn_local(async move {
            match crate::api::admin::save_holidays(lines).await {
                Ok(e) => {
                    saved.set(e.is_empty());
                    errors.set(e);
                }
                Err(e) => errors.set(FieldErrors { form: Some(crate::components::readable(&e)), ..Default::default() }),
            }
        });
    };
    view! {
        <ul class="overrides" data-testid="holidays">
            <For each=move || rows.get() key=|r| r.key let:row>
                {
                    let key = row.key;
                    let position = move || rows.try_with(|r| r.iter().position(|x| x.key == key)).flatten();
                    view! {
                        <li class="inline-form" data-testid="holiday">
                            <input type="date" aria-label=tx!(admin.common.day) data-testid="holiday-date" prop:value=row.date
                                on:input=move |ev| row.date.set(event_target_value(&ev))/>
                            <input maxlength="80" placeholder=tx!(admin.common.name) aria-label=tx!(admin.common.name) data-testid="holiday-name"
                                prop:value=row.name on:input=move |ev| row.name.set(event_target_value(&ev))/>
                            <button class="btn small" aria-label=tx!(admin.holidays.remove) data-testid="holiday-remove"
                                on:click=move |_| rows.update(|r| r.retain(|x| x.key != key))>"✕"</button>
                            {row_error(errors, "holiday", position)}
                        </li>
                    }
                }
            </For>
        </ul>
        <HolidayPreset rows next saved/>
        <div class="form-actions">
            <button class="btn small" data-testid="holiday-add" on:click=add>{tx!(admin.holidays.add)}</button>
            <button class="btn small primary" data-testid="holidays-save" on:click=save>{tx!(admin.holidays.save)}</button>
            {move || errors.try_with(|e| e.get("holidays").or(e.form.clone())).flatten().map(|m| view! { <span class="field-error">{m}</span> })}
            {move || saved.get().then(|| view! { <span class="muted" data-testid="holidays-saved">{tx!(admin.common.saved)}</span> })}
        </div>
    }
}

/// A country's public holidays of a year added to the list (dates already listed are
/// left alone); the admin reviews them and saves.
#[component]
fn HolidayPreset(rows: RwSignal<Vec<HolidayRow>>, next: StoredValue<u64>, saved: RwSignal<bool>) -> impl IntoView {
    use crate::model::plans::HOLIDAY_COUNTRIES;
    let country = RwSignal::new(HOLIDAY_COUNTRIES[0].0.to_owned());
    let year = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let add = move |_| {
        let Ok(y) = year.get_untracked().trim().parse::<i32>() else {
            message.set(Some((false, tx!(admin.holidays.preset_year_bad).to_owned())));
            return;
        };
        let c = country.get_untracked();
        leptos::task::spawn_local(async move {
            match crate::api::admin::holiday_preset(c, y).await {
                Ok(days) => {
                    let mut added = 0;
                    rows.update(|r| {
                        for day in days {
                            if r.iter().all(|x| x.date.get_untracked() != day.date) {
                                let key = next.get_value();
                                next.set_value(key + 1);
                                r.push(HolidayRow {
                                    key,
                                    date: RwSignal::new(day.date),
                                    name: RwSignal::new(day.name),
                                });
                                added += 1;
                            }
                        }
                        r.sort_by_key(|x| x.date.get_untracked());
                    });
                    saved.set(false);
                    message.set(Some((true, tx!(admin.holidays.preset_added, count = added))));
                }
                Err(e) => message.set(Some((false, crate::components::readable(&e)))),
            }
        });
    };
    view! {
        <div class="form-actions holiday-preset" data-testid="holiday-preset">
            <label class="small">{tx!(admin.holidays.preset_country)}" "
                <select data-testid="preset-country" on:change=move |ev| country.set(event_target_value(&ev))>
                    {HOLIDAY_COUNTRIES.into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                </select>
            </label>
            <label class="small">{tx!(admin.holidays.preset_year)}" "
                <input size="5" inputmode="numeric" placeholder="2027" data-testid="preset-year" prop:value=year
                    on:input=move |ev| year.set(event_target_value(&ev))/>
            </label>
            <button class="btn small" data-testid="preset-add" on:click=add>{tx!(admin.holidays.preset_add)}</button>
            {move || message.get().map(|(ok, m)| view! { <span class=if ok { "muted" } else { "field-error" } data-testid="preset-message">{m}</span> })}
        </div>
    }
}

/// `/admin/plans`: the centre's plan of every category (what sites without their own follow)
/// and its public holidays.
#[component]
pub fn CentrePlans() -> impl IntoView {
    let holidays = LocalResource::new(crate::api::admin::holidays);
    let plans = LocalResource::new(crate::api::admin::centre_plans);
    view! {
        <section class="card" data-testid="centre-plans">
            <h2>{tx!(admin.plans.centre_title)}</h2>
            <p class="muted">{tx!(admin.plans.centre_note)}</p>
            {move || plans.get().map(|r| match r {
                Ok(list) => view! { <PlanList site=None plans=list/> }.into_any(),
                Err(e) => view! { <p class="field-error">{crate::components::readable(&e)}</p> }.into_any(),
            })}
        </section>
        <section class="card" data-testid="centre-holidays">
            <h2>{tx!(admin.holidays.title)}</h2>
            <p class="muted">{tx!(admin.holidays.note)}</p>
            {move || holidays.get().map(|r| match r {
                Ok(list) => view! { <Holidays holidays=list/> }.into_any(),
                Err(e) => view! { <p class="field-error">{crate::components::readable(&e)}</p> }.into_any(),
            })}
        </section>
    }
}
