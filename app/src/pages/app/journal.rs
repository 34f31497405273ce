//! The journal: arming and disarming with who did it, alarms and how they ended.

use leptos::prelude::*;

use super::{fetch, show, use_app};
use crate::api::customer::app_journal;
use crate::i18n::td_string;
use crate::lang::words;
use crate::lang::{use_lang, Lang};
use crate::model::customer::{JournalFilter, JournalKind, JournalLine};

/// `/app/journal`.
#[component]
pub fn Journal() -> impl IntoView {
    let app = use_app();
    let lang = use_lang();
    let days = RwSignal::new(10_i64);
    let filter = RwSignal::new(JournalFilter::All);
    let data = LocalResource::new(move || {
        let (site, d, f) = (app.site.get(), days.get(), filter.get());
        app.track_live();
        async move {
            match site {
                Some(id) => Some(fetch(format!("journal.{id}.{d}.{f:?}"), app_journal(id, d, f)).await),
                None => None,
            }
        }
    });
    let chip = move |f: JournalFilter, key: &'static str| {
        view! {
            <button class=move || if filter.get() == f { "chip on" } else { "chip" } data-testid=format!("filter-{key}")
                on:click=move |_| filter.set(f)>{move || words::journal_filter(lang.get(), key)}</button>
        }
    };
    view! {
        <section class="screen journal">
            <h1>{move || td_string!(lang.get().locale(), app.journal.title)}</h1>
            <div class="chips">
                {chip(JournalFilter::All, "all")}
                {chip(JournalFilter::Arming, "arming")}
                {chip(JournalFilter::Alarms, "alarms")}
                {chip(JournalFilter::Other, "other")}
                <select class="days" data-testid="days" prop:value=move || days.get().to_string()
                    on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(10))>
                    {[10, 20, 31].into_iter().map(|d| view! { <option value=d.to_string()>{move || td_string!(lang.get().locale(), app.journal.days, n = &d.to_string())}</option> }).collect_view()}
                </select>
            </div>
            {show(data, |lines: Vec<JournalLine>| view! { <Lines lines/> })}
        </section>
    }
}

#[component]
fn Lines(lines: Vec<JournalLine>) -> impl IntoView {
    let lang = use_lang();
    if lines.is_empty() {
        return view! { <p class="muted">{move || td_string!(lang.get().locale(), app.journal.empty)}</p> }.into_any();
    }
    let mut days: Vec<(String, Vec<JournalLine>)> = Vec::new();
    for l in lines {
        match days.last_mut() {
            Some((d, v)) if *d == l.date => v.push(l),
            _ => days.push((l.date.clone(), vec![l])),
        }
    }
    view! {
        <div class="journal-days">
            {days.into_iter().map(|(date, lines)| view! {
                <h2 class="day">{date}</h2>
                <ul class="journal-list">
                    {lines.into_iter().map(|l| {
                        let kind = format!("{:?}", l.kind).to_lowercase();
                        view! {
                            <li class=format!("jl {kind}") data-testid="journal-line" data-kind=kind>
                                <span class="time">{l.time.clone()}</span>
                                <span class="what">{move || describe(lang.get(), &l)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }).collect_view()}
        </div>
    }
    .into_any()
}

/// One line in words.
fn describe(lang: Lang, l: &JournalLine) -> String {
    let who = l.who.as_deref().map(|w| {
        if w == "app" {
            td_string!(lang.locale(), app.journal.app).to_owned()
        } else {
            w.to_owned()
        }
    });
    let mut text = match l.kind {
        JournalKind::Armed => td_string!(lang.locale(), app.state.armed).to_owned(),
        JournalKind::Night => td_string!(lang.locale(), app.state.night).to_owned(),
        JournalKind::Disarmed => td_string!(lang.locale(), app.state.disarmed).to_owned(),
        JournalKind::Alarm | JournalKind::Trouble | JournalKind::Test => {
            words::category(lang, l.category.as_deref().unwrap_or("other")).to_owned()
        }
    };
    if let Some(w) = who {
        text.push_str(" · ");
        text.push_str(&td_string!(lang.locale(), app.home.by, who = &w));
    }
    if let Some(o) = &l.outcome {
        text.push_str(" · ");
        text.push_str(words::outcome(lang, o));
    }
    if l.crew {
        text.push_str(" · ");
        text.push_str(td_string!(lang.locale(), app.journal.crew));
    }
    text
}
