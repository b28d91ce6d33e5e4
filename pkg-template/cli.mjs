#!/usr/bin/env node
// The certpin command line. Network I/O (probe, live check) lives here, never in the
// wasm module. Exit codes: 0 ok, 1 the check failed, 2 bad input or usage.
import { readFileSync } from "node:fs";
import tls from "node:tls";
import net from "node:net";
import { parseArgs } from "node:util";
import { createRequire } from "node:module";
import {
  parseChain,
  computePins,
  formatPin,
  diagnose,
  PinPolicy,
} from "./node.mjs";
import { peerChain } from "./node-adapter.mjs";
import { revocationCheckOptions, crlCheck, describeCrl, revocationOf, describeRevocation } from "./cli-revocation.mjs"; // revocation (issue 21)
import { BUNDLE_COMMANDS, runBundleCommand } from "./cli-bundle.mjs";

const require = createRequire(import.meta.url);
const { version } = require("./package.json");

const FORMATS = ["okhttp", "hpkp", "curl", "android", "trustkit", "tlsa", "hex", "base64", "base64url"];
const EXPORTS = ["hpkp", "hpkp-report-only", "okhttp", "android-nsc", "trustkit", "apple-ats", "curl", "tlsa", "json"];

const HELP = {
  main: `certpin ${version}: certificate pins, pin policies and chain checks

Usage: certpin <command> [options]

Commands:
  pins <file|->        pins of a chain, public key or CSR (PEM or DER)
  inspect <file|->     every certificate of a chain, readably, with findings
  probe <host[:port]>  connect, print the served chain, its pins and a policy snippet
  check                check a chain (file or live host) against a policy
  lint <policy>        find risks in a policy
  convert <file>       convert a policy to another format
  audit                check every endpoint of a fleet against a policy (cli-audit.mjs)
  plan                 lockout dates and the steps of a safe key rotation (cli-audit.mjs)
  ct-drift FILE...     certificates logged in CT for your names that no active pin accepts
  keygen               make a bundle signing key (Ed25519 or P-256)
  root init|rotate     make or rotate a trust root for signed policy bundles
  sign <policy>        sign a policy into a bundle (or co-sign one: --add-to)
  verify <bundle>      verify a signed bundle against a trust root

Every command takes --json and --help. Exit codes: 0 ok, 1 check failed, 2 bad input.
Run 'certpin <command> --help' for examples.`,
  pins: `Usage: certpin pins <file|-> [--format FORMAT] [--algorithm sha256|sha384|sha512] [--json]

Prints one pin per certificate, public key or certificate request in the input.
Formats: ${FORMATS.join(", ")}.

Examples:
  certpin pins chain.pem
  certpin pins backup-key.pub.pem --format hpkp
  openssl s_client -connect example.com:443 -showcerts </dev/null | certpin pins -`,
  inspect: `Usage: certpin inspect <file|-> [--host NAME] [--now TIME] [--json]

Prints every certificate (subject, issuer, validity with days left, names, key,
signature algorithm, fingerprint, pin) and the chain's problems (diagnose).

Examples:
  certpin inspect chain.pem
  certpin inspect chain.pem --host api.example.com --json`,
  probe: `Usage: certpin probe <host[:port]> [--servername NAME] [--timeout SECONDS] [--json]

Connects with TLS (port 443 by default), prints the served chain with pins and findings,
and a ready policy snippet. It observes the chain whether or not it is trusted.

Examples:
  certpin probe example.com
  certpin probe 10.0.0.5:8443 --servername api.internal`,
  check: `Usage: certpin check --policy FILE [--host NAME] [--now TIME] [--timeout SECONDS] [--ocsp RESPONSE.der] [--crl LIST.crl] [--json] <chain-file | host[:port]>

Checks a chain against a policy. The chain is a file (PEM or DER, '-' for stdin) or a
live host[:port]. --host names the host to check (default: the live host).
--ocsp passes an OCSP response (DER) as the staple; --crl checks the chain against a CRL.
Exit 0 when the host may proceed, 1 when the check fails, 2 for bad input.

Examples:
  certpin check --policy pins.json --host api.example.com chain.pem
  certpin check --policy pins.json api.example.com:443`,
  lint: `Usage: certpin lint <policy-file> [--chain FILE] [--now TIME] [--json]

Finds risks in a policy (no backup pin, expiring entries, public-suffix patterns, ...).
With --chain, also checks the pins against a served chain (HPKP's backup rule).
Exit 0 when there is no error finding, 1 otherwise.

Examples:
  certpin lint pins.json
  certpin lint pins.json --chain chain.pem`,
  convert: `Usage: certpin convert <file|-> --to FORMAT [--from json|hpkp|android-nsc] [--host NAME]

Converts a policy. --from hpkp reads a Public-Key-Pins header (needs --host);
--from android-nsc reads a network_security_config.xml.
Formats: ${EXPORTS.join(", ")}.

Examples:
  certpin convert pins.json --to android-nsc > network_security_config.xml
  certpin convert header.txt --from hpkp --host example.com --to json`,
};

