//! The demo city: sites in Bucharest with zones and contacts, guard crews, demo users, and
//! simulated panels that talk DC-09 to the receiver over a real socket.

pub mod city;
pub mod panels;

use app::model::DemoLogin;
use store::{NewUser, Store, StoreError};

/// What can go wrong while seeding the demo.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A demo password could not be hashed.
    #[error(transparent)]
    Auth(#[from] app::ssr::auth::AuthError),
}

/// The demo users: (role, username, password, display name). Their passwords are public on
/// purpose and shown on the sign-in page, in demo mode only.
const DEMO_USERS: &[(&str, &str, &str, &str)] = &[
    ("operator", "operator", "demo-operator", "Ana Popescu"),
    ("supervisor", "supervisor", "demo-supervisor", "Mihai Ionescu"),
    ("customer", "customer", "demo-customer", "Elena Dumitru"),
];

/// Seeds what is missing (demo users; the city when the store has no sites) and returns the
/// demo logins for the sign-in page.
pub async fn seed(store: &Store, sites: usize) -> Result<Vec<DemoLogin>, DemoError> {
    let mut logins = Vec::new();
    let mut customer_id = None;
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
        if role == "customer" {
            customer_id = Some(id);
        }
        logins.push(DemoLogin { role: role.into(), username: username.into(), password: password.into() });
    }
    if store.count_sites().await? == 0 {
        city::seed(store, sites, customer_id).await?;
        tracing::info!(sites, "seeded the demo city");
    }
    Ok(logins)
}
