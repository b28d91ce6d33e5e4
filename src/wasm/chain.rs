//! Certificates in, descriptions out: `parseChain`, `computePins`, `diagnose`.

use super::conversions::{to_js, Certificates, ChainInput};
use super::error::JsResult;
use super::options::Options;
use super::verifier;
use crate::diagnose::{diagnose, DiagnoseOptions};
use crate::pin::Pin;
use wasm_bindgen::prelude::*;

/// `parseChain(input)`: every certificate of the input, described.
#[wasm_bindgen(js_name = parseChain)]
pub fn parse_chain_js(input: JsValue) -> JsResult<JsValue> {
    let Certificates(certs) = Certificates::try_from(&input)?;
    to_js(&crate::chain::describe(&certs, &verifier::verifier()))
}

/// `computePins(input, { algorithm })`: one pin per certificate, public key or CSR.
#[wasm_bindgen(js_name = computePins)]
pub fn compute_pins_js(input: JsValue, options: JsValue) -> JsResult<Vec<String>> {
    let options = Options::read(&options, &["algorithm"])?;
    let algorithm = options.parsed("algorithm")?.unwrap_or_default();
    let ChainInput(parts) = ChainInput::try_from(&input)?;
    let pins = crate::chain::compute_pins(&parts, algorithm)?;
    Ok(pins.iter().map(Pin::to_string).collect())
}

/// `diagnose(chain, { hostname, now, pins | policy })`: troubleshooting findings, most
/// severe first.
#[wasm_bindgen(js_name = diagnose)]
pub fn diagnose_js(chain: JsValue, options: JsValue) -> JsResult<JsValue> {
    let options = DiagnoseOptions::try_from(&options)?;
    let Certificates(certs) = Certificates::try_from(&chain)?;
    to_js(&diagnose(&certs, &options, &verifier::verifier()))
}
