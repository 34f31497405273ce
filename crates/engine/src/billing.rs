//! Booking a closed dispatch against the site's yearly counters.

use rules::billing::{year_account, year_of, Charge, Dispatch, YearAccount};

use crate::engine::Engine;
use crate::incident::{Incident, Resolution};
use crate::site::Site;

/// Records a dispatched incident's outcome in the site's history and returns its charge.
pub(crate) fn book(site: &mut Site, inc: &Incident, dispatched_at_ms: i64, resolution: Resolution) -> Charge {
    let late = match inc.on_site_at_ms {
        Some(on_site) => on_site - dispatched_at_ms > site.settings.crew_sla_ms,
        None => false,
    };
    let tz = site.info.time_zone;
    let year = year_of(dispatched_at_ms, tz);
    site.state.dispatches.retain(|d| year_of(d.at_ms, tz) >= year - 1 && d.incident_id != inc.id);
    site.state.dispatches.push(Dispatch {
        incident_id: inc.id,
        at_ms: dispatched_at_ms,
        outcome: resolution,
        crew_late: late,
        silent: inc.silent,
    });
    site.state.dispatches.sort_by_key(|d| d.at_ms);
    let books: Vec<Dispatch> = site.state.dispatches.iter().filter(|d| d.silent == inc.silent).copied().collect();
    let account = year_account(&site.settings.billing, &books, tz, year);
    account.charges.iter().find(|(id, _)| *id == inc.id).map(|(_, c)| *c).unwrap_or(Charge::Billable)
}

impl Engine {
    /// What closing an open incident with `resolution` would cost the customer: `None` when
    /// no crew was sent (nothing to bill). Nothing changes.
    pub fn charge_if_closed(&self, incident_id: i64, resolution: Resolution) -> Option<Charge> {
        let inc = self.incidents.get(&incident_id)?;
        let dispatched_at = inc.dispatched_at_ms?;
        let mut site = self.sites.get(&inc.site_id)?.clone();
        Some(book(&mut site, inc, dispatched_at, resolution))
    }

    /// A site's dispatch counters for a year (in the site's time zone), all dispatches
    /// included: the company's books.
    pub fn billing(&self, site_id: i64, year: i32) -> Option<YearAccount> {
        let site = self.sites.get(&site_id)?;
        Some(year_account(&site.settings.billing, &site.state.dispatches, site.info.time_zone, year))
    }

    /// A site's dispatch counters as its customer sees them: silent (duress) dispatches are
    /// left out, so nothing there tells that one happened.
    pub fn customer_billing(&self, site_id: i64, year: i32) -> Option<YearAccount> {
        let site = self.sites.get(&site_id)?;
        let seen: Vec<Dispatch> = site.state.dispatches.iter().filter(|d| !d.silent).copied().collect();
        Some(year_account(&site.settings.billing, &seen, site.info.time_zone, year))
    }
}
