// A pinning report collector for Cloudflare Workers (workerd), built on certpin.
//
// Workers cannot see the certificates of their own fetch(); what they can do is judge
// chains they are handed. This worker receives RFC 7469 violation reports (and
// certpin's own verdicts, whose `report` field is one), re-checks the served chain
// against the policy bundled with it, says what most likely happened, and keeps every
// report it accepts in a Durable Object backed by SQLite (store.js):
//
//   stale-policy         the bundled (newer) policy accepts the chain, or only a
//                        candidate pin matches: the reporting client's policy is old
//   interception         the chain's verified path reaches none of the known roots
//   pin-mismatch         a chain from a known root that no pin covers: a genuine mismatch
//   hostname-mismatch    the leaf does not cover the reported host
//   expired-certificate  a certificate on the path was outside its validity
//   revoked-key          the chain carries a key the policy marks revoked
//   invalid-chain        the served certificates do not link up by signature
//   not-pinned / policy-expired / no-chain   as certpin's verdict says
//
// Routes (README.md has the details):
//   POST /report            one report or an array (a batch); 2xx only once stored
//   GET  /reports, /summary, /export   behind `Authorization: Bearer <READ_TOKEN>`
//   GET  /                  the dashboard (static; it reads the API with the token)
//   GET  /policy            the signed policy bundle from POLICY_BUNDLE, with an ETag
//   POST /pins, POST /check stateless helpers
// Bad input gets a 4xx with {"error": {"code", "message"}}; nothing is stored then.
import { PinPolicy, checkPins, computePins, diagnose, parseChain, parsePin } from "certpin";
import config from "./collector.config.json";
import { DASHBOARD_CSS, DASHBOARD_HTML, DASHBOARD_JS } from "./dashboard.js";

export { ReportStore } from "./store.js";

const MAX_BODY_BYTES = 64 * 1024; // one report, or a /pins or /check body
const MAX_BATCH_BYTES = 1024 * 1024; // a POST /report body (a batch)
const MAX_BATCH_REPORTS = 100;
const MAX_CHAIN_CERTIFICATES = 16; // certpin's own bound per chain
const MAX_KNOWN_PINS = 64;
// An oversized upload is read (and dropped, chunk by chunk) up to this much before the
// 400 goes out, so that a client still sending receives the answer instead of a broken
// pipe; only a body declared larger than this is refused before it is read.
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;
// Statuses of a verdict that say the chain itself is at fault, before pins are compared.
const DIRECT = {
  "hostname-mismatch": "hostname-mismatch",
  "cert-expired": "expired-certificate",
  revoked: "revoked-key",
  "invalid-chain": "invalid-chain",
  "not-pinned": "not-pinned",
  "policy-expired": "policy-expired",
  "no-chain": "no-chain",
};

// Parsed once per isolate: a policy is checked by its typed form, never re-parsed.
const policy = new PinPolicy(config.policy);
// The same policy with every candidate pin made active: a match here means a key
// rotation is under way that the reporting client does not know about yet.
const withCandidates = new PinPolicy({
  ...config.policy,
  domains: config.policy.domains.map((domain) => ({
    ...domain,
    pins: domain.pins.map((pin) => (typeof pin === "object" && pin.state === "candidate" ? { ...pin, state: "active" } : pin)),
  })),
});
const knownRoots = config.knownRoots.map((root) => ({ pem: root, pin: computePins(root)[0] }));
const knownRootPins = knownRoots.map((root) => root.pin);
const canonicalPin = (text) => `${parsePin(text).algorithm}/${parsePin(text).base64}`;
// Every pin the bundled policy names (any state) and every known root: a served pin
// outside this set is "unknown" (the dashboard lists them with their subjects).
const expectedPins = new Set([
  ...config.policy.domains.flatMap((domain) => domain.pins.map((pin) => canonicalPin(typeof pin === "object" ? pin.pin : pin))),
  ...knownRootPins,
]);

export class HttpError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

