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
    got = verifyScts(chain, { logList: listOf(c.logList), now: Date.parse(c.now), policy: "chrome" });
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
  ]) {
    if (want[field] !== undefined && want[field] !== null && ours !== want[field]) {
      fail(c.id, `${field} ${ours}, expected ${want[field]}`);
    }
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
console.log(`ct conformance: ${data.cases.length} cases, ${sctCount} SCTs, ${failures} disagreement(s)`);
process.exit(failures ? 1 : 0);
