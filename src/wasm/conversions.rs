//! JS values into core types (`TryFrom<&JsValue>`, one per argument kind) and core
//! results back into JS values. Every input is bounded before it is copied; every error
//! names the argument or option as the caller wrote it.

use super::error::JsResult;
use super::options::{invalid, with_js_strings, Options};
use super::pin_policy;
use super::verifier::verifier;
use crate::check::CheckOptions;
use crate::ct::{CtCheck, LogList};
use crate::diagnose::DiagnoseOptions;
use crate::error::{Error, Result};
use crate::input::Part;
use crate::limits::{self, MAX_CERTIFICATES, MAX_INPUT_BYTES};
use crate::pin::Pin;
use crate::policy::{DomainDocument, PinDocument, Policy};
use crate::revocation::RevocationOptions;
use crate::time::UnixTime;
use crate::x509::cert::Certificate;
use js_sys::{Array, ArrayBuffer, JsString, Uint8Array};
use serde::Serialize;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// A result as a plain JS value: serialised to JSON in wasm and parsed by the host's
/// `JSON.parse`, one string across the boundary (building the object value by value
/// through the boundary costs several times more).
pub(super) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let text = serde_json::to_string(value).map_err(|e| invalid("result", e.to_string()))?;
    js_sys::JSON::parse(&text)
}

/// A string argument; `reason` says what was expected.
pub(super) fn string_of(value: &JsValue, argument: &str, reason: &str) -> Result<String> {
    value.as_string().ok_or_else(|| invalid(argument, reason))
}

/// Renames the argument of an `INVALID_ARGUMENT` error (an item of a list), keeping
/// every other error as it is.
fn within(argument: impl FnOnce() -> String) -> impl FnOnce(Error) -> Error {
    |error| match error {
        Error::InvalidArgument { reason, .. } => invalid(&argument(), reason),
        other => other,
    }
}

// ---- Chains ----

/// A `ChainInput`: PEM text, DER bytes, or an array of those, read into parts with every
/// size bounded before anything is copied.
pub(super) struct ChainInput(pub(super) Vec<Part>);

impl TryFrom<&JsValue> for ChainInput {
    type Error = Error;

    fn try_from(input: &JsValue) -> Result<ChainInput> {
        if input.is_undefined() || input.is_null() {
            return Err(invalid(
                "chain",
                "a chain is required: PEM text, DER bytes, or an array of certificates",
            ));
        }
        let mut budget = MAX_INPUT_BYTES;
        if !Array::is_array(input) {
            return Ok(ChainInput(vec![part_of(input, &mut budget)?]));
        }
        let array: &Array = input.unchecked_ref();
        let length = array.length() as usize;
        if length > MAX_CERTIFICATES {
            return Err(Error::TooManyCertificates {
                count: length,
                limit: MAX_CERTIFICATES,
            });
        }
        // By index: an array iterator asks for the length again at every step.
        (0..length)
            .map(|i| {
                part_of(&array.get(i as u32), &mut budget).map_err(within(|| format!("chain[{i}]")))
            })
            .collect::<Result<_>>()
            .map(ChainInput)
    }
}

/// `read` applied to the bytes of a Uint8Array (or Node's Buffer), an ArrayBuffer or
/// another view, before anything is copied; `None` for any other value.
fn byte_view<R>(value: &JsValue, read: impl FnOnce(&Uint8Array) -> R) -> Option<R> {
    // Uint8Array first: the common case, one type check.
    if let Some(array) = value.dyn_ref::<Uint8Array>() {
        return Some(read(array));
    }
    if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        return Some(read(&Uint8Array::new(buffer)));
    }
    if ArrayBuffer::is_view(value) {
        let view: &js_sys::DataView = value.unchecked_ref();
        return Some(read(&Uint8Array::new_with_byte_offset_and_length(
            &view.buffer(),
            view.byte_offset() as u32,
            view.byte_length() as u32,
        )));
    }
    None
}

