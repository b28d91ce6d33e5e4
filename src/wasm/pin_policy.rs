//! The `PinPolicy` class: a checked policy, its memo of recently checked chains, and the
//! version of the signed bundle it came from. Constructors read a policy from JSON, a
//! signed bundle, an HPKP header or another system's configuration; methods hand it to
//! the core.

use super::conversions::{
    self, source_text, string_of, to_js, Certificates, Entry, PlanInput, PolicyArg, ServedChain,
};
use super::error::JsResult;
use super::options::{invalid, Options};
use super::verifier::{verifier, PolicyMemo};
use crate::check::verdict::Verdict;
use crate::check::{check_policy, CheckOptions};
use crate::error::Error;
use crate::interop::Import;
use crate::policy::Policy;
use core::cell::RefCell;
use js_sys::{JsString, Reflect};
use std::borrow::Cow;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A checked pin policy.
#[wasm_bindgen]
pub struct PinPolicy {
    policy: Rc<Policy>,
    /// Recently checked chains (`crate::check::memo`).
    memo: RefCell<PolicyMemo>,
    /// The signed bundle's version when the policy came from one.
    bundle_version: Option<u64>,
    /// The last verdict `check` returned, with its JSON.
    verdict_text: RefCell<VerdictText>,
}

thread_local! {
    /// While a policy argument is serialised (`serialise`): `Some`, and `toJSON` hands
    /// its policy over here instead of building a document.
    static HANDOVER: RefCell<Option<Option<Rc<Policy>>>> = const { RefCell::new(None) };
}

/// `JSON.stringify(value)`, except that a `PinPolicy` given as the value itself puts its
/// policy in `handed_over` (the text is then empty): a policy passed as an argument is
/// shared, not written out and parsed again.
pub(super) fn serialise(
    value: &JsValue,
    handed_over: &mut Option<Rc<Policy>>,
) -> core::result::Result<JsString, JsValue> {
    let set = |state| {
        HANDOVER.with(|slot| {
            slot.try_borrow_mut()
                .map(|mut s| core::mem::replace(&mut *s, state))
        })
    };
    let Ok(outer) = set(Some(None)) else {
        return js_sys::JSON::stringify(value);
    };
    let text = js_sys::JSON::stringify(value);
    let taken = set(outer).ok().flatten().flatten();
    match (taken, text) {
        // `toJSON` answered `undefined` for the value itself: it was the `PinPolicy`.
        (Some(policy), Ok(text)) if text.is_undefined() => {
            *handed_over = Some(policy);
            Ok(JsString::from(""))
        }
        // A `PinPolicy` nested in another object: serialised as its document.
        (Some(_), _) => js_sys::JSON::stringify(value),
        (None, text) => text,
    }
}

impl PinPolicy {
    /// The JS verdict of `check`: its JSON text parsed, the text reused when the verdict
    /// is the last one (`number`: its number in the memo).
    fn answer(&self, number: Option<u64>, verdict: Cow<'_, Verdict>) -> JsResult<JsValue> {
        let Ok(mut verdict_text) = self.verdict_text.try_borrow_mut() else {
            return to_js(verdict.as_ref());
        };
        let text = verdict_text
            .json(number, verdict, serde_json::to_string)
            .map_err(|e| invalid("result", e.to_string()))?;
        js_sys::JSON::parse(text)
    }

    fn of(policy: Rc<Policy>) -> PinPolicy {
        PinPolicy {
            policy,
            memo: RefCell::new(PolicyMemo::new()),
            verdict_text: RefCell::default(),
            bundle_version: None,
        }
    }

    /// An imported policy as a JS `PinPolicy` with an own property `importFindings`
    /// (the findings of the import, `[]` when nothing was left behind).
    fn imported(import: Import) -> JsResult<JsValue> {
        let findings = to_js(&import.findings)?;
        let policy: JsValue = PinPolicy::of(Rc::new(import.policy)).into();
        Reflect::set(&policy, &"importFindings".into(), &findings)?;
        Ok(policy)
    }
}

