// Type declarations for the certpin package, transcribed from the public contract
// (SPEC.md). Every entry (Node ESM and CJS, Deno, browsers, workerd) exports exactly
// these names. Functions are synchronous and pure; bad input throws a CertpinError.
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
export type PinFormat =
  | "okhttp"
  | "hpkp"
  | "curl"
  | "android"
  | "trustkit"
  | "tlsa"
  | "hex"
  | "base64"
  | "base64url";

export interface CheckOptions {
  hostname?: string;
  port?: number;
  /** Default: the current time (Date.now()). */
  now?: Instant;
  /** Default true: pins match only on the signature-verified path from the leaf. */
  verifySignatures?: boolean;
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
  | "no-chain";

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

export type PolicyExportFormat =
  | "hpkp"
  | "hpkp-report-only"
  | "okhttp"
  | "android-nsc"
  | "trustkit"
  | "apple-ats"
  | "curl"
  | "tlsa";

/** Every error code certpin throws. */
export type CertpinErrorCode = /*@ERROR_CODES_UNION@*/never;

/** Every error code certpin throws, frozen. */
export const ERROR_CODES: readonly CertpinErrorCode[];

/**
 * The error certpin throws for bad input or misuse. `err instanceof CertpinError` is
 * true for errors from any instance of the module (it tests `name`).
 */
export class CertpinError extends Error {
  constructor(message: string, code: CertpinErrorCode);
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

// ---- Migration (issue 16): importing OkHttp, TrustKit and Android configurations, and
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