fn part_of(value: &JsValue, budget: &mut usize) -> Result<Part> {
    let too_large = |bytes: usize| Error::InputTooLarge {
        bytes,
        limit: MAX_INPUT_BYTES,
    };
    let take = |bytes: &Uint8Array| {
        let length = bytes.length() as usize;
        if length > *budget {
            return Err(too_large(MAX_INPUT_BYTES - *budget + length));
        }
        *budget -= length;
        Ok(Part::Bytes(bytes.to_vec()))
    };
    if let Some(part) = byte_view(value, take) {
        return part;
    }
    if let Some(text) = value.dyn_ref::<JsString>() {
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

/// A chain as served on a connection: an empty array means nothing was served (the
/// verdict's status is then `no-chain`).
pub(super) struct ServedChain(pub(super) Vec<Part>);

impl TryFrom<&JsValue> for ServedChain {
    type Error = Error;

    fn try_from(chain: &JsValue) -> Result<ServedChain> {
        if Array::is_array(chain) && chain.unchecked_ref::<Array>().length() == 0 {
            return Ok(ServedChain(Vec::new()));
        }
        ChainInput::try_from(chain).map(|ChainInput(parts)| ServedChain(parts))
    }
}

/// The certificates of a `ChainInput`, parsed.
pub(super) struct Certificates(pub(super) Vec<Certificate>);

impl TryFrom<&JsValue> for Certificates {
    type Error = Error;

    fn try_from(chain: &JsValue) -> Result<Certificates> {
        let ChainInput(parts) = ChainInput::try_from(chain)?;
        crate::chain::parse_chain(&parts).map(Certificates)
    }
}

/// `ctDrift`'s certificates: an array whose elements are PEM text (one or more blocks)
/// or DER bytes, each read as a `ChainInput`; the core bounds and numbers them.
pub(super) struct DriftCertificates(pub(super) Vec<Certificate>);

impl TryFrom<&JsValue> for DriftCertificates {
    type Error = Error;

    fn try_from(certificates: &JsValue) -> Result<DriftCertificates> {
        if !Array::is_array(certificates) {
            return Err(invalid(
                "certificates",
                "must be an array of certificates (PEM text or DER bytes), e.g. those crt.sh lists for your names",
            ));
        }
        let list: &Array = certificates.unchecked_ref();
        let items = list.iter().enumerate().map(|(i, item)| {
            ChainInput::try_from(&item)
                .map(|ChainInput(parts)| parts)
                .map_err(within(|| format!("certificates[{i}]")))
        });
        crate::ct::drift_certificates(list.length() as usize, items).map(DriftCertificates)
    }
}

// ---- Pins ----

/// One pin argument, any pin format.
pub(super) struct PinArg(pub(super) Pin);

impl TryFrom<&JsValue> for PinArg {
    type Error = Error;

    fn try_from(pin: &JsValue) -> Result<PinArg> {
        Pin::parse(&string_of(pin, "pin", "a pin must be a string")?).map(PinArg)
    }
}

/// The argument `pins`, an array of pin strings, refused over `limit` pins (`over_limit`
/// says so) before any is read; `not_a_string` is the error of the `i`-th item.
fn pins_of(
    value: &JsValue,
    limit: usize,
    over_limit: impl FnOnce() -> String,
    not_a_string: impl Fn(usize) -> Error,
) -> Result<Vec<Pin>> {
    if !Array::is_array(value) {
        return Err(invalid("pins", "must be an array of pin strings"));
    }
    let list: &Array = value.unchecked_ref();
    if list.length() as usize > limit {
        return Err(invalid("pins", over_limit()));
    }
    list.iter()
        .enumerate()
        .map(|(i, p)| Pin::parse(&p.as_string().ok_or_else(|| not_a_string(i))?))
        .collect()
}

/// `checkPins`' pins: at most as many as one policy entry holds.
pub(super) struct PinList(pub(super) Vec<Pin>);

impl TryFrom<&JsValue> for PinList {
    type Error = Error;

    fn try_from(pins: &JsValue) -> Result<PinList> {
        let limit = limits::MAX_PINS_PER_DOMAIN;
        pins_of(
            pins,
            limit,
            || format!("over the limit of {limit} pins"),
            |i| invalid(&format!("pins[{i}]"), "a pin must be a string"),
        )
        .map(PinList)
    }
}

#[derive(Serialize)]
pub(super) struct ParsedPin {
    algorithm: &'static str,
    base64: String,
    hex: String,
}

impl From<&Pin> for ParsedPin {
    fn from(pin: &Pin) -> ParsedPin {
        ParsedPin {
            algorithm: pin.algorithm().name(),
            base64: pin.base64(),
            hex: pin.hex(),
        }
    }
}

// ---- JSON documents ----

/// The documents read from JSON arguments, each refused with its own error.
#[derive(Clone, Copy)]
pub(super) enum Document {
    Policy,
    Bundle,
    Root,
    LogList,
    TrustKit,
}

impl Document {
    /// This kind's error at the document's root (`$`).
    fn fault(self, reason: String) -> Error {
        let path = "$".into();
        match self {
            Document::Policy => Error::PolicyInvalid { path, reason },
            Document::Bundle => Error::BundleMalformed { path, reason },
            Document::Root => Error::RootMalformed { path, reason },
            Document::LogList => Error::LogListInvalid { path, reason },
            Document::TrustKit => Error::TrustKitInvalid { path, reason },
        }
    }
}

/// How one kind of JSON document argument is refused.
struct JsonKind<'a> {
    /// The document as messages name it ("policy", "log list").
    what: &'a str,
    /// Bytes it may take.
    limit: usize,
    /// Whether an array is serialised like an object (or is neither text nor object).
    arrays: bool,
    document: Document,
}

const POLICY: JsonKind = JsonKind {
    what: "policy",
    limit: limits::MAX_POLICY_BYTES,
    arrays: true,
    document: Document::Policy,
};

const LOG_LIST: JsonKind = JsonKind {
    what: "log list",
    limit: limits::MAX_LOG_LIST_BYTES,
    arrays: false,
    document: Document::LogList,
};

/// The JSON text of a document given as text (refused over the limit before it is
/// copied: UTF-8 is at least as long as the UTF-16 length) or as an object, serialised
/// once by `serialise` (the host's `JSON.stringify`); `None` when it is neither.
fn json_text(
    value: &JsValue,
    kind: &JsonKind,
    serialise: impl FnOnce(&JsValue) -> core::result::Result<JsString, JsValue>,
) -> Result<Option<String>> {
    let fault = |reason| kind.document.fault(reason);
    if let Some(text) = value.dyn_ref::<JsString>() {
        if text.length() as usize > kind.limit {
            return Err(fault(format!(
                "the {} is over the limit of {} bytes",
                kind.what, kind.limit
            )));
        }
        return Ok(Some(text.into()));
    }
    if value.is_object() && (kind.arrays || !Array::is_array(value)) {
        let text = serialise(value).map_err(|_| {
            fault(format!(
                "the {} object cannot be serialised as JSON",
                kind.what
            ))
        })?;
        return Ok(Some(text.into()));
    }
    Ok(None)
}

/// A policy argument: JSON text, a policy document object, or a `PinPolicy`, whose
/// policy is taken as it is (shared, not serialised and parsed again).
pub(super) struct PolicyArg(pub(super) Rc<Policy>);

impl TryFrom<&JsValue> for PolicyArg {
    type Error = Error;

    fn try_from(value: &JsValue) -> Result<PolicyArg> {
        let mut handed_over = None;
        let text = json_text(value, &POLICY, |object| {
            pin_policy::serialise(object, &mut handed_over)
        })?;
        if let Some(policy) = handed_over {
            return Ok(PolicyArg(policy));
        }
        let text = text.ok_or_else(|| {
            Document::Policy
                .fault("the policy must be a JSON string or a policy document object".into())
        })?;
        Ok(PolicyArg(Rc::new(Policy::from_json(&text)?)))
    }
}

/// A signed-bundle document (a bundle, a root, a `signed` object: `what`) as JSON text.
pub(super) fn bundle_document(value: &JsValue, what: &str, document: Document) -> Result<String> {
    let kind = JsonKind {
        what,
        limit: limits::MAX_BUNDLE_BYTES,
        arrays: false,
        document,
    };
    json_text(value, &kind, js_sys::JSON::stringify)?
        .ok_or_else(|| document.fault(format!("the {what} must be JSON text or a document object")))
}

/// `updateRoot`'s next roots: one root, or an array of roots, each the next version.
pub(super) struct NextRoots(pub(super) Vec<String>);

impl TryFrom<&JsValue> for NextRoots {
    type Error = Error;

    fn try_from(next: &JsValue) -> Result<NextRoots> {
        if !Array::is_array(next) {
            return Ok(NextRoots(vec![bundle_document(
                next,
                "next root",
                Document::Root,
            )?]));
        }
        let list: &Array = next.unchecked_ref();
        let limit = limits::MAX_ROOT_CHAIN;
        if list.length() as usize > limit {
            return Err(Document::Root.fault(format!("over the limit of {limit} roots per call")));
        }
        list.iter()
            .map(|r| bundle_document(&r, "next root", Document::Root))
            .collect::<Result<_>>()
            .map(NextRoots)
    }
}

thread_local! {
    /// The last log list read, by its JSON text: an adapter passes the same list on every
    /// connection, and reading it (JSON, base64, a SHA-256 per log) costs more than
    /// comparing the text.
    static LAST_LOG_LIST: core::cell::RefCell<Option<(String, Rc<LogList>)>> =
        const { core::cell::RefCell::new(None) };
}

/// A CT log list (v3 JSON) as text or an object, shared: the same text gives the same
/// parsed list.
pub(super) struct LogListArg(pub(super) Rc<LogList>);

impl TryFrom<&JsValue> for LogListArg {
    type Error = Error;

    fn try_from(value: &JsValue) -> Result<LogListArg> {
        let text = json_text(value, &LOG_LIST, js_sys::JSON::stringify)?.ok_or_else(|| {
            invalid(
                "logList",
                "pass the CT log list (v3 JSON) as a string or an object",
            )
        })?;
        let cached = LAST_LOG_LIST.with(|slot| {
            slot.try_borrow().ok().and_then(|last| {
                last.as_ref()
                    .filter(|(t, _)| *t == text)
                    .map(|(_, list)| list.clone())
            })
        });
        if let Some(list) = cached {
            return Ok(LogListArg(list));
        }
        let list = Rc::new(LogList::from_json(&text)?);
        LAST_LOG_LIST.with(|slot| {
            if let Ok(mut slot) = slot.try_borrow_mut() {
                *slot = Some((text, list.clone()));
            }
        });
        Ok(LogListArg(list))
    }
}

/// A text argument (an import's source), refused over `limit` bytes before it is
/// copied and again once its UTF-8 length is known.
pub(super) fn source_text(
    value: &JsValue,
    argument: &str,
    limit: usize,
    too_large: impl Fn() -> Error,
) -> Result<String> {
    if let Some(text) = value.dyn_ref::<JsString>() {
        // UTF-8 is at least as long as the UTF-16 length.
        if text.length() as usize > limit {
            return Err(too_large());
        }
    }
    let text = string_of(value, argument, "must be a string")?;
    if text.len() > limit {
        return Err(too_large());
    }
    Ok(text)
}

/// A TrustKit configuration as JSON text or an object (the whole configuration or its
/// `kTSKPinnedDomains`).
pub(super) fn trustkit_text(config: &JsValue) -> Result<String> {
    let limit = limits::MAX_TRUSTKIT_BYTES;
    let too_large = || {
        Document::TrustKit.fault(format!(
            "the configuration is over the limit of {limit} bytes"
        ))
    };
    if config.is_string() {
        return source_text(config, "config", limit, too_large);
    }
    let kind = JsonKind {
        what: "configuration",
        limit,
        arrays: true,
        document: Document::TrustKit,
    };
    let text = json_text(config, &kind, js_sys::JSON::stringify)?.ok_or_else(|| {
        invalid(
            "config",
            "must be TrustKit configuration JSON text or an object",
        )
    })?;
    if text.len() > limit {
        return Err(too_large());
    }
    Ok(text)
}

// ---- Bytes ----

/// DER bytes from a Uint8Array (or Buffer), an ArrayBuffer or another view; `bound`
/// refuses an oversized input before anything is copied.
pub(super) fn der_bytes(
    value: &JsValue,
    argument: &str,
    bound: fn(usize) -> Result<()>,
) -> Result<Vec<u8>> {
    let read = |array: &Uint8Array| {
        bound(array.length() as usize)?;
        Ok(array.to_vec())
    };
    byte_view(value, read).unwrap_or_else(|| {
        Err(invalid(
            argument,
            "must be DER bytes: a Uint8Array, a Buffer or an ArrayBuffer",
        ))
    })
}

// ---- Options ----

/// The option `now`: a JS `Date` or a number of milliseconds since the epoch, rounded
/// down to its millisecond.
impl TryFrom<&JsValue> for UnixTime {
    type Error = Error;

    fn try_from(value: &JsValue) -> Result<UnixTime> {
        // A finite number first: two calls that return scalars (`as_f64` writes through memory).
        let ms = if js_sys::Number::is_finite(value) {
            value.unchecked_ref::<js_sys::Number>().value_of()
        } else if let Some(date) = value.dyn_ref::<js_sys::Date>() {
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
        Ok(UnixTime::from_millis(ms.floor() as i64))
    }
}

/// `{ now?, clockSkewSeconds? }` of `checkOcsp` and `checkCrl`.
impl TryFrom<&JsValue> for RevocationOptions {
    type Error = Error;

    fn try_from(options: &JsValue) -> Result<RevocationOptions> {
        let options = Options::read(options, &["now", "clockSkewSeconds"])?;
        let mut revocation = RevocationOptions::at(options.now()?);
        if let Some(skew) = clock_skew(&options)? {
            revocation.clock_skew_seconds = skew;
        }
        Ok(revocation)
    }
}

/// `clockSkewSeconds`, when given.
fn clock_skew(options: &Options) -> Result<Option<i64>> {
    options.integer("clockSkewSeconds", limits::MAX_CLOCK_SKEW_SECONDS as f64)
}

/// The options of a check.
static CHECK_OPTIONS: [&str; 11] = [
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
];

/// The options of `checkPins` and `PinPolicy.check`. Each option given replaces the
/// core's default (`CheckOptions::at`); none relaxes anything unless given.
impl TryFrom<&JsValue> for CheckOptions {
    type Error = Error;

    fn try_from(options: &JsValue) -> Result<CheckOptions> {
        let options = with_js_strings(&CHECK_OPTIONS, |known_js| {
            Options::read_known(options, &CHECK_OPTIONS, known_js)
        })?;
        let mut check = CheckOptions::at_time(options.now()?);
        let rules = &mut check.rules;
        if let Some(allow) = options.bool("allowSha1")? {
            rules.allow_sha1 = allow;
        }
        if let Some(allow) = options.bool("allowUnknownCriticalExtensions")? {
            rules.allow_unknown_critical_extensions = allow;
        }
        if let Some(allow) = options.bool("allowCommonNameFallback")? {
            check.allow_common_name = allow;
        }
        if let Some(bits) = options.integer("minRsaBits", 16384.0)? {
            check.rules.set_min_rsa_bits(bits)?;
        }
        check.hostname = options.string("hostname")?;
        check.port = options
            .integer("port", 65535.0)?
            .and_then(|p| u16::try_from(p).ok());
        if let Some(verify) = options.bool("verifySignatures")? {
            check.verify_signatures = verify;
        }
        if let Some(skew) = clock_skew(&options)? {
            check.clock_skew_seconds = skew;
        }
        check.ocsp_response = match options.get("ocspResponse") {
            Some(v) if !v.is_null() => {
                Some(der_bytes(v, "ocspResponse", crate::revocation::bound_ocsp)?)
            }
            _ => None,
        };
        check.ct = options.get("ct").map(CtCheck::try_from).transpose()?;
        Ok(check)
    }
}

/// The check option `ct: { logList, policy? }`.
impl TryFrom<&JsValue> for CtCheck {
    type Error = Error;

    fn try_from(value: &JsValue) -> Result<CtCheck> {
        if !value.is_object() || Array::is_array(value) {
            return Err(invalid(
                "ct",
                "must be an object { logList, policy? } with the CT log list (v3 JSON)",
            ));
        }
        let options = Options::read(value, &["logList", "policy"])?;
        ct_check(&options, || {
            invalid(
                "ct",
                "ct.logList is required: the CT log list (v3 JSON) you trust",
            )
        })
    }
}

/// The log list (required: `missing` is the error without one) and the policy of CT
/// options.
fn ct_check(options: &Options, missing: impl FnOnce() -> Error) -> Result<CtCheck> {
    let log_list = options.get("logList").ok_or_else(missing)?;
    Ok(CtCheck {
        log_list: LogListArg::try_from(log_list)?.0,
        policy: options.parsed("policy")?.unwrap_or_default(),
    })
}

/// `verifyScts`' options `{ logList, now?, policy? }`.
pub(super) struct SctOptions {
    pub(super) ct: CtCheck,
    pub(super) now: UnixTime,
}

impl TryFrom<&JsValue> for SctOptions {
    type Error = Error;

    fn try_from(options: &JsValue) -> Result<SctOptions> {
        let options = Options::read(options, &["logList", "now", "policy"])?;
        let ct = ct_check(&options, || {
            invalid(
                "logList",
                "verifyScts needs { logList }: the CT log list (v3 JSON) you trust; certpin never fetches one",
            )
        })?;
        Ok(SctOptions {
            ct,
            now: options.now()?,
        })
    }
}

/// `diagnose`'s options `{ hostname?, now?, pins? | policy? }`; a policy gives the pins
/// of the entry that applies to the hostname (`crate::diagnose::expected_pins`).
impl TryFrom<&JsValue> for DiagnoseOptions {
    type Error = Error;

    fn try_from(options: &JsValue) -> Result<DiagnoseOptions> {
        let options = Options::read(options, &["hostname", "now", "pins", "policy"])?;
        let hostname = options.string("hostname")?;
        let now = options.now()?;
        let policy = options.get("policy").map(PolicyArg::try_from).transpose()?;
        let pins = options.get("pins").map(|pins| {
            move || {
                let limit = limits::MAX_EXPECTED_PINS;
                let each = |_| invalid("pins", "each pin must be a string");
                pins_of(pins, limit, || format!("at most {limit} pins"), each)
            }
        });
        let expected_pins = crate::diagnose::expected_pins(
            policy.as_ref().map(|PolicyArg(policy)| &**policy),
            hostname.as_deref(),
            pins,
        )?;
        Ok(DiagnoseOptions {
            hostname,
            now,
            expected_pins,
        })
    }
}

/// `policy.plan`'s options `{ chains: { [host]: ChainInput }, now?, updateLagDays? }`.
pub(super) struct PlanInput {
    pub(super) chains: Vec<(String, Vec<Certificate>)>,
    pub(super) options: crate::plan::PlanOptions,
}

impl TryFrom<&JsValue> for PlanInput {
    type Error = Error;

    fn try_from(options: &JsValue) -> Result<PlanInput> {
        use crate::limits::{MAX_PLAN_HOSTS, MAX_UPDATE_LAG_DAYS};
        use js_sys::{Object, Reflect};
        let options = Options::read(options, &["chains", "now", "updateLagDays"])?;
        let mut plan = crate::plan::PlanOptions::at(options.now()?);
        if let Some(days) = options.integer("updateLagDays", MAX_UPDATE_LAG_DAYS as f64)? {
            plan.update_lag_days = days;
        }
        let chains = options.get("chains").ok_or_else(|| {
            invalid(
                "chains",
                "plan needs { chains: { \"host\": chain } }: the chain each host serves now",
            )
        })?;
        if !chains.is_object() || Array::is_array(chains) {
            return Err(invalid(
                "chains",
                "must be an object mapping each host to the chain it serves",
            ));
        }
        let object: &Object = chains.unchecked_ref();
        let keys = Object::keys(object);
        if keys.length() as usize > MAX_PLAN_HOSTS {
            return Err(invalid(
                "chains",
                format!("over the limit of {MAX_PLAN_HOSTS} hosts per plan: plan them in parts"),
            ));
        }
        let mut parsed = Vec::new();
        for key in keys.iter() {
            let host = key.as_string().unwrap_or_default();
            let chain = Reflect::get(object, &key).unwrap_or(JsValue::UNDEFINED);
            parsed.push((host, Certificates::try_from(&chain)?.0));
        }
        Ok(PlanInput {
            chains: parsed,
            options: plan,
        })
    }
}

/// `verifyBundle` and `PinPolicy.fromBundle`: the bundle, and the options `{ root, now?,
/// minVersion? }`.
pub(super) fn verified_bundle(
    bundle: &JsValue,
    options: &JsValue,
) -> Result<crate::bundle::VerifiedBundle> {
    let options = Options::read(options, &["root", "now", "minVersion"])?;
    let root = options.get("root").ok_or_else(|| {
        invalid(
            "root",
            "a trust root is required: verifyBundle(bundle, { root })",
        )
    })?;
    let root = bundle_document(root, "root", Document::Root)?;
    let bundle = bundle_document(bundle, "bundle", Document::Bundle)?;
    // `integer` bounds it to 0..=MAX_VERSION, so the conversion to u64 cannot fail.
    let min_version = options.integer("minVersion", limits::MAX_VERSION as f64)?;
    let mut bundle_options = crate::bundle::BundleOptions::at(options.now()?);
    if let Some(version) = min_version {
        bundle_options.min_version = u64::try_from(version).unwrap_or(0);
    }
    crate::bundle::verify_bundle(&bundle, &root, bundle_options, &verifier())
}

// ---- Results ----

/// `verifyBundle`'s result.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct BundleResult {
    policy: serde_json::Value,
    version: u64,
    issued_at: String,
    expires: String,
    signed_by: Vec<String>,
}

impl TryFrom<crate::bundle::VerifiedBundle> for BundleResult {
    type Error = Error;

    fn try_from(verified: crate::bundle::VerifiedBundle) -> Result<BundleResult> {
        let policy = serde_json::from_str(&verified.policy_json).map_err(|e| {
            Error::BundlePolicyInvalid {
                path: "signed.policy".into(),
                reason: e.to_string(),
            }
        })?;
        Ok(BundleResult {
            policy,
            version: verified.version,
            issued_at: verified.issued_at,
            expires: verified.expires,
            signed_by: verified.signed_by,
        })
    }
}

/// A policy entry as the policy document writes it, `expires` and `reportUri` null when
/// unset (`policy.lookup`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Entry<'a> {
    host: &'a str,
    include_subdomains: bool,
    pins: &'a [PinDocument],
    expires: Option<&'a str>,
    mode: &'a str,
    report_uri: Option<&'a str>,
}

impl<'a> From<&'a DomainDocument> for Entry<'a> {
    fn from(d: &'a DomainDocument) -> Self {
        Entry {
            host: &d.host,
            include_subdomains: d.include_subdomains,
            pins: &d.pins,
            expires: d.expires.as_deref(),
            mode: d.mode,
            report_uri: d.report_uri.as_deref(),
        }
    }
}

/// One row of `revocationInfo`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct InfoRow {
    cert_index: usize,
    #[serde(flatten)]
    info: crate::revocation::RevocationInfo,
}

impl InfoRow {
    pub(super) fn of(certs: &[Certificate]) -> Vec<InfoRow> {
        certs
            .iter()
            .enumerate()
            .map(|(cert_index, c)| InfoRow {
                cert_index,
                info: crate::revocation::revocation_info(c),
            })
            .collect()
    }
}
