//! Pins: `parsePin`, `formatPin`, and `checkPins` (a chain against a bare pin list).

use super::conversions::{string_of, to_js, ParsedPin, PinArg, PinList, ServedChain};
use super::error::JsResult;
use super::verifier::verifier;
use crate::check::CheckOptions;
use crate::pin::{Pin, PinFormat};
use wasm_bindgen::prelude::*;

/// `parsePin(text)`: any pin format, decoded and length-checked.
#[wasm_bindgen(js_name = parsePin)]
pub fn parse_pin_js(text: JsValue) -> JsResult<JsValue> {
    let PinArg(pin) = PinArg::try_from(&text)?;
    to_js(&ParsedPin::from(&pin))
}

/// `formatPin(pin, format)`: a pin in any format, rewritten in `format`.
#[wasm_bindgen(js_name = formatPin)]
pub fn format_pin_js(pin: JsValue, format: JsValue) -> JsResult<String> {
    let pin = string_of(&pin, "pin", "a pin must be a string")?;
    let format: PinFormat = string_of(&format, "format", "a format must be a string")?.parse()?;
    Ok(Pin::parse(&pin)?.format(format)?)
}

/// `checkPins(chain, pins, options?)`: the chain against active pins matched anywhere on
/// the verified path; a `Verdict`.
#[wasm_bindgen(js_name = checkPins)]
pub fn check_pins_js(chain: JsValue, pins: JsValue, options: JsValue) -> JsResult<JsValue> {
    let options = CheckOptions::try_from(&options)?;
    let PinList(pins) = PinList::try_from(&pins)?;
    let ServedChain(chain) = ServedChain::try_from(&chain)?;
    to_js(&crate::check::check_pins(
        &chain,
        &pins,
        &options,
        &verifier(),
    )?)
}
