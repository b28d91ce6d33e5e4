//! The wasm boundary: the only module that touches `wasm_bindgen` and `js_sys`. It
//! converts JS values to core types and back, turns `Error` into a JS `Error` named
//! `CertpinError`, and reads the clock (`Date.now()`) when the caller gave none.

use crate::chain::{compute_pins, parse_chain, CertificateInfo};
use crate::diagnose::{diagnose, DiagnoseOptions};
use crate::error::{ContextValue, Error, Result, ERROR_CODES};
use crate::input::Part;
use crate::limits::{MAX_CERTIFICATES, MAX_INPUT_BYTES};
use crate::pin::{HashAlgorithm, Pin, PinFormat};
use crate::signature::algorithm::SignatureAlgorithm;
use crate::signature::verify::{RustCryptoVerifier, SignatureVerifier, VerifyOutcome};
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use serde::Serialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// Signed policy bundles (issue 18).
mod bundle;
mod lookup;
mod plan;

type JsResult<T> = core::result::Result<T, JsValue>;

// Revocation (issue 21): checkOcsp, checkCrl, revocationInfo, the ocspResponse option.
mod interop;
mod revocation;

/// Turns a core error into a JS `Error` with `name`, `code` and context properties.
fn js_error(error: Error) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    js.set_name("CertpinError");
    let _ = Reflect::set(&js, &"code".into(), &error.code().into());
    for (key, value) in error.context() {
        let value = match value {
            ContextValue::Number(n) => JsValue::from_f64(n as f64),
            ContextValue::Text(t) => JsValue::from_str(&t),
        };
        let _ = Reflect::set(&js, &key.into(), &value);
    }
    js.into()
}

fn invalid(argument: &str, reason: impl Into<String>) -> Error {
    Error::InvalidArgument {
        argument: argument.into(),
        reason: reason.into(),
    }
}

/// A result as a plain JS value: serialised to JSON in wasm and parsed by the host's
/// `JSON.parse`, one string across the boundary (building the object value by value
/// through the boundary costs several times more; issue 9).
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let text =
        serde_json::to_string(value).map_err(|e| js_error(invalid("result", e.to_string())))?;
    js_sys::JSON::parse(&text)
}

/// Reads a `ChainInput` (SPEC.md) into parts, bounding sizes before copying anything.
fn parts_of(input: &JsValue) -> Result<Vec<Part>> {
    if input.is_undefined() || input.is_null() {
        return Err(invalid(
            "chain",
            "a chain is required: PEM text, DER bytes, or an array of certificates",
        ));
    }
    if Array::is_array(input) {
        let array: &Array = input.unchecked_ref();
        let length = array.length() as usize;
        if length > MAX_CERTIFICATES {
            return Err(Error::TooManyCertificates {
                count: length,
                limit: MAX_CERTIFICATES,
            });
        }
        let mut budget = MAX_INPUT_BYTES;
        return array
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let part = part_of(&item, &mut budget).map_err(|e| match e {
                    Error::InvalidArgument { reason, .. } => {
                        invalid(&format!("chain[{i}]"), reason)
                    }
                    other => other,
                })?;
                Ok(part)
            })
            .collect();
    }
    let mut budget = MAX_INPUT_BYTES;
    Ok(vec![part_of(input, &mut budget)?])
}

fn part_of(value: &JsValue, budget: &mut usize) -> Result<Part> {
    let too_large = |bytes: usize| Error::InputTooLarge {
        bytes,
        limit: MAX_INPUT_BYTES,
    };
    let mut take = |bytes: &Uint8Array| -> Result<Part> {
        let length = bytes.length() as usize;
        if length > *budget {
            return Err(too_large(MAX_INPUT_BYTES - *budget + length));
        }
        *budget -= length;
        Ok(Part::Bytes(bytes.to_vec()))
    };
    // Uint8Array (and Node's Buffer) first: the common case, one type check.
    if let Some(array) = value.dyn_ref::<Uint8Array>() {
        return take(array);
    }
    if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        return take(&Uint8Array::new(buffer));
    }
    if ArrayBuffer::is_view(value) {
        let view: &js_sys::DataView = value.unchecked_ref();
        return take(&Uint8Array::new_with_byte_offset_and_length(
            &view.buffer(),
            view.byte_offset() as u32,
            view.byte_length() as u32,
        ));
    }
    if let Some(text) = value.dyn_ref::<js_sys::JsString>() {
        // UTF-8 is at least as long as the UTF-16 length: refuse before copying.
        let units = text.length() as usize;
        if units > *budget {
            return Err(too_large(MAX_INPUT_BYTES - *budget + units));
        }
        let text: String = text.into();
        *budget = budget.saturating_sub(text.len());
        return Ok(Part::Text(text));
    }
    Err(invalid(
        "chain",
        "expected a string, a Uint8Array, an ArrayBuffer, or an array of those",
    ))
}

