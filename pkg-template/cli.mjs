#!/usr/bin/env node
// The certpin command line. Network I/O (probe, live check) lives here, never in the
// wasm module. Exit codes: 0 ok, 1 the check failed, 2 bad input or usage.
import { readFileSync, writeFileSync } from "node:fs";
import tls from "node:tls";
import net from "node:net";
import { parseArgs } from "node:util";
import { createRequire } from "node:module";
import {
  parseChain,
  computePins,
  formatPin,
  parsePin,
  diagnose,
  PinPolicy,
  PIN_FORMATS,
  EXPORT_FORMATS,
} from "./node.mjs";
import { peerChain } from "./node-adapter.mjs";
import { revocationCheckOptions, crlCheck, describeCrl, revocationOf, describeRevocation } from "./cli-revocation.mjs";
import { BUNDLE_COMMANDS, runBundleCommand } from "./cli-bundle.mjs";
import { UsageError, commandError } from "./cli-errors.mjs";

const require = createRequire(import.meta.url);
const { version } = require("./package.json");

const IMPORTS = ["json", "okhttp", "trustkit", "android-nsc", "curl", "hpkp"];
// convert --to: the crate's export formats, and certpin's own policy JSON.
const EXPORTS = [...EXPORT_FORMATS, "json"];

const HELP = {
  main: `certpin ${version}: certificate pins, pin policies and chain checks

Usage: certpin <command> [options]

Commands:
  pins <file|->        pins of a chain, public key or CSR (PEM or DER)
  inspect <file|->     every certificate of a chain, readably, with findings
  probe <host[:port]|https://host:port/>
                       connect, print the served chain, its pins and a policy snippet
  check                check a chain (file or live host) against a policy
  lint <policy>        find risks in a policy
  convert <file>       convert a policy to another format (or import OkHttp, TrustKit,
                       Android, curl and HPKP pins)
  audit                check every endpoint of a fleet against a policy
  plan                 lockout dates and the steps of a safe key rotation
  ct-drift FILE...     certificates logged in CT for your names that no active pin accepts
  keygen               make a bundle signing key (Ed25519 or P-256)
  root init|rotate     make or rotate a trust root for signed policy bundles
  sign <policy>        sign a policy into a bundle (or co-sign one: --add-to)
  verify <bundle>      verify a signed bundle against a trust root

Common options (short forms as in curl and openssl):
  -f, --format FORMAT     pin format          -a, --algorithm ALG  pin hash
  -H, --host NAME         host to check       -p, --policy FILE    policy file
  -o, --out FILE          write the output to FILE instead of standard output
  -m, --timeout SECONDS   connect timeout     --cacert FILE        trust these CAs
  -j, --json              JSON output         -h, --help           this help

Exit codes: 0 ok, 1 check failed (or an error finding), 2 bad input or usage.
Colour: on a terminal; NO_COLOR turns it off, FORCE_COLOR (not 0) forces it on.
Run 'certpin <command> --help' for examples.`,
  pins: `Usage: certpin pins <file|-> [-f|--format FORMAT] [-a|--algorithm sha256|sha384|sha512] [--json]

Prints one pin per certificate, public key or certificate request in the input.
Formats: ${PIN_FORMATS.join(", ")}.

Examples:
  certpin pins chain.pem
  certpin pins backup-key.pub.pem -f hpkp
  openssl s_client -connect example.com:443 -showcerts </dev/null | certpin pins -`,
  inspect: `Usage: certpin inspect <file|-> [-H|--host NAME] [--now TIME] [--json]

Prints every certificate (subject, issuer, validity with days left, names, key,
signature algorithm, fingerprint, pin) and the chain's problems (diagnose).
Exit 0 when there is no error finding, 1 otherwise.

Examples:
  certpin inspect chain.pem
  certpin inspect chain.pem --host api.example.com --json`,
  probe: `Usage: certpin probe <host[:port] | https://host[:port]/> [--servername NAME] [--cacert FILE] [-m|--timeout SECONDS] [--json]

Connects with TLS (port 443 by default), prints the served chain with pins and findings,
and a ready policy snippet. It observes the chain whether or not it is trusted, and says
whether it is: by Node's CA store, or with --cacert FILE by the CAs in FILE only (as curl).

Examples:
  certpin probe example.com
  certpin probe https://api.example.com:8443/health
  certpin probe 10.0.0.5:8443 --servername api.internal --cacert internal-ca.pem`,
  check: `Usage: certpin check -p|--policy FILE [-H|--host NAME] [--now TIME] [--cacert FILE] [-m|--timeout SECONDS] [--ocsp RESPONSE.der] [--crl LIST.crl] [--json] <chain-file | host[:port] | https://host[:port]/>

Checks a chain against a policy. The chain is a file (PEM or DER, '-' for stdin) or a
live host. --host names the host to check (default: the live host). For a live host it
also says whether the TLS stack trusted the chain (Node's CA store, or --cacert FILE):
pinning adds to that validation, it does not replace it.
--ocsp passes an OCSP response (DER) as the staple; --crl checks the chain against a CRL.
Exit 0 when the host may proceed by its pins, 1 when the check fails (or the CRL lists a
certificate of the path), 2 for bad input.

Examples:
  certpin check -p pins.json -H api.example.com chain.pem
  certpin check -p pins.json https://api.example.com/
  certpin check -p pins.json --cacert internal-ca.pem 10.0.0.5:8443 -H api.internal`,
  lint: `Usage: certpin lint <policy-file> [--chain FILE] [--now TIME] [--json]

Finds risks in a policy (no backup pin, expiring entries, public-suffix patterns, ...).
With --chain, also checks the pins against a served chain (HPKP's backup rule).
Exit 0 when there is no error finding, 1 otherwise.

Examples:
  certpin lint pins.json
  certpin lint pins.json --chain chain.pem`,
  convert: `Usage: certpin convert <file|-> --to FORMAT [--from ${IMPORTS.join("|")}] [-H|--host NAME] [--now TIME] [-o FILE]

Converts a policy, or imports one:
  --from okhttp       Kotlin or Java source with CertificatePinner.Builder().add(...) calls
  --from trustkit     a TrustKit configuration as JSON (kTSKPinnedDomains)
  --from android-nsc  a network_security_config.xml (pin-sets; everything else is listed)
  --from curl         a --pinnedpubkey value (sha256//...;sha256//...), needs --host
  --from hpkp         a Public-Key-Pins header, needs --host. Its max-age counts from when
                      the header was received: give that time with --now TIME to write
                      "expires"; without --now the output does not depend on the clock
                      and has no "expires" (a note on stderr says so).
What an import cannot carry over is printed to stderr as findings; exit 1 if one is an
error (the policy is then stricter than the source).
Formats: ${EXPORTS.join(", ")}.

Examples:
  certpin convert pins.json --to android-nsc -o network_security_config.xml
  certpin convert Pinning.kt --from okhttp --to json -o pins.json
  certpin convert header.txt --from hpkp -H example.com --now 2026-12-01T00:00:00Z --to json`,
};

