//! X.509: the certificate view and its facts, the strict reading of certificate fields,
//! distinguished names, the text of the OIDs read on every certificate, and the
//! SubjectPublicKeyInfo of keys and CSRs.

pub(crate) mod cert;
pub(crate) mod name;
pub(crate) mod oid;
pub(crate) mod spki;
