// certpin/node: pin real connections in Node (and Deno's node:tls).
import type { Agent as HttpsAgent, AgentOptions } from "node:https";
import type { PeerCertificate, TLSSocket } from "node:tls";
import type { PinPolicy, PolicyDocument, Verdict, CertpinError as CertpinErrorClass, PolicyBundle, TrustRoot } from "./index.js";

/** A PinPolicy, a policy document, or its JSON text. */
export type PolicyInput = PinPolicy | PolicyDocument | string | PolicyUpdater;

/** The RFC 7469 section 3 violation report of a verdict. */
export type PinningReport = NonNullable<Verdict["report"]>;

export interface PinningOptions {
  /** Called with the RFC 7469 report whenever a check fails or would fail (report mode), and when a policy entry has expired (report is null then). */
  onReport?: (report: PinningReport | null, verdict: Verdict) => void;
  /** The clock; default Date.now(). */
  now?: () => Date | number;
  /** Default true: pins match only on the signature-verified path. */
  verifySignatures?: boolean;
  /** Tolerance for certificate validity checks, in seconds. */
  clockSkewSeconds?: number;
}

/** Codes of the CertpinError an enforcing adapter throws, by verdict status. */
export declare const STATUS_CODES: Readonly<{
  mismatch: "PIN_MISMATCH";
  revoked: "PIN_REVOKED";
  "invalid-chain": "CHAIN_INVALID";
  "hostname-mismatch": "HOSTNAME_MISMATCH";
  "cert-expired": "CERT_EXPIRED";
  "no-chain": "NO_CHAIN";
  "ct-insufficient": "CT_INSUFFICIENT";
}>;

/** The error of a refused connection: `code` from STATUS_CODES, the verdict attached. */
export interface PinningError extends Error {
  name: "CertpinError";
  code: (typeof STATUS_CODES)[keyof typeof STATUS_CODES];
  hostname: string | null;
  verdict: Verdict;
}

/** A TLS socket after pinTlsSocket: the verdict of its check once it ran. */
export interface PinnedTLSSocket extends TLSSocket {
  certpinVerdict?: Verdict;
}

/** Pins a socket from tls.connect; call it right after tls.connect. */
export declare function pinTlsSocket<S extends TLSSocket>(socket: S, policy: PolicyInput, options?: PinningOptions): S & PinnedTLSSocket;

/** A checkServerIdentity for tls.connect / https options (skippable on its own: Node does not call it for resumed sessions). */
export declare function pinnedCheckServerIdentity(
  policy: PolicyInput,
  options?: PinningOptions,
): (hostname: string, certificate: PeerCertificate) => Error | undefined;

/** An https.Agent whose every socket is pinned (TLS session caching off unless maxCachedSessions is set). */
export declare function pinnedAgent(policy: PolicyInput, agentOptions?: AgentOptions & { pinning?: PinningOptions }): HttpsAgent;

/** Options of pinnedDispatcher: undici Agent options, `connect` TLS options, and `pinning`. */
export interface PinnedDispatcherOptions {
  connect?: Record<string, unknown>;
  pinning?: PinningOptions;
  [agentOption: string]: unknown;
}

/** An undici Agent whose every connection is pinned (needs the npm package undici). */
export declare function pinnedDispatcher(policy: PolicyInput, options?: PinnedDispatcherOptions): import("undici-types").Agent;

/** undici's fetch bound to a pinnedDispatcher. */
export declare function pinnedFetch(
  policy: PolicyInput,
  options?: PinnedDispatcherOptions,
): ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) & { dispatcher: import("undici-types").Agent };

/** The served chain as DER, leaf first, from getPeerCertificate(true). */
export declare function peerChain(certificate: PeerCertificate): Uint8Array[];

export declare const CertpinError: typeof CertpinErrorClass;

// ---- reportSender: violations seen, kept and acted on ----

/** Options of reportSender. Times in milliseconds. */
export interface ReportSenderOptions {
  /** The collector's POST /report URL: https, or http for a loopback address (or with allowHttp). */
  url: string | URL;
  /** Sent as `Authorization: Bearer <token>` (the collector's WRITE_TOKEN). */
  token?: string;
  /** Pins the report endpoint's own TLS connection (never the production policy's agent). */
  policy?: PolicyInput;
  /** Options of the sender's own https/http Agent (e.g. `ca` for a private collector). */
  agentOptions?: AgentOptions;
  allowHttp?: boolean;
  /** Reports per POST, 1..100; default 50. */
  batchSize?: number;
  /** Wait before a batch goes out; default 1000. */
  batchDelayMs?: number;
  /** Reports held at most; beyond it new ones are dropped (reason "queue-full"); default 1000. */
  maxQueue?: number;
  /** A reportKey accepted within this window is not sent again; default 3600000 (one hour). */
  dedupWindowMs?: number;
  /** Exponential backoff with full jitter: base and cap; default 1000 and 300000. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** A queued report older than this is dropped (reason "expired"); default 86400000. */
  maxAgeMs?: number;
  /** Per request; default 10000. */
  timeoutMs?: number;
  /** Called (asynchronously) for every drop; never silent. */
  onDrop?: (drop: { reason: "queue-full" | "expired" | "rejected" | "closed"; count: number; reports: object[]; detail: string | null }) => void;
  /** Called (asynchronously) for each failed delivery attempt. */
  onError?: (error: Error) => void;
  /** Sent with each report as `client` (default "certpin-node-report-sender/1"). */
  client?: string;
  now?: () => Date | number;
}

