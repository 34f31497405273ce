//! Per-account path counters: enough to tell when every path of an account has failed.
//!
//! An account holds no list of its links, only how many there are and how many have failed
//! (16 bytes a map entry, no allocation per account). The accounts whose `AllPathsFailed` is
//! raised sit in a separate, normally small set, so a life sign on a live link only probes
//! that set and never touches the big map.

use crate::hash::IdMap;
use crate::state::AccountId;
use std::collections::hash_map::Entry;

#[derive(Debug, Clone, Copy, Default)]
struct Paths {
    total: u32,
    failed: u32,
}

impl Paths {
    fn all_failed(&self) -> bool {
        self.total > 0 && self.failed == self.total
    }
}

/// The accounts that have at least one link.
#[derive(Debug, Clone, Default)]
pub(crate) struct Accounts {
    paths: IdMap<Paths>,
    /// Accounts whose `AllPathsFailed` was raised and that gave no life sign since.
    alarmed: IdMap<()>,
}

impl Accounts {
    /// A link (failed or not) joins `account`.
    pub fn attach(&mut self, account: AccountId, failed: bool) {
        let paths = self.paths.entry(account).or_default();
        paths.total += 1;
        paths.failed += u32::from(failed);
    }

    /// A link (failed or not) leaves `account`; the account is forgotten with its last link.
    pub fn detach(&mut self, account: AccountId, failed: bool) {
        if let Entry::Occupied(mut entry) = self.paths.entry(account) {
            let paths = entry.get_mut();
            paths.total = paths.total.saturating_sub(1);
            paths.failed = paths.failed.saturating_sub(u32::from(failed));
            if paths.total == 0 {
                entry.remove();
                self.alarmed.remove(&account);
            }
        }
    }

    /// One live link of `account` failed; true if `AllPathsFailed` must now be raised.
    pub fn fail_one(&mut self, account: AccountId) -> bool {
        if let Some(paths) = self.paths.get_mut(&account) {
            paths.failed = (paths.failed + 1).min(paths.total);
        }
        self.raise_alarm(account)
    }

    /// One failed link of `account` gave a life sign.
    pub fn restore_one(&mut self, account: AccountId) {
        if let Some(paths) = self.paths.get_mut(&account) {
            paths.failed = paths.failed.saturating_sub(1);
        }
    }

    /// A life sign from `account`; true if its `AllPathsFailed` was raised (and is now cleared).
    pub fn clear_alarm(&mut self, account: AccountId) -> bool {
        !self.alarmed.is_empty() && self.alarmed.remove(&account).is_some()
    }

    /// Raises `AllPathsFailed` if every path has failed and it is not raised yet; true if so.
    pub fn raise_alarm(&mut self, account: AccountId) -> bool {
        self.needs_alarm(account) && self.alarmed.insert(account, ()).is_none()
    }

    /// Every path has failed but `AllPathsFailed` is not raised.
    pub fn needs_alarm(&self, account: AccountId) -> bool {
        self.paths.get(&account).is_some_and(Paths::all_failed) && !self.alarmed.contains_key(&account)
    }

    /// Whether `AllPathsFailed` is raised for `account`.
    pub fn alarmed(&self, account: AccountId) -> bool {
        self.alarmed.contains_key(&account)
    }

    /// After a restart: an account whose paths have all failed raised its alarm before.
    pub fn assume_alarms_raised(&mut self) {
        self.alarmed.clear();
        let all_failed = self.paths.iter().filter(|(_, paths)| paths.all_failed());
        self.alarmed.extend(all_failed.map(|(&account, _)| (account, ())));
    }

    /// Number of accounts with at least one link.
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    /// Number of accounts whose `AllPathsFailed` is raised.
    pub fn alarmed_len(&self) -> usize {
        self.alarmed.len()
    }
}
