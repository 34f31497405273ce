//! One module per page.

pub mod customer;
pub mod home;
pub mod login;
pub mod not_found;
pub mod operator;