/// The own enumerable properties of an options object, read once (each read from JS is a
/// boundary crossing; `get` then looks here).
struct Options(Vec<(String, JsValue)>);

/// Reads an options object, refusing keys it does not know (a typo must not silently
/// turn a check off).
fn options_of(value: &JsValue, known: &[&str]) -> Result<Option<Options>> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if !value.is_object() || Array::is_array(value) {
        return Err(invalid("options", "options must be an object"));
    }
    let object: &Object = value.unchecked_ref();
    let mut entries = Vec::new();
    for key in Object::keys(object).iter() {
        let name = key.as_string().unwrap_or_default();
        if !known.contains(&name.as_str()) {
            return Err(invalid(
                "options",
                format!(
                    "unknown option {name:?}; known options: {}",
                    known.join(", ")
                ),
            ));
        }
        let value = Reflect::get(object, &key).unwrap_or(JsValue::UNDEFINED);
        entries.push((name, value));
    }
    Ok(Some(Options(entries)))
}

fn get(options: &Option<Options>, key: &str) -> Option<JsValue> {
    let Options(entries) = options.as_ref()?;
    entries
        .iter()
        .find(|(name, _)| name == key)
        .map(|(_, value)| value.clone())
        .filter(|v| !v.is_undefined())
}

fn string_option(object: &Option<Options>, key: &str) -> Result<Option<String>> {
    match get(object, key) {
        None => Ok(None),
        Some(v) => v
            .as_string()
            .map(Some)
            .ok_or_else(|| invalid(key, "must be a string")),
    }
}

/// `parseChain(input)`: every certificate of the input, described.
#[wasm_bindgen(js_name = parseChain)]
pub fn parse_chain_js(input: JsValue) -> JsResult<JsValue> {
    let certs = parse_chain(&parts_of(&input).map_err(js_error)?).map_err(js_error)?;
    // Self-signatures are checked within the path budget (issue 15 item 12).
    let flags = crate::chain::path::self_signed_flags(&certs, &verifier());
    let infos: Vec<CertificateInfo> = certs
        .iter()
        .zip(flags)
        .enumerate()
        .map(|(i, (c, self_signed))| CertificateInfo::new(c, i, self_signed))
        .collect();
    to_js(&infos)
}

/// `computePins(input, { algorithm })`: one pin per certificate, public key or CSR.
#[wasm_bindgen(js_name = computePins)]
pub fn compute_pins_js(input: JsValue, options: JsValue) -> JsResult<Vec<String>> {
    let run = || -> Result<Vec<String>> {
        let options = options_of(&options, &["algorithm"])?;
        let algorithm = match string_option(&options, "algorithm")? {
            Some(name) => name.parse()?,
            None => HashAlgorithm::Sha256,
        };
        let pins = compute_pins(&parts_of(&input)?, algorithm)?;
        Ok(pins.iter().map(Pin::to_string).collect())
    };
    run().map_err(js_error)
}

#[derive(Serialize)]
struct ParsedPin {
    algorithm: &'static str,
    base64: String,
    hex: String,
}

