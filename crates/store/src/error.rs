use sqlx::error::ErrorKind;

/// Errors returned by [`Store`](crate::Store) methods.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no supported backend (`sqlite://…`, `postgres://…`).
    #[error("unsupported database URL {0:?}: expected sqlite://… or postgres://…")]
    UnsupportedUrl(String),
    /// The database could not be configured as required (e.g. WAL refused).
    #[error("database setup failed: {0}")]
    Setup(String),
    /// A unique constraint was violated (e.g. duplicate username or account).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A referenced row (user, site, …) does not exist.
    #[error("referenced row does not exist: {0}")]
    MissingReference(String),
    /// The row to change does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The input was rejected by validation or a check constraint.
    #[error("invalid input: {0}")]
    Invalid(String),
    /// Applying the embedded migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database was migrated by a newer Vigil; this one does not know its schema.
    #[error(
        "the database is at schema version {database}, newer than this Vigil knows (up to {known}): \
         it was upgraded by a newer Vigil; run that version, or restore a backup taken before the upgrade"
    )]
    NewerSchema {
        /// The database's highest migration.
        database: i64,
        /// This build's highest migration.
        known: i64,
    },
    /// The database needs migrations this node was told not to apply.
    #[error("the database lacks {count} migration(s) from version {first} on: run `vigil db migrate` first")]
    MigrationsPending {
        /// The first pending version.
        first: i64,
        /// How many are pending.
        count: usize,
    },
    /// The engine lease changed hands: this node's write (made with `token`) was refused
    /// and nothing of it was stored.
    #[error("this node no longer holds the engine lease (token {token}); its write was refused")]
    Fenced {
        /// The token the write carried.
        token: i64,
    },
    /// Any other database or driver error.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            let message = db.message().to_owned();
            match db.kind() {
                ErrorKind::UniqueViolation => return StoreError::Conflict(message),
                ErrorKind::ForeignKeyViolation => return StoreError::MissingReference(message),
                ErrorKind::CheckViolation | ErrorKind::NotNullViolation => return StoreError::Invalid(message),
                _ => {}
            }
        }
        StoreError::Database(e)
    }
}
