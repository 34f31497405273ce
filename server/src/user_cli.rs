//! `vigil user ...`: the centre's logins from the command line, above all the first
//! administrator of an empty database. Passwords come from a prompt without echo, or from
//! standard input when it is not a terminal; never from the argument list, where `ps` and
//! the shell's history would show them. Every change lands in the audit journal.

use std::io::{BufRead, IsTerminal};

use app::model::admin::{check_new_user, password_problem};
use clap::{Args, Subcommand};
use store::{NewAudit, NewUser, Store, UserRecord};

/// Options of `vigil user`.
#[derive(Debug, Clone, Args)]
pub struct UserArgs {
    /// Database URL.
    #[arg(long, env = "VIGIL_DATABASE", default_value = "sqlite://vigil-data/vigil.db", global = true)]
    pub database: String,
    /// What to do.
    #[command(subcommand)]
    pub command: UserCommand,
}

/// The `vigil user` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum UserCommand {
    /// Adds a login; asks for its password (or reads one line of standard input).
    Add {
        /// Login: 3-32 of a-z 0-9 . _ - (customers: their customer ID).
        login: String,
        /// Role: admin, supervisor, operator, crew or customer.
        #[arg(long)]
        role: String,
        /// The person's name as pages show it (default: the login).
        #[arg(long)]
        name: Option<String>,
    },
    /// Lists every login with its role and whether it is disabled.
    List,
    /// Sets a new password (ends the login's sessions).
    Passwd {
        /// Login.
        login: String,
    },
    /// Disables a login: it can no longer sign in and its sessions end. Journals keep its name.
    Disable {
        /// Login.
        login: String,
    },
    /// Enables a disabled login again.
    Enable {
        /// Login.
        login: String,
    },
}

/// Why a user command failed.
#[derive(Debug, thiserror::Error)]
pub enum UserCliError {
    /// The store refused.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// A bad value, said as what to fix.
    #[error("{0}")]
    Usage(String),
    /// The password could not be read.
    #[error("cannot read the password: {0}")]
    Read(#[from] std::io::Error),
}

/// Reads a password: twice at a prompt without echo on a terminal, else one line of
/// standard input (at most 1 KiB; the line end is not part of it).
fn read_password(login: &str) -> Result<String, UserCliError> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {login}: "))?;
        let again = rpassword::prompt_password("Again: ")?;
        if first != again {
            return Err(UserCliError::Usage("the two passwords differ".into()));
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::Read::take(std::io::stdin().lock(), 1024).read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn find(store: &Store, login: &str) -> Result<UserRecord, UserCliError> {
    store.user_by_username(login.trim()).await?.ok_or_else(|| UserCliError::Usage(format!("no login {login:?}")))
}

async fn audit(store: &Store, action: &str, user: &UserRecord, detail: String) -> Result<(), UserCliError> {
    let entry = NewAudit {
        at_ms: chrono::Utc::now().timestamp_millis(),
        actor_user_id: None,
        action: action.to_owned(),
        subject: Some(format!("user:{}", user.id)),
        detail: Some(format!("{detail} (from the command line)")),
    };
    store.append_audit(&entry).await?;
    Ok(())
}

fn role_and_state(u: &UserRecord) -> String {
    if u.disabled {
        format!("{} (disabled)", u.role)
    } else {
        u.role.clone()
    }
}

/// Runs one `vigil user` command; returns what to print.
pub async fn run(args: UserArgs) -> Result<String, UserCliError> {
    crate::startup::ensure_sqlite_dir(&args.database).map_err(|e| UserCliError::Usage(e.to_string()))?;
    let store = Store::connect(&args.database).await?;
    match args.command {
        UserCommand::Add { login, role, name } => {
            let name = name.unwrap_or_else(|| login.clone());
            let mut errors = check_new_user(&login, &name, "-", &role);
            errors.fields.retain(|(field, _)| field != "password");
            if let Some((field, problem)) = errors.fields.first() {
                return Err(UserCliError::Usage(format!("{field}: {problem}")));
            }
            let password = read_password(&login)?;
            if let Some(problem) = password_problem(&role, &password) {
                return Err(UserCliError::Usage(format!("password: {problem}")));
            }
            let password_hash =
                app::ssr::auth::hash_password(password).await.map_err(|e| UserCliError::Usage(e.to_string()))?;
            let new = NewUser {
                username: login.trim().into(),
                password_hash,
                role: role.clone(),
                display_name: name.trim().into(),
            };
            let id = store.create_user(&new).await.map_err(|e| match e {
                store::StoreError::Conflict(_) => UserCliError::Usage(format!("the login {:?} is taken", new.username)),
                e => e.into(),
            })?;
            let user = find(&store, &new.username).await?;
            audit(&store, "user.created", &user, format!("{} ({role})", new.username)).await?;
            Ok(format!("added {} ({role}), user {id}", new.username))
        }
        UserCommand::List => {
            let users = store.list_users().await?;
            let width = users.iter().map(|u| u.username.len()).max().unwrap_or(5).max(5);
            let mut out = format!("{:>5}  {:width$}  {:22}  NAME\n", "ID", "LOGIN", "ROLE");
            for u in users {
                out.push_str(&format!(
                    "{:>5}  {:width$}  {:22}  {}\n",
                    u.id,
                    u.username,
                    role_and_state(&u),
                    u.display_name
                ));
            }
            Ok(out)
        }
        UserCommand::Passwd { login } => {
            let user = find(&store, &login).await?;
            let password = read_password(&user.username)?;
            if let Some(problem) = password_problem(&user.role, &password) {
                return Err(UserCliError::Usage(format!("password: {problem}")));
            }
            let hash = app::ssr::auth::hash_password(password).await.map_err(|e| UserCliError::Usage(e.to_string()))?;
            store.set_password(user.id, &hash, false).await?;
            audit(&store, "user.password_reset", &user, user.username.clone()).await?;
            Ok(format!("new password set for {}; their sessions ended", user.username))
        }
        UserCommand::Disable { login } => {
            let user = find(&store, &login).await?;
            store.set_user_disabled(user.id, Some(chrono::Utc::now().timestamp_millis())).await.map_err(
                |e| match e {
                    store::StoreError::Conflict(m) => UserCliError::Usage(m),
                    e => e.into(),
                },
            )?;
            audit(&store, "user.disabled", &user, user.username.clone()).await?;
            Ok(format!("{} disabled; their sessions ended", user.username))
        }
        UserCommand::Enable { login } => {
            let user = find(&store, &login).await?;
            store.set_user_disabled(user.id, None).await?;
            audit(&store, "user.enabled", &user, user.username.clone()).await?;
            Ok(format!("{} enabled", user.username))
        }
    }
}
