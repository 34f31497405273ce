//! The demo city: sites in Bucharest with zones and contacts, guard crews, demo users,
//! simulated panels that talk DC-09 to the receiver over a real socket, a scripted show that
//! plays every kind of incident within a few minutes, and guards that drive to them.
//!
//! Contacts' safe word (to cancel an alarm) is [`city::DEMO_SAFE_WORD`]; it is listed with
//! the demo logins on the sign-in page.

pub mod city;
pub mod commands;
pub mod crews;
pub mod link;
pub mod panels;
pub mod scenario;

use std::net::SocketAddr;

use app::model::DemoLogin;
use app::ssr::engine::EngineHandle;
use store::{NewUser, Store, StoreError};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What can go wrong while seeding the demo.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A demo password could not be hashed.
    #[error(transparent)]
    Auth(#[from] app::ssr::auth::AuthError),
    /// Site settings could not be written as JSON.
    #[error("site settings: {0}")]
    Settings(String),
}

/// The demo users: (role, username, password, display name). Their passwords are public on
/// purpose and shown on the sign-in page, in demo mode only.
const DEMO_USERS: &[(&str, &str, &str, &str)] = &[
    ("operator", "operator", "demo-operator", "Ana Popescu"),
    ("supervisor", "supervisor", "demo-supervisor", "Mihai Ionescu"),
    // Customers sign in with their customer ID code and a PIN.
    ("customer", "100001", "2580", "Elena Dumitru"),
    ("customer", "100002", "7391", "Andrei Vasile"),
    ("crew", "guard", "demo-guard", "Radu Stan"),
    ("admin", "admin", "demo-admin", "Ioana Marin"),
];

/// Seeds what is missing (demo users; the city when the store has no sites) and returns the
/// demo logins for the sign-in page.
pub async fn seed(store: &Store, sites: usize) -> Result<Vec<DemoLogin>, DemoError> {
    let mut logins = Vec::new();
    let (mut customers, mut guard_id) = (Vec::new(), None);
    for &(role, username, password, display_name) in DEMO_USERS {
        let id = match store.user_by_username(username).await? {
            Some(user) => user.id,
            None => {
                let password_hash = app::ssr::auth::hash_password(password.to_owned()).await?;
                store
                    .create_user(&NewUser {
                        username: username.into(),
                        password_hash,
                        role: role.into(),
                        display_name: display_name.into(),
                    })
                    .await?
            }
        };
        match role {
            "customer" => customers.push(id),
            "crew" => guard_id = Some(id),
            _ => {}
        }
        logins.push(DemoLogin { role: role.into(), username: username.into(), password: password.into() });
    }
    logins.push(DemoLogin {
        role: "safe word".into(),
        username: "(every site contact)".into(),
        password: city::DEMO_SAFE_WORD.into(),
    });
    if store.count_sites().await? == 0 {
        city::seed(store, sites, &customers, guard_id).await?;
        tracing::info!(sites, vehicles = city::VEHICLES.len(), "seeded the demo city");
    }
    Ok(logins)
}

/// Starts the demo's moving parts: the background panels, the scripted show and the
/// simulated guard crews; returns the task that runs them until shutdown.
pub async fn spawn(
    store: &Store,
    receiver: SocketAddr,
    engine: EngineHandle,
    config: &crate::startup::DemoConfig,
    shutdown: watch::Receiver<bool>,
) -> Result<JoinHandle<()>, DemoError> {
    let held = link::Held::default();
    let panels = panels::spawn(store, receiver, config.mean_interval_s, held.clone(), shutdown.clone()).await?;
    let show = if config.stories {
        let cast = scenario::Cast::load(store).await?;
        tokio::spawn(scenario::run(cast, receiver, engine.clone(), held, shutdown.clone()))
    } else {
        tokio::spawn(async {})
    };
    let guards = tokio::spawn(crews::run(engine, store.clone(), shutdown.clone()));
    let commands = tokio::spawn(commands::run(store.clone(), receiver, shutdown));
    Ok(tokio::spawn(async move {
        let _ = tokio::join!(panels, show, guards, commands);
    }))
}
