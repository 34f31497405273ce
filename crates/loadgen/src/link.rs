//! One panel's connection to the receiver: a persistent TCP stream (reconnected when it
//! breaks) or a connected UDP socket.

use std::io;
use std::net::SocketAddr;

use dc09::FrameSplitter;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

use crate::args::Transport;

/// Largest datagram or read chunk accepted.
const BUF_LEN: usize = 2048;

/// A panel's link to the receiver.
pub(crate) enum Link {
    /// TCP: `None` until connected or after the connection broke.
    Tcp { addr: SocketAddr, stream: Option<TcpStream>, splitter: FrameSplitter, buf: Box<[u8; BUF_LEN]> },
    /// UDP: one socket connected to the receiver.
    Udp { socket: UdpSocket, buf: Box<[u8; BUF_LEN]> },
}

impl Link {
    /// A link to `addr`; UDP binds its socket now, TCP connects on [`Link::connect`].
    pub(crate) async fn new(transport: Transport, addr: SocketAddr) -> io::Result<Link> {
        Ok(match transport {
            Transport::Tcp => {
                Link::Tcp { addr, stream: None, splitter: FrameSplitter::new(), buf: Box::new([0; BUF_LEN]) }
            }
            Transport::Udp => {
                let local: SocketAddr = if addr.is_ipv4() {
                    "0.0.0.0:0".parse().expect("literal address")
                } else {
                    "[::]:0".parse().expect("literal address")
                };
                let socket = UdpSocket::bind(local).await?;
                socket.connect(addr).await?;
                Link::Udp { socket, buf: Box::new([0; BUF_LEN]) }
            }
        })
    }

    /// Whether the link can send now (UDP always can).
    pub(crate) fn is_up(&self) -> bool {
        match self {
            Link::Tcp { stream, .. } => stream.is_some(),
            Link::Udp { .. } => true,
        }
    }

    /// Connects TCP if it is not connected (no-op for UDP).
    pub(crate) async fn connect(&mut self) -> io::Result<()> {
        if let Link::Tcp { addr, stream, splitter, .. } = self {
            if stream.is_none() {
                let s = TcpStream::connect(*addr).await?;
                s.set_nodelay(true)?;
                splitter.clear();
                *stream = Some(s);
            }
        }
        Ok(())
    }

    /// Forgets a broken TCP connection (the next [`Link::connect`] opens a new one).
    pub(crate) fn drop_connection(&mut self) {
        if let Link::Tcp { stream, splitter, .. } = self {
            *stream = None;
            splitter.clear();
        }
    }

    /// Sends one frame. A TCP write error drops the connection.
    pub(crate) async fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Link::Tcp { stream, .. } => {
                let Some(s) = stream.as_mut() else {
                    return Err(io::ErrorKind::NotConnected.into());
                };
                let sent = s.write_all(bytes).await;
                if sent.is_err() {
                    self.drop_connection();
                }
                sent
            }
            Link::Udp { socket, .. } => socket.send(bytes).await.map(|_| ()),
        }
    }

    /// The next frame from the receiver (TCP: cut from the stream; UDP: one datagram).
    ///
    /// Cancel-safe. A TCP connection closed or reset by the receiver is dropped and returned
    /// as an error; UDP errors (an ICMP "port unreachable" while the receiver is down) are
    /// returned as they come and leave the socket usable.
    pub(crate) async fn recv(&mut self) -> io::Result<Vec<u8>> {
        match self {
            Link::Tcp { stream, splitter, buf, .. } => loop {
                while let Some(next) = splitter.next_frame() {
                    if let Ok(frame) = next {
                        return Ok(frame);
                    }
                }
                let Some(s) = stream.as_mut() else {
                    return Err(io::ErrorKind::NotConnected.into());
                };
                let read = match s.read(&mut buf[..]).await {
                    Ok(0) => Err(io::ErrorKind::UnexpectedEof.into()),
                    other => other,
                };
                match read {
                    Ok(n) => splitter.push(&buf[..n]),
                    Err(e) => {
                        *stream = None;
                        splitter.clear();
                        return Err(e);
                    }
                }
            },
            Link::Udp { socket, buf } => {
                let n = socket.recv(&mut buf[..]).await?;
                Ok(buf[..n].to_vec())
            }
        }
    }
}
