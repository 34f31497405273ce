//! The server's integration tests, one binary (one link instead of one per suite): each
//! module spawns whole Vigils on free ports with fresh databases (`support::spawn_app`).

mod support;

mod admin;
mod alarms;
mod api;
mod attacks;
mod authz;
mod cluster;
mod console;
mod operations;
mod process;
mod receiver;
mod setup;
mod tls;
