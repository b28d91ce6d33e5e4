#!/usr/bin/env node
// `npm run conformance:ct`: runs every case of ../shared/ct/cases.json (real chains,
// RFC 6962 test vectors, log-list snapshots) through the BUILT package, as users get it
// (pkg/, through its `exports` via tests/js/node_modules/certpin), and fails on any
// disagreement with the expected SCT results and Chrome verdicts. The expectations were
// computed by an independent node:crypto verifier (../shared/ct/README.md).
//
// The shared data is not in the repository: when ../shared/ct is absent this says so and
// exits non-zero under CI=true (0 otherwise, so a local clone without it is not "red").
import { existsSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { createRequire } from "node:module";
import { ROOT } from "./lib/tools.mjs";

const SHARED = join(ROOT, "..", "shared", "ct");
const casesPath = join(SHARED, "cases.json");
if (!existsSync(casesPath)) {
  console.error(`ct conformance: ${casesPath} not found (the shared CT test data lives beside the repository)`);
  process.exit(process.env.CI === "true" ? 1 : 0);
}
const require = createRequire(join(ROOT, "tests", "js", "package.json"));
let certpin;
try {
  certpin = require("certpin");
} catch (e) {
  console.error(`ct conformance: the built package cannot be loaded (${e.message}): run \`npm run build\` first`);
  process.exit(1);
}
const { verifyScts } = certpin;

const data = JSON.parse(readFileSync(casesPath, "utf8"));
const lists = new Map();
const listOf = (file) => {
  if (!lists.has(file)) lists.set(file, readFileSync(join(SHARED, file), "utf8"));
  return lists.get(file);
};

let failures = 0;
let sctCount = 0;
const fail = (id, what) => {
  failures++;
  console.error(`FAIL ${id}: ${what}`);
};
for (const c of data.cases) {
  const chain = readFileSync(join(SHARED, c.file), "utf8");
  let got;
  try {
    // The set's verdicts are Chrome's; a case may name another policy.
    got = verifyScts(chain, { logList: listOf(c.logList), now: Date.parse(c.now), policy: c.policy ?? "chrome" });
  } catch (e) {
    fail(c.id, `threw ${e.code ?? ""} ${e.message}`);
    continue;
  }
  const want = c.expect;
  if (want.compliant !== null && want.compliant !== undefined && got.compliant !== want.compliant) {
    fail(c.id, `compliant ${got.compliant}, expected ${want.compliant}`);
  }
  for (const [field, ours] of [
    ["requiredLogs", got.requiredLogs],
    ["distinctLogs", got.distinctLogs],
    ["operators", got.operators],
    ["failOpen", got.failOpen],
  ]) {
    if (want[field] !== undefined && want[field] !== null && ours !== want[field]) {
      fail(c.id, `${field} ${ours}, expected ${want[field]}`);
    }
  }
  // The expected lifetime is in fractional days (736.5); ours counts a part day as a day.
  if (typeof want.lifetimeDays === "number" && !(got.lifetimeDays >= want.lifetimeDays && got.lifetimeDays - want.lifetimeDays < 1)) {
    fail(c.id, `lifetimeDays ${got.lifetimeDays}, expected ${want.lifetimeDays} rounded up`);
  }
  if (got.scts.length !== want.scts.length) {
    fail(c.id, `${got.scts.length} SCTs, expected ${want.scts.length}`);
    continue;
  }
  want.scts.forEach((w, i) => {
    sctCount++;
    const g = got.scts[i];
    for (const field of ["logId", "log", "operator", "timestamp", "valid", "counts"]) {
      if (w[field] !== undefined && g[field] !== w[field]) {
        fail(c.id, `scts[${i}].${field} ${JSON.stringify(g[field])}, expected ${JSON.stringify(w[field])}`);
      }
    }
    // Reasons are free text; whether there is one is not.
    if ((w.reason === null) !== (g.reason === null)) {
      fail(c.id, `scts[${i}].reason ${JSON.stringify(g.reason)}, expected ${JSON.stringify(w.reason)}`);
    }
  });
  if (!failures) console.log(`ok ${c.id}: ${got.scts.length} SCTs, compliant ${got.compliant}`);
}
// Watching the logs: `certpin ct-drift` over every real chain of the set with one planted
// certificate (made now from a fresh key by a CA nobody pins) for a name the real
// google.com leaf covers. The policy pins the real issuer's key (GTS WR2, the second
// certificate of chains/google.com.pem): exactly the planted one must be reported.
{
  const { makeCa, makeLeaf, pem } = await import("../tests/js/support/ct-helpers.mjs");
  const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { spawnSync } = await import("node:child_process");
  const google = readFileSync(join(SHARED, "chains", "google.com.pem"), "utf8");
  const issuerPin = certpin.computePins(google)[1];
  const planted = makeLeaf({ ca: makeCa("Planted CA"), host: "www.google.com", notBefore: Date.parse("2026-01-20T00:00:00Z") });
  const dir = mkdtempSync(join(tmpdir(), "certpin-ct-conformance-"));
  try {
    writeFileSync(join(dir, "pins.json"), JSON.stringify({ version: 1, domains: [{ host: "www.google.com", pins: [issuerPin] }] }));
    writeFileSync(join(dir, "planted.pem"), pem(planted.der));
    const files = data.cases.filter((c) => c.kind === "real").map((c) => join(SHARED, c.file));
    const cli = join(ROOT, "pkg", "cli.mjs");
    const run = spawnSync(process.execPath, [cli, "ct-drift", "--policy", join(dir, "pins.json"), "--now", "2026-02-02T10:00:00Z", "--json", ...files, join(dir, "planted.pem")], { encoding: "utf8" });
    const report = run.status === 1 ? JSON.parse(run.stdout) : null;
    const unpinned = report?.hosts[0]?.unpinned ?? [];
    const plantedPin = certpin.computePins(new Uint8Array(planted.der))[0];
    if (run.status !== 1 || report.hosts[0].accepted !== 1 || unpinned.length !== 1 || unpinned[0].spkiSha256 !== plantedPin) {
      fail("ct-drift", `expected exit 1 with the planted certificate alone unpinned and the real leaf accepted; got exit ${run.status}: ${run.stdout || run.stderr}`);
    } else {
      console.log(`ok ct-drift: the planted certificate is the one unpinned among ${report.certificates} certificates`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`ct conformance: ${data.cases.length} cases, ${sctCount} SCTs, ${failures} disagreement(s)`);
process.exit(failures ? 1 : 0);
