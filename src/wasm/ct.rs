//! The wasm boundary of Certificate Transparency (issue 20): `verifyScts` and `ctDrift`.
//! Decisions live in `crate::ct` and `crate::ct_drift`; this file only converts.

use super::{get, invalid, js_error, now_of, options_of, parts_of, string_option, to_js, JsResult};
use crate::chain::parse_chain;
use crate::ct::{verify_scts, CtPolicy, LogList};
use crate::error::{Error, Result};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A log list from JSON text or an object (serialised by the host's `JSON.stringify`).
pub(super) fn log_list_of(value: &JsValue) -> Result<LogList> {
    if let Some(text) = value.dyn_ref::<js_sys::JsString>() {
        if text.length() as usize > crate::ct::MAX_LOG_LIST_BYTES {
            return Err(Error::LogListInvalid {
                path: "$".into(),
                reason: format!(
                    "the log list is over the limit of {} bytes",
                    crate::ct::MAX_LOG_LIST_BYTES
                ),
            });
        }
    }
    let text: String = if let Some(text) = value.as_string() {
        text
    } else if value.is_object() {
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
    LogList::from_json(&text)
}

/// `verifyScts(chain, { logList, now?, policy? })`.
#[wasm_bindgen(js_name = verifyScts)]
pub fn verify_scts_js(chain: JsValue, options: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<crate::ct::CtVerdict> {
        let options = options_of(&options, &["logList", "now", "policy"])?;
        let log_list = match get(&options, "logList") {
            Some(v) => log_list_of(&v)?,
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
        Ok(verify_scts(&certs, &log_list, now, policy))
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
        Some(v) => log_list_of(&v)?,
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
    Ok(crate::ct::CtCheck {
        log_list: std::rc::Rc::new(log_list),
        policy,
    })
}