export interface ReportSenderStats {
  queued: number;
  inFlight: number;
  sent: number;
  deduplicated: number;
  ignored: number;
  dropped: number;
  droppedByReason: { "queue-full": number; expired: number; rejected: number; closed: number };
  batches: number;
  retries: number;
  failures: number;
  lastError: string | null;
}

/** A function usable as `onReport`: it only queues (never throws, never waits). */
export interface ReportSender {
  (report: PinningReport | null, verdict?: Verdict): void;
  /** Sends what is queued now; resolves after one pass that empties the queue or meets a failure. */
  flush(): Promise<{ sent: number; pending: number }>;
  /** Stops accepting, delivers within timeoutMs (default 5000), drops the rest (reason "closed"). */
  close(options?: { timeoutMs?: number }): Promise<ReportSenderStats>;
  stats(): ReportSenderStats;
}

/** Queues, deduplicates by reportKey, batches and retries pinning reports to a collector. */
export declare function reportSender(options: ReportSenderOptions): ReportSender;

// --- Adapters: the name that is pinned ----------------------------------------------
// Every adapter pins the name TLS verified (servername, else host, else the wrapped
// socket's host); `hostname` is not an option (INVALID_ARGUMENT: set servername). A
// pinning option placed among agent, dispatcher, `connect` or fetch `init` options is
// INVALID_ARGUMENT naming where it belongs.

/**
 * A `factory(origin, options)` for undici's ProxyAgent, EnvHttpProxyAgent and Agent: each
 * origin gets a Pool whose every TLS connection is pinned, including connections tunnelled
 * through a CONNECT proxy (the origin's name is pinned, not the proxy's).
 */
export declare function pinnedPoolFactory(
  policy: PolicyInput,
  options?: PinnedDispatcherOptions,
): (origin: string | URL, options: Record<string, unknown>) => import("undici-types").Pool;

// ---- Certificate Transparency ----
export interface PinningOptions {
  /** For policy entries with "ct": the CT log list you trust (v3 JSON) and the CT policy. */
  ct?: { logList: string | object; policy?: "chrome" | "apple" };
  /** The path-rule relaxations of CheckOptions, passed to every check (each off by default). */
  allowSha1?: boolean;
  minRsaBits?: number;
  allowUnknownCriticalExtensions?: boolean;
  allowCommonNameFallback?: boolean;
}

// ---- Signed policy bundles ----

/** What one refresh did. */
export interface UpdaterOutcome {
  status: "updated" | "unchanged" | "refused" | "failed";
  /** The version in use after the refresh (null before any verified bundle). */
  version: number | null;
  previousVersion?: number | null;
  error?: Error & { code?: string };
}

export interface PolicyUpdaterOptions {
  /** Where the signed bundle is served (https:, or http: since the bundle is signed). */
  url: string;
  root: string | TrustRoot;
  /** The state file: last good bundle and highest version seen, written atomically. */
  statePath?: string;
  /** A bundle shipped with the application, used when there is no (newer) state. */
  fallback?: string | PolicyBundle;
  /** When the last good bundle expires: not enforce with a warning, or refuse connections. */
  onExpired: "fail-open" | "fail-closed";
  /** Refresh interval in ms (default 1 hour; 0: only refresh() refreshes). */
  intervalMs?: number;
  /** Deadline for one fetch (default 10 s). */
  timeoutMs?: number;
  /** Largest response accepted (default 512 KiB; INPUT_TOO_LARGE above it). */
  maxBytes?: number;
  /** CA certificates (PEM) to trust for the bundle server. */
  ca?: string | Buffer | Array<string | Buffer>;
  headers?: Record<string, string>;
  onUpdate?: (outcome: UpdaterOutcome) => void;
  onError?: (error: Error & { code?: string }, outcome: UpdaterOutcome) => void;
  onOutcome?: (outcome: UpdaterOutcome) => void;
  /** Called once per expired bundle in fail-open mode (default process.emitWarning). */
  onWarning?: (message: string) => void;
}

/** Keeps a policy current from a signed bundle; every adapter takes it in place of a policy. */
export interface PolicyUpdater {
  refresh(): Promise<UpdaterOutcome>;
  /** The version of the bundle in use, or null. */
  readonly version: number | null;
  /** The policy of the bundle in use, or null. */
  readonly policy: PinPolicy | null;
  readonly highestVersion: number;
  readonly expires: string | null;
  /** The policy a new connection uses now (throws BUNDLE_EXPIRED when fail-closed and expired). */
  currentPolicy(): PinPolicy;
  /** Stops the interval refresh. */
  close(): void;
}

export declare function policyUpdater(options: PolicyUpdaterOptions): PolicyUpdater;
