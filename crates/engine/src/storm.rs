//! Storms: when many alarms of one kind open in one area at once (a power cut, a storm),
//! they are grouped so operators see a few groups, highest priority still first.

use std::collections::HashMap;

use rules::geo::cell_key;
use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::output::Output;

/// When incidents form a storm group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StormRule {
    /// This many open incidents of one category in one cell, opened within `window_ms`...
    pub threshold: usize,
    /// ... of each other.
    pub window_ms: i64,
    /// Grid cell size in degrees (0.05° is about 5 km).
    pub cell_deg: f64,
}

impl Default for StormRule {
    fn default() -> Self {
        StormRule { threshold: 5, window_ms: 10 * 60_000, cell_deg: 0.05 }
    }
}

/// Recent incidents by group key (`burglary@44.40:26.10`): (id, opened at).
pub(crate) type StormIndex = HashMap<String, Vec<(i64, i64)>>;

impl Engine {
    /// The storm group key of an incident: its category and its site's grid cell.
    fn storm_key(&self, id: i64) -> Option<String> {
        let inc = self.incidents.get(&id)?;
        let site = self.sites.get(&inc.site_id)?;
        let category = serde_json::to_value(inc.category).ok()?;
        Some(format!("{}@{}", category.as_str()?, cell_key(site.position(), self.storm.cell_deg)))
    }

    /// Puts a new incident (and its neighbours) in a storm group when the rule says so.
    pub(crate) fn group_storm(&mut self, id: i64, now_ms: i64, out: &mut Output) {
        let Some(inc) = self.incidents.get(&id) else { return };
        if inc.silent || inc.test || inc.claimed_by.is_some() {
            return;
        }
        let category = inc.category;
        let Some(key) = self.storm_key(id) else { return };
        let since = now_ms - self.storm.window_ms;
        let incidents = &self.incidents;
        let members = self.storm_index.entry(key.clone()).or_default();
        // A group holds one category only, and nobody's claimed incident: one that was
        // claimed, or became another category since it came, is no longer a member.
        members.retain(|(m, at)| {
            *at > since
                && incidents
                    .get(m)
                    .is_some_and(|i| i.is_open() && i.category == category && i.claimed_by.is_none() && !i.silent)
        });
        members.retain(|(m, _)| *m != id);
        members.push((id, now_ms));
        if members.len() < self.storm.threshold {
            return;
        }
        let members: Vec<i64> = members.iter().map(|(m, _)| *m).collect();
        for m in members {
            let inc = self.incidents.get_mut(&m).expect("open member");
            if inc.group_key.as_deref() != Some(key.as_str()) {
                inc.group_key = Some(key.clone());
                out.incidents.insert(m, inc.clone());
            }
        }
    }
}
