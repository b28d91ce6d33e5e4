//! Signed policy bundles: `verifyBundle`, `updateRoot`, `bundleSigningInput`
//! (`PinPolicy.fromBundle` is in `pin_policy`). Documents come in as JSON text or
//! objects; the decisions are `crate::bundle`'s.

use super::conversions::{
    bundle_document, to_js, verified_bundle, BundleResult, Document, NextRoots,
};
use super::error::JsResult;
use super::options::Options;
use super::verifier::verifier;
use wasm_bindgen::prelude::*;

/// `verifyBundle(bundle, { root, now?, minVersion? })`: `{ policy, version, issuedAt,
/// expires, signedBy }`, or a `BUNDLE_*`/`ROOT_*` error.
#[wasm_bindgen(js_name = verifyBundle)]
pub fn verify_bundle_js(bundle: JsValue, options: JsValue) -> JsResult<JsValue> {
    to_js(&BundleResult::try_from(verified_bundle(
        &bundle, &options,
    )?)?)
}

/// `updateRoot(current, next, { now? })`: the next root document once it is trusted.
/// `next` may be an array of roots, each the next version (a chain is followed in order
/// and only the last one's expiry is checked, as TUF section 5.3 does).
#[wasm_bindgen(js_name = updateRoot)]
pub fn update_root_js(current: JsValue, next: JsValue, options: JsValue) -> JsResult<JsValue> {
    let options = Options::read(&options, &["now"])?;
    let current = bundle_document(&current, "current root", Document::Root)?;
    let NextRoots(chain) = NextRoots::try_from(&next)?;
    let text = crate::bundle::update_root(&current, &chain, options.now()?, &verifier())?;
    js_sys::JSON::parse(&text)
}

/// `bundleSigningInput(signed)`: the exact bytes a key signs for a bundle's or a root's
/// `signed` object (the domain-separation prefix, then its RFC 8785 canonical JSON), for
/// signing with a KMS or an HSM.
#[wasm_bindgen(js_name = bundleSigningInput)]
pub fn bundle_signing_input_js(signed: JsValue) -> JsResult<js_sys::Uint8Array> {
    let text = bundle_document(&signed, "signed object", Document::Bundle)?;
    let bytes = crate::bundle::signing_input(&text)?;
    Ok(js_sys::Uint8Array::from(bytes.as_slice()))
}
