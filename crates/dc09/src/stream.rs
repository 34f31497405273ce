//! Splitting a TCP byte stream into whole frames.

use crate::envelope::{CR, LF};
use crate::error::DecodeError;

/// Default bound on one frame, LF through CR.
pub const MAX_FRAME_LEN: usize = 1024;

/// Cuts a byte stream into whole `LF ... CR` frames; bytes in, frames out.
///
/// Bytes before an LF are garbage: reported once as [`DecodeError::Garbage`] per run, then
/// dropped. A frame interrupted by a new LF is reported as [`DecodeError::Truncated`]; an LF
/// directly followed by another LF is dropped silently, so frames ended by CR LF
/// (`"\n...\r\n"`) split without errors. A frame
/// that reaches the bound without a CR is dropped as [`DecodeError::Oversized`], together with
/// the bytes up to the next LF. An incomplete frame stays buffered; dropping it after a
/// timeout is the caller's job ([`FrameSplitter::clear`]).
#[derive(Debug, Clone)]
pub struct FrameSplitter {
    buf: Vec<u8>,
    max_len: usize,
    skipping: bool,
}

impl Default for FrameSplitter {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameSplitter {
    /// A splitter bounding frames to [`MAX_FRAME_LEN`] bytes.
    pub fn new() -> Self {
        Self::with_max_len(MAX_FRAME_LEN)
    }

    /// A splitter bounding frames to `max_len` bytes (at least 2), LF and CR included.
    pub fn with_max_len(max_len: usize) -> Self {
        FrameSplitter { buf: Vec::new(), max_len: max_len.max(2), skipping: false }
    }

    /// Appends received bytes.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Number of bytes buffered (an incomplete frame, or bytes not yet examined).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Drops everything buffered, e.g. when a partial frame timed out.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.skipping = false;
    }

    /// The next whole frame (LF through CR) or stream error; `None` when more bytes are needed.
    pub fn next_frame(&mut self) -> Option<Result<Vec<u8>, DecodeError>> {
        loop {
            let first = *self.buf.first()?;
            if first != LF {
                let cut = self.buf.iter().position(|&b| b == LF).unwrap_or(self.buf.len());
                self.buf.drain(..cut);
                if std::mem::replace(&mut self.skipping, true) {
                    continue;
                }
                return Some(Err(DecodeError::Garbage));
            }
            self.skipping = false;
            let window = self.buf.len().min(self.max_len);
            return match self.buf[1..window].iter().position(|&b| b == CR || b == LF) {
                Some(i) if self.buf[i + 1] == CR => Some(Ok(self.buf.drain(..i + 2).collect())),
                Some(0) => {
                    // A lone LF (as in CR LF line endings) starts nothing: not a frame.
                    self.buf.drain(..1);
                    continue;
                }
                Some(i) => {
                    self.buf.drain(..i + 1);
                    Some(Err(DecodeError::Truncated))
                }
                None if self.buf.len() >= self.max_len => {
                    self.buf.drain(..self.max_len);
                    self.skipping = true;
                    Some(Err(DecodeError::Oversized { limit: self.max_len }))
                }
                None => None,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &[u8] = b"\n7EE80027\"ADM-CID\"0001L0#1234[#1234|1130 01 005]\r";
    const B: &[u8] = b"\n1EF20013\"NULL\"0000L0#1234[]\r";

    fn drain(s: &mut FrameSplitter) -> Vec<Result<Vec<u8>, DecodeError>> {
        std::iter::from_fn(|| s.next_frame()).collect()
    }

    #[test]
    fn byte_by_byte_fragments() {
        let mut s = FrameSplitter::new();
        for &b in &A[..A.len() - 1] {
            s.push(&[b]);
            assert_eq!(s.next_frame(), None);
        }
        s.push(&A[A.len() - 1..]);
        assert_eq!(s.next_frame(), Some(Ok(A.to_vec())));
        assert_eq!(s.next_frame(), None);
        assert_eq!(s.buffered(), 0);
    }

    #[test]
    fn two_frames_in_one_push_and_a_partial_third() {
        let mut s = FrameSplitter::new();
        s.push(&[A, B, &A[..10]].concat());
        assert_eq!(drain(&mut s), [Ok(A.to_vec()), Ok(B.to_vec())]);
        assert_eq!(s.buffered(), 10);
        s.push(&A[10..]);
        assert_eq!(drain(&mut s), [Ok(A.to_vec())]);
    }

    #[test]
    fn garbage_reported_once_per_run() {
        let mut s = FrameSplitter::new();
        s.push(b"hello");
        assert_eq!(drain(&mut s), [Err(DecodeError::Garbage)]);
        s.push(b" world");
        assert_eq!(drain(&mut s), []);
        s.push(&[b"\r\x00", A, b"junk", B].concat());
        assert_eq!(drain(&mut s), [Ok(A.to_vec()), Err(DecodeError::Garbage), Ok(B.to_vec())]);
    }

    #[test]
    fn new_lf_before_cr_truncates() {
        let mut s = FrameSplitter::new();
        s.push(&[&A[..20], B].concat());
        assert_eq!(drain(&mut s), [Err(DecodeError::Truncated), Ok(B.to_vec())]);
    }

    #[test]
    fn cr_lf_line_endings_split_cleanly() {
        let mut s = FrameSplitter::new();
        s.push(&[A, b"\n", B, b"\n\n\n", A, b"\n"].concat());
        assert_eq!(drain(&mut s), [Ok(A.to_vec()), Ok(B.to_vec()), Ok(A.to_vec())]);
        assert_eq!(s.buffered(), 1);
        s.push(B);
        assert_eq!(drain(&mut s), [Ok(B.to_vec())]);
    }

    #[test]
    fn oversize_dropped_then_resync() {
        let mut s = FrameSplitter::with_max_len(64);
        s.push(b"\n");
        s.push(&[b'x'; 70]);
        assert_eq!(drain(&mut s), [Err(DecodeError::Oversized { limit: 64 })]);
        s.push(&[&[b'y'; 10][..], b"\r", B].concat());
        assert_eq!(drain(&mut s), [Ok(B.to_vec())]);
    }

    #[test]
    fn frame_of_exactly_the_bound_passes() {
        let mut s = FrameSplitter::with_max_len(A.len());
        s.push(A);
        assert_eq!(drain(&mut s), [Ok(A.to_vec())]);
        let mut s = FrameSplitter::with_max_len(A.len() - 1);
        s.push(A);
        assert_eq!(drain(&mut s), [Err(DecodeError::Oversized { limit: A.len() - 1 })]);
    }

    #[test]
    fn clear_drops_partial() {
        let mut s = FrameSplitter::new();
        s.push(&A[..5]);
        s.clear();
        s.push(B);
        assert_eq!(drain(&mut s), [Ok(B.to_vec())]);
    }
}
