//! The host's signature verifier: a JS function (Node's `node:crypto`, see
//! `node-verifier.cjs`) in place of the built-in pure-Rust one, installed by
//! `setNativeVerifier`.

use super::error::JsResult;
use super::options::invalid;
use crate::verify::{SignatureAlgorithm, SignatureVerifier, VerifyOutcome};
use js_sys::{Array, Uint8Array};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A JS function as a signature verifier: `f(algorithm, spkiDer, message, signature,
/// saltLength)` returning `true` (valid), `false` (invalid) or `null` (unsupported).
/// A throw or any other value counts as unsupported: never valid, never a trap.
struct JsVerifier(js_sys::Function);

impl SignatureVerifier for JsVerifier {
    fn verify(
        &self,
        algorithm: SignatureAlgorithm,
        key: &[u8],
        data: &[u8],
        sig: &[u8],
    ) -> VerifyOutcome {
        let salt = match algorithm.salt_len() {
            Some(salt) => JsValue::from_f64(salt as f64),
            None => JsValue::UNDEFINED,
        };
        let args = Array::of5(
            &JsValue::from_str(&algorithm.name()),
            &Uint8Array::from(key),
            &Uint8Array::from(data),
            &Uint8Array::from(sig),
            &salt,
        );
        let answer = self.0.apply(&JsValue::UNDEFINED, &args);
        match answer.map(|v| v.as_bool()) {
            Ok(Some(true)) => VerifyOutcome::Valid,
            Ok(Some(false)) => VerifyOutcome::Invalid,
            Ok(None) => VerifyOutcome::Unsupported(format!(
                "{algorithm} (the host verifier did not support it)"
            )),
            Err(_) => VerifyOutcome::Unsupported(format!("{algorithm} (the host verifier threw)")),
        }
    }
}

/// The verifier path building uses now.
pub(super) fn installed() -> Rc<dyn SignatureVerifier> {
    crate::verify::installed_verifier()
}

/// `setNativeVerifier(f)`: installs a host signature verifier for all later path
/// building; `null` goes back to the built-in pure-Rust one.
#[wasm_bindgen(js_name = setNativeVerifier)]
pub fn set_native_verifier(f: JsValue) -> JsResult<()> {
    if f.is_undefined() || f.is_null() {
        crate::verify::reset_verifier();
        return Ok(());
    }
    let function = f.dyn_into::<js_sys::Function>().map_err(|_| {
        invalid(
            "verifier",
            "expected a function (algorithm, spkiDer, message, signature, saltLength) => true | false | null, or null",
        )
    })?;
    crate::verify::set_verifier(Box::new(JsVerifier(function)));
    Ok(())
}
