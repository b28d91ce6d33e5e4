//! `PinPolicy.prototype.lookup(hostname)`: the entry that applies to a name, so hosts
//! never probe with a check to learn whether a name is pinned. The decision is
//! `Policy::lookup` (the one `check` makes); this only converts.

use super::{invalid, js_error, to_js, JsResult, PinPolicy};
use crate::policy::{DomainDocument, PinDocument};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The entry as the policy document writes it, `expires` and `reportUri` null when unset.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    host: &'a str,
    include_subdomains: bool,
    pins: &'a [PinDocument],
    expires: Option<&'a str>,
    mode: &'a str,
    report_uri: Option<&'a str>,
}

impl<'a> From<&'a DomainDocument> for Entry<'a> {
    fn from(d: &'a DomainDocument) -> Self {
        Entry {
            host: &d.host,
            include_subdomains: d.include_subdomains,
            pins: &d.pins,
            expires: d.expires.as_deref(),
            mode: d.mode,
            report_uri: d.report_uri.as_deref(),
        }
    }
}

#[wasm_bindgen]
impl PinPolicy {
    /// `policy.lookup(hostname)`: `{ host, includeSubdomains, pins, expires, mode,
    /// reportUri }` of the entry that applies (most specific wins, as in `check`), or
    /// `null` when the name is not pinned. Any spelling of a name or IP address is
    /// canonicalised first; an invalid name throws `INVALID_ARGUMENT`.
    pub fn lookup(&self, hostname: JsValue) -> JsResult<JsValue> {
        let hostname = hostname
            .as_string()
            .ok_or_else(|| js_error(invalid("hostname", "must be a string")))?;
        match self.policy.lookup(&hostname).map_err(js_error)? {
            Some(entry) => to_js(&Entry::from(&entry)),
            None => Ok(JsValue::NULL),
        }
    }
}
