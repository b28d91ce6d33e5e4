//! The one reader of options objects. Each read from JS is a boundary crossing, so an
//! object's own enumerable properties are read once; the typed getters then look here
//! and name the option in their error.

use crate::error::{Error, Result};
use crate::time::UnixTime;
use core::cell::RefCell;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// An options object as read: `undefined` and `null` are no options.
pub(super) struct Options(Vec<(&'static str, JsValue)>);

/// An `INVALID_ARGUMENT` error naming `argument`.
pub(super) fn invalid(argument: &str, reason: impl Into<String>) -> Error {
    Error::InvalidArgument {
        argument: argument.into(),
        reason: reason.into(),
    }
}

impl Options {
    /// Reads an options object, refusing keys it does not know (a typo must not silently
    /// turn a check off).
    pub(super) fn read(value: &JsValue, known: &'static [&'static str]) -> Result<Options> {
        Options::read_known(value, known, None)
    }

    /// [`Options::read`], where `known_js` holds `known` as JS strings, in the same order:
    /// a key is found among them with one call (`indexOf`), without copying it into wasm.
    pub(super) fn read_known(
        value: &JsValue,
        known: &'static [&'static str],
        known_js: Option<&Array>,
    ) -> Result<Options> {
        if value.is_undefined() || value.is_null() {
            return Ok(Options(Vec::new()));
        }
        if !value.is_object() || Array::is_array(value) {
            return Err(invalid("options", "options must be an object"));
        }
        let object: &Object = value.unchecked_ref();
        let keys = Object::keys(object);
        let mut entries = Vec::new();
        for index in 0..keys.length() {
            let key = keys.get(index);
            let position = known_js.and_then(|js| usize::try_from(js.index_of(&key, 0)).ok());
            let name = match position.and_then(|p| known.get(p)) {
                Some(name) => *name,
                None => {
                    let text = key.as_string().unwrap_or_default();
                    let Some(name) = known.iter().find(|name| **name == text) else {
                        return Err(invalid(
                            "options",
                            format!(
                                "unknown option {text:?}; known options: {}",
                                known.join(", ")
                            ),
                        ));
                    };
                    *name
                }
            };
            let value = Reflect::get(object, &key).unwrap_or(JsValue::UNDEFINED);
            entries.push((name, value));
        }
        Ok(Options(entries))
    }

    /// The option's value; `undefined` counts as absent.
    pub(super) fn get(&self, key: &str) -> Option<&JsValue> {
        let Options(entries) = self;
        entries
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, value)| value)
            .filter(|v| !v.is_undefined())
    }

    pub(super) fn string(&self, key: &str) -> Result<Option<String>> {
        self.get(key)
            .map(|v| {
                v.as_string()
                    .ok_or_else(|| invalid(key, "must be a string"))
            })
            .transpose()
    }

    /// A string option read by the core type's parser (an algorithm, a policy name).
    pub(super) fn parsed<T: core::str::FromStr<Err = Error>>(
        &self,
        key: &str,
    ) -> Result<Option<T>> {
        self.string(key)?.map(|name| name.parse()).transpose()
    }

    pub(super) fn bool(&self, key: &str) -> Result<Option<bool>> {
        self.get(key)
            .map(|v| {
                v.as_bool()
                    .ok_or_else(|| invalid(key, "must be true or false"))
            })
            .transpose()
    }

    /// A whole number from 0 to `max`.
    pub(super) fn integer(&self, key: &str, max: f64) -> Result<Option<i64>> {
        self.get(key)
            .map(|v| match v.as_f64() {
                Some(n) if n.fract() == 0.0 && (0.0..=max).contains(&n) => Ok(n as i64),
                _ => Err(invalid(
                    key,
                    format!("must be a whole number from 0 to {}", max as u64),
                )),
            })
            .transpose()
    }

    /// `now` as a JS `Date` or a number of milliseconds; `Date.now()` when absent (the
    /// one place certpin reads a clock).
    pub(super) fn now(&self) -> Result<UnixTime> {
        match self.get("now") {
            None => Ok(UnixTime::from_millis(js_sys::Date::now() as i64)),
            Some(value) => UnixTime::try_from(value),
        }
    }
}

thread_local! {
    static JS_STRINGS: RefCell<Option<(usize, Array)>> = const { RefCell::new(None) };
}

/// `f` with `names` as an array of JS strings, made once for the one list of names the
/// check reads (the options of a check: finding a key among them is cheaper than copying
/// the key into wasm). Another list, or a list in use, gets none (`f(None)`).
pub(super) fn with_js_strings<R>(
    names: &'static [&'static str],
    f: impl FnOnce(Option<&Array>) -> R,
) -> R {
    JS_STRINGS.with(|cell| {
        let Ok(mut cell) = cell.try_borrow_mut() else {
            return f(None);
        };
        let id = names.as_ptr() as usize;
        let strings = cell.get_or_insert_with(|| {
            (
                id,
                names
                    .iter()
                    .map(|n| JsValue::from_str(n))
                    .collect::<Array>(),
            )
        });
        if strings.0 != id {
            return f(None);
        }
        f(Some(&strings.1))
    })
}
