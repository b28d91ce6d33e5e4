//! The host's signature verifier: a JS function (Node's `node:crypto`, see
//! `node-verifier.cjs`) in place of the built-in pure-Rust one, installed by
//! `setNativeVerifier` and handed to the core with every call that verifies.

use super::error::JsResult;
use super::options::invalid;
use crate::check::memo::ChainMemo;
use crate::check::verdict::Verdict;
use crate::check::CheckOptions;
use crate::error::Result;
use crate::input::Part;
use crate::policy::Policy;
use crate::signature::algorithm::SignatureAlgorithm;
use crate::signature::verify::{RustCryptoVerifier, SignatureVerifier, VerifyOutcome};
use core::cell::RefCell;
use js_sys::{Array, Uint8Array};
use std::borrow::Cow;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The verifier of one call: the function `setNativeVerifier` installed, `f(algorithm,
/// spkiDer, message, signature, saltLength)` returning `true` (valid), `false` (invalid)
/// or `null` (unsupported), else the built-in pure-Rust one. A throw or any other value
/// counts as unsupported: never valid, never a trap.
pub(super) struct HostVerifier {
    function: Option<Rc<js_sys::Function>>,
}

impl SignatureVerifier for HostVerifier {
    fn verify(
        &self,
        algorithm: SignatureAlgorithm,
        key: &[u8],
        data: &[u8],
        sig: &[u8],
    ) -> VerifyOutcome {
        let Some(function) = &self.function else {
            return RustCryptoVerifier.verify(algorithm, key, data, sig);
        };
        let salt = match algorithm.salt_len() {
            Some(salt) => JsValue::from_f64(salt as f64),
            None => JsValue::UNDEFINED,
        };
        let args = Array::of5(
            &JsValue::from_str(&algorithm.name()),
            &Uint8Array::from(key),
            &Uint8Array::from(data),
            &Uint8Array::from(sig),
            &salt,
        );
        match function
            .apply(&JsValue::UNDEFINED, &args)
            .map(|v| v.as_bool())
        {
            Ok(Some(true)) => VerifyOutcome::Valid,
            Ok(Some(false)) => VerifyOutcome::Invalid,
            Ok(None) => VerifyOutcome::Unsupported(format!(
                "{algorithm} (the host verifier did not support it)"
            )),
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
fn installed() -> (u64, HostVerifier) {
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
pub(super) fn verifier() -> HostVerifier {
    installed().1
}

/// A `PinPolicy`'s memo of checked chains, with the installation of the host verifier
/// its paths were built with.
pub(super) struct PolicyMemo {
    /// `None`: to be set before the next check.
    installation: Option<u64>,
    memo: ChainMemo,
}

impl PolicyMemo {
    pub(super) fn new() -> PolicyMemo {
        PolicyMemo {
            installation: None,
            memo: ChainMemo::new(),
        }
    }

    /// `ChainMemo::check_numbered` with the verifier installed now.
    pub(super) fn check(
        &mut self,
        policy: &Policy,
        chain: &[Part],
        options: &CheckOptions,
    ) -> Result<(Option<u64>, Cow<'_, Verdict>)> {
        let (installation, verifier) = installed();
        if self.installation != Some(installation) {
            self.memo.set_verifier(Box::new(verifier));
            self.installation = Some(installation);
        }
        let verdict = self.memo.check_numbered(policy, chain, options);
        // A verifier installed while this check ran (from inside a JS verifier) built
        // paths of neither installation: the next check forgets them.
        if HOST_VERIFIER.with(|slot| slot.try_borrow().map_or(u64::MAX, |i| i.0)) != installation {
            self.installation = None;
        }
        verdict
    }
}

fn install(function: Option<js_sys::Function>) {
    HOST_VERIFIER.with(|slot| {
        if let Ok(mut installed) = slot.try_borrow_mut() {
            *installed = (installed.0.wrapping_add(1), function.map(Rc::new));
        }
    });
}

/// `setNativeVerifier(f)`: installs a host signature verifier for all later path
/// building; `null` goes back to the built-in pure-Rust one.
#[wasm_bindgen(js_name = setNativeVerifier)]
pub fn set_native_verifier(f: JsValue) -> JsResult<()> {
    if f.is_undefined() || f.is_null() {
        install(None);
        return Ok(());
    }
    let function = f.dyn_into::<js_sys::Function>().map_err(|_| {
        invalid(
            "verifier",
            "expected a function (algorithm, spkiDer, message, signature, saltLength) => true | false | null, or null",
        )
    })?;
    install(Some(function));
    Ok(())
}
