//! The SIA DC-09 receiver: sockets at the edge, the codec in `dc09`, storage through the recorder.

pub mod ingest;
pub mod tcp;
