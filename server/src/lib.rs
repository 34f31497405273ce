//! The `vigil` server: web pages and API, the DC-09 receiver, live push and the demo city.
// Release builds (without `--cfg erase_components`) name the pages' deep view types.
#![recursion_limit = "256"]

pub mod account_cli;
pub mod alarm;
pub mod backup;
pub mod cli;
pub mod database;
pub mod db_cli;
pub mod demo;
pub mod health;
pub use app::ssr::keys;
pub mod leader;
pub mod live;
pub mod maintenance;
pub mod observe;
pub mod receiver;
pub mod recorder;
pub mod retention;
pub mod secrets;
pub mod startup;
pub mod supervision;
pub mod telemetry;
pub mod ticks;
pub mod tls;
pub mod user_cli;
pub mod web;
pub mod windows;
