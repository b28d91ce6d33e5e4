//! The wasm boundary of signed policy bundles (issue 18): `verifyBundle`,
//! `PinPolicy.fromBundle`, `updateRoot`, `bundleSigningInput`. Documents come in as JSON
//! text or objects (serialised once with the host's `JSON.stringify`); decisions are in
//! `crate::bundle`.

use super::{
    get, integer_option, js_error, now_of, options_of, to_js, JsResult, Options, PinPolicy,
};
use crate::bundle::{self, BundleOptions, VerifiedBundle};
use crate::error::{Error, Result};
use crate::limits::{MAX_BUNDLE_BYTES, MAX_VERSION};
use js_sys::Array;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A document argument as JSON text. `malformed` builds the error for this document kind.
fn document_text(
    value: &JsValue,
    what: &str,
    malformed: fn(String, String) -> Error,
) -> Result<String> {
    if let Some(text) = value.dyn_ref::<js_sys::JsString>() {
        if text.length() as usize > MAX_BUNDLE_BYTES {
            return Err(malformed(
                "$".into(),
                format!("the {what} is over the limit of {MAX_BUNDLE_BYTES} bytes"),
            ));
        }
        return Ok(text.into());
    }
    if value.is_object() && !Array::is_array(value) {
        let text: String = js_sys::JSON::stringify(value)
            .map_err(|_| {
                malformed(
                    "$".into(),
                    format!("the {what} object cannot be serialised as JSON"),
                )
            })?
            .into();
        return Ok(text);
    }
    Err(malformed(
        "$".into(),
        format!("the {what} must be JSON text or a document object"),
    ))
}

fn bundle_malformed(path: String, reason: String) -> Error {
    Error::BundleMalformed { path, reason }
}

fn root_malformed(path: String, reason: String) -> Error {
    Error::RootMalformed { path, reason }
}

fn verify(bundle_value: &JsValue, options: &JsValue) -> Result<VerifiedBundle> {
    let options: Option<Options> = options_of(options, &["root", "now", "minVersion"])?;
    let root = get(&options, "root").ok_or_else(|| Error::InvalidArgument {
        argument: "root".into(),
        reason: "a trust root is required: verifyBundle(bundle, { root })".into(),
    })?;
    let root = document_text(&root, "root", root_malformed)?;
    let bundle = document_text(bundle_value, "bundle", bundle_malformed)?;
    let min_version = integer_option(&options, "minVersion", MAX_VERSION as f64)?.unwrap_or(0);
    let bundle_options = BundleOptions {
        now_ms: now_of(&options)?,
        min_version: u64::try_from(min_version).unwrap_or(0),
    };
    bundle::verify_bundle(&bundle, &root, bundle_options, &super::verifier())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BundleResult {
    policy: serde_json::Value,
    version: u64,
    issued_at: String,
    expires: String,
    signed_by: Vec<String>,
}

/// `verifyBundle(bundle, { root, now?, minVersion? })`: `{ policy, version, issuedAt,
/// expires, signedBy }`, or a `BUNDLE_*`/`ROOT_*` error.
#[wasm_bindgen(js_name = verifyBundle)]
pub fn verify_bundle_js(bundle: JsValue, options: JsValue) -> JsResult<JsValue> {
    let verified = verify(&bundle, &options).map_err(js_error)?;
    let policy: serde_json::Value = serde_json::from_str(&verified.policy_json).map_err(|e| {
        js_error(Error::BundlePolicyInvalid {
            path: "signed.policy".into(),
            reason: e.to_string(),
        })
    })?;
    to_js(&BundleResult {
        policy,
        version: verified.version,
        issued_at: verified.issued_at,
        expires: verified.expires,
        signed_by: verified.signed_by,
    })
}

/// `updateRoot(current, next, { now? })`: the next root document once it is trusted.
/// `next` may be an array of roots, each the next version (a chain is followed in order
/// and only the last one's expiry is checked, as TUF section 5.3 does).
#[wasm_bindgen(js_name = updateRoot)]
pub fn update_root_js(current: JsValue, next: JsValue, options: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<String> {
        let options = options_of(&options, &["now"])?;
        let current = document_text(&current, "current root", root_malformed)?;
        let chain = if Array::is_array(&next) {
            let list = Array::from(&next);
            if list.length() as usize > crate::limits::MAX_ROOT_CHAIN {
                return Err(root_malformed(
                    "$".into(),
                    format!(
                        "over the limit of {} roots per call",
                        crate::limits::MAX_ROOT_CHAIN
                    ),
                ));
            }
            list.iter()
                .map(|r| document_text(&r, "next root", root_malformed))
                .collect::<Result<Vec<_>>>()?
        } else {
            vec![document_text(&next, "next root", root_malformed)?]
        };
        bundle::update_root(&current, &chain, now_of(&options)?, &super::verifier())
    };
    let text = run().map_err(js_error)?;
    js_sys::JSON::parse(&text)
}

/// `bundleSigningInput(signed)`: the exact bytes a key signs for a bundle's or a root's
/// `signed` object (the domain-separation prefix, then its RFC 8785 canonical JSON), for
/// signing with a KMS or an HSM.
#[wasm_bindgen(js_name = bundleSigningInput)]
pub fn bundle_signing_input_js(signed: JsValue) -> JsResult<js_sys::Uint8Array> {
    let run = || -> Result<Vec<u8>> {
        let text = document_text(&signed, "signed object", bundle_malformed)?;
        bundle::signing_input(&text)
    };
    let bytes = run().map_err(js_error)?;
    Ok(js_sys::Uint8Array::from(bytes.as_slice()))
}

#[wasm_bindgen]
impl PinPolicy {
    /// `PinPolicy.fromBundle(bundle, { root, now?, minVersion? })`: the verified bundle's
    /// policy, with `bundleVersion`.
    #[wasm_bindgen(js_name = fromBundle)]
    pub fn from_bundle(bundle: JsValue, options: JsValue) -> JsResult<PinPolicy> {
        let verified = verify(&bundle, &options).map_err(js_error)?;
        let mut policy = PinPolicy::of(verified.policy);
        policy.bundle_version = Some(verified.version);
        Ok(policy)
    }

    /// The version of the bundle this policy came from; `undefined` for a policy that did
    /// not come from a bundle.
    #[wasm_bindgen(getter = bundleVersion)]
    pub fn bundle_version(&self) -> Option<f64> {
        self.bundle_version.map(|v| v as f64)
    }
}
