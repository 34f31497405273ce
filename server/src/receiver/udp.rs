//! DC-09 over UDP: each datagram is one frame, answered to its sender. Datagrams are handled
//! concurrently so that they share group commits, by at most [`Limits::udp_workers`] at once:
//! beyond that a datagram is dropped and counted (its panel sends it again), so a flood
//! cannot grow the receiver's tasks without bound.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::UdpSocket;
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

use super::ingest::{Ingest, Transport};
use super::limits::Limits;

/// Largest datagram read; DC-09 frames are far smaller.
const MAX_DATAGRAM: usize = 2048;

/// Answers datagrams until shutdown.
pub async fn serve(socket: UdpSocket, ingest: Ingest, limits: Limits, mut shutdown: watch::Receiver<bool>) {
    let socket = Arc::new(socket);
    let workers = Arc::new(Semaphore::new(limits.udp_workers.max(1)));
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        let (n, peer) = tokio::select! {
            r = socket.recv_from(&mut buf) => match r {
                Ok(got) => got,
                Err(e) => {
                    tracing::debug!(error = %e, "udp receive failed");
                    continue;
                }
            },
            _ = shutdown.changed() => break,
        };
        let Ok(permit) = workers.clone().try_acquire_owned() else {
            ingest.counters().udp_dropped();
            continue;
        };
        let frame = dc09::datagram_frame(&buf[..n]).into_owned();
        tokio::spawn(answer(socket.clone(), ingest.clone(), frame, peer, permit));
    }
}

async fn answer(
    socket: Arc<UdpSocket>,
    ingest: Ingest,
    frame: Vec<u8>,
    peer: SocketAddr,
    _permit: OwnedSemaphorePermit,
) {
    if let Some(reply) = ingest.handle(&frame, peer, Transport::Udp).await {
        if let Err(e) = socket.send_to(&reply, peer).await {
            tracing::debug!(%peer, error = %e, "udp reply failed");
        }
    }
}
