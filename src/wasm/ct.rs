//! Certificate Transparency: `verifyScts` and `ctDrift` (the check option `ct` is read
//! with the other check options). The decisions are `crate::ct`'s.

use super::conversions::{to_js, Certificates, DriftCertificates, PolicyArg, SctOptions};
use super::error::JsResult;
use super::options::Options;
use super::verifier::verifier;
use wasm_bindgen::prelude::*;

/// `verifyScts(chain, { logList, now?, policy? })`.
#[wasm_bindgen(js_name = verifyScts)]
pub fn verify_scts_js(chain: JsValue, options: JsValue) -> JsResult<JsValue> {
    let options = SctOptions::try_from(&options)?;
    let Certificates(certs) = Certificates::try_from(&chain)?;
    let verdict = crate::ct::verify_scts(
        &certs,
        &options.ct.log_list,
        options.now,
        options.ct.policy,
        &verifier(),
    );
    to_js(&verdict)
}

/// `ctDrift(policy, certificates, { now })`: `certificates` is an array whose elements
/// are PEM text (one or more blocks) or DER bytes; their certificates are numbered in
/// order (`certIndex`).
#[wasm_bindgen(js_name = ctDrift)]
pub fn ct_drift_js(policy: JsValue, certificates: JsValue, options: JsValue) -> JsResult<JsValue> {
    let options = Options::read(&options, &["now"])?;
    let now = options.now()?;
    let PolicyArg(policy) = PolicyArg::try_from(&policy)?;
    let DriftCertificates(certs) = DriftCertificates::try_from(&certificates)?;
    to_js(&crate::ct::ct_drift(&policy, &certs, now, &verifier()))
}
