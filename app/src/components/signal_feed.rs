//! The live feed of incoming signals: the newest first, pushed by the server.

use crate::tx;
use leptos::prelude::*;

use crate::api::recent_signals;
use crate::model::{SignalClass, SignalView};

/// How many rows the feed keeps on screen.
pub const FEED_ROWS: usize = 200;

/// Merges pushed and fetched signals: one row per id, newest first, at most [`FEED_ROWS`].
pub fn merge(pushed: &[SignalView], fetched: &[SignalView]) -> Vec<SignalView> {
    let mut all: Vec<SignalView> = pushed.iter().chain(fetched).cloned().collect();
    all.sort_by_key(|s| std::cmp::Reverse(s.id));
    all.dedup_by_key(|s| s.id);
    all.truncate(FEED_ROWS);
    all
}

/// The signal table, filled from the server and kept live over server-sent events.
#[component]
pub fn SignalFeed() -> impl IntoView {
    let pushed = RwSignal::new(Vec::<SignalView>::new());
    let live = RwSignal::new(false);
    // The feed is drawn in the browser only, after the page has hydrated: it changes by the
    // moment (live rows, the connection's state), and drawn on the server it sometimes no
    // longer matched what the browser hydrated (an unrecoverable hydration error on
    // /operator). The server sends an empty placeholder.
    let fetched = LocalResource::new(|| recent_signals(None));
    let mounted = RwSignal::new(false);
    Effect::new(move |started: Option<()>| {
        if started.is_none() {
            mounted.set(true);
            #[cfg(feature = "hydrate")]
            super::live::subscribe(pushed, live, move || fetched.refetch());
        }
    });
    view! {
        <Show when=move || mounted.get() fallback=|| view! { <p class="muted">{tx!(staff.feed.loading)}</p> }>
        <section class="feed">
            <div class="feed-head">
                <h2>{tx!(staff.feed.title)}</h2>
                <span class="live" class:on=move || live.get() data-testid="live">
                    {move || if live.get() { tx!(staff.feed.live) } else { tx!(staff.feed.connecting) }}
                </span>
            </div>
            <Transition fallback=|| view! { <p>{tx!(staff.feed.loading)}</p> }>
                {move || fetched.get().map(|r| match r {
                    Ok(list) => {
                        let rows = Signal::derive(move || pushed.with(|p| merge(p, &list)));
                        view! { <SignalTable rows/> }.into_any()
                    }
                    Err(e) => view! { <p class="field-error">{super::readable(&e)}</p> }.into_any(),
                })}
            </Transition>
        </section>
        </Show>
    }
}

#[component]
fn SignalTable(rows: Signal<Vec<SignalView>>) -> impl IntoView {
    view! {
        <table class="signals" data-testid="signals">
            <thead>
                <tr>
                    <th>{tx!(staff.feed.time)}</th><th>{tx!(staff.feed.account)}</th><th>{tx!(staff.feed.site)}</th><th>{tx!(staff.feed.event)}</th><th>{tx!(staff.feed.zone)}</th><th>{tx!(staff.feed.area)}</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || rows.get() key=|s| s.id let:s>
                    <SignalRow s/>
                </For>
            </tbody>
        </table>
        <Show when=move || rows.with(Vec::is_empty)>
            <p class="empty">{tx!(staff.feed.empty)}</p>
        </Show>
    }
}

#[component]
fn SignalRow(s: SignalView) -> impl IntoView {
    // A signal of a site on test is greyed and marked: nobody acts on it.
    let class = if s.test { "row-on-test".to_owned() } else { format!("row-{}", class_name(s.class)) };
    let test = s.test;
    let when = format!("{} {} {}", s.local_date, s.local_time, s.tz_abbr);
    let code = s.event_code.clone().unwrap_or_default();
    let zone = zone_text(&s);
    let meaning = if s.class == SignalClass::Restore && s.qualifier.as_deref() == Some("restore") {
        tx!(staff.feed.restore, what = &s.meaning)
    } else {
        s.meaning.clone()
    };
    let account = s.account.clone();
    view! {
        <tr class=class data-testid="signal-row" data-account=account data-id=s.id data-test=test.to_string()>
            <td class="mono" title=when>{s.local_time}<span class="tz">{s.tz_abbr}</span></td>
            <td class="mono">{s.account}</td>
            <td>
                {match s.site_name {
                    Some(name) => view! { <span>{name}</span> }.into_any(),
                    None => view! { <span class="badge unknown">{tx!(staff.feed.unknown)}</span> }.into_any(),
                }}
            </td>
            <td>{test.then(|| view! { <span class="badge test" data-testid="on-test" title=tx!(staff.feed.on_test)>{tx!(staff.feed.test)}</span>" " })}<span class="mono code">{code}</span>" "{meaning}</td>
            <td>{zone}</td>
            <td class="mono">{s.area.filter(|a| !is_none_number(a)).unwrap_or_default()}</td>
        </tr>
    }
}

/// Zone or user as shown: "user 3", "005 Kitchen PIR", or nothing for "no zone" (000).
fn zone_text(s: &SignalView) -> String {
    match (&s.zone, &s.zone_name, &s.user_number) {
        (_, _, Some(user)) => tx!(staff.feed.user, n = user),
        (Some(z), _, _) if is_none_number(z) => String::new(),
        (Some(z), Some(name), _) => format!("{z} {name}"),
        (Some(z), None, _) => z.clone(),
        _ => String::new(),
    }
}

/// Contact ID sends zeros where an event has no zone or area.
fn is_none_number(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(|b| b == b'0')
}

fn class_name(c: SignalClass) -> &'static str {
    match c {
        SignalClass::Alarm => "alarm",
        SignalClass::Trouble => "trouble",
        SignalClass::OpenClose => "openclose",
        SignalClass::Test => "test",
        SignalClass::Restore => "restore",
        SignalClass::Other => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(id: i64) -> SignalView {
        SignalView {
            id,
            received_at_ms: id,
            local_time: String::new(),
            local_date: String::new(),
            tz_abbr: String::new(),
            account: "1".into(),
            site_name: None,
            known: false,
            token: "ADM-CID".into(),
            event_code: None,
            qualifier: None,
            meaning: String::new(),
            zone: None,
            zone_name: None,
            area: None,
            user_number: None,
            class: SignalClass::Other,
            test: false,
        }
    }

    #[test]
    fn merge_keeps_one_row_per_id_newest_first() {
        let merged = merge(&[view(5), view(4)], &[view(4), view(3), view(6)]);
        assert_eq!(merged.iter().map(|s| s.id).collect::<Vec<_>>(), vec![6, 5, 4, 3]);
    }

    #[test]
    fn zero_zones_are_blank_and_users_are_named() {
        let mut s = view(1);
        s.zone = Some("000".into());
        assert_eq!(zone_text(&s), "");
        s.zone = Some("005".into());
        s.zone_name = Some("Kitchen PIR".into());
        assert_eq!(zone_text(&s), "005 Kitchen PIR");
        s.user_number = Some("3".into());
        assert_eq!(zone_text(&s), "user 3");
    }

    #[test]
    fn merge_caps_the_feed() {
        let many: Vec<_> = (0..500).map(view).collect();
        let merged = merge(&many, &[]);
        assert_eq!(merged.len(), FEED_ROWS);
        assert_eq!(merged[0].id, 499);
    }
}
