//! Revocation: `checkOcsp`, `checkCrl`, `revocationInfo` (the check option
//! `ocspResponse` is read with the other check options). The decisions are
//! `crate::revocation`'s.

use super::conversions::{der_bytes, to_js, Certificates, ChainInput, InfoRow};
use super::error::JsResult;
use super::verifier::verifier;
use crate::error::Result;
use crate::input::Part;
use crate::revocation::{bound_crl, bound_ocsp, check_crl, check_ocsp, RevocationOptions};
use crate::signature::verify::SignatureVerifier;
use wasm_bindgen::prelude::*;

/// `check_ocsp` or `check_crl`.
type RevocationCheck<T> =
    fn(&[Part], &[u8], &RevocationOptions, &dyn SignatureVerifier) -> Result<T>;

/// A chain checked against a revocation document (`argument`, DER bytes within `bound`).
fn revocation_check<T: serde::Serialize>(
    [chain, document, options]: [JsValue; 3],
    argument: &str,
    bound: fn(usize) -> Result<()>,
    check: RevocationCheck<T>,
) -> JsResult<JsValue> {
    let options = RevocationOptions::try_from(&options)?;
    let document = der_bytes(&document, argument, bound)?;
    to_js(&check(
        &ChainInput::try_from(&chain)?.0,
        &document,
        &options,
        &verifier(),
    )?)
}

/// `checkOcsp(chain, response, { now?, clockSkewSeconds? })`.
#[wasm_bindgen(js_name = checkOcsp)]
pub fn check_ocsp_js(chain: JsValue, response: JsValue, options: JsValue) -> JsResult<JsValue> {
    revocation_check(
        [chain, response, options],
        "response",
        bound_ocsp,
        check_ocsp,
    )
}

/// `checkCrl(chain, crl, { now?, clockSkewSeconds? })`.
#[wasm_bindgen(js_name = checkCrl)]
pub fn check_crl_js(chain: JsValue, crl: JsValue, options: JsValue) -> JsResult<JsValue> {
    revocation_check([chain, crl, options], "crl", bound_crl, check_crl)
}

/// `revocationInfo(chain)`: per certificate, its OCSP responder URLs, CRL distribution
/// points and whether it is must-staple.
#[wasm_bindgen(js_name = revocationInfo)]
pub fn revocation_info_js(chain: JsValue) -> JsResult<JsValue> {
    let Certificates(certs) = Certificates::try_from(&chain)?;
    to_js(&InfoRow::of(&certs))
}
