//! The wasm boundary of Certificate Transparency (issue 20): `verifyScts` and `ctDrift`.
//! Decisions live in `crate::ct` and `crate::ct_drift`; this file only converts.

use super::{get, invalid, js_error, now_of, options_of, parts_of, string_option, to_js, JsResult};
use crate::chain::parse_chain;
use crate::ct::{verify_scts, CtPolicy, LogList};
use crate::error::{Error, Result};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    /// The last log list read, by its JSON text: an adapter passes the same list on every
    /// connection, and reading it (JSON, base64, a SHA-256 per log) costs more than
    /// comparing the text.
    static LAST_LOG_LIST: core::cell::RefCell<Option<(String, std::rc::Rc<LogList>)>> =
        const { core::cell::RefCell::new(None) };
}

/// A log list from JSON text or an object (serialised by the host's `JSON.stringify`),
/// shared: the same text gives the same parsed list.
fn shared_log_list_of(value: &JsValue) -> Result<std::rc::Rc<LogList>> {
    let text = log_list_text(value)?;
    let cached = LAST_LOG_LIST.with(|slot| {
        slot.try_borrow().ok().and_then(|last| {
            last.as_ref()
                .filter(|(t, _)| *t == text)
                .map(|(_, list)| list.clone())
        })
    });
    if let Some(list) = cached {
        return Ok(list);
    }
    let list = std::rc::Rc::new(LogList::from_json(&text)?);
    LAST_LOG_LIST.with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = Some((text, list.clone()));
        }
    });
    Ok(list)
}

/// The JSON text of a log list given as text or as an object, bounded before copying.
fn log_list_text(value: &JsValue) -> Result<String> {
    if let Some(text) = value.dyn_ref::<js_sys::JsString>() {
        if text.length() as usize > crate::limits::MAX_LOG_LIST_BYTES {
            return Err(Error::LogListInvalid {
                path: "$".into(),
                reason: format!(
                    "the log list is over the limit of {} bytes",
                    crate::limits::MAX_LOG_LIST_BYTES
                ),
            });
        }
    }
    let text: String = if let Some(text) = value.as_string() {
        text
    } else if value.is_object() && !js_sys::Array::is_array(value) {
        js_sys::JSON::stringify(value)
            .map_err(|_| Error::LogListInvalid {
                path: "$".into(),
                reason: "the log list object cannot be serialised as JSON".into(),
            })?
            .into()
    } else {
        return Err(invalid(
            "logList",
            "pass the CT log list (v3 JSON) as a string or an object",
        ));
    };
    Ok(text)
}

/// `verifyScts(chain, { logList, now?, policy? })`.
#[wasm_bindgen(js_name = verifyScts)]
pub fn verify_scts_js(chain: JsValue, options: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<crate::ct::CtVerdict> {
        let options = options_of(&options, &["logList", "now", "policy"])?;
        let log_list = match get(&options, "logList") {
            Some(v) => shared_log_list_of(&v)?,
            None => {
                return Err(invalid(
                    "logList",
                    "verifyScts needs { logList }: the CT log list (v3 JSON) you trust; certpin never fetches one",
                ))
            }
        };
        let policy: CtPolicy = match string_option(&options, "policy")? {
            Some(name) => name.parse()?,
            None => CtPolicy::Chrome,
        };
        let now = now_of(&options)?;
        let certs = parse_chain(&parts_of(&chain)?)?;
        Ok(verify_scts(
            &certs,
            &log_list,
            now,
            policy,
            &super::verifier(),
        ))
    };
    to_js(&run().map_err(js_error)?)
}

/// The check option `ct: { logList, policy? }`.
pub(super) fn ct_check_of(value: &JsValue) -> Result<crate::ct::CtCheck> {
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(invalid(
            "ct",
            "must be an object { logList, policy? } with the CT log list (v3 JSON)",
        ));
    }
    let options = options_of(value, &["logList", "policy"])?;
    let log_list = match get(&options, "logList") {
        Some(v) => shared_log_list_of(&v)?,
        None => {
            return Err(invalid(
                "ct",
                "ct.logList is required: the CT log list (v3 JSON) you trust",
            ))
        }
    };
    let policy = match string_option(&options, "policy")? {
        Some(name) => name.parse()?,
        None => CtPolicy::Chrome,
    };
    Ok(crate::ct::CtCheck { log_list, policy })
}

/// Bytes all the certificates of one `ctDrift` call may take.
const MAX_DRIFT_BYTES: usize = 32 * 1024 * 1024;

/// `ctDrift(policy, certificates, { now })`: `certificates` is an array whose elements
/// are PEM text (one or more blocks) or DER bytes; their certificates are numbered in
/// order (`certIndex`).
#[wasm_bindgen(js_name = ctDrift)]
pub fn ct_drift_js(policy: JsValue, certificates: JsValue, options: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<crate::ct::DriftReport> {
        let options = options_of(&options, &["now"])?;
        let now = now_of(&options)?;
        let policy = super::policy_of(&policy)?;
        if !js_sys::Array::is_array(&certificates) {
            return Err(invalid(
                "certificates",
                "must be an array of certificates (PEM text or DER bytes), e.g. those crt.sh lists for your names",
            ));
        }
        let list: &js_sys::Array = certificates.unchecked_ref();
        let limit = crate::limits::MAX_DRIFT_CERTIFICATES;
        if list.length() as usize > limit {
            return Err(Error::TooManyCertificates {
                count: list.length() as usize,
                limit,
            });
        }
        let mut certs = Vec::new();
        let mut bytes = 0usize;
        for (i, item) in list.iter().enumerate() {
            let parts = parts_of(&item).map_err(|e| match e {
                Error::InvalidArgument { reason, .. } => {
                    invalid(&format!("certificates[{i}]"), reason)
                }
                other => other,
            })?;
            bytes += parts
                .iter()
                .map(|p| match p {
                    crate::input::Part::Bytes(b) => b.len(),
                    crate::input::Part::Text(t) => t.len(),
                })
                .sum::<usize>();
            if bytes > MAX_DRIFT_BYTES {
                return Err(Error::InputTooLarge {
                    bytes,
                    limit: MAX_DRIFT_BYTES,
                });
            }
            certs.extend(parse_chain(&parts)?);
            if certs.len() > limit {
                return Err(Error::TooManyCertificates {
                    count: certs.len(),
                    limit,
                });
            }
        }
        Ok(crate::ct::ct_drift(
            &policy,
            &certs,
            now,
            &super::verifier(),
        ))
    };
    to_js(&run().map_err(js_error)?)
}
