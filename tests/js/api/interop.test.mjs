// Migration through the package, as a user coming from OkHttp, TrustKit or Android meets
// it: PinPolicy.fromOkHttp / fromTrustKit / fromAndroidNsc({ lenient }) give a policy
// with `importFindings`, and the imported policy passes the genuine chain and refuses the
// attacker's. Every expected pin is openssl's (see opensslPin).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PinPolicy, CertpinError } from "certpin";
import { FIXTURES, ROOT } from "../support/helpers.mjs";

const tlsFx = (name) => join(FIXTURES, "tls", name);
/** openssl x509 -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | base64 */
function opensslPin(file) {
  const b64 = execFileSync("sh", ["-c", `openssl x509 -in '${file}' -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | base64`], { encoding: "utf8" }).trim();
  return `sha256/${b64}`;
}
const INTERMEDIATE = opensslPin(tlsFx("good-intermediate.pem"));
const BACKUP = `sha256/${execFileSync("sh", ["-c", `openssl pkey -pubin -in '${tlsFx("backup.pub.pem")}' -outform DER | openssl dgst -sha256 -binary | base64`], { encoding: "utf8" }).trim()}`;
const GOOD = readFileSync(tlsFx("good-chain.pem"), "utf8");
// rogue-leaf + good-intermediate: the pinned certificate appended to an unrelated chain.
const ATTACK = readFileSync(tlsFx("attack-chain.pem"), "utf8");
const ROGUE = readFileSync(tlsFx("rogue-leaf.pem"), "utf8");
const b64 = (pin) => pin.slice("sha256/".length);

function assertPins(policy) {
  const ok = policy.check(GOOD, { hostname: "localhost" });
  assert.equal(ok.status, "matched", ok.message);
  for (const chain of [ATTACK, ROGUE]) {
    const refused = policy.check(chain, { hostname: "localhost" });
    assert.equal(refused.ok, false, refused.message);
  }
}