class UsageError extends Error {
  constructor(message) {
    super(message);
    this.code = "USAGE";
  }
}

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = (t) => paint(1, t);
const red = (t) => paint(31, t);
const yellow = (t) => paint(33, t);
const green = (t) => paint(32, t);
const dim = (t) => paint(2, t);

function readInput(path) {
  if (path === undefined) throw new UsageError("a file is required ('-' reads standard input)");
  try {
    return new Uint8Array(readFileSync(path === "-" ? 0 : path));
  } catch (error) {
    throw new UsageError(`cannot read ${path === "-" ? "standard input" : path}: ${error.code || error.message}`);
  }
}

function readText(path) {
  return new TextDecoder().decode(readInput(path));
}

function parseNow(value) {
  if (value === undefined) return Date.now();
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new UsageError(`--now ${JSON.stringify(value)} is not an RFC 3339 time or milliseconds`);
  return ms;
}

function parseTarget(target) {
  const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(target || "");
  if (!match) throw new UsageError(`${JSON.stringify(target)} is not host[:port]`);
  const port = match[3] === undefined ? 443 : Number(match[3]);
  if (!(port > 0 && port < 65536)) throw new UsageError(`port ${match[3]} is out of range`);
  return { host: match[1] || match[2], port };
}

function parseTimeout(value) {
  if (value === undefined) return 10_000;
  const seconds = Number(value);
  if (!(seconds > 0 && seconds <= 600)) throw new UsageError(`--timeout ${value} must be between 0 and 600 seconds`);
  return seconds * 1000;
}

/** Connects, observes the served chain, disconnects. Trust is reported, not required. */
function fetchChain({ host, port }, { servername, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const name = servername ?? (net.isIP(host) ? undefined : host);
    const socket = tls.connect({ host, port, servername: name, rejectUnauthorized: false, ALPNProtocols: ["http/1.1"] });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`no TLS handshake with ${host}:${port} within ${timeoutMs / 1000} s`), { code: "TIMEOUT" }));
    }, timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const chain = peerChain(socket.getPeerCertificate(true));
      const result = {
        chain,
        authorized: socket.authorized,
        authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
        protocol: socket.getProtocol(),
      };
      socket.end();
      resolve(result);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`cannot connect to ${host}:${port}: ${error.code || error.message}`), { code: "CONNECT_FAILED" }));
    });
  });
}

function daysLeft(notAfter, now) {
  return Math.floor((Date.parse(notAfter) - now) / 86_400_000);
}

function printFindings(findings, out) {
  for (const f of findings) {
    const mark = f.severity === "error" ? red("error") : f.severity === "warning" ? yellow("warning") : dim("info");
    const where = f.certIndex === undefined ? "" : ` [cert ${f.certIndex}]`;
    out.push(`  ${mark} ${f.code}${where}: ${f.message}`);
  }
}

