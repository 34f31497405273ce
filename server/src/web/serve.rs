//! The web server's connections: at most [`MAX_CONNECTIONS`] open, request headers within
//! [`HEADER_READ`] (a client sending its headers a byte at a time is cut off), HTTP/1.1 and
//! HTTP/2, over TLS when configured (the handshake within [`HEADER_READ`] too), and a graceful
//! stop.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio_rustls::TlsAcceptor;

use super::AppState;

/// Open connections at most; beyond, new ones are closed at once.
pub const MAX_CONNECTIONS: usize = 4096;
/// The whole request head must arrive within this.
pub const HEADER_READ: Duration = Duration::from_secs(10);
/// How long open connections get to finish at shutdown.
const DRAIN: Duration = Duration::from_secs(5);

/// Serves the web app until shutdown, over TLS when `tls` is given.
pub async fn serve(listener: TcpListener, state: AppState, tls: Option<TlsAcceptor>) {
    let shutdown = state.shutdown.clone();
    connections(listener, super::router(state), shutdown, tls).await;
}

/// Serves a small side router (metrics, the HTTPS redirect) in plain HTTP until shutdown,
/// with the same connection cap and header deadline as the web app.
pub async fn side(listener: TcpListener, app: axum::Router, shutdown: watch::Receiver<bool>) {
    connections(listener, app, shutdown, None).await;
}

/// The accept loop: one task per connection, at most [`MAX_CONNECTIONS`], drained at shutdown.
async fn connections(
    listener: TcpListener,
    app: axum::Router,
    mut shutdown: watch::Receiver<bool>,
    tls: Option<TlsAcceptor>,
) {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(HEADER_READ);
    builder.http2().timer(TokioTimer::new());
    let builder = Arc::new(builder);
    let open = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let graceful = GracefulShutdown::new();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopping(&mut shutdown) => break,
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            tracing::debug!(%peer, "web connection refused: too many open");
            continue;
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            tower::Service::call(&mut app.clone(), request)
        });
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            let result = match tls {
                None => watcher.watch(builder.serve_connection_with_upgrades(TokioIo::new(stream), service)).await,
                Some(tls) => match tokio::time::timeout(HEADER_READ, tls.accept(stream)).await {
                    Ok(Ok(stream)) => {
                        watcher.watch(builder.serve_connection_with_upgrades(TokioIo::new(stream), service)).await
                    }
                    Ok(Err(e)) => Err(e.into()),
                    Err(_) => Err("TLS handshake timed out".into()),
                },
            };
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "web connection ended");
            }
            drop(permit);
        });
    }
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::debug!("web connections still open at shutdown");
    }
}

/// Ends once shutdown is asked for (also when it was before this was called).
async fn stopping(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}
