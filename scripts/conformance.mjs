#!/usr/bin/env node
// `npm run conformance`: every x509-limbo case (../shared/x509-limbo, beside the
// repository) through the BUILT package (pkg/, as `certpin` ships), with both signature
// verifiers: node:crypto (what the Node entry installs) and the pure-Rust one in the wasm
// (setNativeVerifier(null), what browsers and workers use).
//
// Mapping (../shared/x509-limbo/README.md): certpin has no trust store, so a case's
// `trusted_certs` are pinned (their SPKI pins, computed by certpin and checked against
// node:crypto), `peer_certificate` + `untrusted_intermediates` + the anchors are served,
// and `checkPins` runs at `validation_time` (a fixed instant when null: limbo's generated
// certificates are valid 1970-2969) with `expected_peer_name` as the hostname. SUCCESS
// should give ok: true, FAILURE ok: false.
//
// Out of scope (run for robustness, not counted): cases with `features` (optional
// behaviours certpin does not claim), name constraints, policies, EKU, CRLs,
// max_chain_depth, CLIENT validation (certpin checks the server name only), and cases
// that constrain key usage or signature algorithms beyond the defaults.
//
// Writes docs/conformance.md (counts per namespace, every non-passing case and why) and
// compares every case's outcome with the committed table docs/conformance.json; exits 1
// on any difference (run with --update to rewrite the table after a reviewed change), on
// a case where the two verifiers disagree, or on an in-scope disagreement that
// UNEXPLAINED lacks a reason for. Without ../shared/x509-limbo it says so and exits 1
// when CI=true (0 otherwise).
import { createHash, X509Certificate } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const LIMBO = join(ROOT, "..", "shared", "x509-limbo");
const FILES = ["limbo.json", "limbo-upstream-ddc40b4-2023-12-02.json"];
const TABLE = join(ROOT, "docs", "conformance.json");
const REPORT = join(ROOT, "docs", "conformance.md");
const update = process.argv.includes("--update");
const DEFAULT_NOW = Date.UTC(2026, 0, 1);

if (!FILES.every((f) => existsSync(join(LIMBO, f)))) {
  console.error(`conformance: ${LIMBO} is absent (it holds the x509-limbo suite beside the repository); nothing was run`);
  process.exit(process.env.CI === "true" ? 1 : 0);
}
if (!existsSync(join(ROOT, "pkg", "package.json"))) {
  console.error("conformance: pkg/ is missing: run `npm run build` first");
  process.exit(1);
}

const require = createRequire(import.meta.url);
const certpin = require(join(ROOT, "pkg", "node.cjs"));
const { createNodeVerifier } = require(join(ROOT, "pkg", "node-verifier.cjs"));

// Why a case is out of scope, or null when it is in scope.
function outOfScope(c) {
  const id = c.id;
  if (c.features && c.features.length) return `feature ${c.features.join(", ")} (not claimed)`;
  if (id.startsWith("crl::") || (c.crls && c.crls.length)) return "CRLs (revocation is not checked)";
  if (/(^|::)nc::/.test(id) || /name-constraint/.test(id) || NAME_CONSTRAINT_CASES.has(id)) return "name constraints (left to the TLS stack)";
  if (/polic|::pc::/.test(id)) return "certificate policies (left to the TLS stack)";
  if (/eku/.test(id)) return "extended key usage (left to the TLS stack)";
  if (c.validation_kind === "CLIENT") return "CLIENT validation (certpin checks a server name)";
  if (c.max_chain_depth !== null && c.max_chain_depth !== undefined) return "max_chain_depth (certpin's limit is fixed: 10 certificates)";
  if (c.extended_key_usage && c.extended_key_usage.length) return "extended key usage (left to the TLS stack)";
  if (c.key_usage && c.key_usage.length) return "leaf key usage (left to the TLS stack)";
  if (c.signature_algorithms && c.signature_algorithms.length) return "a restricted signature algorithm list";
  return null;
}

