//! One simulated panel's line to the receiver: builds real DC-09 frames for its account,
//! sends them over TCP, waits for the answer and sends again when none comes. The background
//! panels and the scripted show both talk through it.

use std::net::SocketAddr;
use std::time::Duration;

use dc09::{Frame, Timestamp, Token, XData};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Accounts the scripted show is staging a story on: their background panel sends no
/// openings or closings meanwhile (a random arming would spoil a "Fail to close").
#[derive(Clone, Default)]
pub struct Held(std::sync::Arc<std::sync::Mutex<std::collections::HashSet<String>>>);

impl Held {
    /// Holds an account.
    pub fn hold(&self, account: &str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(account.to_owned());
    }

    /// Lets an account's panel go on as before.
    pub fn release(&self, account: &str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(account);
    }

    /// Whether an account is held.
    pub fn is_held(&self, account: &str) -> bool {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).contains(account)
    }
}

/// How long a panel waits for the receiver's answer before sending again.
const ACK_TIMEOUT: Duration = Duration::from_secs(10);
/// Sends of one frame before a panel gives up on it.
const ATTEMPTS: usize = 3;

/// A panel's connection to the receiver and its sequence counter.
pub struct Link {
    account: String,
    receiver: SocketAddr,
    seq: u16,
    conn: Option<TcpStream>,
}

impl Link {
    /// A line for `account`; it connects on the first send. Sequence numbers start at
    /// `first_seq` (a random start keeps two lines of one account apart).
    pub fn new(account: &str, receiver: SocketAddr, first_seq: u16) -> Link {
        Link { account: account.to_owned(), receiver, seq: first_seq % 9999, conn: None }
    }

    /// The account it reports for.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// Drops the connection (a panel losing its line).
    pub fn hang_up(&mut self) {
        self.conn = None;
    }

    /// Sends one message (`data` without brackets, e.g. `#2001|1130 01 003`) with extended
    /// data, stamped now; up to three attempts, reconnecting between them.
    pub async fn send(&mut self, token: Token, data: String, xdata: Vec<XData>) -> std::io::Result<()> {
        self.seq = if self.seq >= 9999 { 1 } else { self.seq + 1 };
        let frame = Frame {
            token,
            encrypted: false,
            seq: self.seq,
            receiver: Some("1".into()),
            line: "1".into(),
            account: self.account.clone(),
            data,
            xdata,
            timestamp: Some(Timestamp::from_unix(chrono::Utc::now().timestamp())),
        }
        .encode();
        let mut last = Err(std::io::Error::from(std::io::ErrorKind::NotConnected));
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            last = send(&mut self.conn, self.receiver, &frame).await.map(|_| ());
            if last.is_ok() {
                break;
            }
            self.conn = None;
        }
        last
    }

    /// A Contact ID event: `qualifier` 1 new / 3 restore, `code` like 130, group and
    /// zone-or-user number.
    pub async fn cid(
        &mut self,
        qualifier: u8,
        code: u16,
        group: u8,
        zone: u16,
        xdata: Vec<XData>,
    ) -> std::io::Result<()> {
        let data = cid_data(&self.account, qualifier, code, group, zone);
        self.send(Token::AdmCid, data, xdata).await
    }

    /// A SIA DCS event: `body` like `ri1/FA05`.
    pub async fn sia(&mut self, body: &str) -> std::io::Result<()> {
        let data = format!("#{}|N{body}", self.account);
        self.send(Token::SiaDcs, data, Vec::new()).await
    }

    /// A link test (NULL message).
    pub async fn link_test(&mut self) -> std::io::Result<()> {
        self.send(Token::Null, String::new(), Vec::new()).await
    }
}

/// The data block of a Contact ID event, `#acct|QEEE GG ZZZ`.
pub fn cid_data(account: &str, qualifier: u8, code: u16, group: u8, zone: u16) -> String {
    format!("#{account}|{qualifier}{code:03} {group:02} {zone:03}")
}

/// `[X..][Y..]` extended data for a position (longitude and latitude in signed decimal
/// degrees).
pub fn position_xdata((lat, lon): (f64, f64)) -> Vec<XData> {
    vec![XData { id: 'X', value: format!("{lon:.6}") }, XData { id: 'Y', value: format!("{lat:.6}") }]
}

/// Sends one frame and waits for any whole reply (panels retry on anything but ACK; the demo
/// only needs to know the receiver answered).
async fn send(conn: &mut Option<TcpStream>, receiver: SocketAddr, frame: &[u8]) -> std::io::Result<Vec<u8>> {
    if conn.is_none() {
        *conn = Some(TcpStream::connect(receiver).await?);
    }
    let stream = conn.as_mut().ok_or(std::io::ErrorKind::NotConnected)?;
    stream.write_all(frame).await?;
    let mut reply = Vec::new();
    let mut buf = [0u8; 512];
    tokio::time::timeout(ACK_TIMEOUT, async {
        while !reply.contains(&b'\r') {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof));
            }
            reply.extend_from_slice(&buf[..n]);
        }
        Ok(())
    })
    .await
    .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))??;
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_frames_decode_to_the_position() {
        let frame = Frame {
            token: Token::AdmCid,
            encrypted: false,
            seq: 1,
            receiver: None,
            line: "1".into(),
            account: "9001".into(),
            data: cid_data("9001", 1, 602, 0, 0),
            xdata: position_xdata((44.4268, 26.1025)),
            timestamp: None,
        };
        let decoded = Frame::decode(&frame.encode()).expect("decodes");
        let (lat, lon) = decoded.position().expect("has a position");
        assert!((lat - 44.4268).abs() < 1e-6 && (lon - 26.1025).abs() < 1e-6);
        let events = decoded.events().expect("events");
        assert_eq!(events[0].code, "602");
    }
}
