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
  static fromHpkpHeader(header: string, hostname: string): PinPolicy;
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

// ---- Signed policy bundles (issue 18) ----

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