function describeChain(infos, now, out) {
  for (const c of infos) {
    const left = daysLeft(c.notAfter, now);
    const validity = left < 0 ? red(`expired ${-left} days ago`) : left < 30 ? yellow(`${left} days left`) : `${left} days left`;
    out.push(bold(`[${c.index}] ${c.subject}`));
    out.push(`    issuer     ${c.issuer}`);
    out.push(`    valid      ${c.notBefore} .. ${c.notAfter} (${validity})`);
    const names = [...c.dnsNames, ...c.ipAddresses];
    if (names.length) out.push(`    names      ${names.join(", ")}`);
    const key = [c.keyAlgorithm, c.keySize, c.curve].filter((x) => x !== null && x !== undefined).join(" ");
    out.push(`    key        ${key}${c.isCa ? ", CA" : ""}${c.pathLength !== null ? ` (pathlen ${c.pathLength})` : ""}${c.selfSigned ? ", self-signed" : ""}`);
    out.push(`    signature  ${c.signatureAlgorithm}`);
    out.push(`    serial     ${c.serialNumber}`);
    out.push(`    sha256     ${c.fingerprintSha256}`);
    out.push(`    pin        ${green(c.spkiSha256)}`);
  }
}

function policySnippet(host, infos) {
  const pins = infos.slice(0, 2).map((c) => c.spkiSha256);
  return JSON.stringify(
    { version: 1, domains: [{ host, pins: [...pins, "sha256/<BACKUP-KEY-PIN: certpin pins backup-key.pub.pem>"] }] },
    null,
    2,
  );
}

