//! `--acked-log`: one line per acknowledged frame, written by a blocking thread and flushed
//! whenever the queue runs empty, so a reader sees every line soon after its ACK.

use std::fs::OpenOptions;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::error::LoadError;

/// Sends lines to the writer.
pub(crate) type LineSender = mpsc::UnboundedSender<String>;

/// The line for an acknowledged frame: `account<TAB>seq<TAB>text` with LF.
pub fn acked_line(account: &str, seq: u16, text: &str) -> String {
    format!("{account}\t{seq:04}\t{text}\n")
}

/// The writer of the acked log.
pub(crate) struct AckedLog {
    path: PathBuf,
    writer: JoinHandle<std::io::Result<()>>,
}

impl AckedLog {
    /// Opens `path` for appending and starts its writer; lines go through the returned sender.
    pub(crate) fn open(path: &Path) -> Result<(AckedLog, LineSender), LoadError> {
        let err = |source| LoadError::AckedLog { path: path.to_owned(), source };
        let file = OpenOptions::new().create(true).append(true).open(path).map_err(err)?;
        let (tx, mut rx) = mpsc::unbounded_channel::<String>();
        let writer = tokio::task::spawn_blocking(move || {
            let mut out = BufWriter::new(file);
            while let Some(line) = rx.blocking_recv() {
                out.write_all(line.as_bytes())?;
                while let Ok(line) = rx.try_recv() {
                    out.write_all(line.as_bytes())?;
                }
                out.flush()?;
            }
            out.flush()
        });
        Ok((AckedLog { path: path.to_owned(), writer }, tx))
    }

    /// Waits until every line is written (all senders must be dropped first).
    pub(crate) async fn finish(self) -> Result<(), LoadError> {
        let source = match self.writer.await {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(e)) => e,
            Err(e) => std::io::Error::other(e.to_string()),
        };
        Err(LoadError::AckedLog { path: self.path, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_format() {
        assert_eq!(
            acked_line("100000", 7, "8C1D0023\"SIA-DCS\"0007R1L0#100000[#100000|Nri1/BA7]"),
            "100000\t0007\t8C1D0023\"SIA-DCS\"0007R1L0#100000[#100000|Nri1/BA7]\n"
        );
    }

    #[tokio::test]
    async fn appends_and_flushes() {
        let path = std::env::temp_dir().join(format!("loadgen-acked-{}.log", std::process::id()));
        let _ = std::fs::remove_file(&path);
        std::fs::write(&path, "old\n").unwrap();
        let (log, tx) = AckedLog::open(&path).unwrap();
        tx.send(acked_line("100", 1, "a")).unwrap();
        tx.send(acked_line("100", 2, "b")).unwrap();
        drop(tx);
        log.finish().await.unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n100\t0001\ta\n100\t0002\tb\n");
        std::fs::remove_file(&path).unwrap();
    }
}
