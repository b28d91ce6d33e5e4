//! The wasm boundary: the only module that touches `wasm_bindgen` and `js_sys`. It
//! converts JS values to core types and back, turns `Error` into a JS `Error` named
//! `CertpinError`, and reads the clock (`Date.now()`) when the caller gave none.

use crate::chain::{compute_pins, parse_chain, CertificateInfo};
use crate::error::{ContextValue, Error, Result, ERROR_CODES};
use crate::input::{Part, MAX_CERTIFICATES, MAX_INPUT_BYTES};
use crate::pin::{HashAlgorithm, Pin, PinFormat};
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
        .map(|(i, c)| CertificateInfo::new(c, i, c.looks_self_signed()))
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

