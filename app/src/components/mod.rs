//! Pieces shared by several pages.

pub mod header;
pub mod require_role;
pub mod signal_feed;
#[cfg(feature = "hydrate")]
mod live;
