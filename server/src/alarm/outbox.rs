//! The delivery worker: sends due outbox messages (e-mail, SMS, Web Push), records every
//! attempt, and retries with backoff until the message is sent or given up.
//!
//! Only the node that runs the engine sends. Each message is claimed first, in a transaction
//! fenced by the engine lease's token, and sent only while this node's lease is valid by its
//! own clock, so a message is sent once even when the lease moves (a node that dies between
//! the claim and the send leaves it to be retried when the claim ends).

use std::time::Duration;

use app::ssr::engine::Clock;
use notify::{Channel, Message, Notifier, SendError};
use std::sync::Arc;
use store::{OutboxRecord, Store};

use tokio::sync::{watch, Notify};

use crate::leader::Leadership;

/// How often due messages are looked for.
const POLL: Duration = Duration::from_millis(500);
/// Messages sent per round.
const BATCH: i64 = 50;
/// How long a claim keeps a message from other senders.
const CLAIM_MS: i64 = 60_000;
/// Waits before the 2nd, 3rd, ... attempt; after the last, the message has failed.
const BACKOFF_S: [i64; 6] = [15, 60, 300, 900, 3600, 3 * 3600];

/// Sends due messages until shutdown: at once when `wake` is notified (the engine stored
/// notices), otherwise every [`POLL`] for retries.
pub async fn run(
    store: Store,
    notifier: Notifier,
    clock: Clock,
    wake: Arc<Notify>,
    leadership: Leadership,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = wake.notified() => {}
            _ = shutdown.changed() => return,
        }
        if leadership.token_now().is_none() {
            continue;
        }
        match store.due_outbox(clock.now_ms(), BATCH).await {
            Ok(due) => {
                for m in due {
                    if claim(&store, &clock, &leadership, &m).await {
                        deliver(&store, &notifier, &clock, m).await;
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "outbox not readable"),
        }
    }
}

/// Claims a message for this node; `false` when another sender has it or this node no
/// longer leads.
async fn claim(store: &Store, clock: &Clock, leadership: &Leadership, m: &OutboxRecord) -> bool {
    let Some(token) = leadership.token_now() else { return false };
    let claimed = store.claim_outbox(m.id, m.next_attempt_at_ms, clock.now_ms() + CLAIM_MS, Some(token)).await;
    match claimed {
        // The claim is stored; send only while the lease still holds by this node's clock.
        Ok(true) => leadership.token_now() == Some(token),
        Ok(false) => false,
        Err(e) => {
            tracing::warn!(id = m.id, error = %e, "outbox message not claimed");
            false
        }
    }
}

async fn deliver(store: &Store, notifier: &Notifier, clock: &Clock, m: OutboxRecord) {
    let result = match Channel::parse(&m.channel) {
        Some(channel) => {
            let msg =
                Message { channel, recipient: m.recipient.clone(), subject: m.subject.clone(), body: m.body.clone() };
            notifier.send(&msg).await
        }
        None => Err(SendError::Permanent(format!("unknown channel {}", m.channel))),
    };
    let now = clock.now_ms();
    let (result, retry) = match result {
        Ok(()) => {
            metrics::counter!("vigil_outbox_sent_total", "channel" => m.channel.clone()).increment(1);
            (Ok(()), None)
        }
        Err(e) => {
            metrics::counter!("vigil_outbox_failures_total", "channel" => m.channel.clone()).increment(1);
            let retry = usize::try_from(m.attempts)
                .ok()
                .and_then(|n| BACKOFF_S.get(n))
                .filter(|_| e.is_retryable())
                .map(|s| now + s * 1000);
            tracing::info!(id = m.id, channel = %m.channel, error = %e, retry = retry.is_some(), "notification not sent");
            (Err(e.to_string()), retry)
        }
    };
    if let Err(e) = store.record_outbox_attempt(m.id, now, result, retry).await {
        tracing::warn!(id = m.id, error = %e, "outbox attempt not recorded");
    }
}
