// `certpin audit` and `certpin plan`: one policy against a fleet of endpoints, and the
// rotation plan for each host. The network I/O (TLS connections) is here; the verdicts
// and plans come from the wasm core (PinPolicy.check, PinPolicy.plan).
import { readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";
import { parseArgs } from "node:util";
import { PinPolicy, checkOcsp, parseChain, verifyScts } from "./node.mjs";
import { peerChain } from "./node-adapter.mjs";
import { UsageError, commandError } from "./cli-errors.mjs";

export const AUDIT_HELP = `Usage: certpin audit --policy FILE [--endpoints FILE] [--json] [--html FILE]
                     [--baseline FILE] [--concurrency N] [--timeout SECONDS]
                     [--deadline SECONDS] [--cacert FILE] [--now TIME] [--progress]

Connects to every exact host of the policy (port 443) and to every endpoint listed in
--endpoints, with SNI set to the host, and checks each served chain against the policy.
A host listed in --endpoints is reached only at the addresses listed there.

--endpoints FILE  one endpoint a line: host@address:port (the same name served from
                  several clouds or regions), host@address, host:port or host;
                  '#' starts a comment; [v6] addresses in brackets
--json            one JSON document on stdout: { endpoints: [...], findings: [...] }
--html FILE       a self-contained report (table and expiry timeline; no outside request)
--baseline FILE   an earlier audit's --json output: report new CA keys, changed chains
--concurrency N   connections at once (default 8, at most 64)
--timeout S       per endpoint (default 10, at most 600)
--deadline S      for the whole audit (default 300, at most 3600)
--cacert FILE     CA certificates (PEM) to record trust against, instead of Node's store
--log-list FILE   a CT log list (v3 JSON) you trust: SCTs are verified and entries with
                  "ct" are checked with it (without it, an entry with "ct": "enforce" fails)
--now TIME        evaluate at this RFC 3339 time (default: now)
--update-lag-days N  days a policy update needs to reach clients, for lockout dates (30)
--progress        show the progress line even when stderr is not a terminal

Each endpoint is trusted by the pins alone: the trust store's answer is recorded, never
relied on. Exit 0 when every endpoint passes, 1 when any fails or cannot be reached,
2 for bad input.

Examples:
  certpin audit --policy pins.json
  certpin audit --policy pins.json --endpoints fleet.txt --json --html report.html`;

export const PLAN_HELP = `Usage: certpin plan --policy FILE [--chain HOST=FILE]... [--audit FILE] [host[:port]...]
                    [--update-lag-days N] [--now TIME] [--json]

For each host: the lockout date (after it no active pin matches any chain the host
serves now), the last day a policy update still reaches clients in time, and the dated
steps of a key rotation that never locks clients out, each linted.

--chain HOST=FILE     the chain HOST serves (PEM or DER); repeatable
--audit FILE          the chains an earlier 'certpin audit --json' saw
host[:port]           connect and plan with the chain served now
--update-lag-days N   days a policy update needs to reach every client (default 30)

Examples:
  certpin plan --policy pins.json --chain api.example.com=chain.pem
  certpin plan --policy pins.json --audit audit.json --update-lag-days 14 --json`;

const MAX_ENDPOINTS = 1000;
const MAX_LINE = 1024;

const usage = (message) => new UsageError(message);

function readFile(path, what) {
  try {
    return readFileSync(path === "-" ? 0 : path);
  } catch (error) {
    throw usage(`cannot read ${what} ${path}: ${error.code || error.message}`);
  }
}

function number(value, name, fallback, max) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0 && n <= max)) throw usage(`--${name} ${value} must be a number from 1 to ${max}`);
  return n;
}

function instant(value) {
  if (value === undefined) return Date.now();
  const rfc3339 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$/;
  const ms = rfc3339.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw usage(`--now ${JSON.stringify(value)} is not an RFC 3339 time`);
  return ms;
}

