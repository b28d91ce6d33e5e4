//! Every bound certpin puts on its inputs and its work, in one table. Each is enforced
//! where the input is read or the work is done (the file named in each section), and
//! each exceeded bound is an error or a finding that names it: nothing is truncated
//! silently. The README ("Bounds") gives the same numbers to JS users.

// ---- Input (`parseChain`, `computePins`, every chain argument): `input.rs` ----

/// Bytes accepted in one call, all parts together.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// Certificates (or keys) in one input.
pub const MAX_CERTIFICATES: usize = 16;

/// PEM blocks in one input, of any label.
pub const MAX_PEM_BLOCKS: usize = 16;

// ---- Pins: `pin.rs` ----

/// The longest pin text certpin reads; anything longer is not a pin.
pub const MAX_PIN_TEXT: usize = 512;

// ---- Host names: `names/host.rs` ----

/// Longest DNS name, in octets, without the trailing dot (RFC 1035 section 2.3.4).
pub const MAX_NAME_LEN: usize = 253;

/// Longest DNS label, in octets (RFC 1035 section 2.3.4).
pub const MAX_LABEL_LEN: usize = 63;

// ---- Policy documents: `policy.rs` ----

/// Bytes of policy JSON accepted.
pub const MAX_POLICY_BYTES: usize = 256 * 1024;

/// Entries in `domains`.
pub const MAX_DOMAINS: usize = 256;

/// Pins in one entry.
pub const MAX_PINS_PER_DOMAIN: usize = 64;

/// Characters in a `reportUri`.
pub const MAX_REPORT_URI_LEN: usize = 2048;

/// Characters in a `comment` (on the document, an entry or a pin).
pub const MAX_COMMENT_LEN: usize = 1024;

/// Characters in the document's `$schema`.
pub const MAX_SCHEMA_LEN: usize = 2048;

// ---- Signatures: `signature/verify.rs` ----

/// The longest RSA-PSS salt certpin accepts (the salt can never be longer than the key).
pub const MAX_PSS_SALT: usize = 1024;

/// RSA modulus sizes certpin verifies. Smaller keys can be factored (a forged link);
/// larger ones are refused to bound the work an input can cause.
pub const MIN_RSA_BITS: u32 = 1024;

/// See [`MIN_RSA_BITS`].
pub const MAX_RSA_BITS: u32 = 8192;

/// The largest RSA public exponent accepted (as `rsa` and *ring* do: RSA DoS).
pub const MAX_RSA_EXPONENT: u64 = (1 << 33) - 1;

// ---- Path building: `chain/path.rs` ----

/// The longest path built: the leaf and 9 signers above it (OkHttp and OpenSSL allow 9).
pub const MAX_PATH_LENGTH: usize = 10;

/// The most signature verifications one path building may run.
pub const MAX_SIGNATURE_CHECKS: usize = 64;

/// The most issuer candidates one path building may consider (bounds backtracking work
/// that needs no new signature check, e.g. many copies of the same certificates).
pub const MAX_CANDIDATE_STEPS: usize = 1024;

/// The verification cost one check may spend on path building (both builds of
/// `crate::check` together), in units of `crate::chain::path::link_cost` (one unit is about the cost of
/// an RSA-2048 check with exponent 65537). In the pure-Rust verifier (wasm in Node 22,
/// on the shared 2-core development machine, 2026-12-01) an RSA-2048 check measured
/// 0.7 to 1.0 ms, RSA-4096 3.8 ms, P-256 1.7 to 2.5 ms, P-384 4.7 to 7.2 ms, Ed25519
/// 0.2 to 0.7 ms, and RSA-8192 with e = 2^33 - 1 29 ms; with 48 units the worst inputs
/// (`npm run bench -- --budget`: 16 look-alikes with RSA-8192/e = 2^33 - 1, RSA-4096,
/// P-384 or P-256 keys) measured medians of 18 to 46 ms per check at a load average of
/// 8 on 2 cores. An honest chain costs 2 to 30 units.
pub const MAX_VERIFICATION_COST: u64 = 48;

/// The most rejected-candidate findings one path building reports.
pub const MAX_REJECTION_FINDINGS: usize = 32;

// ---- Checks and the memo: `check.rs`, `check/memo.rs` ----

/// The largest `clockSkewSeconds` accepted: one day. More would all but disable the
/// validity check.
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 86_400;

/// Chains remembered per policy.
pub const MEMO_CHAINS: usize = 32;

/// The largest input remembered (all parts together); real chains are 2 to 10 KB.
pub const MEMO_MAX_INPUT_BYTES: usize = 64 * 1024;

// ---- Imports of other systems' configurations: `interop/android_nsc.rs`, `interop/android_nsc/xml.rs`, `interop/hpkp.rs`, `interop/okhttp.rs`, `interop/trustkit.rs` ----

