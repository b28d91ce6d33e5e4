// `certpin ct-drift`: certificates logged in CT for your names that no active pin of
// their host would accept. The wasm core decides (ctDrift); this file reads
// files, and fetches a URL only when the user passes one. Exit codes: 0 nothing found,
// 1 unpinned certificates found, 2 bad input or usage.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ctDrift } from "./node.mjs";
import { UsageError } from "./cli-errors.mjs";

export const CT_DRIFT_HELP = `Usage: certpin ct-drift --policy FILE [--now TIME] [--json] <FILE|URL>...

Lists, per pinned host, every unexpired certificate among those given that no active pin
of the host would accept: a possible misissuance, or a lockout waiting for the next
deployment. When a certificate chains (through CA certificates given too) to a CA key the
policy pins, that pin is suggested as a candidate for the host.

Each FILE is PEM (any number of certificates) or a crt.sh-style JSON export: an array of
entries with the certificate's PEM in "pem" (or "certificate"), or of PEM strings. An
https:// URL is fetched (the only network access; the core never fetches) and read the
same way. crt.sh's own JSON (https://crt.sh/?q=example.com&output=json) lists ids, not
PEMs: download each certificate from https://crt.sh/?d=ID.
Exit 0 when every certificate is pinned, 1 when some are not, 2 for bad input.

Examples:
  certpin ct-drift --policy pins.json logged/*.pem
  certpin ct-drift --policy pins.json export.json --json`;

/** At most this many bytes are read from one file or URL. */
const MAX_SOURCE_BYTES = 64 * 1024 * 1024;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The certificates of one source's text: PEM blocks, or a JSON export with PEMs. */
export function certificatesOf(text, where) {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    let data;
    try {
      data = JSON.parse(trimmed);
    } catch (error) {
      throw new UsageError(`${where}: not valid JSON (${error.message})`);
    }
    const entries = Array.isArray(data) ? data : [data];
    const out = [];
    const missing = [];
    entries.forEach((entry, i) => {
      const pem = typeof entry === "string" ? entry : entry && (entry.pem ?? entry.certificate);
      if (typeof pem !== "string" || !pem.includes("-----BEGIN CERTIFICATE-----")) {
        missing.push(entry && entry.id !== undefined ? `${i} (crt.sh id ${entry.id})` : String(i));
        return;
      }
      out.push(...(pem.match(PEM_BLOCK) ?? []));
    });
    if (missing.length) {
      throw new UsageError(
        `${where}: entries ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""} carry no PEM ("pem" field); crt.sh serves each certificate at https://crt.sh/?d=ID`,
      );
    }
    return out;
  }
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new UsageError(`${where}: no PEM certificate found`);
  return blocks;
}

async function readSource(source) {
  if (/^https?:\/\//i.test(source)) {
    if (!/^https:\/\//i.test(source)) throw new UsageError(`${source}: only https:// URLs are fetched`);
    let response;
    try {
      response = await fetch(source, { redirect: "follow", signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      throw new UsageError(`cannot fetch ${source}: ${error.cause?.code || error.message}`);
    }
    if (!response.ok) throw new UsageError(`cannot fetch ${source}: HTTP ${response.status}`);
    const text = await response.text();
    if (text.length > MAX_SOURCE_BYTES) throw new UsageError(`${source}: over ${MAX_SOURCE_BYTES} bytes`);
    return text;
  }
  try {
    const bytes = readFileSync(source === "-" ? 0 : source);
    if (bytes.length > MAX_SOURCE_BYTES) throw new UsageError(`${source}: over ${MAX_SOURCE_BYTES} bytes`);
    return bytes.toString("utf8");
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${source}: ${error.code || error.message}`);
  }
}

function parseNow(value) {
  if (value === undefined) return Date.now();
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new UsageError(`--now ${JSON.stringify(value)} is not an RFC 3339 time or milliseconds`);
  return ms;
}

/** Runs `certpin ct-drift ARGS`; returns { text | json, code } like the other commands. */
export async function ctDriftCommand(args) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { policy: { type: "string" }, now: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error.message);
  }
  const { values: o, positionals } = parsed;
  if (o.help) return { text: CT_DRIFT_HELP, code: 0 };
  if (!o.policy) throw new UsageError("--policy FILE is required (the pin policy JSON)");
  if (positionals.length === 0) throw new UsageError("give at least one FILE or URL with the certificates logged for your names");
  const now = parseNow(o.now);
  const policy = await readSource(o.policy);
  const certificates = [];
  for (const source of positionals) certificates.push(...certificatesOf(await readSource(source), source));
  const report = ctDrift(policy, certificates, { now });
  const unpinned = report.hosts.reduce((n, h) => n + h.unpinned.length, 0);
  const code = unpinned > 0 ? 1 : 0;
  if (o.json) return { json: report, code };
  const out = [
    `${report.certificates} certificates, ${report.unexpiredLeaves} unexpired leaves, checked at ${report.now}`,
  ];
  for (const host of report.hosts) {
    out.push("");
    out.push(`${host.host}: ${host.accepted} pinned, ${host.unpinned.length} not pinned`);
    for (const c of host.unpinned) {
      out.push(`  [${c.certIndex}] ${c.subject} (serial ${c.serialNumber})`);
      out.push(`      issuer ${c.issuer}; valid ${c.notBefore} to ${c.notAfter}`);
      out.push(`      names ${c.dnsNames.join(", ") || "(none)"}; key ${c.spkiSha256}`);
      out.push(`      ${c.reason}`);
      if (c.suggestedPin) out.push(`      suggested candidate pin: ${c.suggestedPin}`);
    }
  }
  out.push("");
  out.push(unpinned ? `${unpinned} certificate(s) that no active pin accepts.` : "Every unexpired certificate is accepted by an active pin of its host.");
  return { text: out.join("\n"), code };
}