async function run(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    return { text: HELP.main, code: command === undefined ? 2 : 0 };
  }
  if (command === "--version" || command === "-v") return { text: version, code: 0 };
  if (command === "audit" || command === "plan") {
    const fleet = await import("./cli-audit.mjs");
    return fleet[command](rest, { stderr: process.stderr, paint: { red, yellow, green } });
  }
  if (command === "ct-drift") return (await import("./cli-ct.mjs")).ctDriftCommand(rest); // issue 20
  if (BUNDLE_COMMANDS.includes(command)) return runBundleCommand(command, rest);
  if (!Object.hasOwn(HELP, command) || command === "main") {
    throw new UsageError(`unknown command ${JSON.stringify(command)}; run 'certpin --help'`);
  }
  const spec = {
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
    format: { type: "string" },
    algorithm: { type: "string" },
    host: { type: "string" },
    now: { type: "string" },
    servername: { type: "string" },
    timeout: { type: "string" },
    policy: { type: "string" },
    chain: { type: "string" },
    to: { type: "string" },
    from: { type: "string" },
    ocsp: { type: "string" }, // revocation (issue 21)
    crl: { type: "string" },
  };
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: spec, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error.message);
  }
  const { values: o, positionals } = parsed;
  if (o.help) return { text: HELP[command], code: 0 };
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`);
  const [arg] = positionals;
  const out = [];
  switch (command) {
    case "pins": {
      if (o.format !== undefined && !FORMATS.includes(o.format)) throw new UsageError(`unknown --format ${o.format}; one of ${FORMATS.join(", ")}`);
      const pins = computePins(readInput(arg), o.algorithm ? { algorithm: o.algorithm } : undefined);
      const shown = o.format ? pins.map((p) => formatPin(p, o.format)) : pins;
      if (o.json) return { json: shown, code: 0 };
      return { text: shown.join("\n"), code: 0 };
    }
    case "inspect": {
      const input = readInput(arg);
      const now = parseNow(o.now);
      const infos = parseChain(input);
      const findings = diagnose(input, { hostname: o.host, now });
      if (o.json) return { json: { certificates: infos, findings, revocation: revocationOf(input) }, code: 0 };
      describeChain(infos, now, out);
      describeRevocation(input, infos, out, { bold, yellow });
      if (findings.length) {
        out.push(bold("Findings:"));
        printFindings(findings, out);
      } else {
        out.push(green("No problems found."));
      }
      return { text: out.join("\n"), code: 0 };
    }
    case "probe": {
      const target = parseTarget(arg);
      const now = Date.now();
      const observed = await fetchChain(target, { servername: o.servername, timeoutMs: parseTimeout(o.timeout) });
      if (observed.chain.length === 0) throw Object.assign(new Error(`${target.host}:${target.port} presented no certificate`), { code: "NO_CHAIN" });
      const infos = parseChain(observed.chain);
      const hostname = o.servername ?? target.host;
      const findings = diagnose(observed.chain, { hostname, now });
      if (o.json) {
        return { json: { host: target.host, port: target.port, protocol: observed.protocol, trusted: observed.authorized, trustError: observed.authorizationError, certificates: infos, findings, policy: JSON.parse(policySnippet(hostname, infos)) }, code: 0 };
      }
      out.push(`${bold(`${target.host}:${target.port}`)} ${observed.protocol}, ${observed.authorized ? green("trusted by Node's CA store") : yellow(`not trusted: ${observed.authorizationError}`)}`);
      describeChain(infos, now, out);
      if (findings.length) {
        out.push(bold("Findings:"));
        printFindings(findings, out);
      }
      out.push(bold("Policy snippet") + " (add a backup pin of a key that is NOT in this chain, or a rotation will lock clients out):");
      out.push(policySnippet(hostname, infos));
      return { text: out.join("\n"), code: 0 };
    }
    case "check": {
      if (o.policy === undefined) throw new UsageError("--policy FILE is required");
      const policy = new PinPolicy(readText(o.policy));
      let chain;
      let hostname = o.host;
      let port;
      const looksLikeFile = arg === "-" || /[/\\]|\.(pem|crt|cer|der)$/i.test(arg || "");
      if (arg === undefined) throw new UsageError("a chain file or host[:port] is required");
      if (looksLikeFile) {
        chain = readInput(arg);
        if (hostname === undefined) throw new UsageError("--host NAME is required when the chain comes from a file");
      } else {
        const target = parseTarget(arg);
        chain = (await fetchChain(target, { servername: o.host, timeoutMs: parseTimeout(o.timeout) })).chain;
        hostname ??= target.host;
        port = target.port;
      }
      const now = parseNow(o.now);
      const verdict = policy.check(chain, { hostname, now, ...(port ? { port } : {}), ...revocationCheckOptions(o) });
      policy.free();
      const crl = crlCheck(chain, o, now);
      const code = verdict.ok && crl?.status !== "revoked" ? 0 : 1;
      if (o.json) return { json: crl ? { ...verdict, crl } : verdict, code };
      const head = verdict.ok ? green(`OK: ${verdict.status}`) : red(`FAILED: ${verdict.status}`);
      out.push(`${head}${verdict.enforced ? "" : dim(" (not enforced)")}`);
      out.push(verdict.message);
      if (verdict.findings.length) printFindings(verdict.findings, out);
      describeCrl(crl, out, { red, green });
      return { text: out.join("\n"), code };
    }
    case "lint": {
      const policy = new PinPolicy(readText(arg));
      const findings = policy.lint({ now: parseNow(o.now), ...(o.chain ? { chain: readInput(o.chain) } : {}) });
      policy.free();
      const code = findings.some((f) => f.severity === "error") ? 1 : 0;
      if (o.json) return { json: findings, code };
      if (findings.length === 0) return { text: green("No problems found."), code };
      printFindings(findings, out);
      return { text: out.join("\n"), code };
    }
    case "convert": {
      if (o.to === undefined || !EXPORTS.includes(o.to)) throw new UsageError(`--to is required: one of ${EXPORTS.join(", ")}`);
      const text = readText(arg);
      const from = o.from ?? "json";
      let policy;
      if (from === "json") policy = new PinPolicy(text);
      else if (from === "hpkp") {
        if (o.host === undefined) throw new UsageError("--from hpkp needs --host NAME");
        policy = PinPolicy.fromHpkpHeader(text.trim().replace(/^public-key-pins(-report-only)?\s*:\s*/i, ""), o.host);
      } else if (from === "android-nsc") policy = PinPolicy.fromAndroidNsc(text);
      else throw new UsageError(`--from ${from}: one of json, hpkp, android-nsc`);
      const result = o.to === "json" ? JSON.stringify(policy.toJSON(), null, 2) : policy.export(o.to);
      policy.free();
      if (o.json) return { json: o.to === "json" ? JSON.parse(result) : { format: o.to, text: result }, code: 0 };
      return { text: result, code: 0 };
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

const wantsJson = process.argv.includes("--json");
try {
  const { text, json, code } = await run(process.argv.slice(2));
  if (json !== undefined) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  else if (text !== undefined) process.stdout.write(`${text}\n`);
  process.exitCode = code;
} catch (error) {
  const code = error.code || "ERROR";
  const message = String(error.message).split("\n")[0];
  if (wantsJson) process.stderr.write(`${JSON.stringify({ error: { code, message } })}\n`);
  else process.stderr.write(`certpin: ${code}: ${message}\n`);
  process.exitCode = 2;
}
