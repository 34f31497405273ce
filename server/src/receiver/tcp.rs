//! DC-09 over TCP: one task per panel connection; frames are answered in order. Connections
//! are capped in all and per address, and each must deliver whole frames in time: the
//! first within [`Limits::first_frame`], any begun frame within [`Limits::frame`], and one
//! at least every [`Limits::idle`] (bytes that make no frame do not keep it open).

use std::net::SocketAddr;
use std::time::Duration;

use dc09::FrameSplitter;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Instant;

use super::ingest::{Ingest, Transport};
use super::limits::{Admission, Gate, Limits, Refusal};

/// Accepts panel connections until shutdown.
pub async fn serve(listener: TcpListener, ingest: Ingest, limits: Limits, mut shutdown: watch::Receiver<bool>) {
    let gate = Gate::new(&limits);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => match gate.admit(peer.ip()) {
                    Ok(admission) => {
                        let _ = stream.set_nodelay(true);
                        tokio::spawn(connection(stream, peer, ingest.clone(), limits, admission, shutdown.clone()));
                    }
                    Err(refusal) => {
                        ingest.counters().refused_connection();
                        tracing::debug!(%peer, ?refusal, "connection refused");
                        if refusal == Refusal::Full {
                            // Give the tasks a moment to finish before accepting again.
                            tokio::time::sleep(Duration::from_millis(5)).await;
                        }
                    }
                },
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = shutdown.changed() => break,
        }
    }
}

async fn connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    ingest: Ingest,
    limits: Limits,
    _admission: Admission,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut splitter = FrameSplitter::new();
    let mut buf = [0u8; 4096];
    let mut frame_due = Instant::now() + limits.first_frame;
    let mut begun: Option<Instant> = None;
    loop {
        let deadline = begun.map_or(frame_due, |at| frame_due.min(at + limits.frame));
        let read = tokio::select! {
            r = tokio::time::timeout_at(deadline, stream.read(&mut buf)) => r,
            _ = shutdown.changed() => return,
        };
        let n = match read {
            Ok(Ok(0)) => return,
            Err(_) => {
                ingest.counters().slow_connection();
                tracing::debug!(%peer, "closed: no whole frame in time");
                return;
            }
            Ok(Ok(n)) => n,
            Ok(Err(e)) => {
                tracing::debug!(%peer, error = %e, "read failed");
                return;
            }
        };
        splitter.push(&buf[..n]);
        while let Some(next) = splitter.next_frame() {
            let reply = match next {
                Ok(raw) => {
                    frame_due = Instant::now() + limits.idle;
                    ingest.handle(&raw, peer, Transport::Tcp).await
                }
                Err(e) => {
                    tracing::debug!(%peer, reason = e.reason(), "discarded bytes");
                    ingest.nak_for(&e, peer)
                }
            };
            if let Some(reply) = reply {
                if let Err(e) = stream.write_all(&reply).await {
                    tracing::debug!(%peer, error = %e, "write failed");
                    return;
                }
            }
        }
        begun = match (splitter.buffered(), begun) {
            (0, _) => None,
            (_, Some(at)) => Some(at),
            (_, None) => Some(Instant::now()),
        };
    }
}
