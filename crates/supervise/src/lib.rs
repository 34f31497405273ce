//! Sans-IO supervision of alarm panels' communication paths ("links").
//!
//! No I/O, no tasks, no clock reads: every call takes `now_ms` (unix milliseconds), so the
//! runtime drives it and tests use plain integers.
//!
//! # Rules
//!
//! * Each [`LinkSpec`] has a test interval and a grace. Any frame received over a link is a
//!   life sign ([`Supervisor::observe`]); the link's deadline is then last sign + interval +
//!   grace.
//! * [`Supervisor::due`] fails each live link whose deadline has passed: one
//!   [`Transition::LinkFailed`], never repeated while the link stays failed. When that leaves
//!   every path of the account failed (a single-path account included), one
//!   [`Transition::AllPathsFailed`] follows.
//! * The next life sign on a failed link yields [`Transition::LinkRestored`], and, if the
//!   account's `AllPathsFailed` was raised, [`Transition::AllPathsRestored`] (once, on the first
//!   path back).
//! * Persistence: [`Supervisor::take_dirty`] hands out changed [`LinkState`]s for batched
//!   writes; [`Supervisor::restore`] rebuilds after a restart without re-firing failures and
//!   without failing links whose deadline passed while the receiver was down (they get a fresh
//!   period). Whether `AllPathsFailed` was raised is not stored: after a restart it counts as
//!   raised exactly for the accounts whose paths have all failed.
//! * Reconfiguration ([`Supervisor::upsert`]) and removal never report by themselves, except
//!   that an account they leave with only failed paths gets `AllPathsFailed` at the next `due`.
//!
//! # Runtime loop
//!
//! ```
//! use supervise::{LinkSpec, Supervisor, Transition};
//!
//! let mut sup = Supervisor::new();
//! sup.upsert(LinkSpec { link: 1, account: 10, interval_ms: 60_000, grace_ms: 5_000 }, 0);
//! assert_eq!(sup.next_deadline(), Some(65_000));
//! assert!(sup.due(64_999).is_empty());
//! let fired = sup.due(65_000);
//! assert!(matches!(fired[0], Transition::LinkFailed { link: 1, .. }));
//! assert_eq!(fired[1], Transition::AllPathsFailed { account: 10 });
//! assert!(sup.due(1_000_000).is_empty());
//! assert_eq!(sup.observe(1, 70_000).len(), 2); // LinkRestored, AllPathsRestored
//! let to_store = sup.take_dirty();
//! assert_eq!(to_store.len(), 1);
//! ```
//!
//! # Scale
//!
//! Built for 1,000,000 links on one node (about 130 bytes a link in all): a 56-byte slab slot,
//! an id-map entry, one 16-byte heap entry keyed by a lower bound of the deadline, and a share
//! of a 16-byte account counter. `observe` is O(1) (a life sign only moves the deadline in the
//! slot); the heap pays one O(log n) sift per link and expired key in `due`, however chatty the
//! link. `examples/scale.rs` measures it.

#![warn(missing_docs)]

mod accounts;
mod hash;
mod index;
mod state;
mod supervisor;

pub use state::{AccountId, LinkId, LinkSpec, LinkState, Transition};
pub use supervisor::Supervisor;
