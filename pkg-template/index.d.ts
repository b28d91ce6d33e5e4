// Type declarations for the certpin package: its public API. Every entry (Node ESM
// and CJS, Deno, browsers, workerd) exports exactly these names. Functions are synchronous and pure; bad input throws a CertpinError.
// Pinning adds to the TLS stack's own validation: it does not replace verifying the
// chain against trusted roots.

/**
 * Certificates as a host has them: PEM text (any number of blocks) or the base64 of one
 * DER certificate; DER bytes of one certificate or PEM bytes; or several certificates,
 * leaf first, as a TLS stack hands them out.
 */
export type ChainInput = string | Uint8Array | ArrayBuffer | Array<Uint8Array | string>;

/** Hash algorithm of a pin (RFC 7469 §2.4 uses SHA-256). */
export type PinAlgorithm = "sha256" | "sha384" | "sha512";

/** A point in time: a Date, or milliseconds since the Unix epoch. */
export type Instant = Date | number;

/** One certificate of the input, as RFC 5280 describes it. */
export interface CertificateInfo {
  /** Position in the input. */
  index: number;
  /** RFC 4514 string. */
  subject: string;
  /** RFC 4514 string. */
  issuer: string;
  /** Lowercase hex, no separators. */
  serialNumber: string;
  /** RFC 3339, UTC ("2027-01-01T00:00:00Z"). */
  notBefore: string;
  /** RFC 3339, UTC. */
  notAfter: string;
  dnsNames: string[];
  ipAddresses: string[];
  isCa: boolean;
  pathLength: number | null;
  selfSigned: boolean;
  /** "RSA" | "EC" | "Ed25519" | ... */
  keyAlgorithm: string;
  /** e.g. 2048 */
  keySize: number | null;
  /** e.g. "P-256" */
  curve: string | null;
  /** e.g. "sha256WithRSAEncryption", "ecdsa-with-SHA256" */
  signatureAlgorithm: string;
  /** The pin: "sha256/<standard padded base64>" of the SubjectPublicKeyInfo DER. */
  spkiSha256: string;
  /** SHA-256 of the whole DER certificate, lowercase hex. */
  fingerprintSha256: string;
  /** Lowercase hex. */
  subjectKeyId: string | null;
  /** Lowercase hex. */
  authorityKeyId: string | null;
}

export interface ComputePinsOptions {
  /** Default "sha256". */
  algorithm?: PinAlgorithm;
}

/** A decoded pin (RFC 7469 §2.4): the digest in both encodings. */
export interface ParsedPin {
  algorithm: PinAlgorithm;
  base64: string;
  hex: string;
}

/** Pin notations; see the package README for an example of each. */
export type PinFormat = /*@PIN_FORMATS_UNION@*/never;

/** Every PinFormat, in the order the package lists them, frozen. */
export const PIN_FORMATS: readonly PinFormat[];

export interface CheckOptions {
  hostname?: string;
  port?: number;
  /** Default: the current time (Date.now()). */
  now?: Instant;
  /** Default true: pins match only on the signature-verified path from the leaf. */
  verifySignatures?: boolean;
  /** Tolerance for the validity checks of the path's certificates, 0 (default) to 86400 seconds. */
  clockSkewSeconds?: number;
  /** Relaxations of the path rules, each off by default (README "What certpin verifies"). */
  /** Accept links signed with SHA-1 on the verified path (default false: `invalid-chain`). */
  allowSha1?: boolean;
  /** The smallest RSA key accepted on the path, 1024 to 2048 (default 2048). */
  minRsaBits?: number;
  /** Accept path certificates with critical extensions certpin does not recognise (default false). */
  allowUnknownCriticalExtensions?: boolean;
  /** Match the subject CN of a leaf that has no subjectAltName at all (default false). */
  allowCommonNameFallback?: boolean;
}

/** A non-fatal observation about a chain or a policy. */
export interface Finding {
  code: string;
  severity: "error" | "warning" | "info";
  message: string;
  certIndex?: number;
}

export type VerdictStatus =
  | "matched"
  | "mismatch"
  | "not-pinned"
  | "policy-expired"
  | "revoked"
  | "invalid-chain"
  | "hostname-mismatch"
  | "cert-expired"
  | "cert-revoked"
  | "no-chain"
  | "ct-insufficient";