const json = (body, status = 200, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

/** Reads at most `limit` bytes, whatever content-length claims. */
async function readBody(request, limit = MAX_BODY_BYTES) {
  const declared = Number(request.headers.get("content-length"));
  const tooLarge = () => new HttpError(400, "INPUT_TOO_LARGE", `the body is over the limit of ${limit} bytes`);
  if (declared > MAX_DRAIN_BYTES) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_DRAIN_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    if (size <= limit) chunks.push(value);
  }
  if (size > limit) throw tooLarge();
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
}

/** Reads and drops what is left of a refused request's body (bounded), so the client gets the answer, not a broken pipe. */
async function drain(request) {
  if (!request.body || request.bodyUsed || Number(request.headers.get("content-length")) > MAX_DRAIN_BYTES) return;
  try {
    const reader = request.body.getReader();
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
      if (size > MAX_DRAIN_BYTES) return void (await reader.cancel());
    }
  } catch {
    // a body that is already locked or broken: nothing to drain
  }
}

function parseJson(text, { arrays = false } = {}) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, "INVALID_ARGUMENT", arrays ? "the body must be JSON: a report object or an array of them" : "the body must be a JSON object");
  }
  const isObject = value !== null && typeof value === "object" && !Array.isArray(value);
  if (!(isObject || (arrays && Array.isArray(value)))) {
    throw new HttpError(400, "INVALID_ARGUMENT", arrays ? "the body must be a report object or an array of them" : "the body must be a JSON object");
  }
  return value;
}

async function readJson(request) {
  return parseJson(await readBody(request));
}