/// `parsePin(text)`: any pin format, decoded and length-checked.
#[wasm_bindgen(js_name = parsePin)]
pub fn parse_pin_js(text: JsValue) -> JsResult<JsValue> {
    let text = text
        .as_string()
        .ok_or_else(|| js_error(invalid("pin", "a pin must be a string")))?;
    let pin = Pin::parse(&text).map_err(js_error)?;
    to_js(&ParsedPin {
        algorithm: pin.algorithm().name(),
        base64: pin.base64(),
        hex: pin.hex(),
    })
}

/// `formatPin(pin, format)`: a pin in any format, rewritten in `format`.
#[wasm_bindgen(js_name = formatPin)]
pub fn format_pin_js(pin: JsValue, format: JsValue) -> JsResult<String> {
    let run = || -> Result<String> {
        let pin = pin
            .as_string()
            .ok_or_else(|| invalid("pin", "a pin must be a string"))?;
        let format: PinFormat = format
            .as_string()
            .ok_or_else(|| invalid("format", "a format must be a string"))?
            .parse()?;
        Pin::parse(&pin)?.format(format)
    };
    run().map_err(js_error)
}

/// `errorCodes()`: every code a `CertpinError` can carry.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes_js() -> Vec<String> {
    ERROR_CODES.iter().map(|c| (*c).to_string()).collect()
}

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

/// The verifier of one call: the function `setNativeVerifier` installed, `f(algorithm,
/// spkiDer, message, signature, saltLength)` returning `true` (valid), `false` (invalid)
/// or `null` (unsupported), else the built-in pure-Rust one. A throw or any other value
/// counts as unsupported: never valid, never a trap.
struct HostVerifier {
    function: Option<Rc<js_sys::Function>>,
}

