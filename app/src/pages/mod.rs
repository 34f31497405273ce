//! One module per page.

pub mod admin;
pub mod app;
pub mod crew;
pub mod home;
pub mod incident;
pub mod login;
pub mod not_found;
pub mod operator;
pub mod report;
pub mod setup;
pub mod supervisor;
