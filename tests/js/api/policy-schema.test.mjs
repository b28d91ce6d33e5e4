// certpin/policy.schema.json agrees with the parser (new PinPolicy). The schema is
// validated by Ajv (JSON Schema 2020-12, strict mode), an implementation independent of
// certpin:
// - every policy the parser accepts in the repository's JS tests (recorded by running
//   those test files with tests/js/api/schema/record-policies.cjs preloaded), in the fixture
//   and example JSON files and in the README's JSON blocks validates against the schema;
// - a set of invalid documents is refused by both, each for the field it names.
// The schema is looser where JSON Schema cannot say what the parser checks (a pin's
// digest length, host name rules, two entries covering the same names): the parser is
// the authority. The schema already describes the entry fields "ct" and "revocation",
// which other features add to the parser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { PinPolicy } from "certpin";
import { ROOT } from "../support/helpers.mjs";

const require = createRequire(import.meta.url);
const schemaPath = require.resolve("certpin/policy.schema.json");
const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
const ajv = new Ajv2020({ strict: true, allErrors: true });
const validate = ajv.compile(schema);
const schemaErrors = () => ajv.errorsText(validate.errors);

// printf abc | openssl dgst -sha256 -binary | base64 ; likewise "abd"
const P1 = "sha256/ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";
const P2 = "sha256/pUCTXJ3m6mEvlH25y6PInlQSg+QZOm/Ezf+x9lFT9m0=";

function parserAccepts(doc) {
  try {
    new PinPolicy(doc).free();
    return { ok: true };
  } catch (error) {
    assert.equal(error.code, "POLICY_INVALID", error.message);
    return { ok: false, path: error.path };
  }
}

test("the schema is exported by the package and is a valid 2020-12 schema", () => {
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.ok(ajv.validateSchema(schema), ajv.errorsText());
  const manifest = JSON.parse(readFileSync(require.resolve("certpin/package.json"), "utf8"));
  assert.equal(manifest.exports["./policy.schema.json"], "./policy.schema.json");
  assert.ok(manifest.files.includes("policy.schema.json"));
});

test("a document with $schema and comments everywhere: valid for both", () => {
  const doc = {
    $schema: "./node_modules/certpin/policy.schema.json",
    version: 1,
    comment: "pins for the API",
    domains: [
      {
        host: "**.example.com",
        comment: "owned by team A",
        pins: [P1, { pin: P2, state: "candidate", position: "ca", comment: "backup key: offline safe 2" }],
        expires: "2027-06-01",
        mode: "report",
        reportUri: "https://reports.example.com/pkp",
      },
    ],
  };
  assert.ok(validate(doc), schemaErrors());
  assert.deepEqual(parserAccepts(doc), { ok: true });
});

// [what, document, the JSON path the parser names]
const entry = (extra) => ({ host: "a.example.com", pins: [P1], ...extra });
const doc = (...domains) => ({ version: 1, domains });
const INVALID = [
  ["not an object", [], "$"],
  ["no version", { domains: [entry()] }, "version"],
  ["version 2", { version: 2, domains: [entry()] }, "version"],
  ["version as a string", { version: "1", domains: [entry()] }, "version"],
  ["no domains", { version: 1 }, "domains"],
  ["domains not an array", { version: 1, domains: {} }, "domains"],
  ["no entries", doc(), "domains"],
  ["an unknown top-level field", { ...doc(entry()), domians: [] }, "domians"],
  ["$id is not $schema", { ...doc(entry()), $id: "x" }, "$id"],
  ["$schema not a string", { ...doc(entry()), $schema: 1 }, "$schema"],
  ["comment not a string", { ...doc(entry()), comment: ["x"] }, "comment"],
  ["comment too long", { ...doc(entry()), comment: "x".repeat(1025) }, "comment"],
  ["an unknown entry field", doc(entry({ include_subdomains: true })), "domains[0].include_subdomains"],
  ["an entry comment that is null", doc(entry({ comment: null })), "domains[0].comment"],
  ["an entry without host", doc({ pins: [P1] }), "domains[0].host"],
  ["an entry without pins", doc({ host: "a.example.com" }), "domains[0].pins"],
  ["an empty pin list", doc(entry({ pins: [] })), "domains[0].pins"],
  ["a host that is a number", doc(entry({ host: 1 })), "domains[0].host"],
  ["an empty host", doc(entry({ host: "" })), "domains[0].host"],
  ["a wildcard inside the name", doc(entry({ host: "a.*.example.com" })), "domains[0].host"],
  ["a wildcard without a dot", doc(entry({ host: "*example.com" })), "domains[0].host"],
  ["a leading dot", doc(entry({ host: ".example.com" })), "domains[0].host"],
  ["includeSubdomains as a string", doc(entry({ includeSubdomains: "yes" })), "domains[0].includeSubdomains"],
  ["a pin that is a number", doc(entry({ pins: [7] })), "domains[0].pins[0]"],
  ["an empty pin", doc(entry({ pins: [""] })), "domains[0].pins[0]"],
  ["a pin object without pin", doc(entry({ pins: [{ state: "active" }] })), "domains[0].pins[0].pin"],
  ["a pin object with an unknown field", doc(entry({ pins: [{ pin: P1, note: "x" }] })), "domains[0].pins[0].note"],
  ["a pin comment that is a number", doc(entry({ pins: [{ pin: P1, comment: 7 }] })), "domains[0].pins[0].comment"],
  ["an unknown pin state", doc(entry({ pins: [{ pin: P1, state: "on" }] })), "domains[0].pins[0].state"],
  ["an unknown pin position", doc(entry({ pins: [{ pin: P1, position: "root" }] })), "domains[0].pins[0].position"],
  ["expires not a date", doc(entry({ expires: "June 2027" })), "domains[0].expires"],
  ["expires as a number", doc(entry({ expires: 1811808000 })), "domains[0].expires"],
  ["an unknown mode", doc(entry({ mode: "block" })), "domains[0].mode"],
  ["a report URI that is not http(s)", doc(entry({ reportUri: "mailto:x@example.com" })), "domains[0].reportUri"],
  ["a report URI with a space", doc(entry({ reportUri: "https://r.example.com/a b" })), "domains[0].reportUri"],
  ["65 pins", doc(entry({ pins: Array(65).fill(P1) })), "domains[0].pins"],
  ["257 entries", doc(...Array.from({ length: 257 }, (_, i) => entry({ host: `h${i}.example.com` }))), "domains"],
];