/** FORCE_COLOR (any value but "0"/"false") forces colour on, then NO_COLOR turns it off, else a terminal has it (Node's own order). */
function useColor(env, stream) {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  if (env.FORCE_COLOR !== undefined) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return Boolean(stream.isTTY);
}
const color = useColor(process.env, process.stdout);
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
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target || "")) {
    let url;
    try {
      url = new URL(target);
    } catch {
      throw new UsageError(`${JSON.stringify(target)} is not a URL`);
    }
    if (url.protocol !== "https:") throw new UsageError(`${url.protocol}// is not TLS: give an https:// URL or host[:port]`);
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    return { host, port: url.port === "" ? 443 : Number(url.port) };
  }
  const match = /^(?:\[([^\]]+)\]|([^:/]+))(?::(\d+))?$/.exec(target || "");
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

/** --cacert FILE: the CAs that alone are trusted (curl's meaning), as PEM text. */
function readCaFile(path) {
  if (path === undefined) return undefined;
  const text = readText(path);
  if (!text.includes("-----BEGIN CERTIFICATE-----")) throw new UsageError(`--cacert ${path}: no PEM certificate in the file`);
  return text;
}

/** Where trust came from, for messages: --cacert FILE or Node's store. */
function trustStore(caFile) {
  return caFile === undefined ? "Node's CA store" : `--cacert ${caFile}`;
}

