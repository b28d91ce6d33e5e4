//! The wasm boundary: the only module that touches `wasm_bindgen` and `js_sys`. It
//! converts JS values to core types and back, turns `Error` into a JS `Error` named
//! `CertpinError`, and reads the clock (`Date.now()`) when the caller gave none.

use crate::chain::{compute_pins, parse_chain, CertificateInfo};
use crate::diagnose::{diagnose, DiagnoseOptions};
use crate::error::{ContextValue, Error, Result, ERROR_CODES};
use crate::input::{Part, MAX_CERTIFICATES, MAX_INPUT_BYTES};
use crate::pin::{HashAlgorithm, Pin, PinFormat};
use crate::verify::{
    installed_verifier, is_self_signed, reset_verifier, set_verifier, verify_link,
    SignatureAlgorithm, SignatureVerifier, VerifyOutcome,
};
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

type JsResult<T> = core::result::Result<T, JsValue>;

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

fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error(invalid("result", e.to_string())))
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
    let bytes = if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        Some(Uint8Array::new(buffer))
    } else if ArrayBuffer::is_view(value) {
        let view: &js_sys::DataView = value.unchecked_ref();
        Some(Uint8Array::new_with_byte_offset_and_length(
            &view.buffer(),
            view.byte_offset() as u32,
            view.byte_length() as u32,
        ))
    } else {
        None
    };
    match bytes {
        Some(bytes) => {
            let length = bytes.length() as usize;
            if length > *budget {
                return Err(too_large(MAX_INPUT_BYTES - *budget + length));
            }
            *budget -= length;
            Ok(Part::Bytes(bytes.to_vec()))
        }
        None => Err(invalid(
            "chain",
            "expected a string, a Uint8Array, an ArrayBuffer, or an array of those",
        )),
    }
}

/// Reads an options object, refusing keys it does not know (a typo must not silently
/// turn a check off).
fn options_of(value: &JsValue, known: &[&str]) -> Result<Option<Object>> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if !value.is_object() || Array::is_array(value) {
        return Err(invalid("options", "options must be an object"));
    }
    let object: Object = value.clone().unchecked_into();
    for key in Object::keys(&object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            return Err(invalid(
                "options",
                format!(
                    "unknown option {key:?}; known options: {}",
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(Some(object))
}

fn get(object: &Option<Object>, key: &str) -> Option<JsValue> {
    let object = object.as_ref()?;
    Reflect::get(object, &key.into())
        .ok()
        .filter(|v| !v.is_undefined())
}

fn string_option(object: &Option<Object>, key: &str) -> Result<Option<String>> {
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
    let infos: Vec<CertificateInfo> = certs
        .iter()
        .enumerate()
        .map(|(i, c)| CertificateInfo::new(c, i, is_self_signed(c)))
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

/// A JS function as a signature verifier: `f(algorithm, spkiDer, message, signature,
/// saltLength)` returning `true` (valid), `false` (invalid) or `null` (unsupported).
/// A throw or any other value counts as unsupported: never valid, never a trap.
struct JsVerifier {
    function: js_sys::Function,
}

impl SignatureVerifier for JsVerifier {
    fn verify(
        &self,
        algorithm: SignatureAlgorithm,
        issuer_spki_der: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> VerifyOutcome {
        let args = Array::new();
        args.push(&JsValue::from_str(&algorithm.name()));
        args.push(&Uint8Array::from(issuer_spki_der).into());
        args.push(&Uint8Array::from(message).into());
        args.push(&Uint8Array::from(signature).into());
        args.push(&match algorithm.salt_len() {
            Some(salt) => JsValue::from_f64(salt as f64),
            None => JsValue::UNDEFINED,
        });
        match self.function.apply(&JsValue::UNDEFINED, &args) {
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

/// `setNativeVerifier(f)`: installs a host signature verifier (Node's `node:crypto`,
/// see `node-verifier.cjs`) for all later path building; `null` goes back to the
/// built-in pure-Rust one.
#[wasm_bindgen(js_name = setNativeVerifier)]
pub fn set_native_verifier(f: JsValue) -> JsResult<()> {
    if f.is_undefined() || f.is_null() {
        reset_verifier();
        return Ok(());
    }
    match f.dyn_into::<js_sys::Function>() {
        Ok(function) => {
            set_verifier(Box::new(JsVerifier { function }));
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
    let verifier = installed_verifier();
    let mut results = vec![];
    for (child, c) in certs.iter().enumerate() {
        for (issuer, i) in certs.iter().enumerate() {
            if i.subject_der() != c.issuer_der() {
                continue;
            }
            let algorithm = SignatureAlgorithm::of_certificate(c)
                .map(|a| a.to_string())
                .unwrap_or_else(|name| name);
            let (result, reason) = match verify_link(c, i, verifier.as_ref()) {
                VerifyOutcome::Valid => ("valid", None),
                VerifyOutcome::Invalid => ("invalid", None),
                VerifyOutcome::Unsupported(why) => ("unsupported", Some(why)),
            };
            results.push(LinkResult {
                child,
                issuer,
                algorithm,
                result,
                reason,
            });
        }
    }
    to_js(&results)
}

/// Reads `now` (a Date or milliseconds since the epoch) as Unix seconds; default
/// `Date.now()`: the only place the core's clock comes from.
fn now_option(object: &Option<Object>) -> Result<i64> {
    let ms = match get(object, "now") {
        None => js_sys::Date::now(),
        Some(v) => {
            if let Some(date) = v.dyn_ref::<js_sys::Date>() {
                date.get_time()
            } else if let Some(n) = v.as_f64() {
                n
            } else {
                return Err(invalid(
                    "now",
                    "must be a Date or a number of milliseconds since the epoch",
                ));
            }
        }
    };
    if !ms.is_finite() || ms.abs() > 8.64e15 {
        return Err(invalid("now", "must be a valid date"));
    }
    Ok((ms / 1000.0).floor() as i64)
}

/// The most expected pins `diagnose` takes.
const MAX_EXPECTED_PINS: usize = 64;

/// `diagnose(chain, { hostname, now, pins })`: troubleshooting findings, most severe
/// first.
#[wasm_bindgen(js_name = diagnose)]
pub fn diagnose_js(chain: JsValue, options: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<Vec<crate::finding::Finding>> {
        let options = options_of(&options, &["hostname", "now", "pins"])?;
        let hostname = string_option(&options, "hostname")?;
        let now = now_option(&options)?;
        let expected_pins = match get(&options, "pins") {
            None => None,
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
        ))
    };
    let findings = run().map_err(js_error)?;
    to_js(&findings)
}
