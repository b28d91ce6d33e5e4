//! `pinFormats()` and `exportFormats()`: the crate's own lists of the formats `formatPin`
//! and `PinPolicy.prototype.export` take. The package build reads them once, so the
//! JavaScript lists (`PIN_FORMATS`, `EXPORT_FORMATS`, the CLI help, the pin page) and the
//! TypeScript unions are never typed by hand.

use crate::pin::PIN_FORMATS;
use crate::EXPORT_FORMATS;
use wasm_bindgen::prelude::*;

/// `pinFormats()`: every format `formatPin` writes.
#[wasm_bindgen(js_name = pinFormats)]
pub fn pin_formats() -> Vec<String> {
    PIN_FORMATS.iter().map(|f| (*f).to_string()).collect()
}

/// `exportFormats()`: every format `PinPolicy.prototype.export` writes.
#[wasm_bindgen(js_name = exportFormats)]
pub fn export_formats() -> Vec<String> {
    EXPORT_FORMATS.iter().map(|f| (*f).to_string()).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::pin::{Pin, PinFormat};

    #[test]
    fn every_listed_pin_format_is_one_format_pin_writes() {
        let pin = Pin::parse("sha256/ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=").unwrap();
        for name in pin_formats() {
            let format: PinFormat = name.parse().unwrap();
            assert!(pin.format(format).is_ok(), "{name}");
        }
        assert!("md5".parse::<PinFormat>().is_err());
    }
}