// Cases whose expected verdict rests on a rule certpin documents that it does not apply
// (README "What certpin verifies"), with the reason. They are listed in the report with
// their outcome and not counted as in scope. A FAILURE case answered ok: true is here
// only when the defect it tests does not weaken what a pin guarantees: every one keeps
// the signature-verified path from the leaf to the pinned key.
const ANCHOR =
  "documented choice: the pinned top of the path is the anchor (README \"What certpin verifies\", RFC 5280 section 6.1; Chromium and webpki agree): its own validity, CA bit, key usage, pathLen and extensions' profile do not invalidate the path; every certificate below it is checked";
const CN_PROFILE =
  "documented choice: certpin never reads the subject CN (no CN fallback by default), so a CN that disagrees with the SAN (a CA/B Forum profile rule) changes nothing certpin decides; the name is matched against the SAN only";
const PROFILE =
  "documented choice: a CA-profile rule (RFC 5280 MUST for issuing CAs) that does not affect linking: every link is still matched by name and verified by signature, as OpenSSL and Go also accept";
const SELF_SIGNED_LEAF =
  "documented choice: a leaf that is also a CA is accepted, because self-signed server certificates (`openssl req -x509` adds CA:TRUE) are what many pins name; it lets no other key sign for the host";
const DOCUMENTED = {
  "rfc5280::validity::expired-root": ANCHOR,
  "rfc5280::root-missing-basic-constraints": ANCHOR,
  "rfc5280::root-non-critical-basic-constraints": ANCHOR,
  "rfc5280::root-inconsistent-ca-extensions": ANCHOR,
  "rfc5280::ski::root-missing-ski": ANCHOR,
  "webpki::aki::root-with-aki-missing-keyidentifier": ANCHOR,
  "webpki::aki::root-with-aki-authoritycertissuer": ANCHOR,
  "webpki::aki::root-with-aki-authoritycertserialnumber": ANCHOR,
  "webpki::aki::root-with-aki-all-fields": ANCHOR,
  "webpki::aki::root-with-aki-ski-mismatch": ANCHOR,
  "webpki::forbidden-rsa-not-divisible-by-8-in-root":
    "documented choice: the anchor's RSA key is at least 2048 bits; a modulus length that is not a multiple of 8 is a webpki (ring) arithmetic limit, accepted by OpenSSL, Go and Chromium, and does not weaken the signature",
  "webpki::cn::ipv4-hex-mismatch": CN_PROFILE,
  "webpki::cn::ipv4-leading-zeros-mismatch": CN_PROFILE,
  "webpki::cn::ipv6-uppercase-mismatch": CN_PROFILE,
  "webpki::cn::ipv6-uncompressed-mismatch": CN_PROFILE,
  "webpki::cn::ipv6-non-rfc5952-mismatch": CN_PROFILE,
  "webpki::cn::punycode-not-in-san": CN_PROFILE,
  "webpki::cn::utf8-vs-punycode-mismatch": CN_PROFILE,
  "webpki::cn::not-in-san": CN_PROFILE,
  "webpki::cn::case-mismatch": CN_PROFILE,
  "rfc5280::aki::leaf-missing-aki": PROFILE,
  "rfc5280::aki::intermediate-missing-aki": PROFILE,
  "rfc5280::ski::intermediate-missing-ski": PROFILE,
  "webpki::san::san-critical-with-nonempty-subject": PROFILE,
  "rfc5280::san::underscore-dns":
    "documented choice: the SAN name must equal the requested hostname (wildcards aside), so an underscore can only match a hostname that has the same underscore; RFC 1034 syntax is the issuing CA's duty and changes no match",
  "webpki::ee-basicconstraints-ca": SELF_SIGNED_LEAF,
  "webpki::ca-as-leaf": SELF_SIGNED_LEAF,
};

// Name-constraint cases outside the `nc` namespaces.
const NAME_CONSTRAINT_CASES = new Set(["cve::cve-2025-61727", "cve::cve-2025-61727-nc-permits-variant"]);

// In-scope cases where certpin's answer differs from the suite's and that are not a
// documented choice: each needs a reason here, else the run fails.
const EXPLAINED = {};

const pinOf = (pem) => `sha256/${createHash("sha256").update(new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" })).digest("base64")}`;