for (const [what, document, path] of INVALID) {
  test(`refused by both: ${what}`, () => {
    assert.equal(validate(document), false, `the schema accepts ${what}`);
    const parsed = parserAccepts(document);
    assert.equal(parsed.ok, false, `the parser accepts ${what}`);
    assert.equal(parsed.path, path);
  });
}

/** Every JSON policy document in the repository's fixture and example files. */
function filePolicies() {
  const found = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === "node_modules") continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".json")) {
        let value;
        try {
          value = JSON.parse(readFileSync(path, "utf8"));
        } catch {
          continue;
        }
        if (value && typeof value === "object" && "domains" in value && "version" in value) found.push([path, value]);
      }
    }
  };
  for (const dir of ["tests/fixtures", "examples", "www"]) walk(join(ROOT, dir));
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  for (const [, block] of readme.matchAll(/```json\n([\s\S]*?)```/g)) {
    let value;
    try {
      value = JSON.parse(block);
    } catch {
      continue; // a block with "…" placeholders
    }
    if (value && typeof value === "object" && "domains" in value) found.push(["README.md", value]);
  }
  return found;
}

test("policies in fixture, example and README files: accepted by the parser means valid for the schema", () => {
  for (const [where, value] of filePolicies()) {
    if (!parserAccepts(value).ok) continue;
    assert.ok(validate(value), `${where}: ${schemaErrors()}`);
  }
});

// The test files that build policies with `new PinPolicy` (directly or through
// certpin/node's adapters), run again with the recorder preloaded.
const RECORDED_FILES = ["api/policy.test.cjs", "api/memo.test.cjs", "api/errors.test.mjs", "api/interop.test.mjs", "node-adapter/adapter-node.test.mjs"];

test("every policy the JS tests build: accepted by the parser means valid for the schema", { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "certpin-schema-"));
  const record = join(dir, "policies.jsonl");
  try {
    const files = RECORDED_FILES.map((f) => join(ROOT, "tests", "js", f));
    const env = { ...process.env, CERTPIN_POLICY_RECORD: record };
    delete env.NODE_TEST_CONTEXT; // run as a test run of its own, not as a child of this one
    await new Promise((resolve, reject) => {
      execFile(process.execPath, ["--require", join(ROOT, "tests", "js", "api", "schema", "record-policies.cjs"), "--test", "--test-concurrency=1", ...files], {
        cwd: join(ROOT, "tests", "js"),
        env,
        maxBuffer: 64 * 1024 * 1024,
        timeout: 580_000,
      }, (error, stdout, stderr) => (error ? reject(new Error(`the recorded test run failed: ${stdout.slice(-2000)}${stderr.slice(-2000)}`)) : resolve()));
    });
    const lines = readFileSync(record, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const accepted = lines.filter((l) => l.accepted);
    assert.ok(accepted.length >= 50, `only ${accepted.length} policies recorded`);
    const seen = new Set();
    for (const { text } of accepted) {
      if (seen.has(text)) continue;
      seen.add(text);
      const value = JSON.parse(text);
      assert.ok(validate(value), `${text.slice(0, 300)}: ${schemaErrors()}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