impl SignatureVerifier for HostVerifier {
    fn verify(
        &self,
        algorithm: SignatureAlgorithm,
        issuer_spki_der: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> VerifyOutcome {
        let Some(function) = &self.function else {
            return RustCryptoVerifier.verify(algorithm, issuer_spki_der, message, signature);
        };
        let args = Array::new();
        args.push(&JsValue::from_str(&algorithm.name()));
        args.push(&Uint8Array::from(issuer_spki_der).into());
        args.push(&Uint8Array::from(message).into());
        args.push(&Uint8Array::from(signature).into());
        args.push(&match algorithm.salt_len() {
            Some(salt) => JsValue::from_f64(salt as f64),
            None => JsValue::UNDEFINED,
        });
        match function.apply(&JsValue::UNDEFINED, &args) {
            Ok(value) => match value.as_bool() {
                Some(true) => VerifyOutcome::Valid,
                Some(false) => VerifyOutcome::Invalid,
                None => VerifyOutcome::Unsupported(format!(
                    "{algorithm} (the host verifier did not support it)"
                )),
            },
            Err(_) => VerifyOutcome::Unsupported(format!("{algorithm} (the host verifier threw)")),
        }
    }
}

thread_local! {
    /// The function `setNativeVerifier` installed (`None`: the built-in verifier), and how
    /// many times one was installed or reset, so that a `PinPolicy` forgets the paths
    /// another verifier built.
    static HOST_VERIFIER: RefCell<(u64, Option<Rc<js_sys::Function>>)> =
        const { RefCell::new((0, None)) };
}

/// The installation count and the verifier for a call, cloned out: a verifier that calls
/// back into certpin (or installs another) finds nothing borrowed.
fn installed_verifier() -> (u64, HostVerifier) {
    HOST_VERIFIER.with(|slot| match slot.try_borrow() {
        Ok(installed) => (
            installed.0,
            HostVerifier {
                function: installed.1.clone(),
            },
        ),
        Err(_) => (u64::MAX, HostVerifier { function: None }),
    })
}

/// The verifier for a call.
fn verifier() -> HostVerifier {
    installed_verifier().1
}

fn install_verifier(function: Option<js_sys::Function>) {
    HOST_VERIFIER.with(|slot| {
        if let Ok(mut installed) = slot.try_borrow_mut() {
            *installed = (installed.0.wrapping_add(1), function.map(Rc::new));
        }
    });
}

/// `setNativeVerifier(f)`: installs a host signature verifier (Node's `node:crypto`,
/// see `node-verifier.cjs`) for all later path building; `null` goes back to the
/// built-in pure-Rust one.
#[wasm_bindgen(js_name = setNativeVerifier)]
pub fn set_native_verifier(f: JsValue) -> JsResult<()> {
    if f.is_undefined() || f.is_null() {
        install_verifier(None);
        return Ok(());
    }
    match f.dyn_into::<js_sys::Function>() {
        Ok(function) => {
            install_verifier(Some(function));
            Ok(())
        }
        Err(_) => Err(js_error(invalid(
            "verifier",
            "expected a function (algorithm, spkiDer, message, signature, saltLength) => true | false | null, or null",
        ))),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LinkResult {
    child: usize,
    issuer: usize,
    algorithm: String,
    result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// `verifyLinks(chain)`: every link the served names allow (certificate `child` names
/// certificate `issuer`'s subject as its issuer, itself included), verified with the
/// installed verifier. For tests and troubleshooting; at most 16 x 16 links.
#[wasm_bindgen(js_name = verifyLinks)]
pub fn verify_links_js(chain: JsValue) -> JsResult<JsValue> {
    let certs = parse_chain(&parts_of(&chain).map_err(js_error)?).map_err(js_error)?;
    let verifier = verifier();
    let mut results = vec![];
    // Within the path budget (issue 15 item 12): a link past it is not checked.
    for (child, issuer, outcome) in crate::chain::path::link_checks(&certs, &verifier) {
        let Some(c) = certs.get(child) else {
            continue;
        };
        let algorithm = SignatureAlgorithm::of_certificate(c)
            .map(|a| a.to_string())
            .unwrap_or_else(|name| name);
        let (result, reason) = match outcome {
            Some(VerifyOutcome::Valid) => ("valid", None),
            Some(VerifyOutcome::Invalid) => ("invalid", None),
            Some(VerifyOutcome::Unsupported(why)) => ("unsupported", Some(why)),
            None => (
                "unsupported",
                Some("not checked: the chain's signature checks exceed certpin's verification budget".to_string()),
            ),
        };
        results.push(LinkResult {
            child,
            issuer,
            algorithm,
            result,
            reason,
        });
    }
    to_js(&results)
}

/// The most expected pins `diagnose` takes.
const MAX_EXPECTED_PINS: usize = 64;

/// `diagnose(chain, { hostname, now, pins })`: troubleshooting findings, most severe
/// first.
#[wasm_bindgen(js_name = diagnose)]
pub fn diagnose_js(chain: JsValue, options: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<Vec<crate::finding::Finding>> {
        let options = options_of(&options, &["hostname", "now", "pins", "policy"])?;
        let hostname = string_option(&options, "hostname")?;
        let now = now_of(&options)?.div_euclid(1000);
        let from_policy = match get(&options, "policy") {
            None => None,
            Some(value) => {
                let policy = policy_of(&value)?;
                let host = hostname.as_deref().ok_or_else(|| {
                    invalid(
                        "hostname",
                        "diagnose needs the hostname to find the policy's entry",
                    )
                })?;
                let host = crate::names::host::normalize_hostname(host)?;
                // The pins that decide for this host: the active pins of its entry (none
                // when no entry pins the host).
                Some(policy.find(&host).map(|(_, entry)| {
                    entry
                        .pins
                        .iter()
                        .filter(|p| p.state == crate::policy::PinState::Active)
                        .map(|p| p.pin.clone())
                        .collect::<Vec<Pin>>()
                }))
            }
        };
        let expected_pins = match get(&options, "pins") {
            None => from_policy.flatten(),
            Some(_) if from_policy.is_some() => {
                return Err(invalid("options", "give either pins or policy, not both"))
            }
            Some(v) if Array::is_array(&v) => {
                let array: Array = v.unchecked_into();
                if array.length() as usize > MAX_EXPECTED_PINS {
                    return Err(invalid(
                        "pins",
                        format!("at most {} pins", MAX_EXPECTED_PINS),
                    ));
                }
                let pins = array
                    .iter()
                    .map(|p| {
                        p.as_string()
                            .ok_or_else(|| invalid("pins", "each pin must be a string"))
                            .and_then(|text| Pin::parse(&text))
                    })
                    .collect::<Result<Vec<Pin>>>()?;
                Some(pins)
            }
            Some(_) => return Err(invalid("pins", "must be an array of pin strings")),
        };
        let certs = parse_chain(&parts_of(&chain)?)?;
        Ok(diagnose(
            &certs,
            &DiagnoseOptions {
                hostname,
                now,
                expected_pins,
            },
            &verifier(),
        ))
    };
    let findings = run().map_err(js_error)?;
    to_js(&findings)
}

// ---- Pin policies (issue 3) ----

use crate::check::memo::ChainMemo;
use crate::check::{check_pins, check_policy, CheckOptions};
use crate::policy::Policy;

/// `now` as a JS `Date` or a number of milliseconds; `Date.now()` when absent (the one
/// place certpin reads a clock).
fn now_of(options: &Option<Options>) -> Result<i64> {
    let Some(value) = get(options, "now") else {
        return Ok(js_sys::Date::now() as i64);
    };
    let ms = if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        date.get_time()
    } else if let Some(n) = value.as_f64() {
        n
    } else {
        return Err(invalid(
            "now",
            "must be a Date or a number of milliseconds since the epoch",
        ));
    };
    // ECMAScript's time range: ±8.64e15 ms.
    if !ms.is_finite() || ms.abs() > 8.64e15 {
        return Err(invalid("now", "must be a valid date"));
    }
    Ok(ms.floor() as i64)
}

fn bool_option(object: &Option<Options>, key: &str) -> Result<Option<bool>> {
    match get(object, key) {
        None => Ok(None),
        Some(v) => v
            .as_bool()
            .map(Some)
            .ok_or_else(|| invalid(key, "must be true or false")),
    }
}

fn integer_option(object: &Option<Options>, key: &str, max: f64) -> Result<Option<i64>> {
    match get(object, key) {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if n.fract() == 0.0 && (0.0..=max).contains(&n) => Ok(Some(n as i64)),
            _ => Err(invalid(
                key,
                format!("must be a whole number from 0 to {}", max as u64),
            )),
        },
    }
}

fn check_options_of(options: &JsValue) -> Result<CheckOptions> {
    let options = options_of(
        options,
        &[
            "hostname",
            "port",
            "now",
            "verifySignatures",
            "clockSkewSeconds",
            "allowSha1",
            "minRsaBits",
            "allowUnknownCriticalExtensions",
            "allowCommonNameFallback",
            "ocspResponse",
            "ct",
        ],
    )?;
    let mut check = CheckOptions::at(now_of(&options)?);
    // Path semantics (issue 15): each relaxation explicit, never a default.
    check.rules.allow_sha1 = bool_option(&options, "allowSha1")?.unwrap_or(false);
    check.rules.allow_unknown_critical_extensions =
        bool_option(&options, "allowUnknownCriticalExtensions")?.unwrap_or(false);
    check.allow_common_name = bool_option(&options, "allowCommonNameFallback")?.unwrap_or(false);
    if let Some(bits) = integer_option(&options, "minRsaBits", 16384.0)? {
        let min = i64::from(crate::limits::MIN_RSA_BITS);
        let default = i64::from(crate::chain::path::DEFAULT_MIN_RSA_BITS);
        if !(min..=default).contains(&bits) {
            return Err(invalid(
                "minRsaBits",
                format!("must be from {min} (the smallest key certpin verifies) to {default}"),
            ));
        }
        check.rules.min_rsa_bits =
            u32::try_from(bits).unwrap_or(crate::chain::path::DEFAULT_MIN_RSA_BITS);
    }
    check.hostname = string_option(&options, "hostname")?;
    check.port = integer_option(&options, "port", 65535.0)?.and_then(|p| u16::try_from(p).ok());
    check.verify_signatures = bool_option(&options, "verifySignatures")?.unwrap_or(true);
    check.clock_skew_seconds = integer_option(
        &options,
        "clockSkewSeconds",
        crate::limits::MAX_CLOCK_SKEW_SECONDS as f64,
    )?
    .unwrap_or(0);
    check.ocsp_response = revocation::staple_of(&options)?;
    // Certificate Transparency (issue 20)
    check.ct = get(&options, "ct")
        .map(|v| ct::ct_check_of(&v))
        .transpose()?;
    Ok(check)
}

/// A chain where an empty array means "nothing was served" (status `no-chain`).
fn chain_parts(chain: &JsValue) -> Result<Vec<Part>> {
    if Array::is_array(chain) && chain.unchecked_ref::<Array>().length() == 0 {
        return Ok(Vec::new());
    }
    parts_of(chain)
}

/// `checkPins(chain, pins, options?)`: the chain against active pins matched anywhere on
/// the verified path; a `Verdict`.
#[wasm_bindgen(js_name = checkPins)]
pub fn check_pins_js(chain: JsValue, pins: JsValue, options: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<crate::check::verdict::Verdict> {
        let options = check_options_of(&options)?;
        if !Array::is_array(&pins) {
            return Err(invalid("pins", "must be an array of pin strings"));
        }
        let list = Array::from(&pins);
        if list.length() as usize > crate::limits::MAX_PINS_PER_DOMAIN {
            return Err(invalid(
                "pins",
                format!(
                    "over the limit of {} pins",
                    crate::limits::MAX_PINS_PER_DOMAIN
                ),
            ));
        }
        let pins = list
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let text = p
                    .as_string()
                    .ok_or_else(|| invalid(&format!("pins[{i}]"), "a pin must be a string"))?;
                Pin::parse(&text)
            })
            .collect::<Result<Vec<_>>>()?;
        check_pins(&chain_parts(&chain)?, &pins, &options, &verifier())
    };
    to_js(&run().map_err(js_error)?)
}