function runCase(c) {
  const trusted = c.trusted_certs || [];
  const untrusted = c.untrusted_intermediates || [];
  let pins;
  try {
    pins = [...new Set(certpin.computePins(trusted.join("\n")))];
  } catch (e) {
    return { ok: false, status: `error:${e.code || e.message}`, ms: 0 };
  }
  // Cross-check the pins with node:crypto (README: pin computation is differential).
  for (const [i, pem] of trusted.entries()) {
    try {
      if (pinOf(pem) !== pins[i] && !pins.includes(pinOf(pem))) return { ok: false, status: "pin-differs-from-node", ms: 0 };
    } catch {
      // node:crypto cannot read it: no differential check.
    }
  }
  const seen = new Set();
  const chain = [c.peer_certificate, ...untrusted, ...trusted].filter((p) => {
    const key = p.replace(/\s+/g, "");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const options = { now: c.validation_time ? Date.parse(c.validation_time) : DEFAULT_NOW };
  if (c.expected_peer_name) options.hostname = c.expected_peer_name.value;
  const start = process.hrtime.bigint();
  try {
    if (pins.length === 0) throw Object.assign(new Error("no trusted certificate"), { code: "NO_ANCHOR" });
    const v = certpin.checkPins(chain.join("\n"), pins, options);
    return { ok: v.ok, status: v.status, ms: Number(process.hrtime.bigint() - start) / 1e6 };
  } catch (e) {
    return { ok: false, status: `error:${e.code || e.name}`, ms: Number(process.hrtime.bigint() - start) / 1e6 };
  }
}

const started = Date.now();
const rows = [];
const nodeVerifier = createNodeVerifier();
for (const file of FILES) {
  const { testcases } = JSON.parse(readFileSync(join(LIMBO, file), "utf8"));
  for (const c of testcases) {
    certpin.setNativeVerifier(nodeVerifier);
    const native = runCase(c);
    certpin.setNativeVerifier(null);
    const rust = runCase(c);
    certpin.setNativeVerifier(nodeVerifier);
    const want = c.expected_result === "SUCCESS";
    // A documented choice sets a case aside only where certpin's answer differs.
    const scope = outOfScope(c) || (rust.ok !== want && DOCUMENTED[c.id]) || null;
    rows.push({
      file,
      id: c.id,
      namespace: c.id.split("::")[0],
      expected: c.expected_result,
      scope,
      c,
      native,
      rust,
      agrees: rust.ok === want,
      verifiersAgree: native.ok === rust.ok && native.status === rust.status,
    });
  }
}
const seconds = (Date.now() - started) / 1000;

// ---- the report ----
const lines = [];
lines.push("# x509-limbo conformance");
lines.push("");
lines.push("Generated by `npm run conformance` (scripts/conformance.mjs) from `../shared/x509-limbo/`; do not edit by hand.");
lines.push("Each case runs through the built package with both verifiers (node:crypto and the pure-Rust one); the");
lines.push("mapping is in the script's header: the case's trusted certificates are pinned, the peer certificate,");
lines.push("intermediates and anchors are served, `checkPins` runs at the case's validation time with its peer name.");
lines.push("");
let failed = false;
const problems = [];
for (const file of FILES) {
  const fr = rows.filter((r) => r.file === file);
  const inScope = fr.filter((r) => !r.scope);
  const agree = inScope.filter((r) => r.agrees).length;
  lines.push(`## ${file}`);
  lines.push("");
  const documented = fr.filter((r) => r.scope && r.scope === DOCUMENTED[r.id] && !outOfScope(r.c));
  const rawAgree = agree + documented.filter((r) => r.agrees).length;
  lines.push(`${fr.length} cases; ${inScope.length} in scope, ${agree} agree (${((100 * agree) / Math.max(1, inScope.length)).toFixed(1)}%); ${documented.length} are documented choices (counting them as in scope: ${rawAgree}/${inScope.length + documented.length}, ${((100 * rawAgree) / Math.max(1, inScope.length + documented.length)).toFixed(1)}%); ${fr.length - inScope.length - documented.length} out of scope.`);
  lines.push("");
  lines.push("| namespace | cases | in scope | agree | disagree | out of scope |");
  lines.push("|---|---|---|---|---|---|");
  for (const ns of [...new Set(fr.map((r) => r.namespace))].sort()) {
    const n = fr.filter((r) => r.namespace === ns);
    const i = n.filter((r) => !r.scope);
    const a = i.filter((r) => r.agrees).length;
    lines.push(`| ${ns} | ${n.length} | ${i.length} | ${a} | ${i.length - a} | ${n.length - i.length} |`);
  }
  lines.push("");
  lines.push("In-scope cases certpin does not pass:");
  lines.push("");
  const bad = inScope.filter((r) => !r.agrees);
  if (bad.length === 0) lines.push("- none");
  for (const r of bad) {
    const reason = EXPLAINED[r.id];
    if (!reason) problems.push(`${file} ${r.id}: expected ${r.expected}, got ${r.rust.status} (no reason in EXPLAINED)`);
    lines.push(`- \`${r.id}\` (expected ${r.expected}, certpin: ${r.rust.ok ? "ok" : "not ok"}, ${r.rust.status}): ${reason || "UNEXPLAINED"}`);
  }
  lines.push("");
  lines.push("Documented choices (not counted as in scope; each with its reason):");
  lines.push("");
  for (const r of documented) {
    lines.push(`- \`${r.id}\` (expected ${r.expected}, certpin: ${r.rust.ok ? "ok" : "not ok"}, ${r.rust.status}): ${DOCUMENTED[r.id]}`);
  }
  lines.push("");
  lines.push("<details><summary>Out-of-scope cases and their outcome</summary>");
  lines.push("");
  for (const r of fr.filter((r) => r.scope && !documented.includes(r))) {
    lines.push(`- \`${r.id}\` (expected ${r.expected}, certpin: ${r.rust.ok ? "ok" : "not ok"}, ${r.rust.status}): ${r.scope}`);
  }
  lines.push("");
  lines.push("</details>");
  lines.push("");
}
const slowest = rows.reduce((m, r) => (r.rust.ms > m.rust.ms ? r : m), rows[0]);
writeFileSync(REPORT, lines.join("\n"));

for (const r of rows.filter((r) => !r.verifiersAgree)) {
  problems.push(`${r.file} ${r.id}: the verifiers disagree (node:crypto ${r.native.status}, pure Rust ${r.rust.status})`);
}
const table = {};
for (const r of rows) table[`${r.file}#${r.id}`] = { ok: r.rust.ok, status: r.rust.status };
if (!update && !existsSync(TABLE) && process.env.CI === "true") {
  problems.push(`${TABLE} is missing: run \`npm run conformance -- --update\` and commit it`);
} else if (update || !existsSync(TABLE)) {
  writeFileSync(TABLE, JSON.stringify(table, null, 1) + "\n");
  console.log(`conformance: wrote ${TABLE}`);
} else {
  const committed = JSON.parse(readFileSync(TABLE, "utf8"));
  for (const key of new Set([...Object.keys(committed), ...Object.keys(table)])) {
    const a = committed[key];
    const b = table[key];
    if (!a || !b || a.ok !== b.ok || a.status !== b.status) {
      problems.push(`${key}: outcome changed (table: ${a ? `${a.ok} ${a.status}` : "absent"}, now: ${b ? `${b.ok} ${b.status}` : "absent"})`);
    }
  }
}
for (const file of FILES) {
  const i = rows.filter((r) => r.file === file && !r.scope);
  const a = i.filter((r) => r.agrees).length;
  console.log(`conformance: ${file}: ${a}/${i.length} in-scope cases agree (${((100 * a) / Math.max(1, i.length)).toFixed(1)}%)`);
}
console.log(`conformance: ${rows.length} cases x 2 verifiers in ${seconds.toFixed(1)} s (slowest with the pure-Rust verifier: ${slowest.id}, ${slowest.rust.ms.toFixed(1)} ms, JIT warm-up included); report in docs/conformance.md`);
if (problems.length) {
  failed = true;
  for (const p of problems) console.error(`conformance: ${p}`);
}
process.exit(failed ? 1 : 0);