#[wasm_bindgen]
impl PinPolicy {
    /// `new PinPolicy(policy)`: a JSON string, a policy document object or a `PinPolicy`;
    /// throws `POLICY_INVALID` with the JSON path of the fault.
    #[wasm_bindgen(constructor)]
    pub fn new(policy: JsValue) -> JsResult<PinPolicy> {
        Ok(PinPolicy::of(PolicyArg::try_from(&policy)?.0))
    }

    /// `PinPolicy.fromBundle(bundle, { root, now?, minVersion? })`: the verified bundle's
    /// policy, with `bundleVersion`.
    #[wasm_bindgen(js_name = fromBundle)]
    pub fn from_bundle(bundle: JsValue, options: JsValue) -> JsResult<PinPolicy> {
        let verified = conversions::verified_bundle(&bundle, &options)?;
        let mut policy = PinPolicy::of(Rc::new(verified.policy));
        policy.bundle_version = Some(verified.version);
        Ok(policy)
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
        let options = Options::read(&options, &["now"])?;
        let noted_at = match options.get("now") {
            Some(v) if v.is_null() => None,
            _ => Some(options.now()?),
        };
        let header = string_of(&header, "header", "must be a string")?;
        let hostname = string_of(&hostname, "hostname", "must be a string")?;
        let policy = crate::interop::hpkp::from_hpkp_header(&header, &hostname, false, noted_at)?;
        Ok(PinPolicy::of(Rc::new(policy)))
    }

    /// `PinPolicy.fromAndroidNsc(xml, { lenient? })`: the pins of an Android
    /// `network_security_config.xml`. Strict by default (anything but the
    /// `<domain-config>`/`<domain>`/`<pin-set>` subset is `NSC_INVALID`); `lenient: true`
    /// imports the pin-sets and lists the rest in `importFindings` (`crate::interop`).
    #[wasm_bindgen(js_name = fromAndroidNsc)]
    pub fn from_android_nsc(xml: JsValue, options: JsValue) -> JsResult<JsValue> {
        let options = Options::read(&options, &["lenient"])?;
        let lenient = options.bool("lenient")?.unwrap_or(false);
        let limit = crate::limits::MAX_NSC_BYTES;
        let xml = source_text(&xml, "xml", limit, || Error::NscInvalid {
            reason: format!("over the limit of {limit} bytes"),
        })?;
        PinPolicy::imported(crate::interop::android_nsc::import_android_nsc_choosing(
            &xml, lenient,
        )?)
    }

    /// `PinPolicy.fromOkHttp(source)`: the `CertificatePinner.Builder().add(pattern,
    /// pins…)` calls of Kotlin or Java source; `OKHTTP_INVALID` names the line.
    #[wasm_bindgen(js_name = fromOkHttp)]
    pub fn from_okhttp(source: JsValue) -> JsResult<JsValue> {
        let limit = crate::limits::MAX_OKHTTP_BYTES;
        let source = source_text(&source, "source", limit, || Error::OkHttpInvalid {
            line: None,
            reason: format!("the source is over the limit of {limit} bytes"),
        })?;
        PinPolicy::imported(crate::interop::import_okhttp(&source)?)
    }

    /// `PinPolicy.fromTrustKit(config)`: a TrustKit configuration as JSON text or an
    /// object (the whole configuration or its `kTSKPinnedDomains`); `TRUSTKIT_INVALID`
    /// names the key.
    #[wasm_bindgen(js_name = fromTrustKit)]
    pub fn from_trustkit(config: JsValue) -> JsResult<JsValue> {
        let text = conversions::trustkit_text(&config)?;
        PinPolicy::imported(crate::interop::import_trustkit(&text)?)
    }

    /// The version of the bundle this policy came from; `undefined` for a policy that did
    /// not come from a bundle.
    #[wasm_bindgen(getter = bundleVersion)]
    pub fn bundle_version(&self) -> Option<f64> {
        self.bundle_version.map(|v| v as f64)
    }

