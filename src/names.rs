//! Names: host names as policies write them (`host`), hostname verification against a
//! certificate (`hostname`), and the public-suffix list both use (`suffix`).

pub(crate) mod host;
pub(crate) mod hostname;
pub(crate) mod suffix;