/// A checked pin policy (SPEC.md `PinPolicy`).
#[wasm_bindgen]
pub struct PinPolicy {
    policy: Policy,
    /// Recently checked chains (`crate::check::memo`), and the installation of the host
    /// verifier the memo checks with (`None`: to be set before the next check).
    memo: RefCell<(Option<u64>, ChainMemo)>,
    /// The signed bundle's version when the policy came from one (issue 18).
    bundle_version: Option<u64>,
}

impl PinPolicy {
    fn of(policy: Policy) -> PinPolicy {
        PinPolicy {
            policy,
            memo: RefCell::new((None, ChainMemo::new())),
            bundle_version: None,
        }
    }
}

/// Reads a policy from JSON text, a policy document object, or a `PinPolicy` (whose
/// `toJSON()` JSON.stringify calls), through the one strict parser.
fn policy_of(policy: &JsValue) -> Result<Policy> {
    if let Some(text) = policy.dyn_ref::<js_sys::JsString>() {
        // UTF-8 is at least as long as the UTF-16 length: refuse before copying.
        if text.length() as usize > crate::limits::MAX_POLICY_BYTES {
            return Err(Error::PolicyInvalid {
                path: "$".into(),
                reason: format!(
                    "the policy is over the limit of {} bytes",
                    crate::limits::MAX_POLICY_BYTES
                ),
            });
        }
    }
    let text = if let Some(text) = policy.as_string() {
        text
    } else if policy.is_object() {
        js_sys::JSON::stringify(policy)
            .map_err(|_| Error::PolicyInvalid {
                path: "$".into(),
                reason: "the policy object cannot be serialised as JSON".into(),
            })?
            .into()
    } else {
        return Err(Error::PolicyInvalid {
            path: "$".into(),
            reason: "the policy must be a JSON string or a policy document object".into(),
        });
    };
    Policy::from_json(&text)
}

