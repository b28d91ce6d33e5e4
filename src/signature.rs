//! Signatures: the algorithms certpin verifies and the verifier that checks them.

pub(crate) mod algorithm;
pub(crate) mod verify;