/** RFC 7469 §3 pin validation failure report. */
export interface ViolationReport {
  "date-time": string;
  hostname: string;
  port: number;
  "effective-expiration-date": string;
  "include-subdomains": boolean;
  "noted-hostname": string;
  "served-certificate-chain": string[];
  "validated-certificate-chain": string[];
  "known-pins": string[];
}

/** The result of checking a chain against pins or a policy. */
export interface Verdict {
  /** May the host proceed. */
  ok: boolean;
  status: VerdictStatus;
  /** False in report mode and in fail-open states. */
  enforced: boolean;
  hostname: string | null;
  /** The policy entry's host that applied. */
  domain: string | null;
  matched: { pin: string; certIndex: number; depth: number } | null;
  /** sha256 pin of every served certificate, in input order. */
  servedPins: string[];
  /** Input indices of the signature-verified path, leaf first. */
  verifiedPath: number[];
  /** Human text listing the chain's pins with subjects, then the expected pins. */
  message: string;
  findings: Finding[];
  /** RFC 7469 §3 violation report, when the check failed or would have. */
  report: ViolationReport | null;
  /**
   * A stable dedupe key of `report` (lowercase hex SHA-256 of the report without its two
   * dates, plus the entry's report URI), so a host can send each distinct report once;
   * null exactly when `report` is null.
   */
  reportKey: string | null;
}

export type PinState = "active" | "candidate" | "revoked";
export type PinPosition = "any" | "leaf" | "ca";

export interface PolicyPin {
  pin: string;
  /** Default "active". */
  state?: PinState;
  /** Default "any". */
  position?: PinPosition;
}

export interface PolicyDomain {
  /** An exact name, "*.example.com" (one extra label) or "**.example.com" (zero or more). */
  host: string;
  includeSubdomains?: boolean;
  pins: Array<string | PolicyPin>;
  /** RFC 3339 instant, or a date meaning 00:00:00Z of that day. */
  expires?: string;
  /** Default "enforce". */
  mode?: "enforce" | "report";
  reportUri?: string;
}

/** The policy document (JSON). Unknown fields are errors (POLICY_INVALID). */
export interface PolicyDocument {
  version: 1;
  domains: PolicyDomain[];
}

/** The formats PinPolicy.prototype.export writes. */
export type PolicyExportFormat = /*@EXPORT_FORMATS_UNION@*/never;

/** Every PolicyExportFormat, frozen. */
export const EXPORT_FORMATS: readonly PolicyExportFormat[];

/** Every error code certpin throws. */
export type CertpinErrorCode = /*@ERROR_CODES_UNION@*/never;

/** Every error code certpin throws, frozen. */
export const ERROR_CODES: readonly CertpinErrorCode[];

/**
 * The error certpin throws for bad input or misuse. `err instanceof CertpinError` is
 * true for errors from any instance of the module (it tests `name`).
 */
export class CertpinError extends Error {
  /** `options.cause`, as for Error, is the error this one stands for. */
  constructor(message: string, code: CertpinErrorCode, options?: { cause?: unknown });
  readonly name: "CertpinError";
  readonly code: CertpinErrorCode;
  /** Index of the certificate in the input, where known. */
  readonly certIndex?: number;
  /** Index of the PEM block, where known. */
  readonly blockIndex?: number;
  /** Byte offset in the input, where known. */
  readonly offset?: number;
  /** JSON path in a policy document, where known. */
  readonly path?: string;
  static [Symbol.hasInstance](value: unknown): value is CertpinError;
}

export function parseChain(input: ChainInput): CertificateInfo[];

/**
 * One pin per certificate, "sha256/<base64>" (or sha384/, sha512/). The input may also
 * be a PUBLIC KEY PEM or a CERTIFICATE REQUEST PEM (backup keys with no certificate yet).
 */
export function computePins(input: ChainInput, options?: ComputePinsOptions): string[];

/** Accepts every PinFormat; decodes and checks the digest length (32/48/64 bytes). */
export function parsePin(text: string): ParsedPin;

export function formatPin(pin: string, format: PinFormat): string;

/** One-shot check of a chain against a list of pins. */
export function checkPins(chain: ChainInput, pins: string[], options?: CheckOptions): Verdict;