#[wasm_bindgen]
impl PinPolicy {
    /// `new PinPolicy(policy)`: a JSON string or a policy document object; throws
    /// `POLICY_INVALID` with the JSON path of the fault.
    #[wasm_bindgen(constructor)]
    pub fn new(policy: JsValue) -> JsResult<PinPolicy> {
        Ok(PinPolicy::of(policy_of(&policy).map_err(js_error)?))
    }

    /// `PinPolicy.fromHpkpHeader(header, hostname, { now? })`: a one-entry policy from an
    /// HPKP header (`Public-Key-Pins-Report-Only: …` gives report mode). `max-age` counts
    /// from `now` (when the header was received; default `Date.now()`); `now: null` reads
    /// no clock and gives no `expires`.
    #[wasm_bindgen(js_name = fromHpkpHeader)]
    pub fn from_hpkp_header(
        header: JsValue,
        hostname: JsValue,
        options: JsValue,
    ) -> JsResult<PinPolicy> {
        let run = || -> Result<Policy> {
            let options = options_of(&options, &["now"])?;
            let noted_at = match get(&options, "now") {
                Some(v) if v.is_null() => None,
                _ => Some(now_of(&options)?),
            };
            let header = header
                .as_string()
                .ok_or_else(|| invalid("header", "must be a string"))?;
            let hostname = hostname
                .as_string()
                .ok_or_else(|| invalid("hostname", "must be a string"))?;
            crate::interop::hpkp::from_hpkp_header(&header, &hostname, false, noted_at)
        };
        Ok(PinPolicy::of(run().map_err(js_error)?))
    }