function field(object, name, type) {
  const value = object[name];
  const ok = type === "chain" ? typeof value === "string" || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string")) : typeof value === type;
  if (!ok) throw new HttpError(400, "INVALID_ARGUMENT", `missing or invalid field ${JSON.stringify(name)}: expected ${type === "chain" ? "PEM text or an array of PEM strings" : `a ${type}`}`);
  return value;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Milliseconds since the epoch of an RFC 3339 `date-time` (§5.6), nothing else: no
 * date-only text, no missing offset, no Feb 30 (Date.parse accepts all three, and reads
 * an offset-less time in the host's zone). A leap second (:60) is refused rather than
 * guessed at.
 */
export function rfc3339(text) {
  const refuse = (why) => new HttpError(400, "INVALID_ARGUMENT", `${JSON.stringify(String(text).slice(0, 64))} is not an RFC 3339 date-time (${why}), e.g. "2027-01-01T00:00:00Z"`);
  if (typeof text !== "string") throw refuse("not a string");
  const m = RFC3339.exec(text);
  if (!m) throw refuse("expected YYYY-MM-DDTHH:MM:SS[.frac] and Z or ±HH:MM");
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (month < 1 || month > 12) throw refuse("month out of range");
  if (day < 1 || day > days[month - 1]) throw refuse("day out of range for the month");
  if (hour > 23 || minute > 59) throw refuse("time out of range");
  if (second > 59) throw refuse("seconds out of range; leap seconds are not accepted");
  let offsetMinutes = 0;
  if (!m[8]) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59) throw refuse("offset out of range");
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const millis = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  date.setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
  return date.getTime() - offsetMinutes * 60000;
}

function instant(text) {
  return text === undefined ? Date.now() : rfc3339(text);
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The served certificates one by one: a PEM string may hold several blocks. */
function certificatesOf(chain) {
  const items = Array.isArray(chain) ? chain : [chain];
  const certificates = [];
  for (const item of items) {
    const blocks = item.match(PEM_CERTIFICATE);
    if (blocks) certificates.push(...blocks);
    else certificates.push(item); // base64 of one DER certificate: certpin judges it
    if (certificates.length > MAX_CHAIN_CERTIFICATES) {
      throw new HttpError(400, "TOO_MANY_CERTIFICATES", `the served chain has more than ${MAX_CHAIN_CERTIFICATES} certificates`);
    }
  }
  return certificates;
}

/**
 * Does the chain's signature-verified path end in a root we know? The path is taken from
 * the served certificates alone (so a full 16-certificate chain still fits certpin's
 * bound), then its top certificate is either a known root or is signed by one.
 */
function anchoredToKnownRoot(certificates, hostname, now) {
  const served = checkPins(certificates, knownRootPins, { hostname, now });
  if (served.status === "matched") return true;
  const path = served.verifiedPath;
  if (!path.length) return false;
  const top = certificates[path[path.length - 1]];
  return knownRoots.some((root) => checkPins([top, root.pem], [root.pin], { now }).status === "matched");
}

/** Decides what a failed (or reported) chain most likely means. */
function classify(chain, hostname, port, now) {
  const certificates = certificatesOf(chain);
  const verdict = policy.check(chain, { hostname, port, now });
  const findings = diagnose(chain, { hostname, now });
  let subjects = [];
  let window = null;
  try {
    const infos = parseChain(certificates);
    subjects = infos.map((c) => c.subject);
    window = stableWindow(infos);
  } catch {
    // certpin judged the chain above; a chain it cannot list has no subjects to show
  }
  let classification;
  if (verdict.status === "matched") {
    classification = "stale-policy";
  } else if (DIRECT[verdict.status]) {
    classification = DIRECT[verdict.status];
  } else if (withCandidates.check(chain, { hostname, port, now }).status === "matched") {
    classification = "stale-policy";
  } else {
    classification = anchoredToKnownRoot(certificates, hostname, now) ? "pin-mismatch" : "interception";
  }
  return { classification, verdict, findings, subjects, window };
}

const DAY = 86400 * 1000;
// The earliest expiry in the bundled policy (entries fail open after it).
const policyExpiry = Math.min(...config.policy.domains.map((d) => (d.expires === undefined ? Infinity : Date.parse(d.expires))));

/**
 * The instants over which a judgement of this chain cannot change: after every served
 * certificate's notBefore, and more than 30 days (certpin's expiry-warning horizon)
 * before the first notAfter and the first policy expiry. Time enters a verdict only
 * through those; outside the window, or if any bound is unreadable, nothing is reused.
 */
function stableWindow(infos) {
  const from = Math.max(...infos.map((c) => Date.parse(c.notBefore)));
  const until = Math.min(...infos.map((c) => Date.parse(c.notAfter)), policyExpiry) - 30 * DAY;
  return Number.isFinite(from) && !Number.isNaN(until) && from < until ? { from, until } : null;
}

// Judgements reused for the same (hostname, chain) inside their stable window: the
// field sends the same failure many times, and a judgement costs several path builds.
const JUDGED_MAX = 512;
const judged = new Map();

async function judge(chain, hostname, port, now) {
  // The port enters a verdict only as its report's `port`: it is not part of the key.
  const key = await sha256hex(JSON.stringify([hostname, chain]));
  const hit = judged.get(key);
  if (hit && now > hit.window.from && now < hit.window.until) {
    judged.delete(key);
    judged.set(key, hit); // most recently used last
    const { verdict } = hit.result;
    // What a verdict takes from the request beyond the chain and name: its report's date-time and port.
    const report = verdict.report && { ...verdict.report, port, "date-time": new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z") };
    return { ...hit.result, verdict: { ...verdict, report } };
  }
  const result = classify(chain, hostname, port, now);
  if (result.window && now > result.window.from && now < result.window.until) {
    judged.set(key, { result, window: result.window });
    if (judged.size > JUDGED_MAX) judged.delete(judged.keys().next().value);
  }
  return result;
}

const HOSTNAME = /^[A-Za-z0-9_.:[\]-]{1,253}$/;
const ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Reads one report (or a certpin verdict / sender item around one) and judges it. */
async function readReport(item) {
  if (item === null || typeof item !== "object" || Array.isArray(item)) throw new HttpError(400, "INVALID_ARGUMENT", "a report must be a JSON object");
  // certpin's own verdicts, and reportSender's items, carry the RFC 7469 report in `report`.
  const report = item.report && typeof item.report === "object" && !Array.isArray(item.report) ? item.report : item;
  const hostname = field(report, "hostname", "string");
  if (!HOSTNAME.test(hostname)) throw new HttpError(400, "INVALID_ARGUMENT", "hostname must be a DNS name or an IP address (at most 253 characters)");
  const chain = field(report, "served-certificate-chain", "chain");
  const port = report.port === undefined ? 443 : report.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new HttpError(400, "INVALID_ARGUMENT", "port must be an integer from 1 to 65535");
  const knownPins = report["known-pins"] === undefined ? [] : report["known-pins"];
  if (!Array.isArray(knownPins) || knownPins.length > MAX_KNOWN_PINS || !knownPins.every((p) => typeof p === "string" && p.length <= 256)) {
    throw new HttpError(400, "INVALID_ARGUMENT", `known-pins must be an array of at most ${MAX_KNOWN_PINS} strings`);
  }
  const id = item === report ? undefined : item.id;
  if (id !== undefined && (typeof id !== "string" || !ID.test(id))) throw new HttpError(400, "INVALID_ARGUMENT", "id must be 1 to 128 characters of A-Z a-z 0-9 . _ : -");
  const occurrences = item === report || item.occurrences === undefined ? 1 : item.occurrences;
  if (!Number.isInteger(occurrences) || occurrences < 1 || occurrences > 1_000_000) throw new HttpError(400, "INVALID_ARGUMENT", "occurrences must be an integer from 1 to 1000000");
  const client = item === report ? undefined : item.client;
  if (client !== undefined && (typeof client !== "string" || client.length > 100)) throw new HttpError(400, "INVALID_ARGUMENT", "client must be a string of at most 100 characters");
  const raw = JSON.stringify(report);
  if (raw.length > MAX_BODY_BYTES) throw new HttpError(400, "INPUT_TOO_LARGE", `a report is over the limit of ${MAX_BODY_BYTES} bytes`);
  const now = instant(report["date-time"]);
  const { classification, verdict, findings, subjects } = await judge(chain, hostname, port, now);
  const unknownPins = verdict.servedPins
    .map((pin, index) => ({ pin, subject: subjects[index] ?? null }))
    .filter(({ pin }) => !expectedPins.has(pin) && !knownPins.some((k) => k.includes(pin.slice(7))));
  return { report, raw, hostname, port, classification, verdict, findings, id, occurrences, client, unknownPins, subjects };
}

/** The collector's dedup key: SHA-256 of the report without its dates, canonically serialised (as certpin's reportKey, without a report URI). */
async function reportKey(report) {
  const stable = { ...report };
  delete stable["date-time"];
  delete stable["effective-expiration-date"];
  return sha256hex(`${canonical(stable)}\n`);
}

function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

// ---- authorisation ----

async function sha256(text) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

async function sha256hex(text) {
  return [...(await sha256(text))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compares digests of both sides in constant time, so the comparison leaks no prefix. */
async function sameSecret(given, expected) {
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

function bearer(request) {
  const header = request.headers.get("authorization") || "";
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

const unauthorized = () =>
  new HttpError(401, "UNAUTHORIZED", "this route needs Authorization: Bearer <token>", { "www-authenticate": 'Bearer realm="certpin-collector"' });

/** Reads need READ_TOKEN; with no READ_TOKEN configured nobody can read (fail closed). */
async function authoriseRead(request, env) {
  const token = bearer(request);
  const expected = env.READ_TOKEN;
  if (!token || typeof expected !== "string" || expected.length === 0 || !(await sameSecret(token, expected))) throw unauthorized();
}

/**
 * Writes: with WRITE_TOKEN set, a bearer token from it is required; it holds one or more
 * tokens separated by commas or white space, each `client:token` or just `token`. The
 * client's name keys its rate limit. Without WRITE_TOKEN writes are open (reports come
 * from the field) and the client is the connecting address.
 */
async function authoriseWrite(request, env) {
  const configured = typeof env.WRITE_TOKEN === "string" ? env.WRITE_TOKEN.split(/[\s,]+/).filter(Boolean) : [];
  if (configured.length === 0) {
    return `ip:${request.headers.get("cf-connecting-ip") || "unknown"}`;
  }
  const token = bearer(request);
  if (!token) throw unauthorized();
  let client = null;
  for (const [index, entry] of configured.entries()) {
    const colon = entry.indexOf(":");
    const [name, secret] = colon > 0 ? [entry.slice(0, colon), entry.slice(colon + 1)] : [`token-${index + 1}`, entry];
    // Every entry is compared, so the time taken does not say which one matched.
    if ((await sameSecret(token, secret)) && client === null) client = `token:${name}`;
  }
  if (client === null) throw unauthorized();
  return client;
}

// ---- routes ----

const store = (env) => env.COLLECTOR.get(env.COLLECTOR.idFromName("reports"));

// A first rate limit in this isolate, before any report is judged (judging costs path
// builds): the same per-client limit as the Durable Object's, which is the one that
// holds across isolates. Both let a client post RATE_LIMIT_PER_MINUTE reports a minute.
const isolateBuckets = new Map();

function admit(client, cost, env) {
  const limit = Number(env.RATE_LIMIT_PER_MINUTE) > 0 ? Number(env.RATE_LIMIT_PER_MINUTE) : 600;
  const now = Date.now();
  const bucket = isolateBuckets.get(client) ?? { tokens: limit, at: now };
  isolateBuckets.delete(client);
  isolateBuckets.set(client, bucket);
  if (isolateBuckets.size > 10000) isolateBuckets.delete(isolateBuckets.keys().next().value);
  bucket.tokens = Math.min(limit, bucket.tokens + ((now - bucket.at) * limit) / 60000);
  bucket.at = now;
  if (bucket.tokens < cost) {
    const retryAfter = Math.max(1, Math.ceil(((cost - bucket.tokens) * 60) / limit));
    throw new HttpError(429, "RATE_LIMITED", `too many reports from this client: at most ${limit} a minute`, { "retry-after": String(retryAfter) });
  }
  bucket.tokens -= cost;
}

async function handleReport(request, env) {
  const type = (request.headers.get("content-type") || "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json" && type !== "application/reports+json" && type !== "application/csp-report") {
    throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "POST /report takes content-type application/json (one report or an array of them)");
  }
  const client = await authoriseWrite(request, env);
  const body = parseJson(await readBody(request, MAX_BATCH_BYTES), { arrays: true });
  const batch = Array.isArray(body);
  const items = batch ? body : [body];
  if (items.length === 0) throw new HttpError(400, "INVALID_ARGUMENT", "the batch is empty");
  if (items.length > MAX_BATCH_REPORTS) throw new HttpError(400, "INPUT_TOO_LARGE", `a batch holds at most ${MAX_BATCH_REPORTS} reports`);
  admit(client, items.length, env);
  const judgements = [];
  for (const [index, item] of items.entries()) {
    try {
      judgements.push(await readReport(item));
    } catch (error) {
      // The whole batch is refused (nothing stored); `index` names the report at fault.
      if (error instanceof HttpError || error?.name === "CertpinError") {
        throw new HttpError(error.status ?? 400, error.code, batch ? `report ${index}: ${error.message}` : error.message, { index });
      }
      throw error;
    }
  }
  const now = Date.now();
  const rows = await Promise.all(
    judgements.map(async (j) => ({
      key: await reportKey(j.report),
      id: j.id ?? null,
      host: j.hostname.toLowerCase(),
      port: j.port,
      classification: j.classification,
      status: j.verdict.status,
      servedPins: j.verdict.servedPins,
      subjects: j.subjects,
      unknownPins: j.unknownPins,
      client: j.client ?? request.headers.get("x-certpin-client")?.slice(0, 100) ?? null,
      occurrences: j.occurrences,
      raw: j.raw,
    })),
  );
  const result = await store(env).ingest(client, rows, now);
  if (result.rateLimited) {
    throw new HttpError(429, "RATE_LIMITED", `too many reports from this client: at most ${result.limit} a minute`, { "retry-after": String(result.retryAfter) });
  }
  if (!batch) {
    const j = judgements[0];
    const stored = result.results[0];
    return json({ hostname: j.hostname, port: j.port, classification: j.classification, verdict: j.verdict, findings: j.findings, key: stored.key, count: stored.count, duplicate: stored.duplicate });
  }
  return json({ accepted: rows.length, results: result.results.map((r, i) => ({ ...r, classification: judgements[i].classification })) });
}

async function handlePins(request) {
  const type = request.headers.get("content-type") || "";
  let chain;
  let algorithm;
  if (type.includes("application/json")) {
    const body = await readJson(request);
    chain = field(body, "chain", "chain");
    algorithm = body.algorithm;
  } else {
    chain = await readBody(request);
  }
  const pins = computePins(chain, algorithm === undefined ? undefined : { algorithm });
  const certificates = (() => {
    try {
      return parseChain(chain).map(({ index, subject, issuer, notAfter, spkiSha256 }) => ({ index, subject, issuer, notAfter, spkiSha256 }));
    } catch {
      return null; // public keys and CSRs have pins but no certificate
    }
  })();
  return json({ pins, certificates });
}

async function handleCheck(request) {
  const body = await readJson(request);
  const chain = field(body, "chain", "chain");
  const hostname = field(body, "hostname", "string");
  const now = instant(body.now);
  const verdict = policy.check(chain, { hostname, now, ...(body.port === undefined ? {} : { port: body.port }) });
  return json({ verdict, findings: diagnose(chain, { hostname, now }) });
}

const INTEGER = /^\d{1,15}$/;

/** ?host=&since=&classification=&limit= of the read routes, checked. */
function readQuery(url, maxLimit) {
  const q = url.searchParams;
  const query = {};
  if (q.has("host")) query.host = q.get("host").toLowerCase();
  if (q.has("classification")) query.classification = q.get("classification");
  if (q.has("since")) query.since = INTEGER.test(q.get("since")) ? Number(q.get("since")) : rfc3339(q.get("since"));
  const limit = q.has("limit") ? q.get("limit") : "100";
  if (!INTEGER.test(limit) || Number(limit) < 1 || Number(limit) > maxLimit) throw new HttpError(400, "INVALID_ARGUMENT", `limit must be an integer from 1 to ${maxLimit}`);
  query.limit = Number(limit);
  const format = q.get("format") || "json";
  if (format !== "json" && format !== "csv") throw new HttpError(400, "INVALID_ARGUMENT", 'format must be "json" or "csv"');
  return { query, format };
}

const CSV_COLUMNS = ["key", "host", "port", "classification", "status", "count", "firstSeen", "lastSeen", "client", "servedPins", "unknownPins"];
const csvCell = (value) => {
  const text = value === null || value === undefined ? "" : Array.isArray(value) ? value.map((v) => (typeof v === "object" ? v.pin : v)).join(" ") : String(value);
  // Quote everything; a leading = + - @ is neutralised so a spreadsheet never runs it.
  return `"${(/^[=+\-@]/.test(text) ? `'${text}` : text).replace(/"/g, '""')}"`;
};

async function handleReports(request, env, url, maxLimit) {
  await authoriseRead(request, env);
  const { query, format } = readQuery(url, maxLimit);
  const rows = await store(env).list(query);
  const headers = { "cache-control": "no-store" };
  if (format === "csv") {
    const lines = [CSV_COLUMNS.join(","), ...rows.map((row) => CSV_COLUMNS.map((c) => csvCell(c === "firstSeen" || c === "lastSeen" ? new Date(row[c]).toISOString() : row[c])).join(","))];
    return new Response(`${lines.join("\r\n")}\r\n`, { headers: { "content-type": "text/csv; charset=utf-8", ...headers } });
  }
  return json({ reports: rows }, 200, headers);
}

async function handleSummary(request, env, url) {
  await authoriseRead(request, env);
  const since = url.searchParams.has("since") ? rfc3339(url.searchParams.get("since")) : Date.now() - 7 * 24 * 3600 * 1000;
  return json(await store(env).summary({ since }), 200, { "cache-control": "no-store" });
}

// ---- GET /policy: the signed policy bundle, served as configured ----

let policyCache = null;

async function policyBundle(env) {
  const text = env.POLICY_BUNDLE;
  if (typeof text !== "string" || text.trim() === "") return null;
  if (policyCache?.text === text) return policyCache;
  let bundle;
  try {
    bundle = JSON.parse(text);
  } catch {
    bundle = null;
  }
  // The worker does not verify the bundle (clients do, against their trust root); it
  // refuses to serve text that is not even a bundle, loudly.
  if (!bundle || typeof bundle !== "object" || typeof bundle.signed !== "object" || !Array.isArray(bundle.signatures)) {
    throw new HttpError(500, "POLICY_BUNDLE_INVALID", "POLICY_BUNDLE is not a signed policy bundle ({ signed, signatures }) as `certpin sign` writes it");
  }
  const bytes = new TextEncoder().encode(text);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const etag = `"sha256-${btoa(String.fromCharCode(...digest))}"`;
  policyCache = { text, bytes, etag };
  return policyCache;
}

/** If-None-Match matches (weak comparison, RFC 9110 §13.1.2) the current ETag, or is "*". */
function notModified(header, etag) {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

async function handlePolicy(request, env) {
  const bundle = await policyBundle(env);
  if (!bundle) throw new HttpError(404, "POLICY_NOT_CONFIGURED", "no signed policy bundle is configured: set POLICY_BUNDLE to the output of `certpin sign`");
  const maxAge = /^\d{1,7}$/.test(env.POLICY_MAX_AGE ?? "") ? env.POLICY_MAX_AGE : "300";
  const headers = { etag: bundle.etag, "cache-control": `public, max-age=${maxAge}, must-revalidate`, vary: "accept-encoding" };
  if (notModified(request.headers.get("if-none-match"), bundle.etag)) return new Response(null, { status: 304, headers });
  return new Response(request.method === "HEAD" ? null : bundle.bytes, {
    headers: { "content-type": "application/json", "content-length": String(bundle.bytes.byteLength), ...headers },
  });
}

// ---- the dashboard ----

const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};
const staticRoute = (body, type) => () => new Response(body, { headers: { "content-type": type, "cache-control": "no-cache", ...SECURITY_HEADERS } });

const ROUTES = {
  "POST /report": handleReport,
  "POST /pins": handlePins,
  "POST /check": handleCheck,
  "GET /reports": (request, env, url) => handleReports(request, env, url, 1000),
  "GET /export": (request, env, url) => handleReports(request, env, url, 10000),
  "GET /summary": handleSummary,
  "GET /policy": handlePolicy,
  "HEAD /policy": handlePolicy,
  "GET /": staticRoute(DASHBOARD_HTML, "text/html; charset=utf-8"),
  "GET /dashboard.js": staticRoute(DASHBOARD_JS, "text/javascript; charset=utf-8"),
  "GET /dashboard.css": staticRoute(DASHBOARD_CSS, "text/css; charset=utf-8"),
};

export default {
  async fetch(request, env) {
    try {
      const url = new URL(request.url);
      const handler = ROUTES[`${request.method} ${url.pathname}`];
      if (!handler) {
        const methods = [...new Set(Object.keys(ROUTES).filter((r) => r.endsWith(` ${url.pathname}`)).map((r) => r.split(" ")[0]))];
        if (methods.length) throw new HttpError(405, "METHOD_NOT_ALLOWED", `${url.pathname} takes ${methods.join(" or ")}`, { allow: methods.join(", ") });
        throw new HttpError(404, "NOT_FOUND", `no route ${url.pathname}: see the collector's README for its routes`);
      }
      return await handler(request, env, url);
    } catch (error) {
      await drain(request);
      if (error instanceof HttpError) {
        const { index, ...headers } = error.headers;
        return json({ error: { code: error.code, message: error.message, ...(index === undefined ? {} : { index }) } }, error.status, headers);
      }
      if (error && error.name === "CertpinError") return json({ error: { code: error.code, message: error.message } }, 400);
      // Anything else is a bug in this worker: say so without leaking internals.
      console.error("collector: internal error", error && error.stack);
      return json({ error: { code: "INTERNAL", message: "internal error" } }, 500);
    }
  },
};
