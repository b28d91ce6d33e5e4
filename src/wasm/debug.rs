//! Exports for tests, the benchmark and troubleshooting: `wasmMemoryBytes`,
//! `verifyLinks`.

use super::conversions::{to_js, Certificates};
use super::error::JsResult;
use super::verifier;
use wasm_bindgen::prelude::*;

/// `wasmMemoryBytes()`: the size of the module's linear memory, for leak tests and the
/// benchmark (it only grows; a flat value over many calls means no leak).
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        (core::arch::wasm32::memory_size(0) as f64) * 65536.0
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// `verifyLinks(chain)`: every link the served names allow (certificate `child` names
/// certificate `issuer`'s subject as its issuer, itself included), verified with the
/// installed verifier within the path budget. At most 16 x 16 links.
#[wasm_bindgen(js_name = verifyLinks)]
pub fn verify_links_js(chain: JsValue) -> JsResult<JsValue> {
    let verifier = verifier::verifier();
    let Certificates(certs) = Certificates::try_from(&chain)?;
    to_js(&crate::chain::path::link_results(&certs, &verifier))
}
