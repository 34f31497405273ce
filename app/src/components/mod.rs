//! Pieces shared by several pages.

pub mod appjs;
pub mod clock;
pub mod header;
pub mod opsmap;
pub mod require_role;
pub mod signal_feed;
#[cfg(feature = "hydrate")]
mod live;
#[cfg(feature = "hydrate")]
pub mod stream;
