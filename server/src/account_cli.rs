//! `vigil account ...`: managing panel accounts, their AES keys and supervised paths in the
//! store, from the command line. Every change lands in the audit journal; keys are never
//! printed.

use std::io::Read;

use clap::{Args, Subcommand};
use store::{NewAudit, NewSite, PathSpec, SecretKey, Store};

use crate::keys::{key_label, parse_key};
use crate::supervision::parse_path;

/// Options of `vigil account`.
#[derive(Debug, Clone, Args)]
pub struct AccountArgs {
    /// Database URL.
    #[arg(long, env = "VIGIL_DATABASE", default_value = "sqlite://vigil-data/vigil.db", global = true)]
    pub database: String,
    /// The secrets key, for a database whose keys are sealed.
    #[command(flatten)]
    pub secrets: crate::secrets::SecretsArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: AccountCommand,
}

/// The key of an account, as the panel's installer has it. It is read from a file or
/// standard input, never taken from the command line (where `ps` and shell history would
/// show it).
#[derive(Debug, Clone, Args)]
pub struct KeyArgs {
    /// File holding the AES key (`-`: standard input); one line, surrounding white space
    /// ignored.
    #[arg(long)]
    pub key_file: Option<String>,
    /// How the key is written: `hex` (32, 48 or 64 hex digits) or `text` (16, 24 or 32
    /// ASCII characters, as typed into the panel).
    #[arg(long, default_value = "hex", value_parser = ["hex", "text"])]
    pub key_format: String,
}

/// The `vigil account` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum AccountCommand {
    /// Adds an account (3-16 hex digits) to a site.
    Add {
        /// Account number.
        number: String,
        /// Existing site id.
        #[arg(long, conflicts_with = "site_name")]
        site_id: Option<i64>,
        /// Creates a new site with this name.
        #[arg(long)]
        site_name: Option<String>,
        /// Time zone of a new site.
        #[arg(long, default_value = "Europe/Bucharest")]
        time_zone: String,
        /// The account's key, if its frames are encrypted.
        #[command(flatten)]
        key: KeyArgs,
        /// Supervised path `LINE:NAME:INTERVAL[:GRACE]` (repeatable; default `*:link:24h:1h`).
        #[arg(long = "path")]
        paths: Vec<String>,
        /// No link supervision.
        #[arg(long, conflicts_with = "paths")]
        unsupervised: bool,
    },
    /// Adds `count` accounts numbered `first`, `first+1`, ... (decimal) on one new site.
    Bulk {
        /// First account number (decimal digits).
        #[arg(long)]
        first: u64,
        /// How many accounts.
        #[arg(long)]
        count: u64,
        /// The accounts' key.
        #[command(flatten)]
        key: KeyArgs,
        /// Supervised path (repeatable; default `*:link:24h:1h`).
        #[arg(long = "path")]
        paths: Vec<String>,
    },
    /// Lists accounts by number.
    List {
        /// Start after this number.
        #[arg(long)]
        after: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// Shows one account: site, whether it has a key, its paths and their state.
    Show {
        /// Account number.
        number: String,
    },
    /// Sets or clears an account's AES key.
    SetKey {
        /// Account number.
        number: String,
        /// The new key.
        #[command(flatten)]
        key: KeyArgs,
        /// Removes the key (frames must then come plain).
        #[arg(long)]
        clear: bool,
    },
    /// Sets whether an account with a key still takes plain (unencrypted) frames: only for
    /// a panel whose encryption had to be switched off in the field. Plain frames for a
    /// keyed account are refused (NAK) otherwise.
    SetPlain {
        /// Account number.
        number: String,
        /// `true` to take plain frames, `false` to refuse them.
        #[arg(long, action = clap::ArgAction::Set)]
        allow: bool,
        /// Only from this source network, such as 192.0.2.0/24 (repeatable; none: any).
        #[arg(long = "from")]
        networks: Vec<String>,
    },
    /// Replaces an account's supervised paths (none: no supervision).
    SetPaths {
        /// Account number.
        number: String,
        /// Supervised path `LINE:NAME:INTERVAL[:GRACE]` (repeatable).
        #[arg(long = "path")]
        paths: Vec<String>,
    },
}

/// Why an account command failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountCliError {
    /// The store refused.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// A bad option.
    #[error("{0}")]
    Usage(String),
}

impl KeyArgs {
    /// The key given, if any.
    pub fn secret(&self) -> Result<Option<SecretKey>, AccountCliError> {
        let Some(path) = &self.key_file else { return Ok(None) };
        let text = if path == "-" {
            let mut text = String::new();
            std::io::stdin().take(4096).read_to_string(&mut text).map(|_| text)
        } else {
            std::fs::read_to_string(path)
        }
        .map_err(|e| AccountCliError::Usage(format!("cannot read the key from {path}: {e}")))?;
        let text = text.trim();
        let (hex, ascii) = if self.key_format == "text" { (None, Some(text)) } else { (Some(text), None) };
        parse_key(hex, ascii).map_err(|e| AccountCliError::Usage(e.to_string()))
    }
}

/// What the policy for plain frames is, in words.
fn plain_label(a: &store::AccountRecord) -> String {
    match (a.key.is_some(), a.allow_plain, a.plain_networks.is_empty()) {
        (false, _, _) => "plain (no key)".to_owned(),
        (true, false, _) => "encrypted only".to_owned(),
        (true, true, true) => "plain frames allowed".to_owned(),
        (true, true, false) => format!("plain frames allowed from {}", a.plain_networks.join(", ")),
    }
}