    /// `policy.check(chain, { hostname, port?, now?, verifySignatures?, clockSkewSeconds? })`.
    pub fn check(&self, chain: JsValue, options: JsValue) -> JsResult<JsValue> {
        let options = CheckOptions::try_from(&options)?;
        let ServedChain(chain) = ServedChain::try_from(&chain)?;
        // A JS verifier that checks with this same policy re-enters here while the memo
        // is in use: that inner check runs without it.
        let Ok(mut memo) = self.memo.try_borrow_mut() else {
            let verdict = check_policy(&self.policy, &chain, &options, &verifier())?;
            return self.answer(None, Cow::Owned(verdict));
        };
        let (number, verdict) = memo.check(&self.policy, &chain, &options)?;
        self.answer(number, verdict)
    }

    /// `policy.lint({ now?, chain? })`: findings with stable codes.
    pub fn lint(&self, options: JsValue) -> JsResult<JsValue> {
        let options = Options::read(&options, &["now", "chain"])?;
        let now = options.now()?;
        let certs = options
            .get("chain")
            .map(Certificates::try_from)
            .transpose()?;
        let chain = certs.as_ref().map(|Certificates(certs)| certs.as_slice());
        to_js(&crate::policy::lint::lint(
            &self.policy,
            now,
            chain,
            &verifier(),
        ))
    }

    /// `policy.lookup(hostname)`: `{ host, includeSubdomains, pins, expires, mode,
    /// reportUri }` of the entry that applies (most specific wins, as in `check`), or
    /// `null` when the name is not pinned. Any spelling of a name or IP address is
    /// canonicalised first; an invalid name throws `INVALID_ARGUMENT`.
    pub fn lookup(&self, hostname: JsValue) -> JsResult<JsValue> {
        let hostname = string_of(&hostname, "hostname", "must be a string")?;
        match self.policy.lookup(&hostname)? {
            Some(entry) => to_js(&Entry::from(&entry)),
            None => Ok(JsValue::NULL),
        }
    }

    /// `policy.plan({ chains: { [host]: ChainInput }, now?, updateLagDays? })`: per host,
    /// the lockout date and the steps of a safe rotation (`crate::plan`).
    pub fn plan(&self, options: JsValue) -> JsResult<JsValue> {
        let input = PlanInput::try_from(&options)?;
        to_js(&crate::plan::plan(
            &self.policy,
            &input.chains,
            &input.options,
            &verifier(),
        )?)
    }

    /// `policy.toJSON()`: the canonical policy document.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> JsResult<JsValue> {
        let handed_over = HANDOVER.with(|slot| match slot.try_borrow_mut().as_deref_mut() {
            Ok(Some(taken)) => {
                *taken = Some(self.policy.clone());
                true
            }
            _ => false,
        });
        if handed_over {
            return Ok(JsValue::UNDEFINED);
        }
        to_js(&self.policy.to_document())
    }

    /// `policy.export(format)`: the policy in another system's configuration format.
    pub fn export(&self, format: JsValue) -> JsResult<String> {
        let format = string_of(&format, "format", "must be a string")?;
        Ok(crate::interop::export::export(&self.policy, &format)?)
    }
}

/// The last verdict serialised, with its number in the memo (if it has one) and its JSON
/// text.
#[derive(Default)]
pub(super) struct VerdictText {
    last: Option<(Option<u64>, Verdict, String)>,
}

impl VerdictText {
    /// The JSON text of `verdict`: the remembered text when `verdict` is the last verdict
    /// (the same `number` in the memo, or equal field by field), else
    /// `serialize(&verdict)` (remembered for the next call). A verdict with a report is
    /// never compared (a report holds JSON maps, whose equality need not imply the same key
    /// order); the memo numbers none.
    pub(super) fn json<E>(
        &mut self,
        number: Option<u64>,
        verdict: Cow<'_, Verdict>,
        serialize: impl FnOnce(&Verdict) -> core::result::Result<String, E>,
    ) -> core::result::Result<&str, E> {
        let reusable = match &mut self.last {
            Some((last_number, _, _)) if number.is_some() && *last_number == number => true,
            Some((last_number, last, _)) if verdict.report.is_none() && *last == *verdict => {
                *last_number = number;
                true
            }
            _ => false,
        };
        if !reusable {
            let text = serialize(&verdict)?;
            self.last = Some((number, verdict.into_owned(), text));
        }
        Ok(self
            .last
            .as_ref()
            .map(|(_, _, text)| text.as_str())
            .unwrap_or_default())
    }
}
