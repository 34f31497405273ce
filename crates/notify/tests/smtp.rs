//! E-mail against a minimal SMTP server on 127.0.0.1, spoken by this test.

mod common;

use common::closed_port;
use notify::{Channel, Config, Message, Notifier, SendError, SmtpConfig};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// One SMTP transaction as the server saw it.
#[derive(Debug, Default)]
struct Transaction {
    ehlo: String,
    mail_from: String,
    rcpt_to: Vec<String>,
    data: String,
}

/// How the server answers.
#[derive(Clone, Copy)]
enum Behaviour {
    Accept,
    /// Reply to RCPT TO with this line.
    RejectRcpt(&'static str),
    /// Greet with this line and hang up.
    Greet(&'static str),
}

/// Serves SMTP on 127.0.0.1:0 for every connection; each finished (or
/// broken) conversation is sent on the channel.
async fn smtp_server(behaviour: Behaviour) -> (u16, mpsc::UnboundedReceiver<Transaction>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let tx = tx.clone();
            tokio::spawn(async move {
                let t = converse(stream, behaviour).await;
                let _ = tx.send(t);
            });
        }
    });
    (port, rx)
}

async fn converse(stream: tokio::net::TcpStream, behaviour: Behaviour) -> Transaction {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut t = Transaction::default();
    if let Behaviour::Greet(line) = behaviour {
        write.write_all(format!("{line}\r\n").as_bytes()).await.unwrap();
        return t;
    }
    write.write_all(b"220 test.local ESMTP ready\r\n").await.unwrap();
    while let Ok(Some(line)) = lines.next_line().await {
        let upper = line.to_ascii_uppercase();
        let reply = if upper.starts_with("EHLO ") || upper.starts_with("HELO ") {
            t.ehlo = line[5..].to_owned();
            "250-test.local greets you\r\n250 8BITMIME".to_owned()
        } else if upper.starts_with("MAIL FROM:") {
            t.mail_from = line[10..].trim().to_owned();
            "250 2.1.0 OK".to_owned()
        } else if upper.starts_with("RCPT TO:") {
            t.rcpt_to.push(line[8..].trim().to_owned());
            match behaviour {
                Behaviour::RejectRcpt(reply) => reply.to_owned(),
                _ => "250 2.1.5 OK".to_owned(),
            }
        } else if upper == "DATA" {
            write.write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n").await.unwrap();
            while let Ok(Some(data_line)) = lines.next_line().await {
                if data_line == "." {
                    break;
                }
                // Undo dot-stuffing (RFC 5321 section 4.5.2).
                let unstuffed = data_line.strip_prefix('.').unwrap_or(&data_line);
                t.data.push_str(unstuffed);
                t.data.push('\n');
            }
            "250 2.0.0 queued".to_owned()
        } else if upper == "QUIT" {
            write.write_all(b"221 2.0.0 bye\r\n").await.unwrap();
            break;
        } else if upper == "RSET" || upper == "NOOP" {
            "250 OK".to_owned()
        } else {
            "502 5.5.2 command not recognized".to_owned()
        };
        if write.write_all(format!("{reply}\r\n").as_bytes()).await.is_err() {
            break;
        }
    }
    t
}

fn notifier(port: u16) -> Notifier {
    Notifier::new(Config {
        smtp: Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            tls: false,
            username: None,
            password: None,
            from: "Vigil ARC <alarms@vigil.test>".into(),
        }),
        ..Config::default()
    })
    .unwrap()
}

fn message() -> Message {
    Message {
        channel: Channel::Email,
        recipient: "operator@customer.test".into(),
        subject: "Alarm at site 12".into(),
        body: "Burglary, zone 3 (hall PIR).\n.A line that starts with a dot.\nCall back: +49 151 1234567".into(),
    }
}

#[tokio::test]
async fn an_email_arrives_with_recipient_subject_and_body() {
    let (port, mut rx) = smtp_server(Behaviour::Accept).await;
    notifier(port).send(&message()).await.unwrap();
    let t = rx.recv().await.unwrap();
    assert!(!t.ehlo.is_empty());
    assert_eq!(t.mail_from, "<alarms@vigil.test>");
    assert_eq!(t.rcpt_to, ["<operator@customer.test>"]);
    let (headers, body) = t.data.split_once("\n\n").expect("headers, blank line, body");
    assert!(headers.lines().any(|l| l == "Subject: Alarm at site 12"), "{headers}");
    assert!(headers.lines().any(|l| l == "To: operator@customer.test"), "{headers}");
    assert!(headers.lines().any(|l| l.starts_with("From: ") && l.contains("<alarms@vigil.test>")), "{headers}");
    assert!(headers.to_ascii_lowercase().contains("content-type: text/plain"), "{headers}");
    assert_eq!(body.trim_end(), message().body);
}

#[tokio::test]
async fn a_rejected_recipient_is_permanent() {
    let (port, mut rx) = smtp_server(Behaviour::RejectRcpt("550 5.1.1 no such user")).await;
    let err = notifier(port).send(&message()).await.unwrap_err();
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");
    assert!(!err.is_retryable());
    let t = rx.recv().await.unwrap();
    assert!(t.data.is_empty(), "no DATA after a rejected recipient");
}

#[tokio::test]
async fn a_temporary_rejection_is_retryable() {
    let (port, _rx) = smtp_server(Behaviour::RejectRcpt("451 4.3.0 try again later")).await;
    let err = notifier(port).send(&message()).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");

    let (port, _rx) = smtp_server(Behaviour::Greet("421 4.3.2 service not available")).await;
    let err = notifier(port).send(&message()).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
}

#[tokio::test]
async fn an_unreachable_server_is_retryable() {
    let err = notifier(closed_port().await).send(&message()).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
}

#[tokio::test]
async fn a_bad_address_is_permanent_and_a_bad_from_is_refused() {
    let (port, _rx) = smtp_server(Behaviour::Accept).await;
    let msg = Message { recipient: "not an address".into(), ..message() };
    let err = notifier(port).send(&msg).await.unwrap_err();
    assert!(matches!(err, SendError::Permanent(_)), "{err:?}");

    let bad_from = SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        tls: false,
        username: None,
        password: None,
        from: "nobody".into(),
    };
    assert!(Notifier::new(Config { smtp: Some(bad_from), ..Config::default() }).is_err());
}