function parseAddress(text, where) {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:@[\]]+))(?::(\d{1,5}))?$/.exec(text);
  if (!m) throw usage(`${where}: ${JSON.stringify(text)} is not address[:port]`);
  const port = m[3] === undefined ? 443 : Number(m[3]);
  if (!(port >= 1 && port <= 65535)) throw usage(`${where}: port ${m[3]} is out of range`);
  return { address: m[1] ?? m[2], port };
}

/** Endpoints of a file: `host@address:port`, `host@address`, `host:port`, `host`. */
export function parseEndpoints(text, file = "endpoints") {
  const endpoints = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const where = `${file}:${i + 1}`;
    if (raw.length > MAX_LINE) throw usage(`${where}: line longer than ${MAX_LINE} characters`);
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") return;
    const at = line.indexOf("@");
    let host;
    let target;
    if (at >= 0) {
      host = line.slice(0, at);
      target = parseAddress(line.slice(at + 1), where);
    } else {
      target = parseAddress(line, where);
      host = target.address;
    }
    if (!/^[A-Za-z0-9.:_-]+$/.test(host) || host.length > 253) throw usage(`${where}: ${JSON.stringify(host)} is not a host name`);
    endpoints.push({ host, address: target.address, port: target.port });
    if (endpoints.length > MAX_ENDPOINTS) throw usage(`${file}: more than ${MAX_ENDPOINTS} endpoints`);
  });
  return endpoints;
}

/** One TLS handshake: the served chain, the trust store's answer and any OCSP staple. */
function observe({ host, address, port }, { timeoutMs, ca }) {
  return new Promise((resolve) => {
    let staple = null;
    let settled = false;
    const done = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const socket = tls.connect({
      host: address,
      port,
      servername: net.isIP(host) ? undefined : host,
      rejectUnauthorized: false,
      requestOCSP: true,
      ALPNProtocols: ["http/1.1"],
      ...(ca ? { ca } : {}),
    });
    const timer = setTimeout(
      () => done({ error: `no TLS handshake within ${timeoutMs / 1000} s`, status: "timeout" }),
      timeoutMs,
    );
    socket.once("OCSPResponse", (response) => {
      staple = response;
    });
    socket.once("secureConnect", () => {
      done({
        chain: peerChain(socket.getPeerCertificate(true)),
        trusted: socket.authorized,
        trustError: socket.authorizationError ? String(socket.authorizationError) : null,
        protocol: socket.getProtocol(),
        staple: staple !== null && staple.length > 0 ? new Uint8Array(staple) : null,
      });
    });
    socket.once("error", (error) => done({ error: `cannot connect: ${error.code || error.message}`, status: "unreachable" }));
  });
}

