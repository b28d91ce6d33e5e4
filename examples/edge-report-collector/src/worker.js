// A pinning report collector for Cloudflare Workers (workerd), built on certpin.
//
// Workers cannot see the certificates of their own fetch(); what they can do is judge
// chains they are handed. This worker receives RFC 7469 violation reports (and
// certpin's own verdicts, whose `report` field is one), re-checks the served chain
// against the policy bundled with it, and says what most likely happened:
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
// Routes: POST /report (RFC 7469 report or certpin verdict), POST /pins, POST /check.
// Bad input gets 400 with {"error": {"code", "message"}}; 404/405 for routes/methods.
import { PinPolicy, checkPins, computePins, diagnose, parseChain } from "certpin";
import config from "./collector.config.json";

const MAX_BODY_BYTES = 64 * 1024;
// An oversized upload is read (and dropped) up to this much before the 400 goes out, so
// that the client, still sending, receives the answer instead of a broken pipe.
const MAX_DRAIN_BYTES = 1024 * 1024;
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
const knownRoots = config.knownRoots;
const knownRootPins = computePins(knownRoots);

class HttpError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

const json = (body, status = 200, headers = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

/** Reads at most MAX_BODY_BYTES, whatever content-length claims. */
async function readBody(request) {
  const declared = Number(request.headers.get("content-length"));
  const tooLarge = () => new HttpError(400, "INPUT_TOO_LARGE", `the body is over the limit of ${MAX_BODY_BYTES} bytes`);
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
    if (size <= MAX_BODY_BYTES) chunks.push(value);
  }
  if (size > MAX_BODY_BYTES) throw tooLarge();
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
}

async function readJson(request) {
  const text = await readBody(request);
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
    return value;
  } catch {
    throw new HttpError(400, "INVALID_ARGUMENT", "the body must be a JSON object");
  }
}

function field(object, name, type) {
  const value = object[name];
  const ok = type === "chain" ? typeof value === "string" || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string")) : typeof value === type;
  if (!ok) throw new HttpError(400, "INVALID_ARGUMENT", `missing or invalid field ${JSON.stringify(name)}: expected ${type === "chain" ? "PEM text or an array of PEM strings" : `a ${type}`}`);
  return value;
}

function instant(text) {
  if (text === undefined) return Date.now();
  const ms = typeof text === "string" ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms)) throw new HttpError(400, "INVALID_ARGUMENT", `${JSON.stringify(text)} is not an RFC 3339 date-time`);
  return ms;
}

/** Decides what a failed (or reported) chain most likely means. */
function classify(chain, hostname, port, now) {
  const verdict = policy.check(chain, { hostname, port, now });
  const findings = diagnose(chain, { hostname, now });
  let classification;
  if (verdict.status === "matched") {
    classification = "stale-policy";
  } else if (DIRECT[verdict.status]) {
    classification = DIRECT[verdict.status];
  } else if (withCandidates.check(chain, { hostname, port, now }).status === "matched") {
    classification = "stale-policy";
  } else {
    // Does the chain's signature-verified path reach a root we know? certpin answers:
    // append the known roots and pin them.
    const served = Array.isArray(chain) ? chain : [chain];
    const anchored = checkPins([...served, ...knownRoots].slice(0, 16), knownRootPins, { hostname, now });
    classification = anchored.status === "matched" ? "pin-mismatch" : "interception";
  }
  return { classification, verdict, findings };
}

async function handleReport(request) {
  const body = await readJson(request);
  // certpin's own verdicts carry the RFC 7469 report in `report`.
  const report = body.report && typeof body.report === "object" ? body.report : body;
  const hostname = field(report, "hostname", "string");
  const chain = field(report, "served-certificate-chain", "chain");
  const port = report.port === undefined ? 443 : report.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new HttpError(400, "INVALID_ARGUMENT", "port must be an integer from 1 to 65535");
  const now = instant(report["date-time"]);
  return json({ hostname, port, ...classify(chain, hostname, port, now) });
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

const ROUTES = { "/report": handleReport, "/pins": handlePins, "/check": handleCheck };

export default {
  async fetch(request) {
    try {
      const { pathname } = new URL(request.url);
      const handler = ROUTES[pathname];
      if (!handler) throw new HttpError(404, "NOT_FOUND", `no route ${pathname}: use POST /report, /pins or /check`);
      if (request.method !== "POST") throw new HttpError(405, "METHOD_NOT_ALLOWED", `${pathname} takes POST`, { allow: "POST" });
      return await handler(request);
    } catch (error) {
      if (error instanceof HttpError) return json({ error: { code: error.code, message: error.message } }, error.status, error.headers);
      if (error && error.name === "CertpinError") return json({ error: { code: error.code, message: error.message } }, 400);
      // Anything else is a bug in this worker: say so without leaking internals.
      return json({ error: { code: "INTERNAL", message: "internal error" } }, 500);
    }
  },
};
