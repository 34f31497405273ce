//! `/supervisor`: operators on shift and their work, unclaimed and escalated incidents, and
//! the service levels (time to acknowledge, to the first call, to dispatch) for the last hour
//! and per day. Refreshed whenever an incident changes.

use crate::tx;
use leptos::prelude::*;

use crate::api::ops::load_supervisor;
use crate::components::header::Header;
use crate::components::require_role::RequireRole;
use crate::model::ops::{SlaFigure, SlaPeriod, SupervisorView};
use crate::model::{Role, SessionUser};
use crate::pages::operator::StaffNav;

/// The supervisor view (supervisors and admins).
#[component]
pub fn SupervisorPage() -> impl IntoView {
    view! {
        <RequireRole allowed=|u: &SessionUser| matches!(u.role, Role::Supervisor | Role::Admin) render=|user: SessionUser| view! {
            <Header user=user.clone() title=tx!(staff.sup.title)><StaffNav role=user.role/></Header>
            <Figures/>
        }/>
    }
}

#[component]
fn Figures() -> impl IntoView {
    let view = LocalResource::new(load_supervisor);
    let live = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |started: Option<()>| {
        if started.is_none() {
            let pending = StoredValue::new_local(false);
            crate::components::stream::listen(
                "/api/v1/ops/stream",
                &["ops"],
                live,
                move |_, data| {
                    // Incident changes move the figures; refetch at most every 2 s.
                    if data.contains("\"incident\"") && !pending.get_value() {
                        pending.set_value(true);
                        set_timeout(
                            move || {
                                pending.set_value(false);
                                view.refetch();
                            },
                            std::time::Duration::from_secs(2),
                        );
                    }
                },
                move || view.refetch(),
            );
        }
    });
    view! {
        <main class="page supervisor">
            {move || match view.get() {
                    None => view! { <p>{tx!(staff.sup.loading)}</p> }.into_any(),
                    Some(r) => match r {
                    Ok(v) => view! { <Board v live/> }.into_any(),
                    Err(e) => view! { <p class="field-error">{e.to_string()}</p> }.into_any(),
                    },
                }}
        </main>
    }
}

fn secs(f: &SlaFigure, mean: bool) -> String {
    let v = if mean { f.mean_s } else { f.p90_s };
    match v {
        Some(s) if s >= 60.0 => format!("{}:{:02}", (s / 60.0) as i64, (s % 60.0) as i64),
        Some(s) => format!("{s:.0} s"),
        None => "—".into(),
    }
}

fn row(p: &SlaPeriod) -> impl IntoView {
    view! {
        <tr data-testid="sla-row">
            <td>{match p.label.as_str() {
                "Today" => tx!(staff.sup.today).to_owned(),
                "Last hour" => tx!(staff.sup.last_hour).to_owned(),
                day => day.to_owned(),
            }}</td>
            <td>{p.incidents}</td>
            <td>{secs(&p.to_ack, true)}" / "{secs(&p.to_ack, false)}</td>
            <td>{secs(&p.to_call, true)}" / "{secs(&p.to_call, false)}</td>
            <td>{secs(&p.to_dispatch, true)}" / "{secs(&p.to_dispatch, false)}</td>
            <td>{p.escalated}</td>
        </tr>
    }
}

#[component]
fn Board(v: SupervisorView, live: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="kpis">
            <div class="kpi" class:alert={v.unclaimed > 0}><span class="n" data-testid="unclaimed">{v.unclaimed}</span>{tx!(staff.sup.unclaimed)}</div>
            <div class="kpi" class:alert={v.escalated > 0}><span class="n" data-testid="escalated-count">{v.escalated}</span>{tx!(staff.sup.escalated_n)}</div>
            <div class="kpi"><span class="n">{v.operators.iter().filter(|o| o.on_shift).count()}</span>{tx!(staff.sup.on_shift_n)}</div>
            <span class="live" class:on=move || live.get()>{move || if live.get() { tx!(staff.sup.live) } else { "○" }}</span>
        </div>
        <section class="card">
            <h2>{tx!(staff.sup.operators)}</h2>
            <table class="grid" data-testid="operators">
                <thead><tr><th>{tx!(staff.sup.name)}</th><th>{tx!(staff.sup.role)}</th><th>{tx!(staff.sup.on_shift)}</th><th>{tx!(staff.sup.working)}</th><th>{tx!(staff.sup.today)}</th></tr></thead>
                <tbody>{v.operators.iter().map(|o| view! {
                    <tr><td>{o.name.clone()}</td><td>{crate::model::Role::parse(&o.role).map_or_else(|| o.role.clone(), |r| crate::components::words::role_name(r).to_owned())}</td><td>{if o.on_shift { tx!(staff.sup.yes) } else { tx!(staff.sup.no) }}</td><td>{o.open}</td><td>{o.today}</td></tr>
                }).collect_view()}</tbody>
            </table>
        </section>
        <section class="card">
            <h2>{tx!(staff.sup.sla)} <span class="muted">{tx!(staff.sup.sla_note)}</span></h2>
            <table class="grid" data-testid="sla">
                <thead><tr><th>{tx!(staff.sup.period)}</th><th>{tx!(staff.sup.incidents)}</th><th>{tx!(staff.sup.to_ack)}</th><th>{tx!(staff.sup.to_call)}</th><th>{tx!(staff.sup.to_dispatch)}</th><th>{tx!(staff.sup.escalated)}</th></tr></thead>
                <tbody>
                    {row(&v.live)}
                    {v.days.iter().map(row).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