/** Connects, observes the served chain, disconnects. Trust is reported, not required. */
function fetchChain({ host, port }, { servername, timeoutMs, ca, hostname }) {
  return new Promise((resolve, reject) => {
    const name = servername ?? (net.isIP(host) ? undefined : host);
    const socket = tls.connect({
      host,
      port,
      servername: name,
      rejectUnauthorized: false,
      ALPNProtocols: ["http/1.1"],
      ...(ca === undefined ? {} : { ca }),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(commandError(`no TLS handshake with ${host}:${port} within ${timeoutMs / 1000} s`, "TIMEOUT"));
    }, timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const peer = socket.getPeerCertificate(true);
      const chain = peerChain(peer);
      // authorized covers the chain only; the name is checked as an https client would.
      const nameError = socket.authorized && hostname ? tls.checkServerIdentity(hostname, peer) : undefined;
      const result = {
        chain,
        authorized: socket.authorized && !nameError,
        authorizationError: socket.authorizationError ? String(socket.authorizationError) : nameError ? nameError.message : null,
        protocol: socket.getProtocol(),
      };
      socket.end();
      resolve(result);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(commandError(`cannot connect to ${host}:${port}: ${error.code || error.message}`, "CONNECT_FAILED"));
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

/** Options every command accepts; a command's own options are in COMMANDS[name].options. */
const COMMON_OPTIONS = {
  json: { type: "boolean", short: "j" },
  help: { type: "boolean", short: "h" },
  out: { type: "string", short: "o" },
};

/** Import findings (what a foreign config said that the policy does not carry), to stderr. */
function reportImportFindings(policy) {
  const findings = policy.importFindings ?? [];
  if (findings.length) {
    const out = [bold("Not imported:")];
    printFindings(findings, out);
    process.stderr.write(`${out.join("\n")}\n`);
  }
  return findings.some((f) => f.severity === "error") ? 1 : 0;
}

/** A one-entry policy from curl's --pinnedpubkey value ("sha256//a;sha256//b"). */
function fromCurl(text, host) {
  const value = text.trim().replace(/^--pinnedpubkey[=\s]+/, "").replace(/^(['"])(.*)\1$/, "$2");
  const pins = value.split(";").map((p) => p.trim()).filter(Boolean);
  if (pins.length === 0) throw new UsageError("--from curl: no sha256//… pin in the input");
  for (const pin of pins) {
    if (!/^sha256\/\//i.test(pin)) throw new UsageError(`--from curl: ${JSON.stringify(pin.slice(0, 80))} is not a sha256//… pin (a file path is a key file: run 'certpin pins FILE')`);
  }
  return new PinPolicy({ version: 1, domains: [{ host, pins: pins.map((p) => `sha256/${parsePin(p).base64}`) }] });
}

// The commands: name -> { options, run }. Help texts are HELP[name]. New commands live in
// cli-<feature>.mjs and add one line here (and one in HELP).
const COMMANDS = {
  pins: {
    options: { format: { type: "string", short: "f" }, algorithm: { type: "string", short: "a" } },
    run(o, arg) {
      if (o.format !== undefined && !PIN_FORMATS.includes(o.format)) throw new UsageError(`unknown --format ${o.format}; one of ${PIN_FORMATS.join(", ")}`);
      const pins = computePins(readInput(arg), o.algorithm ? { algorithm: o.algorithm } : undefined);
      const shown = o.format ? pins.map((p) => formatPin(p, o.format)) : pins;
      if (o.json) return { json: shown, code: 0 };
      return { text: shown.join("\n"), code: 0 };
    },
  },
  inspect: {
    options: { host: { type: "string", short: "H" }, now: { type: "string" } },
    run(o, arg) {
      const input = readInput(arg);
      const now = parseNow(o.now);
      const infos = parseChain(input);
      const findings = diagnose(input, { hostname: o.host, now });
      const code = findings.some((f) => f.severity === "error") ? 1 : 0;
      if (o.json) return { json: { certificates: infos, findings, revocation: revocationOf(input) }, code };
      const out = [];
      describeChain(infos, now, out);
      describeRevocation(input, infos, out, { bold, yellow });
      if (findings.length) {
        out.push(bold("Findings:"));
        printFindings(findings, out);
      } else {
        out.push(green("No problems found."));
      }
      return { text: out.join("\n"), code };
    },
  },
  probe: {
    options: { servername: { type: "string" }, timeout: { type: "string", short: "m" }, cacert: { type: "string" } },
    async run(o, arg) {
      const target = parseTarget(arg);
      const now = Date.now();
      const hostname = o.servername ?? target.host;
      const observed = await fetchChain(target, { servername: o.servername, timeoutMs: parseTimeout(o.timeout), ca: readCaFile(o.cacert), hostname });
      if (observed.chain.length === 0) throw commandError(`${target.host}:${target.port} presented no certificate`, "NO_CHAIN");
      const infos = parseChain(observed.chain);
      const findings = diagnose(observed.chain, { hostname, now });
      const store = trustStore(o.cacert);
      if (o.json) {
        return { json: { host: target.host, port: target.port, protocol: observed.protocol, trusted: observed.authorized, trustError: observed.authorizationError, trustStore: store, certificates: infos, findings, policy: JSON.parse(policySnippet(hostname, infos)) }, code: 0 };
      }
      const out = [];
      out.push(`${bold(`${target.host}:${target.port}`)} ${observed.protocol}, ${observed.authorized ? green(`trusted by ${store}`) : yellow(`not trusted by ${store}: ${observed.authorizationError}`)}`);
      describeChain(infos, now, out);
      if (findings.length) {
        out.push(bold("Findings:"));
        printFindings(findings, out);
      }
      out.push(bold("Policy snippet") + " (add a backup pin of a key that is NOT in this chain, or a rotation will lock clients out):");
      out.push(policySnippet(hostname, infos));
      return { text: out.join("\n"), code: 0 };
    },
  },
  check: {
    options: {
      policy: { type: "string", short: "p" }, host: { type: "string", short: "H" }, now: { type: "string" },
      timeout: { type: "string", short: "m" }, cacert: { type: "string" }, ocsp: { type: "string" }, crl: { type: "string" },
    },
    async run(o, arg) {
      if (o.policy === undefined) throw new UsageError("--policy FILE is required");
      if (arg === undefined) throw new UsageError("a chain file or host[:port] is required");
      const looksLikeFile = arg === "-" || (!/^https:\/\//i.test(arg) && /[/\\]|\.(pem|crt|cer|der)$/i.test(arg));
      if (looksLikeFile && o.cacert !== undefined) throw new UsageError("--cacert applies to a live host, not to a chain file");
      const policy = new PinPolicy(readText(o.policy));
      let chain;
      let hostname = o.host;
      let port;
      let trust;
      if (looksLikeFile) {
        chain = readInput(arg);
        if (hostname === undefined) throw new UsageError("--host NAME is required when the chain comes from a file");
      } else {
        const target = parseTarget(arg);
        hostname ??= target.host;
        const observed = await fetchChain(target, { servername: o.host, timeoutMs: parseTimeout(o.timeout), ca: readCaFile(o.cacert), hostname });
        chain = observed.chain;
        port = target.port;
        trust = { trusted: observed.authorized, error: observed.authorizationError, store: trustStore(o.cacert) };
      }
      const now = parseNow(o.now);
      const verdict = policy.check(chain, { hostname, now, ...(port ? { port } : {}), ...revocationCheckOptions(o) });
      policy.free();
      const crl = crlCheck(chain, o, now);
      const code = verdict.ok && crl?.status !== "revoked" ? 0 : 1;
      if (o.json) return { json: { ...verdict, ...(trust ? { trust } : {}), ...(crl ? { crl } : {}) }, code };
      const out = [];
      const head = verdict.ok ? green(`OK: ${verdict.status}`) : red(`FAILED: ${verdict.status}`);
      out.push(`${head}${verdict.enforced ? "" : dim(" (not enforced)")}`);
      if (trust) {
        out.push(trust.trusted
          ? `Chain trusted by ${trust.store}.`
          : yellow(`Chain NOT trusted by ${trust.store}: ${trust.error}. A client that validates the chain refuses this host whatever its pins.`));
      }
      out.push(verdict.message);
      if (verdict.findings.length) printFindings(verdict.findings, out);
      describeCrl(crl, out, { red, green });
      return { text: out.join("\n"), code };
    },
  },
  lint: {
    options: { chain: { type: "string" }, now: { type: "string" } },
    run(o, arg) {
      const policy = new PinPolicy(readText(arg));
      const findings = policy.lint({ now: parseNow(o.now), ...(o.chain ? { chain: readInput(o.chain) } : {}) });
      policy.free();
      const code = findings.some((f) => f.severity === "error") ? 1 : 0;
      if (o.json) return { json: findings, code };
      if (findings.length === 0) return { text: green("No problems found."), code };
      const out = [];
      printFindings(findings, out);
      return { text: out.join("\n"), code };
    },
  },
  convert: {
    options: { to: { type: "string" }, from: { type: "string" }, host: { type: "string", short: "H" }, now: { type: "string" } },
    run(o, arg) {
      if (o.to === undefined || !EXPORTS.includes(o.to)) throw new UsageError(`--to is required: one of ${EXPORTS.join(", ")}`);
      const from = o.from ?? "json";
      if (!IMPORTS.includes(from)) throw new UsageError(`--from ${from}: one of ${IMPORTS.join(", ")}`);
      if ((from === "hpkp" || from === "curl") && o.host === undefined) throw new UsageError(`--from ${from} needs --host NAME`);
      if (o.now !== undefined && from !== "hpkp") throw new UsageError("--now applies to --from hpkp only");
      const text = readText(arg);
      let policy;
      if (from === "json") policy = new PinPolicy(text);
      else if (from === "hpkp") {
        // The header's own name decides report-only; the wasm reads it (never strip it here).
        policy = PinPolicy.fromHpkpHeader(text.trim(), o.host, { now: o.now === undefined ? null : parseNow(o.now) });
        if (o.now === undefined && /max-age\s*=/i.test(text)) {
          process.stderr.write("certpin: note: max-age is not carried over (it counts from when the header was received): give that time with --now TIME to write \"expires\"\n");
        }
      } else if (from === "android-nsc") policy = PinPolicy.fromAndroidNsc(text, { lenient: true });
      else if (from === "okhttp") policy = PinPolicy.fromOkHttp(text);
      else if (from === "trustkit") policy = PinPolicy.fromTrustKit(text);
      else policy = fromCurl(text, o.host);
      const code = reportImportFindings(policy);
      const result = o.to === "json" ? JSON.stringify(policy.toJSON(), null, 2) : policy.export(o.to);
      policy.free();
      if (o.json) return { json: o.to === "json" ? JSON.parse(result) : { format: o.to, text: result }, code };
      return { text: result, code };
    },
  },
  // Commands that read their own arguments (`raw`), each in its own file.
  audit: { raw: async (args) => (await import("./cli-audit.mjs")).audit(args, { stderr: process.stderr, paint: { red, yellow, green } }) },
  plan: { raw: async (args) => (await import("./cli-audit.mjs")).plan(args, { stderr: process.stderr, paint: { red, yellow, green } }) },
  "ct-drift": { raw: async (args) => (await import("./cli-ct.mjs")).ctDriftCommand(args) },
  ...Object.fromEntries(BUNDLE_COMMANDS.map((name) => [name, { raw: (args) => runBundleCommand(name, args) }])),
};

async function run(argv) {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help") return { text: HELP.main, code: 0 };
  // No command is a usage error: the help goes to stderr.
  if (command === undefined) return { text: HELP.main, code: 2, stream: process.stderr };
  if (command === "--version" || command === "-v" || command === "-V") return { text: version, code: 0 };
  if (!Object.hasOwn(COMMANDS, command)) {
    throw new UsageError(`unknown command ${JSON.stringify(command)}; run 'certpin --help'`);
  }
  const { options, run: handler, raw } = COMMANDS[command];
  if (raw) {
    try {
      return await raw(rest);
    } catch (error) {
      if (error && error.code === "USAGE") error.command ??= command;
      throw error;
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error.message, command);
  }
  const { values: o, positionals } = parsed;
  if (o.help) return { text: HELP[command], code: 0 };
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`, command);
  try {
    return { ...(await handler(o, positionals[0])), out: o.out };
  } catch (error) {
    if (error instanceof UsageError) error.command ??= command;
    throw error;
  }
}

const wantsJson = process.argv.includes("--json") || process.argv.includes("-j");
try {
  const { text, json, code, stream, out } = await run(process.argv.slice(2));
  const output = json !== undefined ? `${JSON.stringify(json, null, 2)}\n` : text !== undefined ? `${text}\n` : "";
  if (out !== undefined) {
    try {
      writeFileSync(out, output);
    } catch (error) {
      throw new UsageError(`cannot write ${out}: ${error.code || error.message}`);
    }
  } else {
    (stream ?? process.stdout).write(output);
  }
  process.exitCode = code;
} catch (error) {
  const code = error.code || "ERROR";
  let message = String(error.message).split("\n")[0];
  // Usage errors: one line on stderr that says where the help is.
  if (code === "USAGE") message += ` (see 'certpin ${error.command ? `${error.command} ` : ""}--help')`;
  if (wantsJson) process.stderr.write(`${JSON.stringify({ error: { code, message } })}\n`);
  else process.stderr.write(`certpin: ${code}: ${message}\n`);
  process.exitCode = 2;
}
