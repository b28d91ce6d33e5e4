//! The wasm boundary of revocation (issue 21): `checkOcsp`, `checkCrl`,
//! `revocationInfo`, and the `ocspResponse` check option. Decisions live in
//! `crate::revocation`.

use super::{
    get, integer_option, js_error, now_of, options_of, parts_of, to_js, JsResult, Options,
};
use crate::error::{Error, Result};
use crate::revocation::{
    bound_crl, bound_ocsp, check_crl, check_ocsp, revocation_info, RevocationOptions,
};
use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// DER bytes from a Uint8Array (or Buffer), an ArrayBuffer or another view; `bound`
/// refuses an oversized input before anything is copied.
fn bytes_of(value: &JsValue, argument: &str, bound: fn(usize) -> Result<()>) -> Result<Vec<u8>> {
    let array = if let Some(array) = value.dyn_ref::<Uint8Array>() {
        array.clone()
    } else if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        Uint8Array::new(buffer)
    } else if ArrayBuffer::is_view(value) {
        let view: &js_sys::DataView = value.unchecked_ref();
        Uint8Array::new_with_byte_offset_and_length(
            &view.buffer(),
            view.byte_offset() as u32,
            view.byte_length() as u32,
        )
    } else {
        return Err(Error::InvalidArgument {
            argument: argument.into(),
            reason: "must be DER bytes: a Uint8Array, a Buffer or an ArrayBuffer".into(),
        });
    };
    bound(array.length() as usize)?;
    Ok(array.to_vec())
}

fn revocation_options(options: &JsValue) -> Result<RevocationOptions> {
    let options = options_of(options, &["now", "clockSkewSeconds"])?;
    Ok(RevocationOptions {
        now_ms: now_of(&options)?,
        clock_skew_seconds: integer_option(
            &options,
            "clockSkewSeconds",
            crate::limits::MAX_CLOCK_SKEW_SECONDS as f64,
        )?
        .unwrap_or(0),
    })
}

/// The `ocspResponse` check option: the stapled response, or none (absent or null).
pub(super) fn staple_of(options: &Option<Options>) -> Result<Option<Vec<u8>>> {
    match get(options, "ocspResponse") {
        None => Ok(None),
        Some(v) if v.is_null() => Ok(None),
        Some(v) => bytes_of(&v, "ocspResponse", bound_ocsp).map(Some),
    }
}

/// `checkOcsp(chain, response, { now?, clockSkewSeconds? })`.
#[wasm_bindgen(js_name = checkOcsp)]
pub fn check_ocsp_js(chain: JsValue, response: JsValue, options: JsValue) -> JsResult<JsValue> {
    let run = || {
        let options = revocation_options(&options)?;
        let response = bytes_of(&response, "response", bound_ocsp)?;
        check_ocsp(&parts_of(&chain)?, &response, &options, &super::verifier())
    };
    to_js(&run().map_err(js_error)?)
}

/// `checkCrl(chain, crl, { now?, clockSkewSeconds? })`.
#[wasm_bindgen(js_name = checkCrl)]
pub fn check_crl_js(chain: JsValue, crl: JsValue, options: JsValue) -> JsResult<JsValue> {
    let run = || {
        let options = revocation_options(&options)?;
        let crl = bytes_of(&crl, "crl", bound_crl)?;
        check_crl(&parts_of(&chain)?, &crl, &options, &super::verifier())
    };
    to_js(&run().map_err(js_error)?)
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct InfoRow {
    cert_index: usize,
    #[serde(flatten)]
    info: crate::revocation::RevocationInfo,
}

/// `revocationInfo(chain)`: per certificate, its OCSP responder URLs, CRL distribution
/// points and whether it is must-staple.
#[wasm_bindgen(js_name = revocationInfo)]
pub fn revocation_info_js(chain: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<Vec<InfoRow>> {
        let certs = crate::chain::parse_chain(&parts_of(&chain)?)?;
        Ok(certs
            .iter()
            .enumerate()
            .map(|(cert_index, c)| InfoRow {
                cert_index,
                info: revocation_info(c),
            })
            .collect())
    };
    to_js(&run().map_err(js_error)?)
}
