//! Web Push: RFC 8291 message encryption (aes128gcm, RFC 8188), RFC 8292 VAPID,
//! and delivery to the subscription's push service (RFC 8030).

mod decrypt;
mod derive;
mod encrypt;
mod payload;
mod send;
mod subscription;
pub(crate) mod vapid;

pub use decrypt::decrypt_aes128gcm;
pub use encrypt::{encrypt_aes128gcm, encrypt_aes128gcm_with, MAX_PLAINTEXT, RECORD_SIZE};
pub use payload::payload;
pub(crate) use send::PushSender;
pub use subscription::Subscription;
pub use vapid::{vapid_authorization, verify_vapid, VAPID_MAX_LIFETIME_S};
