//! Why a load run could not start or finish.

/// A load run that could not be set up or did not complete.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// `--target` is not a resolvable HOST:PORT.
    #[error("cannot resolve target {target:?}: {detail}")]
    Target {
        /// The target as given.
        target: String,
        /// What went wrong.
        detail: String,
    },
    /// `--key-hex` is not 32, 48 or 64 hex digits.
    #[error("--key-hex: {0}")]
    Key(#[from] dc09::KeyError),
    /// `--first-account` and `--panels` do not give valid account numbers.
    #[error("accounts: {0}")]
    Accounts(String),
    /// The `--acked-log` file could not be opened or written.
    #[error("acked log {path:?}: {source}")]
    AckedLog {
        /// The file.
        path: std::path::PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A panel task failed (panicked).
    #[error("panel task failed: {0}")]
    Panel(String),
}