/// Longest network security config accepted by `import_android_nsc`.
pub const MAX_NSC_BYTES: usize = 256 * 1024;

/// Element nesting read from a network security config.
pub const MAX_XML_DEPTH: usize = 16;

/// Longest HPKP header accepted.
pub const MAX_HPKP_HEADER_BYTES: usize = 16 * 1024;

/// Bytes of OkHttp source (Kotlin or Java) accepted.
pub const MAX_OKHTTP_BYTES: usize = 256 * 1024;

/// `.add(…)` calls read from one source.
pub const MAX_OKHTTP_ADD_CALLS: usize = 1024;

/// Arguments of one `.add(…)` call (the pattern and its pins).
pub const MAX_ARGUMENTS: usize = 1 + MAX_PINS_PER_DOMAIN;

/// Bytes of TrustKit configuration JSON accepted.
pub const MAX_TRUSTKIT_BYTES: usize = 256 * 1024;

/// Report URIs read from one TrustKit domain.
pub const MAX_TRUSTKIT_REPORT_URIS: usize = 16;

// ---- Certificate Transparency: `ct/drift.rs`, `ct/loglist.rs`, `ct/sct.rs` ----

/// Certificates one `ctDrift` call takes (a crt.sh export for a busy domain holds a few
/// thousand).
pub const MAX_DRIFT_CERTIFICATES: usize = 4096;

/// Issuers tried above one leaf (a path is at most this long, leaf included).
pub const MAX_DRIFT_PATH: usize = 8;

/// Bytes of log list JSON accepted (Chrome's 2026 list is about 40 KB).
pub const MAX_LOG_LIST_BYTES: usize = 1024 * 1024;

/// Operators in one CT log list.
pub const MAX_OPERATORS: usize = 128;

/// Logs in one CT log list, over all operators.
pub const MAX_LOGS: usize = 1024;

/// Bytes of one log key (DER SPKI; an RSA 8192 key is about 1.1 KB).
pub const MAX_KEY_BYTES: usize = 4096;

/// Characters of a log or operator name or description kept.
pub const MAX_TEXT: usize = 512;

/// Previous operators of one log.
pub const MAX_PREVIOUS_OPERATORS: usize = 16;

/// The most SCTs one certificate may embed. Real certificates carry 2 to 5; each one
/// costs a signature verification, so the bound caps the work one input can cause.
pub const MAX_SCTS_PER_CERTIFICATE: usize = 16;

// ---- Revocation: `revocation.rs`, `revocation/info.rs` ----

/// The largest OCSP response accepted (real staples are 1 to 4 KB).
pub const MAX_OCSP_RESPONSE_BYTES: usize = 64 * 1024;

/// Certificates an OCSP response may carry (a responder sends its own, at most a few).
pub const MAX_OCSP_CERTS: usize = 4;

/// SingleResponses an OCSP response may carry.
pub const MAX_OCSP_SINGLE_RESPONSES: usize = 64;

/// The largest CRL accepted, in bytes.
pub const MAX_CRL_BYTES: usize = 8 * 1024 * 1024;

/// Revoked-certificate entries a CRL may hold.
pub const MAX_CRL_ENTRIES: usize = 200_000;

/// Revocation URLs (OCSP responders, CRL distribution points) reported per certificate
/// and kind.
pub const MAX_URLS: usize = 8;

// ---- Signed policy bundles: `bundle.rs`, `bundle/canonical.rs`, `bundle/envelope.rs` ----

/// The largest bundle or root document read (a policy is at most 256 KiB).
pub const MAX_BUNDLE_BYTES: usize = 320 * 1024;

/// The most signatures one document may carry, and the most keys a root may list.
pub const MAX_SIGNATURES: usize = 16;

/// See [`MAX_SIGNATURES`].
pub const MAX_ROOT_KEYS: usize = 16;

/// The largest version: versions are JSON numbers, exact up to 2^53 - 1.
pub const MAX_VERSION: u64 = MAX_SAFE_INTEGER as u64;

/// The most roots `update_root` follows in one call.
pub const MAX_ROOT_CHAIN: usize = 64;

/// The largest magnitude of a number in a signed document.
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// The longest base64 text accepted for a signature (an ECDSA P-256 DER signature is at
/// most 72 bytes, Ed25519 64) and for a public key (an SPKI of either is under 100 bytes;
/// the bound is larger so that an RSA key is named as unsupported, not as too long).
pub const MAX_SIG_BASE64: usize = 128;

/// See [`MAX_SIG_BASE64`].
pub const MAX_KEY_BASE64: usize = 2048;

// ---- Rotation plans: `plan.rs` ----

/// Hosts one plan may cover.
pub const MAX_PLAN_HOSTS: usize = 64;

/// The largest `updateLagDays`: ten years.
pub const MAX_UPDATE_LAG_DAYS: i64 = 3650;
