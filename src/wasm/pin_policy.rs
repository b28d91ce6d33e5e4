//! The `PinPolicy` class: a checked policy, its memo of recently checked chains, and the
//! version of the signed bundle it came from. Constructors read a policy from JSON, a
//! signed bundle, an HPKP header or another system's configuration; methods hand it to
//! the core.

use super::conversions::{
    self, source_text, string_of, to_js, Certificates, Entry, PlanInput, PolicyArg, ServedChain,
};
use super::error::JsResult;
use super::options::Options;
use super::verifier::{verifier, PolicyMemo};
use crate::check::verdict::{Matched, Verdict};
use crate::check::{check_policy, CheckOptions};
use crate::error::Error;
use crate::finding::Finding;
use crate::interop::Import;
use crate::policy::Policy;
use core::cell::RefCell;
use js_sys::{Array, JsString, Object, Reflect};
use std::borrow::Cow;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A checked pin policy.
#[wasm_bindgen]
pub struct PinPolicy {
    policy: Rc<Policy>,
    /// Recently checked chains (`crate::check::memo`).
    memo: RefCell<PolicyMemo>,
    /// The signed bundle's version when the policy came from one.
    bundle_version: Option<u64>,
    /// The last verdict `check` returned, with its JS object.
    last_verdict: RefCell<LastVerdict>,
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
    /// The JS verdict of `check`: a copy of the last verdict's object when `verdict` is
    /// the last verdict (`number`: its number in the memo), else its JSON text parsed.
    fn answer(&self, number: Option<u64>, verdict: Cow<'_, Verdict>) -> JsResult<JsValue> {
        match self.last_verdict.try_borrow_mut() {
            Ok(mut last) => last.answer(number, verdict),
            Err(_) => to_js(verdict.as_ref()),
        }
    }

    fn of(policy: Rc<Policy>) -> PinPolicy {
        PinPolicy {
            policy,
            memo: RefCell::new(PolicyMemo::new()),
            last_verdict: RefCell::default(),
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

/// The last verdict `check` returned without a report, with its number in the memo (if it
/// has one) and its JS object, never handed out: each answer is a copy of it.
#[derive(Default)]
pub(super) struct LastVerdict {
    last: Option<(Option<u64>, Verdict, VerdictObject)>,
}

impl LastVerdict {
    /// The JS object of `verdict`: a copy of the last one's when `verdict` is the last
    /// verdict (the same `number` in the memo, or equal field by field), else its JSON text
    /// parsed (and kept, when it has no report, for the next call). A verdict with a
    /// report is never compared (a report holds JSON maps, whose equality need not imply
    /// the same key order); the memo numbers none.
    pub(super) fn answer(
        &mut self,
        number: Option<u64>,
        verdict: Cow<'_, Verdict>,
    ) -> JsResult<JsValue> {
        match &mut self.last {
            Some((last_number, _, object)) if number.is_some() && *last_number == number => {
                return Ok(object.copy());
            }
            Some((last_number, last, object)) if verdict.report.is_none() && *last == *verdict => {
                *last_number = number;
                return Ok(object.copy());
            }
            _ => {}
        }
        let parsed = to_js(verdict.as_ref())?;
        if verdict.report.is_some() {
            self.last = None;
            return Ok(parsed);
        }
        let object = VerdictObject::of(parsed, &verdict);
        let copy = object.copy();
        self.last = Some((number, verdict.into_owned(), object));
        Ok(copy)
    }
}

#[wasm_bindgen]
extern "C" {
    /// A plain object certpin made.
    #[wasm_bindgen(extends = Object)]
    type PlainObject;
    /// `object[key] = value`, which cannot throw on a plain object.
    #[wasm_bindgen(method, structural, indexing_setter)]
    fn set(this: &PlainObject, key: &JsValue, value: &JsValue);
}

/// The fields of a verdict, a finding and a match, every one named: an object or array
/// added to them must be copied by [`VerdictObject::copy`] too (those of `Finding` and
/// `Matched` are all strings, numbers and booleans).
#[expect(dead_code, reason = "it only makes the compiler name every field")]
fn fields_copied(verdict: &Verdict, finding: &Finding, matched: &Matched) {
    let Verdict {
        ok: _,
        status: _,
        enforced: _,
        hostname: _,
        domain: _,
        matched: _,
        served_pins: _,
        verified_path: _,
        message: _,
        findings: _,
        report: _,
        report_key: _,
    } = verdict;
    let Finding {
        code: _,
        severity: _,
        message: _,
        cert_index: _,
    } = finding;
    let Matched {
        pin: _,
        cert_index: _,
        depth: _,
    } = matched;
}

/// The JS object of a verdict without a report, as `JSON.parse` made it, with its
/// objects and arrays, so that a copy as deep as `JSON.parse` would make is made without
/// reading them: the object's own properties copied in order, then each object or array
/// in it copied (the findings' and `matched`'s properties are all strings, numbers and
/// booleans).
pub(super) struct VerdictObject {
    verdict: Object,
    matched: Option<Object>,
    served_pins: Array,
    verified_path: Array,
    findings: Vec<Object>,
    /// The keys of the properties copied again: `matched`, `servedPins`,
    /// `verifiedPath`, `findings`.
    keys: [JsValue; 4],
}

impl VerdictObject {
    fn of(parsed: JsValue, verdict: &Verdict) -> VerdictObject {
        let Verdict {
            matched, findings, ..
        } = verdict;
        let keys = ["matched", "servedPins", "verifiedPath", "findings"].map(JsValue::from_str);
        let [matched_key, served_pins_key, verified_path_key, findings_key] = &keys;
        let get = |key: &JsValue| Reflect::get(&parsed, key).unwrap_or(JsValue::UNDEFINED);
        let findings_array: Array = get(findings_key).unchecked_into();
        VerdictObject {
            matched: matched.as_ref().map(|_| get(matched_key).unchecked_into()),
            served_pins: get(served_pins_key).unchecked_into(),
            verified_path: get(verified_path_key).unchecked_into(),
            findings: (0..findings.len())
                .map(|i| findings_array.get(i as u32).unchecked_into())
                .collect(),
            verdict: parsed.unchecked_into(),
            keys,
        }
    }

    /// A new object equal to the verdict's, sharing nothing with it.
    fn copy(&self) -> JsValue {
        let [matched_key, served_pins_key, verified_path_key, findings_key] = &self.keys;
        let verdict: PlainObject = Object::assign(&Object::new(), &self.verdict).unchecked_into();
        if let Some(matched) = &self.matched {
            verdict.set(matched_key, &Object::assign(&Object::new(), matched));
        }
        verdict.set(served_pins_key, &self.served_pins.slice(0, u32::MAX));
        verdict.set(verified_path_key, &self.verified_path.slice(0, u32::MAX));
        let findings = Array::new();
        for finding in &self.findings {
            findings.push(&Object::assign(&Object::new(), finding));
        }
        verdict.set(findings_key, &findings);
        verdict.into()
    }
}
