//! The SIA DC-09 receiver: sockets at the edge (TCP and UDP on the same port), the codec in
//! `dc09`, storage through the recorder.

pub mod guard;
pub mod ingest;
pub mod limits;
pub mod signal;
pub mod tcp;
pub mod udp;