fn paths(texts: &[String]) -> Result<Vec<PathSpec>, AccountCliError> {
    if texts.is_empty() {
        return Ok(vec![PathSpec {
            line: "*".into(),
            name: "link".into(),
            interval_ms: 86_400_000,
            grace_ms: 3_600_000,
        }]);
    }
    texts.iter().map(|t| parse_path(t).map_err(|e| AccountCliError::Usage(e.to_string()))).collect()
}

fn new_site(name: &str, time_zone: &str) -> NewSite {
    NewSite {
        name: name.to_owned(),
        address: String::new(),
        city: String::new(),
        time_zone: time_zone.to_owned(),
        ..NewSite::default()
    }
}

async fn audit(store: &Store, action: &str, subject: &str, detail: String) -> Result<(), AccountCliError> {
    store
        .append_audit(&NewAudit {
            at_ms: chrono::Utc::now().timestamp_millis(),
            actor_user_id: None,
            action: action.to_owned(),
            subject: Some(subject.to_owned()),
            detail: Some(detail),
        })
        .await?;
    Ok(())
}

/// Runs one `vigil account` command; returns what to print.
pub async fn run(args: AccountArgs) -> Result<String, AccountCliError> {
    crate::startup::ensure_sqlite_dir(&args.database).map_err(|e| AccountCliError::Usage(e.to_string()))?;
    let key = args.secrets.load().map_err(|e| AccountCliError::Usage(e.to_string()))?;
    let store = crate::secrets::open_store(&args.database, key, true).await?;
    let out = match args.command {
        AccountCommand::Add { number, site_id, site_name, time_zone, key, paths: p, unsupervised } => {
            let site_id = match (site_id, site_name) {
                (Some(id), _) => id,
                (None, Some(name)) => store.create_site(&new_site(&name, &time_zone)).await?,
                (None, None) => return Err(AccountCliError::Usage("give --site-id or --site-name".into())),
            };
            let specs = if unsupervised { Vec::new() } else { paths(&p)? };
            let secret = key.secret()?;
            store.create_accounts_bulk(site_id, std::slice::from_ref(&number), secret.as_ref(), &specs).await?;
            audit(
                &store,
                "account.create",
                &number,
                format!("cli: site {site_id}, key {}, {} path(s)", key_label(secret.as_ref()), specs.len()),
            )
            .await?;
            format!("account {} added to site {site_id}", number.to_ascii_uppercase())
        }
        AccountCommand::Bulk { first, count, key, paths: p } => {
            let specs = paths(&p)?;
            let secret = key.secret()?;
            let site_id =
                store.create_site(&new_site(&format!("Accounts {first}+{count}"), "Europe/Bucharest")).await?;
            let numbers: Vec<String> = (first..first + count).map(|n| n.to_string()).collect();
            store.create_accounts_bulk(site_id, &numbers, secret.as_ref(), &specs).await?;
            audit(
                &store,
                "account.bulk_create",
                &format!("{first}+{count}"),
                format!("cli: site {site_id}, key {}", key_label(secret.as_ref())),
            )
            .await?;
            format!("{count} accounts {first}..{} added to site {site_id}", first + count.saturating_sub(1))
        }
        AccountCommand::List { after, limit } => {
            let accounts = store.list_accounts_page(after.as_deref(), limit).await?;
            accounts
                .iter()
                .map(|a| {
                    format!(
                        "{}\tsite {} ({})\t{}\t{}\n",
                        a.number,
                        a.site_id,
                        a.site_name,
                        key_label(a.key.as_ref()),
                        plain_label(a)
                    )
                })
                .collect()
        }
        AccountCommand::Show { number } => {
            let a =
                store.account(&number).await?.ok_or_else(|| AccountCliError::Usage(format!("no account {number}")))?;
            let mut out = format!(
                "account {}\nsite {} ({}, {})\nkey {}\nframes {}\n",
                a.number,
                a.site_id,
                a.site_name,
                a.time_zone,
                key_label(a.key.as_ref()),
                plain_label(&a)
            );
            for p in store.account_paths(a.id).await? {
                out.push_str(&format!(
                    "path line {} {:?}: every {} s + {} s grace, {}\n",
                    p.line,
                    p.name,
                    p.interval_ms / 1000,
                    p.grace_ms / 1000,
                    if p.failed { "FAILED" } else { "ok" }
                ));
            }
            out
        }
        AccountCommand::SetKey { number, key, clear } => {
            let secret = if clear {
                None
            } else {
                key.secret()?.ok_or_else(|| AccountCliError::Usage("give --key-file or --clear".into()))?.into()
            };
            store.set_account_key(&number, secret.as_ref()).await?;
            audit(&store, "account.key", &number, format!("cli: key {}", key_label(secret.as_ref()))).await?;
            format!("account {}: key {}", number.to_ascii_uppercase(), key_label(secret.as_ref()))
        }
        AccountCommand::SetPlain { number, allow, networks } => {
            store.set_account_plain_policy(&number, allow, &networks).await?;
            let a =
                store.account(&number).await?.ok_or_else(|| AccountCliError::Usage(format!("no account {number}")))?;
            audit(&store, "account.plain_policy", &number, format!("cli: {}", plain_label(&a))).await?;
            format!("account {}: {}", a.number, plain_label(&a))
        }
        AccountCommand::SetPaths { number, paths: p } => {
            let specs = if p.is_empty() { Vec::new() } else { paths(&p)? };
            let saved = store.set_account_paths(&number, &specs).await?;
            audit(&store, "account.paths", &number, format!("cli: {} path(s)", saved.len())).await?;
            format!("account {}: {} supervised path(s)", number.to_ascii_uppercase(), saved.len())
        }
    };
    store.close().await;
    Ok(out)
}