test("fromAndroidNsc: a real config (base-config, trust-anchors, debug-overrides) is refused strictly, imported leniently with findings", () => {
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<network-security-config>
    <base-config cleartextTrafficPermitted="false">
        <trust-anchors>
            <certificates src="system" />
        </trust-anchors>
    </base-config>
    <domain-config>
        <domain includeSubdomains="true">localhost</domain>
        <pin-set expiration="2099-01-01">
            <pin digest="SHA-256">${b64(INTERMEDIATE)}</pin>
            <!-- backup pin -->
            <pin digest="SHA-256">${b64(BACKUP)}</pin>
        </pin-set>
        <trust-anchors>
            <certificates src="user" overridePins="true" />
        </trust-anchors>
    </domain-config>
    <debug-overrides>
        <trust-anchors>
            <certificates src="@raw/debug_cas" />
        </trust-anchors>
    </debug-overrides>
</network-security-config>`;
  assert.throws(() => PinPolicy.fromAndroidNsc(xml), (e) => e instanceof CertpinError && e.code === "NSC_INVALID" && /base-config/.test(e.message));
  assert.throws(() => PinPolicy.fromAndroidNsc(xml, { lenent: true }), { code: "INVALID_ARGUMENT" });
  assert.throws(() => PinPolicy.fromAndroidNsc(xml, { lenient: "yes" }), { code: "INVALID_ARGUMENT" });
  const policy = PinPolicy.fromAndroidNsc(xml, { lenient: true });
  assert.ok(policy instanceof PinPolicy);
  assert.deepEqual(policy.importFindings.map((f) => f.code), [
    "IMPORT_CLEARTEXT",
    "IMPORT_TRUST_ANCHORS",
    "IMPORT_PIN_OVERRIDE",
    "IMPORT_TRUST_ANCHORS",
    "IMPORT_DEBUG_OVERRIDES",
  ]);
  for (const f of policy.importFindings) {
    assert.ok(["warning", "info"].includes(f.severity));
    assert.match(f.message, /network-security-config\//);
  }
  const doc = policy.toJSON();
  assert.deepEqual(doc.domains[0].pins, [INTERMEDIATE, BACKUP]);
  assert.equal(doc.domains[0].includeSubdomains, true);
  assert.equal(doc.domains[0].expires, "2099-01-01T00:00:00Z");
  assertPins(policy);
  // The strict importer still works and carries an empty findings list.
  const strictXml = xml.replace(/<base-config[\s\S]*?<\/base-config>/, "").replace(/<trust-anchors>\s*<certificates src="user"[^>]*>\s*<\/trust-anchors>/, "").replace(/<debug-overrides>[\s\S]*<\/debug-overrides>/, "");
  const strict = PinPolicy.fromAndroidNsc(strictXml);
  assert.deepEqual(strict.importFindings, []);
  assert.deepEqual(strict.toJSON(), doc);
  policy.free();
  strict.free();
});

test("fromOkHttp: the README's Kotlin and the recipe's Java", () => {
  const kotlin = `
private val client = OkHttpClient.Builder()
    .certificatePinner(
        CertificatePinner.Builder()
            .add("localhost", "${INTERMEDIATE}")
            .add(
                "**.localhost",
                "${BACKUP}",
            )
            .build())
    .build()
`;
  const k = PinPolicy.fromOkHttp(kotlin);
  // OkHttp accepts both patterns' pins for "localhost": the exact entry gets both.
  assert.deepEqual(k.toJSON().domains.map((d) => [d.host, d.pins]), [["localhost", [INTERMEDIATE, BACKUP]], ["**.localhost", [BACKUP]]]);
  assert.deepEqual(k.importFindings.map((f) => f.code), ["IMPORT_PINS_MERGED"]);
  assertPins(k);
  const java = `
public final class CertificatePinning {
  private final OkHttpClient client = new OkHttpClient.Builder()
      .certificatePinner(
          new CertificatePinner.Builder()
              .add("localhost", "${BACKUP}")
              .add("localhost", "sha1/qZk+NkcGgWq6PiVxeFDCbJzQ2J0=")
              .add("localhost", "${INTERMEDIATE}")
              .build())
      .build();
}`;
  const j = PinPolicy.fromOkHttp(java);
  assert.deepEqual(j.toJSON().domains[0].pins, [BACKUP, INTERMEDIATE]);
  assert.deepEqual(j.importFindings.map((f) => [f.code, f.severity]), [["IMPORT_SHA1_PIN", "error"]]);
  assert.match(j.importFindings[0].message, /line 7/);
  assertPins(j);
  assert.throws(() => PinPolicy.fromOkHttp(`CertificatePinner.Builder()\n  .add("localhost", "sha256/$pin")`), (e) => e.code === "OKHTTP_INVALID" && e.line === 2 && /template/.test(e.message));
  assert.throws(() => PinPolicy.fromOkHttp(42), { code: "INVALID_ARGUMENT" });
  assert.throws(() => PinPolicy.fromOkHttp(" ".repeat(256 * 1024 + 1)), { code: "OKHTTP_INVALID" });
  k.free();
  j.free();
});

test("fromTrustKit: the configuration as an object or JSON text", () => {
  const config = {
    kTSKSwizzleNetworkDelegates: false,
    kTSKPinnedDomains: {
      localhost: {
        kTSKEnforcePinning: true,
        kTSKIncludeSubdomains: true,
        kTSKPublicKeyHashes: [b64(INTERMEDIATE), b64(BACKUP)],
        kTSKReportUris: ["https://reports.example.com/pkp"],
        kTSKExpirationDate: "2099-01-01",
      },
      "report.localhost": {
        kTSKEnforcePinning: false,
        kTSKPublicKeyHashes: [b64(BACKUP)],
      },
    },
  };
  for (const input of [config, JSON.stringify(config), config.kTSKPinnedDomains]) {
    const p = PinPolicy.fromTrustKit(input);
    const doc = p.toJSON();
    assert.deepEqual(doc.domains[0], { host: "localhost", includeSubdomains: true, pins: [INTERMEDIATE, BACKUP], expires: "2099-01-01T00:00:00Z", mode: "enforce", reportUri: "https://reports.example.com/pkp" });
    assert.equal(doc.domains[1].mode, "report");
    const codes = p.importFindings.map((f) => f.code);
    assert.ok(codes.includes("IMPORT_TOO_FEW_PINS"), codes.join());
    assertPins(p);
    // report mode: the report-only entry never blocks
    const r = p.check(ROGUE, { hostname: "report.localhost" });
    assert.equal(r.ok, true);
    assert.equal(r.enforced, false);
    p.free();
  }
  assert.throws(() => PinPolicy.fromTrustKit({ kTSKPinnedDomains: { localhost: { kTSKPublicKeyHashes: [INTERMEDIATE] } } }), (e) => e.code === "TRUSTKIT_INVALID" && e.path === 'kTSKPinnedDomains["localhost"].kTSKPublicKeyHashes[0]');
  assert.throws(() => PinPolicy.fromTrustKit(7), { code: "INVALID_ARGUMENT" });
});

test("a policy with $schema and comments: accepted, kept by toJSON, the same checks", () => {
  const doc = {
    $schema: "./node_modules/certpin/policy.schema.json",
    version: 1,
    comment: "pins for the local test server",
    domains: [{ host: "localhost", comment: "owner: platform team", pins: [INTERMEDIATE, { pin: BACKUP, comment: "backup key: offline, safe 2" }] }],
  };
  const p = new PinPolicy(doc);
  const back = p.toJSON();
  assert.equal(back.$schema, doc.$schema);
  assert.equal(back.comment, doc.comment);
  assert.equal(back.domains[0].comment, doc.domains[0].comment);
  assert.deepEqual(back.domains[0].pins[1], { pin: BACKUP, state: "active", position: "any", comment: "backup key: offline, safe 2" });
  assert.deepEqual(new PinPolicy(JSON.stringify(back)).toJSON(), back);
  assertPins(p);
  assert.throws(() => new PinPolicy({ ...doc, comments: "x" }), (e) => e.code === "POLICY_INVALID" && e.path === "comments");
  p.free();
});

test("the README's migration examples run as written and print what their comments say", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Coming from OkHttp, TrustKit, Android or curl"));
  const blocks = [...section.matchAll(/<!-- migrate-example -->\n```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.equal(blocks.length, 3);
  // Inside tests/js, so that "certpin" resolves to the built package.
  const dir = join(ROOT, "tests", "js", ".tmp", "migrate-readme");
  mkdirSync(dir, { recursive: true });
  try {
    const run = (code, i) => {
      const file = join(dir, `example-${i}.mjs`);
      writeFileSync(file, code);
      return execFileSync(process.execPath, [file], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    };
    const [okhttp, trustkit, android] = blocks.map(run);
    assert.match(okhttp, /afwiKY3RxoMmLkuRW1l7QsPZTJPwDS2pdDROQjXw8ig=.*klO23nT2ehFDXCfx3eHTDRESMz3asj1muO\+4aIdjiuY=/);
    assert.match(okhttp, /\[ 'IMPORT_PINS_MERGED' \]/);
    assert.match(trustkit, /^report\n\[ 'IMPORT_UNSUPPORTED' \]\n$/);
    assert.deepEqual(android.trim().split("\n").map((l) => l.split(" ").slice(0, 2).join(" ")), ["info IMPORT_CLEARTEXT", "warning IMPORT_TRUST_ANCHORS", "info IMPORT_DEBUG_OVERRIDES"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("mutated OkHttp, TrustKit and Android inputs: only CertpinError, fast, and the module keeps working", () => {
  // Seeded xorshift: a failure names the iteration and replays exactly.
  let state = 0x1ea4;
  const rand = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const okhttp = `val p = CertificatePinner.Builder()\n  .add("**.example.com", "${INTERMEDIATE}", "sha1/qZk+NkcGgWq6PiVxeFDCbJzQ2J0=")\n  /* c */ .add("a.example.com", """${BACKUP}""")\n  .build()\nval b = CertificatePinner.Builder(); b.add("x.example.com", "${BACKUP}")`;
  const trustkit = JSON.stringify({ kTSKSwizzleNetworkDelegates: false, kTSKPinnedDomains: { "example.com": { kTSKIncludeSubdomains: true, kTSKPublicKeyHashes: [b64(INTERMEDIATE), b64(BACKUP)], kTSKReportUris: ["https://r.example.com/"], kTSKExpirationDate: "2027-01-01" } } });
  const android = `<network-security-config><base-config cleartextTrafficPermitted="true"><trust-anchors><certificates src="user" overridePins="true"/></trust-anchors></base-config><domain-config><domain includeSubdomains="true">example.com</domain><pin-set expiration="2027-01-01"><pin digest="SHA-256">${b64(INTERMEDIATE)}</pin></pin-set><domain-config><domain>a.example.com</domain></domain-config></domain-config><debug-overrides/></network-security-config>`;
  const junk = ["(", ")", "\"", "\"\"\"", "/*", "*/", "//", "\n", "$", "\\", ".add(", "CertificatePinner.Builder()", "{", "}", "[", "]", "<", ">", "</", "&", "&amp;", "<!--", "\u0000", "é", "\uD800", ",", ":", "sha1/", "sha256/", "**.", "*."];
  const mutate = (text) => {
    let t = text;
    for (let n = 1 + Math.floor(rand() * 4); n > 0; n -= 1) {
      const at = Math.floor(rand() * (t.length + 1));
      const r = rand();
      if (r < 0.3) t = t.slice(0, at) + pick(junk) + t.slice(at);
      else if (r < 0.5) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rand() * 20));
      else if (r < 0.6) t = t.slice(0, at);
      else if (r < 0.7) t = t.slice(0, at) + pick(junk).repeat(1 + Math.floor(rand() * 5000)) + t.slice(at);
      else if (r < 0.85) t = t.slice(0, at) + String.fromCharCode(t.charCodeAt(at) ^ (1 << Math.floor(rand() * 7))) + t.slice(at + 1);
      else t = t.slice(0, at) + t.slice(Math.floor(rand() * t.length));
    }
    return t;
  };
  const calls = [
    ["fromOkHttp", () => PinPolicy.fromOkHttp(mutate(okhttp))],
    ["fromTrustKit", () => PinPolicy.fromTrustKit(mutate(trustkit))],
    ["fromAndroidNsc lenient", () => PinPolicy.fromAndroidNsc(mutate(android), { lenient: true })],
    ["fromAndroidNsc", () => PinPolicy.fromAndroidNsc(mutate(android))],
  ];
  let made = 0;
  for (let i = 0; i < 3000; i += 1) {
    const [name, call] = pick(calls);
    const start = performance.now();
    try {
      const p = call();
      assert.ok(Array.isArray(p.importFindings));
      p.toJSON();
      p.free();
      made += 1;
    } catch (error) {
      assert.ok(error instanceof CertpinError, `${name} #${i}: ${error?.name}: ${error?.message}`);
    }
    assert.ok(performance.now() - start < 1000, `${name} #${i} took too long`);
  }
  assert.ok(made > 100, `only ${made} mutated inputs were still importable: the mutations are too coarse to reach the importers' depths`);
  const again = PinPolicy.fromOkHttp(okhttp);
  assert.equal(again.toJSON().domains.length, 3);
  again.free();
});