    /// `PinPolicy.fromAndroidNsc(xml, { lenient? })`: the pins of an Android
    /// `network_security_config.xml`. Strict by default (anything but the
    /// `<domain-config>`/`<domain>`/`<pin-set>` subset is `NSC_INVALID`); `lenient: true`
    /// imports the pin-sets and lists the rest in `importFindings` (`crate::interop`).
    #[wasm_bindgen(js_name = fromAndroidNsc)]
    pub fn from_android_nsc(xml: JsValue, options: JsValue) -> JsResult<JsValue> {
        interop::from_android_nsc(xml, options)
    }

    /// `policy.check(chain, { hostname, port?, now?, verifySignatures?, clockSkewSeconds? })`.
    pub fn check(&self, chain: JsValue, options: JsValue) -> JsResult<JsValue> {
        let run = || -> Result<crate::check::verdict::Verdict> {
            let options = check_options_of(&options)?;
            let chain = chain_parts(&chain)?;
            // A JS verifier that checks with this same policy re-enters here while the
            // memo is in use: that inner check runs without it.
            let Ok(mut memo) = self.memo.try_borrow_mut() else {
                return check_policy(&self.policy, &chain, &options, &verifier());
            };
            let (installed, verifier) = installed_verifier();
            let (memo_installed, memo) = &mut *memo;
            if *memo_installed != Some(installed) {
                memo.set_verifier(Box::new(verifier));
                *memo_installed = Some(installed);
            }
            let verdict = memo.check(&self.policy, &chain, &options);
            // A verifier installed while this check ran (from inside a JS verifier) built
            // paths of neither installation: the next check forgets them.
            if installed_verifier().0 != installed {
                *memo_installed = None;
            }
            verdict
        };
        to_js(&run().map_err(js_error)?)
    }

    /// `policy.lint({ now?, chain? })`: findings with stable codes.
    pub fn lint(&self, options: JsValue) -> JsResult<JsValue> {
        let run = || -> Result<Vec<crate::finding::Finding>> {
            let options = options_of(&options, &["now", "chain"])?;
            let now = now_of(&options)?;
            let certs = match get(&options, "chain") {
                None => None,
                Some(chain) => Some(parse_chain(&parts_of(&chain)?)?),
            };
            Ok(crate::policy::lint::lint(
                &self.policy,
                now,
                certs.as_deref(),
                &verifier(),
            ))
        };
        to_js(&run().map_err(js_error)?)
    }

    /// `policy.toJSON()`: the canonical policy document.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsResult<JsValue> {
        to_js(&self.policy.to_document())
    }

    /// `policy.export(format)`: the policy in another system's configuration format.
    pub fn export(&self, format: JsValue) -> JsResult<String> {
        let run = || -> Result<String> {
            let format = format
                .as_string()
                .ok_or_else(|| invalid("format", "must be a string"))?;
            crate::interop::export::export(&self.policy, &format)
        };
        run().map_err(js_error)
    }
}

// ---- Certificate Transparency (issue 20) ----
mod ct;