const pemOf = (der) => {
  const b64 = Buffer.from(der).toString("base64").replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`;
};

const DAY_MS = 86_400_000;

function lagDays(value) {
  const lag = value === undefined ? 30 : Number(value);
  if (!(Number.isInteger(lag) && lag >= 0 && lag <= 3650)) throw usage(`--update-lag-days ${value} must be a whole number from 0 to 3650`);
  return lag;
}

/** What one endpoint serves, checked and planned. */
function evaluate(policy, endpoint, seen, now, updateLagDays, logList) {
  const base = { host: endpoint.host, address: endpoint.address, port: endpoint.port };
  if (seen.error) {
    return { ...base, ok: false, status: seen.status, error: seen.error, daysLeft: null, lockoutAt: null, servedPins: [], caKeys: [], chain: [] };
  }
  const verdict = policy.check(seen.chain, {
    hostname: endpoint.host,
    port: endpoint.port,
    now,
    ...(seen.staple ? { ocspResponse: seen.staple } : {}),
    ...(logList ? { ct: { logList } } : {}),
  });
  const infos = seen.chain.length ? parseChain(seen.chain) : [];
  const leaf = infos[0];
  const hostPlan = seen.chain.length
    ? policy.plan({ chains: { [endpoint.host]: seen.chain }, now, updateLagDays }).hosts[0]
    : null;
  const path = verdict.verifiedPath;
  return {
    ...base,
    ok: verdict.ok,
    status: verdict.status,
    enforced: verdict.enforced,
    domain: verdict.domain,
    trusted: seen.trusted,
    trustError: seen.trustError,
    protocol: seen.protocol,
    daysLeft: leaf ? Math.floor((Date.parse(leaf.notAfter) - now) / DAY_MS) : null,
    leafNotAfter: leaf ? leaf.notAfter : null,
    lockoutAt: hostPlan ? hostPlan.lockoutAt : null,
    actBy: hostPlan ? hostPlan.actBy : null,
    matched: verdict.matched,
    servedPins: verdict.servedPins,
    // The CA keys in use: every certificate above the leaf on the verified path (the
    // served chain in order when no path could be built).
    caKeys: (path.length ? path.slice(1) : infos.slice(1).map((c) => c.index))
      .map((i) => ({ pin: infos[i].spkiSha256, subject: infos[i].subject, notAfter: infos[i].notAfter })),
    includesIntermediates: path.length >= 2,
    ocspStapled: seen.staple !== null,
    ocsp: seen.staple ? ocspFact(seen.chain, seen.staple, now) : null,
    scts: leaf ? leaf.scts.length : 0,
    ct: logList && seen.chain.length ? ctFact(seen.chain, logList, now) : null,
    findings: verdict.findings,
    chain: seen.chain.map(pemOf),
  };
}

/** What the stapled OCSP response says (checkOcsp), or why it is unusable. */
function ocspFact(chain, staple, now) {
  try {
    const { status, certIndex, thisUpdate, nextUpdate, revokedAt, reason } = checkOcsp(chain, staple, { now });
    return { status, certIndex, thisUpdate, nextUpdate, revokedAt, reason };
  } catch (error) {
    return { status: "invalid", error: `${error.code}: ${error.message}` };
  }
}

/** Whether the leaf's embedded SCTs satisfy Chrome's CT policy with the given log list. */
function ctFact(chain, logList, now) {
  try {
    const { compliant, distinctLogs, requiredLogs } = verifyScts(chain, { logList, now });
    return { compliant, distinctLogs, requiredLogs };
  } catch (error) {
    return { compliant: false, error: `${error.code}: ${error.message}` };
  }
}

const FAILURE_ORDER = ["unreachable", "timeout", "deadline", "no-chain", "invalid-chain", "hostname-mismatch", "cert-expired", "cert-revoked", "revoked", "ct-insufficient", "mismatch"];

/** Failing endpoints first (worst status first), then by the fewest days left. */
function urgency(now) {
  const daysTo = (e) => {
    const dates = [e.leafNotAfter, e.lockoutAt].filter(Boolean).map((d) => Date.parse(d));
    return dates.length ? Math.min(...dates) - now : Infinity;
  };
  return (a, b) => {
    if (a.ok !== b.ok) return a.ok ? 1 : -1;
    if (!a.ok) {
      const d = FAILURE_ORDER.indexOf(a.status) - FAILURE_ORDER.indexOf(b.status);
      if (d !== 0) return d;
    }
    return daysTo(a) - daysTo(b) || `${a.host}@${a.address}:${a.port}`.localeCompare(`${b.host}@${b.address}:${b.port}`);
  };
}

const endpointId = (e) => `${e.host}@${e.address}:${e.port}`;

/** Drift: against the policy's own view (endpoints of one host that disagree) and a baseline. */
export function drift(endpoints, baseline) {
  const findings = [];
  const byHost = new Map();
  for (const e of endpoints) {
    if (!e.servedPins.length) continue;
    if (!byHost.has(e.host)) byHost.set(e.host, []);
    byHost.get(e.host).push(e);
  }
  for (const [host, list] of byHost) {
    const chains = new Set(list.map((e) => e.servedPins.join(" ")));
    if (chains.size > 1) {
      findings.push({
        code: "ENDPOINTS_DISAGREE",
        severity: "warning",
        host,
        message: `${host} is served with ${chains.size} different chains by ${list.map(endpointId).join(", ")}: one may be stale, rotated early or not yours`,
      });
    }
  }
  if (!baseline) return findings;
  const before = new Map(baseline.endpoints.map((e) => [endpointId(e), e]));
  const caBefore = new Map();
  for (const e of baseline.endpoints) {
    if (!caBefore.has(e.host)) caBefore.set(e.host, new Set());
    for (const k of e.caKeys || []) caBefore.get(e.host).add(k.pin);
  }
  for (const e of endpoints) {
    const id = endpointId(e);
    const old = before.get(id);
    if (old === undefined) {
      findings.push({ code: "NEW_ENDPOINT", severity: "info", host: e.host, endpoint: id, message: `${id} was not in the baseline` });
      continue;
    }
    if (e.servedPins.length && old.servedPins && old.servedPins.join(" ") !== e.servedPins.join(" ")) {
      findings.push({
        code: "CHAIN_CHANGED",
        severity: "warning",
        host: e.host,
        endpoint: id,
        message: `${id} serves another chain than in the baseline (was ${old.servedPins.join(", ")}; now ${e.servedPins.join(", ")})`,
      });
    }
    const known = caBefore.get(e.host) || new Set();
    for (const k of e.caKeys) {
      if (!known.has(k.pin)) {
        findings.push({
          code: "NEW_CA_KEY",
          severity: "warning",
          host: e.host,
          endpoint: id,
          message: `${id} is issued under a CA key not seen for ${e.host} before: ${k.pin} (${k.subject})`,
        });
      }
    }
  }
  const now = new Set(endpoints.map(endpointId));
  for (const id of before.keys()) {
    if (!now.has(id)) findings.push({ code: "ENDPOINT_GONE", severity: "info", endpoint: id, message: `${id} was in the baseline and is not audited now` });
  }
  return findings;
}

function readBaseline(path) {
  let doc;
  try {
    doc = JSON.parse(readFile(path, "baseline").toString("utf8"));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw usage(`--baseline ${path} is not JSON: ${error.message}`);
  }
  if (!doc || !Array.isArray(doc.endpoints)) throw usage(`--baseline ${path} is not the --json output of certpin audit (no "endpoints" array)`);
  return doc;
}

/** Runs `fn` over `items` with at most `limit` at once; stops starting new ones at `deadline`. */
async function pool(items, limit, deadline, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      if (Date.now() >= deadline) {
        results[i] = null;
        continue;
      }
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The endpoints to audit: the listed ones, then each exact policy host not listed. */
function targets(policy, listed) {
  const findings = [];
  const listedHosts = new Set(listed.map((e) => e.host.toLowerCase()));
  const out = [...listed];
  for (const d of policy.toJSON().domains) {
    if (d.host.startsWith("*.") || d.host.startsWith("**.")) {
      if (![...listedHosts].some((h) => h.endsWith(d.host.replace(/^\*+/, "")))) {
        findings.push({ code: "WILDCARD_NOT_AUDITED", severity: "warning", host: d.host, message: `${d.host} covers many names: list the ones to audit in --endpoints` });
      }
      continue;
    }
    if (!listedHosts.has(d.host)) out.push({ host: d.host, address: d.host, port: 443 });
  }
  return { endpoints: out, findings };
}

export async function audit(args, io) {
  const { values: o, positionals } = parseStrict(args, {
    policy: { type: "string", short: "p" }, endpoints: { type: "string", short: "e" },
    json: { type: "boolean" }, html: { type: "string" }, baseline: { type: "string" },
    concurrency: { type: "string" }, timeout: { type: "string" }, deadline: { type: "string" },
    cacert: { type: "string" }, "log-list": { type: "string" }, now: { type: "string" },
    progress: { type: "boolean" }, "update-lag-days": { type: "string" }, help: { type: "boolean", short: "h" },
  });
  if (o.help) return { text: AUDIT_HELP, code: 0 };
  if (positionals.length) throw usage(`unexpected argument ${JSON.stringify(positionals[0])}; endpoints go in --endpoints FILE`);
  if (o.policy === undefined) throw usage("--policy FILE is required");
  const policy = new PinPolicy(readFile(o.policy, "policy").toString("utf8"));
  const listed = o.endpoints === undefined ? [] : parseEndpoints(readFile(o.endpoints, "endpoints").toString("utf8"), o.endpoints);
  const concurrency = Math.floor(number(o.concurrency, "concurrency", 8, 64));
  const timeoutMs = number(o.timeout, "timeout", 10, 600) * 1000;
  const deadlineMs = number(o.deadline, "deadline", 300, 3600) * 1000;
  const ca = o.cacert === undefined ? undefined : readFile(o.cacert, "CA file").toString("utf8");
  const baseline = o.baseline === undefined ? null : readBaseline(o.baseline);
  const logList = o["log-list"] === undefined ? null : readFile(o["log-list"], "log list").toString("utf8");
  const now = instant(o.now);
  const lag = lagDays(o["update-lag-days"]);
  const { endpoints: todo, findings } = targets(policy, listed);
  if (todo.length > MAX_ENDPOINTS) throw usage(`more than ${MAX_ENDPOINTS} endpoints`);

  const showProgress = o.progress || io.stderr.isTTY;
  let done = 0;
  let failing = 0;
  const progress = () => {
    if (showProgress) io.stderr.write(`\raudit: ${done}/${todo.length} endpoints done, ${failing} failing`);
  };
  progress();
  const deadline = Date.now() + deadlineMs;
  const results = await pool(todo, concurrency, deadline, async (endpoint) => {
    const remaining = Math.max(1, Math.min(timeoutMs, deadline - Date.now()));
    const seen = await observe(endpoint, { timeoutMs: remaining, ca });
    if (seen.status === "timeout" && Date.now() >= deadline) seen.status = "deadline";
    const result = evaluate(policy, endpoint, seen, now, lag, logList);
    done += 1;
    if (!result.ok) failing += 1;
    progress();
    return result;
  });
  const endpoints = results.map((r, i) =>
    r ?? { ...todo[i], ok: false, status: "deadline", error: `not started before the ${deadlineMs / 1000} s deadline`, daysLeft: null, lockoutAt: null, servedPins: [], caKeys: [], chain: [] });
  if (showProgress) io.stderr.write("\n");
  policy.free();
  endpoints.sort(urgency(now));
  findings.push(...drift(endpoints, baseline));
  const report = { now: new Date(now).toISOString().replace(/\.000Z$/, "Z"), endpoints, findings };
  if (o.html !== undefined) {
    try {
      writeFileSync(o.html, renderHtml(report));
    } catch (error) {
      throw usage(`cannot write ${o.html}: ${error.code || error.message}`);
    }
  }
  const code = endpoints.some((e) => !e.ok) ? 1 : 0;
  if (o.json) return { json: report, code };
  return { text: renderTable(report, io.paint), code };
}

function parseStrict(args, options) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usage(error.message);
  }
}

function renderTable(report, paint = {}) {
  const red = paint.red || ((t) => t);
  const yellow = paint.yellow || ((t) => t);
  const green = paint.green || ((t) => t);
  const rows = [["", "host", "endpoint", "status", "days left", "lockout", "trusted", "CA keys"]];
  for (const e of report.endpoints) {
    rows.push([
      e.ok ? "ok" : "FAIL",
      e.host,
      `${e.address}:${e.port}`,
      e.status,
      e.daysLeft === null ? "-" : String(e.daysLeft),
      e.lockoutAt ? e.lockoutAt.slice(0, 10) : "-",
      e.trusted === undefined ? "-" : e.trusted ? "yes" : "no",
      String(e.caKeys.length),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r, i) => {
    const text = r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd();
    if (i === 0) return text;
    const e = report.endpoints[i - 1];
    return !e.ok ? red(text) : e.daysLeft !== null && e.daysLeft < 30 ? yellow(text) : green(text);
  });
  const failed = report.endpoints.filter((e) => !e.ok).length;
  lines.push("", `${report.endpoints.length} endpoints, ${failed} failing`);
  for (const e of report.endpoints.filter((x) => x.error)) lines.push(`  ${e.host}@${e.address}:${e.port}: ${e.error}`);
  for (const f of report.findings) lines.push(`  ${f.severity} ${f.code}: ${f.message}`);
  return lines.join("\n");
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/** A self-contained page: no script, no outside request (its CSP forbids any). */
export function renderHtml(report) {
  const now = Date.parse(report.now);
  const horizon = 730 * DAY_MS;
  const dates = report.endpoints.flatMap((e) => [e.leafNotAfter, e.lockoutAt]).filter(Boolean).map((d) => Date.parse(d));
  const end = now + Math.min(horizon, Math.max(90 * DAY_MS, ...dates.map((d) => d - now)));
  const W = 760;
  const left = 230;
  const rowH = 22;
  const x = (t) => left + ((Math.min(Math.max(t, now), end) - now) / (end - now)) * (W - left - 10);
  const rows = report.endpoints.map((e, i) => {
    const y = 30 + i * rowH;
    const label = `<text x="4" y="${y + 14}" class="label">${escapeHtml(`${e.host} ${e.address}:${e.port}`.slice(0, 34))}</text>`;
    if (!e.leafNotAfter) return `${label}<text x="${left}" y="${y + 14}" class="fail">${escapeHtml(e.status)}</text>`;
    const expiry = Date.parse(e.leafNotAfter);
    const cls = !e.ok ? "fail" : e.daysLeft < 30 ? "soon" : "fine";
    let svg = `${label}<rect x="${left}" y="${y + 4}" width="${Math.max(1, x(expiry) - left).toFixed(1)}" height="12" class="${cls}"><title>leaf expires ${escapeHtml(e.leafNotAfter)}</title></rect>`;
    if (e.lockoutAt) {
      const lx = x(Date.parse(e.lockoutAt));
      svg += `<path d="M${lx.toFixed(1)} ${y + 1} l6 9 l-6 9 l-6 -9 z" class="lockout"><title>lockout ${escapeHtml(e.lockoutAt)}</title></path>`;
    }
    return svg;
  });
  const ticks = [];
  for (let t = now, k = 0; t <= end && k < 30; t += 90 * DAY_MS, k++) {
    ticks.push(`<line x1="${x(t).toFixed(1)}" y1="20" x2="${x(t).toFixed(1)}" y2="${30 + rows.length * rowH}" class="tick"/><text x="${x(t).toFixed(1)}" y="14" class="axis">${new Date(t).toISOString().slice(0, 7)}</text>`);
  }
  const height = 40 + rows.length * rowH;
  const tableRows = report.endpoints.map((e) => `<tr class="${e.ok ? "ok" : "fail"}"><td>${e.ok ? "ok" : "FAIL"}</td><td>${escapeHtml(e.host)}</td><td>${escapeHtml(`${e.address}:${e.port}`)}</td><td>${escapeHtml(e.status)}</td><td>${e.daysLeft ?? "-"}</td><td>${escapeHtml(e.lockoutAt ? e.lockoutAt.slice(0, 10) : "-")}</td><td>${e.trusted === undefined ? "-" : e.trusted ? "yes" : "no"}</td><td>${e.caKeys.map((k) => `<code title="${escapeHtml(k.subject)}">${escapeHtml(k.pin)}</code>`).join("<br>")}</td></tr>`).join("\n");
  const findings = report.findings.map((f) => `<li class="${escapeHtml(f.severity)}"><b>${escapeHtml(f.code)}</b> ${escapeHtml(f.message)}</li>`).join("\n");
  const failed = report.endpoints.filter((e) => !e.ok).length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>certpin audit ${escapeHtml(report.now)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#111}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
tr.fail td{background:#fde8e8}code{font-size:12px}
.fine{fill:#2e7d32}.soon{fill:#ef6c00}.fail{fill:#c62828}.lockout{fill:#111}
.label,.axis{font-size:11px}.tick{stroke:#ddd}li.error{color:#c62828}li.warning{color:#8a4b00}
</style></head><body>
<h1>certpin audit</h1>
<p>${report.endpoints.length} endpoints at ${escapeHtml(report.now)}: <strong>${failed} failing</strong>.</p>
<h2>Endpoints, most urgent first</h2>
<table id="endpoints"><thead><tr><th></th><th>host</th><th>endpoint</th><th>status</th><th>days left</th><th>lockout</th><th>trusted</th><th>CA keys</th></tr></thead>
<tbody>
${tableRows}
</tbody></table>
<h2>Timeline</h2>
<p>Bars end when each leaf certificate expires; a black diamond marks the lockout date (after it no active pin matches the chain served now). The axis spans at most two years.</p>
<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" role="img" aria-label="certificate expiry and lockout timeline">
${ticks.join("\n")}
${rows.join("\n")}
</svg>
<h2>Findings</h2>
<ul id="findings">${findings || "<li>none</li>"}</ul>
</body></html>
`;
}

