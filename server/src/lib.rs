//! The `vigil` server: web pages and API, the DC-09 receiver, live push and the demo city.

pub mod account_cli;
pub mod alarm;
pub mod cli;
pub mod demo;
pub use app::ssr::keys;
pub mod live;
pub mod maintenance;
pub mod receiver;
pub mod recorder;
pub mod secrets;
pub mod startup;
pub mod supervision;
pub mod telemetry;
pub mod user_cli;
pub mod web;
pub mod windows;
