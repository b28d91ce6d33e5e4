//! The one conversion of a core [`Error`] into a JS value, so that `?` in an export
//! throws it: a real JS `Error` named `CertpinError`, with `code` and the error's
//! context (`certIndex`, `path`, ...) as properties.

use crate::error::{ContextValue, Error, ERROR_CODES};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

/// What an export returns: its value, or the exception to throw.
pub(super) type JsResult<T> = core::result::Result<T, JsValue>;

impl From<Error> for JsValue {
    fn from(error: Error) -> JsValue {
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
}

/// `errorCodes()`: every code a `CertpinError` can carry.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes_js() -> Vec<String> {
    ERROR_CODES.iter().map(|c| (*c).to_string()).collect()
}