/** `certpin plan`: chains from files, from an audit, or live. */
export async function plan(args, io) {
  const { values: o, positionals } = parseStrict(args, {
    policy: { type: "string", short: "p" },
    chain: { type: "string", multiple: true },
    audit: { type: "string" },
    "update-lag-days": { type: "string" },
    now: { type: "string" },
    timeout: { type: "string" },
    cacert: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (o.help) return { text: PLAN_HELP, code: 0 };
  if (o.policy === undefined) throw usage("--policy FILE is required");
  const lag = lagDays(o["update-lag-days"]);
  const now = instant(o.now);
  const jobs = [];
  for (const spec of o.chain || []) {
    const eq = spec.indexOf("=");
    if (eq <= 0) throw usage(`--chain ${JSON.stringify(spec)} is not HOST=FILE`);
    jobs.push({ label: spec.slice(0, eq), host: spec.slice(0, eq), chain: new Uint8Array(readFile(spec.slice(eq + 1), "chain")) });
  }
  if (o.audit !== undefined) {
    for (const e of readBaseline(o.audit).endpoints) {
      if (Array.isArray(e.chain) && e.chain.length) jobs.push({ label: endpointId(e), host: e.host, chain: e.chain.join("") });
    }
  }
  const timeoutMs = number(o.timeout, "timeout", 10, 600) * 1000;
  const ca = o.cacert === undefined ? undefined : readFile(o.cacert, "CA file").toString("utf8");
  for (const target of positionals) {
    const m = /^([^:\s]+)(?::(\d{1,5}))?$/.exec(target);
    if (!m) throw usage(`${JSON.stringify(target)} is not host[:port]`);
    const endpoint = { host: m[1], address: m[1], port: m[2] ? Number(m[2]) : 443 };
    const seen = await observe(endpoint, { timeoutMs, ca });
    if (seen.error) throw commandError(`${target}: ${seen.error}`, "CONNECT_FAILED");
    jobs.push({ label: target, host: endpoint.host, chain: seen.chain });
  }
  if (jobs.length === 0) throw usage("nothing to plan: give --chain HOST=FILE, --audit FILE or a host");
  const policy = new PinPolicy(readFile(o.policy, "policy").toString("utf8"));
  const hosts = [];
  try {
    for (const job of jobs) {
      const [h] = policy.plan({ chains: { [job.host]: job.chain }, now, updateLagDays: lag }).hosts;
      hosts.push({ endpoint: job.label, ...h });
    }
  } finally {
    policy.free();
  }
  const result = { now: new Date(now).toISOString().replace(/\.000Z$/, "Z"), updateLagDays: lag, hosts };
  const failing = hosts.some((h) => h.findings.some((f) => f.severity === "error"));
  if (o.json) return { json: result, code: failing ? 1 : 0 };
  const out = [];
  for (const h of hosts) {
    out.push(`${h.endpoint}: ${h.status}${h.domain ? ` (entry ${h.domain})` : ""}`);
    out.push(`  lockout  ${h.lockoutAt ?? "none"}${h.actBy ? `   act by ${h.actBy}` : ""}`);
    for (const f of h.findings) out.push(`  ${f.severity} ${f.code}: ${f.message}`);
    h.steps.forEach((s, i) => {
      out.push(`  ${i + 1}. ${s.action}  from ${s.at.slice(0, 10)}${s.by ? ` by ${s.by.slice(0, 10)}` : ""}`);
      out.push(`     ${s.detail}`);
      for (const f of s.lint) out.push(`     lint ${f.severity} ${f.code}: ${f.message}`);
    });
  }
  return { text: out.join("\n"), code: failing ? 1 : 0 };
}