export function diagnose(
  chain: ChainInput,
  options?: {
    hostname?: string;
    now?: Instant;
    /** The policy whose entry for `hostname` gives the expected pins (needs `hostname`). */
    policy?: PinPolicy | PolicyDocument | string;
    /** Or the expected pins themselves (not with `policy`). */
    pins?: string[];
  },
): Finding[];

/** A checked pinning policy. Call free() when done with it (or let it be collected). */
export class PinPolicy {
  /** A string is parsed as JSON; throws POLICY_INVALID naming the JSON path. */
  constructor(policy: PolicyDocument | string);
  /**
   * max-age counts from `now` (when the header was received; default Date.now());
   * `now: null` reads no clock and writes no `expires`.
   */
  static fromHpkpHeader(header: string, hostname: string, options?: { now?: Instant | null }): PinPolicy;
  /**
   * The pins of an Android network_security_config.xml. Strict by default: anything but
   * <domain-config>/<domain>/<pin-set> is NSC_INVALID. With `lenient: true` the pin-sets
   * are imported and every other element (<base-config>, <trust-anchors>,
   * <debug-overrides>, cleartextTrafficPermitted, ...) is listed in `importFindings`.
   */
  static fromAndroidNsc(xml: string, options?: AndroidNscImportOptions): ImportedPinPolicy;
  check(chain: ChainInput, options: CheckOptions & { hostname: string }): Verdict;
  lint(options?: { now?: Instant; chain?: ChainInput }): Finding[];
  toJSON(): PolicyDocument;
  export(format: PolicyExportFormat): string;
  free(): void;
}

/** Every error code, from the wasm module itself. */
export function errorCodes(): CertpinErrorCode[];

/** Every pin format, from the wasm module itself. */
export function pinFormats(): PinFormat[];

/** Every policy export format, from the wasm module itself. */
export function exportFormats(): PolicyExportFormat[];

/**
 * Bytes of the wasm module's linear memory (it only grows). A diagnostic for leak tests
 * and benchmarks: a flat value over many calls means no leak.
 */
export function wasmMemoryBytes(): number;

/** Signature algorithms a host verifier is asked about. */
export type VerifierAlgorithm =
  | "rsa-pkcs1-sha1"
  | "rsa-pkcs1-sha256"
  | "rsa-pkcs1-sha384"
  | "rsa-pkcs1-sha512"
  | "rsa-pss-sha256"
  | "rsa-pss-sha384"
  | "rsa-pss-sha512"
  | "ecdsa-sha256"
  | "ecdsa-sha384"
  | "ecdsa-sha512"
  | "ed25519";

/**
 * A host signature verifier: true = valid, false = invalid, null = cannot check (the
 * link then counts as unsupported, never as valid). Called synchronously per link.
 */
export type NativeVerifier = (
  algorithm: VerifierAlgorithm,
  spkiDer: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  saltLength: number | undefined,
) => boolean | null;

/**
 * Installs a host verifier for path building (the Node and Deno entries install one on
 * node:crypto); `null` returns to the built-in pure-Rust verifier.
 */
export function setNativeVerifier(verifier: NativeVerifier | null): void;

/** One issuer-name link between two served certificates and its signature check. */
export interface LinkCheck {
  child: number;
  issuer: number;
  algorithm: string;
  result: "valid" | "invalid" | "unsupported";
  reason?: string;
}

/** Every served pair whose issuer and subject names match, with its signature check (troubleshooting). */
export function verifyLinks(chain: ChainInput): LinkCheck[];

/** Where `init` may load the wasm from (browser entry). */
export type InitSource =
  | string
  | URL
  | Request
  | Response
  | ArrayBuffer
  | ArrayBufferView
  | WebAssembly.Module;

/**
 * Browsers: loads the wasm (by default certpin_bg.wasm next to the entry) and must be
 * awaited once before anything else is called. Node, Deno and workerd load it when the
 * package is imported; there `init()` resolves at once, so isomorphic code may await it.
 */
export function init(source?: InitSource): Promise<void>;
export default init;

// ---- Fleet audit and rotation planning: policy.plan (crate::plan) ----

export interface PlanOptions {
  /** The chain each host serves now, leaf first. At most 64 hosts. */
  chains: { [host: string]: ChainInput };
  now?: Instant;
  /** Days a policy update needs to reach every client (default 30, at most 3650). */
  updateLagDays?: number;
}

