//! Public value types, and the compact record the supervisor keeps per link.

/// The store's row id of a supervised link (one communication path of one account).
pub type LinkId = i64;

/// The store's row id of an account (one alarm panel, reporting over one or more links).
pub type AccountId = i64;

/// Configuration of one supervised link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkSpec {
    /// The link's id.
    pub link: LinkId,
    /// The account the link belongs to; all links of an account are its paths.
    pub account: AccountId,
    /// The panel's test interval on this path, in milliseconds.
    pub interval_ms: i64,
    /// Extra time allowed after the interval before the link counts as failed, in milliseconds.
    pub grace_ms: i64,
}

impl LinkSpec {
    /// `interval_ms + grace_ms`: how long after a life sign the link's deadline falls.
    ///
    /// Negative parts count as 0 and the sum saturates, so no configuration can panic.
    pub fn period_ms(&self) -> i64 {
        self.interval_ms.max(0).saturating_add(self.grace_ms.max(0))
    }

    /// `grace_ms`, a negative value counting as 0.
    pub fn grace(&self) -> i64 {
        self.grace_ms.max(0)
    }
}

/// The supervision state of one link: what must be persisted to survive a restart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkState {
    /// The link's configuration.
    pub spec: LinkSpec,
    /// When the last life sign arrived (unix ms), `None` if none since the link was added.
    pub last_seen_ms: Option<i64>,
    /// When the link fails without a further life sign (unix ms). For a failed link: the
    /// deadline it missed.
    pub deadline_ms: i64,
    /// The link missed its deadline and has had no life sign since.
    pub failed: bool,
}

/// A change the supervisor reports, to be raised or restored as an alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// A link missed its deadline (raised once; the next life sign restores it).
    LinkFailed {
        /// The failed link.
        link: LinkId,
        /// Its account.
        account: AccountId,
        /// Its last life sign, `None` if it never reported.
        last_seen_ms: Option<i64>,
        /// The deadline it missed.
        deadline_ms: i64,
    },
    /// A failed link gave a life sign again.
    LinkRestored {
        /// The restored link.
        link: LinkId,
        /// Its account.
        account: AccountId,
    },
    /// Every path of the account has failed (raised once, after the last path's `LinkFailed`).
    AllPathsFailed {
        /// The unreachable account.
        account: AccountId,
    },
    /// The first life sign from an account whose `AllPathsFailed` was raised.
    AllPathsRestored {
        /// The account heard from again.
        account: AccountId,
    },
}

impl Transition {
    /// The account the transition concerns.
    pub fn account(&self) -> AccountId {
        match *self {
            Transition::LinkFailed { account, .. }
            | Transition::LinkRestored { account, .. }
            | Transition::AllPathsFailed { account }
            | Transition::AllPathsRestored { account } => account,
        }
    }
}

/// `last_seen_ms` of a link that never reported (`i64::MIN` is no plausible time).
const NEVER: i64 = i64::MIN;
const OCCUPIED: u8 = 1;
const FAILED: u8 = 2;
const DIRTY: u8 = 4;

/// The supervisor's record of one link: a [`LinkState`] plus flags and index generation in
/// 56 bytes (a `LinkState` alone takes 64).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub link: LinkId,
    pub account: AccountId,
    pub interval_ms: i64,
    pub grace_ms: i64,
    last_seen_ms: i64,
    pub deadline_ms: i64,
    /// Generation of the slot's one current deadline-index entry (fits in padding).
    pub gen: u32,
    flags: u8,
}

impl Slot {
    /// An unused slot (on the free list).
    pub const VACANT: Slot = Slot {
        link: 0,
        account: 0,
        interval_ms: 0,
        grace_ms: 0,
        last_seen_ms: NEVER,
        deadline_ms: 0,
        gen: 0,
        flags: 0,
    };

    /// A live, clean slot holding `state` (its `failed` flag included).
    pub fn from_state(state: &LinkState) -> Slot {
        let mut slot = Slot {
            link: state.spec.link,
            account: state.spec.account,
            interval_ms: state.spec.interval_ms,
            grace_ms: state.spec.grace_ms,
            last_seen_ms: state.last_seen_ms.unwrap_or(NEVER),
            deadline_ms: state.deadline_ms,
            gen: 0,
            flags: OCCUPIED,
        };
        slot.set_failed(state.failed);
        slot
    }

    pub fn spec(&self) -> LinkSpec {
        LinkSpec { link: self.link, account: self.account, interval_ms: self.interval_ms, grace_ms: self.grace_ms }
    }

    pub fn set_spec(&mut self, spec: LinkSpec) {
        self.link = spec.link;
        self.account = spec.account;
        self.interval_ms = spec.interval_ms;
        self.grace_ms = spec.grace_ms;
    }

    pub fn state(&self) -> LinkState {
        LinkState {
            spec: self.spec(),
            last_seen_ms: self.last_seen(),
            deadline_ms: self.deadline_ms,
            failed: self.failed(),
        }
    }

    pub fn last_seen(&self) -> Option<i64> {
        (self.last_seen_ms != NEVER).then_some(self.last_seen_ms)
    }

    pub fn set_last_seen(&mut self, at_ms: i64) {
        self.last_seen_ms = at_ms;
    }

    pub fn occupied(&self) -> bool {
        self.flags & OCCUPIED != 0
    }

    pub fn failed(&self) -> bool {
        self.flags & FAILED != 0
    }

    pub fn set_failed(&mut self, failed: bool) {
        self.set_flag(FAILED, failed);
    }

    pub fn dirty(&self) -> bool {
        self.flags & DIRTY != 0
    }

    pub fn set_dirty(&mut self, dirty: bool) {
        self.set_flag(DIRTY, dirty);
    }

    /// Empties the slot, keeping its generation so entries of the old link stay stale.
    pub fn vacate(&mut self) {
        *self = Slot { gen: self.gen, ..Slot::VACANT };
    }

    /// Occupied and not failed: supervised against its deadline.
    pub fn live(&self) -> bool {
        self.flags & (OCCUPIED | FAILED) == OCCUPIED
    }

    /// A deadline-index entry of generation `gen` is this slot's current one.
    pub fn has_entry(&self, gen: u32) -> bool {
        self.live() && self.gen == gen
    }

    fn set_flag(&mut self, flag: u8, on: bool) {
        if on {
            self.flags |= flag;
        } else {
            self.flags &= !flag;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_roundtrips_state_and_stays_small() {
        let state = LinkState {
            spec: LinkSpec { link: 7, account: 3, interval_ms: 60_000, grace_ms: 5_000 },
            last_seen_ms: None,
            deadline_ms: 65_000,
            failed: true,
        };
        let slot = Slot::from_state(&state);
        assert_eq!(slot.state(), state);
        assert!(!slot.dirty());
        let seen = LinkState { last_seen_ms: Some(-5), failed: false, ..state };
        assert_eq!(Slot::from_state(&seen).state(), seen);
        assert_eq!(std::mem::size_of::<Slot>(), 56);
    }

    #[test]
    fn period_saturates_and_ignores_negatives() {
        let spec = LinkSpec { link: 1, account: 1, interval_ms: i64::MAX, grace_ms: 10 };
        assert_eq!(spec.period_ms(), i64::MAX);
        let spec = LinkSpec { link: 1, account: 1, interval_ms: -3, grace_ms: -4 };
        assert_eq!((spec.period_ms(), spec.grace()), (0, 0));
    }
}
