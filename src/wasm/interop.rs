//! The wasm boundary of migration (`crate::interop`): `PinPolicy.fromAndroidNsc`,
//! `PinPolicy.fromOkHttp`, `PinPolicy.fromTrustKit`. Each returns a `PinPolicy` with an
//! own property `importFindings` (the findings of the import, `[]` when nothing was left
//! behind).

use super::{get, invalid, js_error, options_of, to_js, JsResult, PinPolicy};
use crate::error::{Error, Result};
use crate::interop::Import;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Reads a text argument, refusing one over `limit` bytes before copying it.
fn text_of(
    value: &JsValue,
    argument: &str,
    limit: usize,
    too_large: impl Fn() -> Error,
) -> Result<String> {
    if let Some(text) = value.dyn_ref::<js_sys::JsString>() {
        // UTF-8 is at least as long as the UTF-16 length.
        if text.length() as usize > limit {
            return Err(too_large());
        }
    }
    let text = value
        .as_string()
        .ok_or_else(|| invalid(argument, "must be a string"))?;
    if text.len() > limit {
        return Err(too_large());
    }
    Ok(text)
}

/// The imported policy as a JS `PinPolicy` carrying `importFindings`.
fn imported(import: Import) -> JsResult<JsValue> {
    let findings = to_js(&import.findings)?;
    let policy: JsValue = PinPolicy::of(import.policy).into();
    Reflect::set(&policy, &"importFindings".into(), &findings)?;
    Ok(policy)
}

pub(super) fn from_android_nsc(xml: JsValue, options: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<Import> {
        let options = options_of(&options, &["lenient"])?;
        let lenient = match get(&options, "lenient") {
            None => false,
            Some(v) => v
                .as_bool()
                .ok_or_else(|| invalid("lenient", "must be true or false"))?,
        };
        let limit = crate::limits::MAX_NSC_BYTES;
        let xml = text_of(&xml, "xml", limit, || Error::NscInvalid {
            reason: format!("over the limit of {limit} bytes"),
        })?;
        if lenient {
            crate::interop::import_android_nsc_lenient(&xml)
        } else {
            Ok(Import {
                policy: crate::interop::android_nsc::import_android_nsc(&xml)?,
                findings: Vec::new(),
            })
        }
    };
    imported(run().map_err(js_error)?)
}

#[wasm_bindgen]
impl PinPolicy {
    /// `PinPolicy.fromOkHttp(source)`: the `CertificatePinner.Builder().add(pattern,
    /// pins…)` calls of Kotlin or Java source; `OKHTTP_INVALID` names the line.
    #[wasm_bindgen(js_name = fromOkHttp)]
    pub fn from_okhttp(source: JsValue) -> JsResult<JsValue> {
        let run = || -> Result<Import> {
            let limit = crate::limits::MAX_OKHTTP_BYTES;
            let source = text_of(&source, "source", limit, || Error::OkHttpInvalid {
                line: None,
                reason: format!("the source is over the limit of {limit} bytes"),
            })?;
            crate::interop::import_okhttp(&source)
        };
        imported(run().map_err(js_error)?)
    }

    /// `PinPolicy.fromTrustKit(config)`: a TrustKit configuration as JSON text or an
    /// object (the whole configuration or its `kTSKPinnedDomains`); `TRUSTKIT_INVALID`
    /// names the key.
    #[wasm_bindgen(js_name = fromTrustKit)]
    pub fn from_trustkit(config: JsValue) -> JsResult<JsValue> {
        let run = || -> Result<Import> {
            let limit = crate::limits::MAX_TRUSTKIT_BYTES;
            let too_large = || Error::TrustKitInvalid {
                path: "$".into(),
                reason: format!("the configuration is over the limit of {limit} bytes"),
            };
            let text = if config.is_string() {
                text_of(&config, "config", limit, too_large)?
            } else if config.is_object() {
                let text: String = js_sys::JSON::stringify(&config)
                    .map_err(|_| Error::TrustKitInvalid {
                        path: "$".into(),
                        reason: "the configuration object cannot be serialised as JSON".into(),
                    })?
                    .into();
                if text.len() > limit {
                    return Err(too_large());
                }
                text
            } else {
                return Err(invalid(
                    "config",
                    "must be TrustKit configuration JSON text or an object",
                ));
            };
            crate::interop::import_trustkit(&text)
        };
        imported(run().map_err(js_error)?)
    }
}