export interface PlanStep {
  /** RFC 3339: the earliest instant the step may be taken. */
  at: string;
  /** RFC 3339: the latest instant it may be taken without a lockout (or failing open); null when nothing depends on it. */
  by: string | null;
  action:
    | "restore-service" | "fix-chain" | "add-issuer-pin" | "add-candidate" | "add-active"
    | "promote" | "deploy-chain" | "remove-old" | "renew-expires";
  detail: string;
  /** Lint findings of the entry as this step leaves it (empty when clean or when the step changes no policy). */
  lint: Finding[];
}

export interface HostPlan {
  host: string;
  /** The entry that applies, or null when the host is not pinned. */
  domain: string | null;
  /** The status of checking the served chain now. */
  status: Verdict["status"];
  /** RFC 3339: after it no active pin matches any chain the host serves now; null when nobody can be locked out. */
  lockoutAt: string | null;
  /** `lockoutAt` minus the update lag. */
  actBy: string | null;
  expires: string | null;
  pinned: Array<{ pin: string; certIndex: number; depth: number; subject: string; notAfter: string }>;
  steps: PlanStep[];
  findings: Finding[];
}

export interface Plan {
  now: string;
  updateLagDays: number;
  hosts: HostPlan[];
}

export interface PinPolicy {
  /** Per host: the lockout date and the dated steps of a key rotation that never locks clients out. */
  plan(options: PlanOptions): Plan;
}

// --- Adapters: the name that is pinned ----------------------------------------------

/** The policy entry that applies to a name, as `lookup` returns it. */
export interface PolicyEntry {
  host: string;
  includeSubdomains: boolean;
  pins: PolicyDomain["pins"];
  /** RFC 3339 instant, or null when the entry never expires. */
  expires: string | null;
  mode: "enforce" | "report";
  reportUri: string | null;
}

export interface PinPolicy {
  /**
   * The entry that applies to `hostname` (the one `check` would use), or null when the
   * name is not pinned. Any spelling is canonicalised first: `127.1`, `2130706433`,
   * `0x7f.0.0.1`, `0177.0.0.1` and `::ffff:127.0.0.1` all find a `127.0.0.1` entry.
   * An invalid name (`example.123`, `1.2.3.256`) throws INVALID_ARGUMENT.
   */
  lookup(hostname: string): PolicyEntry | null;
}

// ---- Revocation ----

export interface CheckOptions {
  /**
   * The OCSP response the server stapled (DER), e.g. from Node's 'OCSPResponse' event.
   * Checked according to the entry's `revocation` setting; a must-staple leaf needs one.
   */
  ocspResponse?: Uint8Array | ArrayBuffer | null;
}

export interface PolicyDomain {
  /**
   * Default "off": a staple is not looked at (unless the leaf is must-staple). "check": a
   * staple, when sent, must verify and must not say revoked (none: the check passes).
   * "require-staple": a valid stapled response that says good is required. Failures give
   * status "cert-revoked".
   */
  revocation?: "off" | "check" | "require-staple";
}

/** What an OCSP response or a CRL says about one certificate of the verified path. */
export interface RevocationResult {
  status: "good" | "revoked" | "unknown";
  /** Input index of the certificate it speaks for. */
  certIndex: number;
  thisUpdate: string;
  nextUpdate: string | null;
  revokedAt: string | null;
  /** RFC 5280 CRLReason name, e.g. "keyCompromise". */
  reason: string | null;
  responder: "issuer" | "delegated";
  findings: Finding[];
}

export interface RevocationCheckOptions {
  now?: Instant;
  clockSkewSeconds?: number;
}

/** Verifies an OCSP response (RFC 6960, DER) for a certificate of the chain's verified path; OCSP_INVALID otherwise. */
export function checkOcsp(chain: ChainInput, response: Uint8Array | ArrayBuffer, options?: RevocationCheckOptions): RevocationResult;
/** Verifies a CRL (RFC 5280, DER) issued by the issuer of a certificate of the chain's verified path; CRL_INVALID otherwise. */
export function checkCrl(chain: ChainInput, crl: Uint8Array | ArrayBuffer, options?: RevocationCheckOptions): RevocationResult;

/** The revocation information each certificate offers. */
export interface RevocationInfo {
  certIndex: number;
  /** AIA id-ad-ocsp URLs. */
  ocspUrls: string[];
  /** CRL distribution point URLs. */
  crlUrls: string[];
  /** TLS feature status_request (RFC 7633). */
  mustStaple: boolean;
}
export function revocationInfo(chain: ChainInput): RevocationInfo[];

