//! What the customer side may see of a site. Silent (duress) incidents do not exist here:
//! the site looks exactly as it would without them.

use rules::classify::Category;
use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::incident::Status;
use crate::site::ArmState;

/// An open alarm as the customer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerAlarm {
    /// Incident id.
    pub id: i64,
    /// What it is about.
    pub category: Category,
    /// Title.
    pub title: String,
    /// When it opened.
    pub opened_at_ms: i64,
    /// The customer may cancel until then.
    pub cancel_until_ms: Option<i64>,
    /// A crew is on its way or there.
    pub crew_dispatched: bool,
    /// Where it is.
    pub status: Status,
}

/// A site as the customer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerSite {
    /// Site id.
    pub site_id: i64,
    /// Name.
    pub name: String,
    /// Arming state.
    pub arm: ArmState,
    /// When it last changed.
    pub arm_changed_at_ms: Option<i64>,
    /// On test until then.
    pub test_until_ms: Option<i64>,
    /// Suspended until then.
    pub suspended_until_ms: Option<i64>,
    /// Open alarms (never a silent one).
    pub alarms: Vec<CustomerAlarm>,
}

impl Engine {
    /// The customer's view of a site at `now_ms`.
    pub fn customer_site(&self, site_id: i64, now_ms: i64) -> Option<CustomerSite> {
        let site = self.sites.get(&site_id)?;
        let mut alarms: Vec<CustomerAlarm> = self
            .incidents
            .values()
            .filter(|i| i.site_id == site_id && !i.silent && !i.test && i.is_open())
            .map(|i| CustomerAlarm {
                id: i.id,
                category: i.category,
                title: i.title.clone(),
                opened_at_ms: i.opened_at_ms,
                cancel_until_ms: i.cancel_until_ms.filter(|c| *c > now_ms && i.crew_id.is_none()),
                crew_dispatched: i.crew_id.is_some(),
                status: i.status,
            })
            .collect();
        alarms.sort_by_key(|a| a.opened_at_ms);
        Some(CustomerSite {
            site_id,
            name: site.info.name.clone(),
            arm: site.state.arm,
            arm_changed_at_ms: site.state.arm_changed_at_ms,
            test_until_ms: site.state.test_at(now_ms).map(|t| t.until_ms),
            suspended_until_ms: site.state.suspended_until_ms.filter(|u| *u > now_ms),
            alarms,
        })
    }
}
