//! DC-09 over TCP: one task per panel connection; frames are answered in order.

use std::net::SocketAddr;
use std::time::Duration;

use dc09::FrameSplitter;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::ingest::{Ingest, Transport};

/// A connection with no bytes for this long is closed (panels reconnect for each report or
/// keep polling well within it).
const IDLE: Duration = Duration::from_secs(300);

/// Accepts panel connections until shutdown.
pub async fn serve(listener: TcpListener, ingest: Ingest, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(connection(stream, peer, ingest.clone(), shutdown.clone()));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = shutdown.changed() => break,
        }
    }
}

async fn connection(mut stream: TcpStream, peer: SocketAddr, ingest: Ingest, mut shutdown: watch::Receiver<bool>) {
    let mut splitter = FrameSplitter::new();
    let mut buf = [0u8; 4096];
    loop {
        let read = tokio::select! {
            r = tokio::time::timeout(IDLE, stream.read(&mut buf)) => r,
            _ = shutdown.changed() => return,
        };
        let n = match read {
            Ok(Ok(0)) | Err(_) => return,
            Ok(Ok(n)) => n,
            Ok(Err(e)) => {
                tracing::debug!(%peer, error = %e, "read failed");
                return;
            }
        };
        splitter.push(&buf[..n]);
        while let Some(next) = splitter.next_frame() {
            let reply = match next {
                Ok(raw) => ingest.handle(&raw, peer, Transport::Tcp).await,
                Err(e) => {
                    tracing::warn!(%peer, reason = e.reason(), "discarded bytes");
                    e.reply(ingest.receiver_time())
                }
            };
            if let Some(reply) = reply {
                if let Err(e) = stream.write_all(&reply).await {
                    tracing::debug!(%peer, error = %e, "write failed");
                    return;
                }
            }
        }
    }
}