// ---- Certificate Transparency ----

/** One SCT embedded in a certificate (RFC 6962 §3.3), as `parseChain` shows it. */
export interface SctSummary {
  /** Standard base64 of the log id (SHA-256 of the log's SPKI). */
  logId: string;
  /** RFC 3339 with milliseconds: "2026-02-02T09:36:40.442Z". */
  timestamp: string;
  /** "ecdsa-sha256", "rsa-sha256", or the TLS codes of another ("0x0502"). */
  signatureAlgorithm: string;
  /** sct_version: 0 is v1. */
  version: number;
}

export interface CertificateInfo {
  /** The SCTs the certificate embeds, in list order; empty when none (or unusable: see diagnose). */
  scts: SctSummary[];
}

/** A log list in Chrome's v3 JSON format (log_list.json), as text or parsed. */
export type CtLogList = string | object;

/** A named CT policy: Chrome's (ct_policy.md) or Apple's (support.apple.com/103214). */
export type CtPolicyName = "chrome" | "apple";

export interface VerifySctsOptions {
  /** The log list you trust; certpin never fetches one (README "Certificate Transparency"). */
  logList: CtLogList;
  now?: Instant;
  /** Default "chrome". */
  policy?: CtPolicyName;
}

export interface SctResult {
  logId: string;
  /** The log's description in the list; null for a log the list does not have. */
  log: string | null;
  /** The log's operator at the SCT's time (previous_operators). */
  operator: string | null;
  timestamp: string;
  /** The signature verifies with that log's key over the precertificate. */
  valid: boolean;
  /** It counts toward the policy. */
  counts: boolean;
  /** Why it is not valid or does not count; null when it counts. */
  reason: string | null;
  signatureAlgorithm: string;
}

export interface CtVerdict {
  /** The policy is satisfied, or the list is 70 days old or more (failOpen). */
  compliant: boolean;
  policy: CtPolicyName;
  scts: SctResult[];
  findings: Finding[];
  distinctLogs: number;
  requiredLogs: number;
  operators: number;
  /** The leaf's lifetime (notAfter − notBefore) in days, a part day counting as a day. */
  lifetimeDays: number;
  /** The log list was too old to enforce CT (a CT_LOG_LIST_STALE warning says so). */
  failOpen: boolean;
}

/** Verifies the leaf's embedded SCTs with the verified issuer and judges them by a CT policy. */
export function verifyScts(chain: ChainInput, options: VerifySctsOptions): CtVerdict;

export interface CheckOptions {
  /**
   * For policy entries with "ct": the log list (and CT policy) to check SCTs with. Without
   * it an entry with "ct": "enforce" fails with status "ct-insufficient".
   */
  ct?: { logList: CtLogList; policy?: CtPolicyName };
}

export interface PolicyDomain {
  /** "enforce": a chain whose SCTs do not satisfy the CT policy fails (ct-insufficient); "report": findings only. */
  ct?: "enforce" | "report";
}

/** A logged certificate that no active pin of its host accepts (ctDrift). */
export interface DriftCertificate
  extends Pick<
    CertificateInfo,
    "subject" | "issuer" | "serialNumber" | "notBefore" | "notAfter" | "dnsNames" | "spkiSha256" | "fingerprintSha256"
  > {
  /** Index in the flattened list of the certificates given. */
  certIndex: number;
  /** Indices of its verified path (leaf first) among the certificates given. */
  verifiedPath: number[];
  reason: string;
  /** A CA key on its path that the policy pins for some host: add it as a candidate. */
  suggestedPin: string | null;
}

export interface DriftReport {
  now: string;
  certificates: number;
  unexpiredLeaves: number;
  hosts: Array<{ host: string; accepted: number; unpinned: DriftCertificate[] }>;
}

/**
 * Certificates obtained from CT logs for your names (PEM text or DER, each element one or
 * more certificates; CA certificates given help build paths), checked against the policy:
 * per pinned host, every unexpired certificate no active pin would accept.
 */
export function ctDrift(
  policy: PinPolicy | PolicyDocument | string,
  certificates: Array<string | Uint8Array>,
  options?: { now?: Instant },
): DriftReport;

// ---- Signed policy bundles ----

