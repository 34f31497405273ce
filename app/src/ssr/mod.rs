//! Server-side parts of the app: the request context, sign-in and views of stored records.

pub mod auth;
pub mod engine;
pub mod views;

use crate::model::{DemoLogin, SignalView};

/// What every server function and page handler can reach, provided by the server binary.
#[derive(Clone)]
pub struct Ctx {
    /// The one storage API.
    pub store: store::Store,
    /// Live feed of stored signals, for pushing to browsers.
    pub signals: tokio::sync::broadcast::Sender<SignalView>,
    /// Demo logins to show on the sign-in page; empty unless running the demo.
    pub demo_logins: Vec<DemoLogin>,
    /// The alarm engine.
    pub engine: engine::EngineHandle,
}