/** A signature in a bundle or root: `keyId` is the signing key's SHA-256 SPKI pin, `sig` base64. */
export interface BundleSignature { keyId: string; sig: string }

/** A signed policy bundle (`certpin sign` makes one). */
export interface PolicyBundle {
  signed: { type: "certpin-policy"; version: number; issuedAt: string; expires: string; policy: PolicyDocument };
  signatures: BundleSignature[];
}

/** A trust root (`certpin root init` / `certpin root rotate` make one). */
export interface TrustRoot {
  signed: {
    type: "certpin-root"; version: number; expires: string; threshold: number;
    /** `publicKey`: standard base64 of the DER SubjectPublicKeyInfo (Ed25519 or P-256). */
    keys: Array<{ keyId: string; publicKey: string }>;
  };
  signatures: BundleSignature[];
}

export interface VerifyBundleOptions {
  root: string | TrustRoot;
  now?: Instant;
  /** The lowest version accepted (BUNDLE_ROLLBACK below it). */
  minVersion?: number;
}

export interface VerifiedBundle {
  policy: PolicyDocument;
  version: number;
  issuedAt: string;
  expires: string;
  /** Key ids whose signatures verified, each once. */
  signedBy: string[];
}

/** Verifies a signed bundle against a trust root; throws BUNDLE_* / ROOT_* CertpinErrors. */
export function verifyBundle(bundle: string | PolicyBundle, options: VerifyBundleOptions): VerifiedBundle;

/**
 * Follows a root rotation (TUF section 5.3): `next` (or each root of an array, in order)
 * must have version N+1 and be signed by a threshold of the trusted root's keys and of
 * its own. Returns the new root document; throws ROOT_* CertpinErrors.
 */
export function updateRoot(current: string | TrustRoot, next: string | TrustRoot | Array<string | TrustRoot>, options?: { now?: Instant }): TrustRoot;

/** The exact bytes a key signs for a bundle's or root's `signed` object (prefix + RFC 8785 JSON). */
export function bundleSigningInput(signed: string | PolicyBundle["signed"] | TrustRoot["signed"]): Uint8Array;

export interface PinPolicy {
  /** The bundle version, for a policy made by PinPolicy.fromBundle; undefined otherwise. */
  readonly bundleVersion?: number;
}
export declare namespace PinPolicy {
  /** The verified bundle's policy (same checks as verifyBundle), with `bundleVersion`. */
  function fromBundle(bundle: string | PolicyBundle, options: VerifyBundleOptions): PinPolicy;
}

// ---- Migration: importing OkHttp, TrustKit and Android configurations, and
// the policy document's "$schema" and "comment" fields.

export interface AndroidNscImportOptions {
  /** Import the pin-sets and turn every element certpin cannot express into a finding. Default false. */
  lenient?: boolean;
}

/** A policy made by PinPolicy.fromAndroidNsc / fromOkHttp / fromTrustKit. */
export interface ImportedPinPolicy extends PinPolicy {
  /**
   * What the source configuration said that the policy does not carry (codes IMPORT_*:
   * trust anchors, cleartext settings, debug overrides, sha1/ pins, TrustKit's two-pin
   * rule, ...). Empty when everything was imported. An "error" finding means the policy
   * is stricter than the source (e.g. a sha1/ pin that could not be imported).
   */
  readonly importFindings: Finding[];
}

export declare namespace PinPolicy {
  /**
   * The CertificatePinner.Builder().add(pattern, pins...) calls of Kotlin or Java source.
   * Arguments must be string literals; OKHTTP_INVALID names the line otherwise.
   */
  function fromOkHttp(source: string): ImportedPinPolicy;
  /**
   * A TrustKit configuration as JSON (text or object): the whole configuration with
   * kTSKPinnedDomains, or that dictionary alone. TRUSTKIT_INVALID names the key.
   */
  function fromTrustKit(config: string | object): ImportedPinPolicy;
}

export interface PolicyDocument {
  /** Any string; editors use it to find the schema (certpin/policy.schema.json). Kept by toJSON(). */
  $schema?: string;
  /** Free text for people (at most 1024 characters). Kept by toJSON(). */
  comment?: string;
}

export interface PolicyDomain {
  /** Free text for people (at most 1024 characters). Kept by toJSON(). */
  comment?: string;
}

export interface PolicyPin {
  /** Free text for people, e.g. where a backup key is kept (at most 1024 characters). */
  comment?: string;
}
