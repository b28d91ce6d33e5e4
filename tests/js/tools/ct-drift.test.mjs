// ctDrift and `certpin ct-drift`: certificates "from CT logs" (made here with
// fresh keys by ct-helpers.mjs) checked against a pin policy. Expected answers follow
// from how each certificate was made: issued by the pinned CA (accepted), by a CA the
// policy pins for another host (unpinned, that CA's pin suggested), by an unknown CA
// (unpinned, no suggestion), expired (ignored).
import assert from "node:assert/strict";
import { test } from "node:test";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import https from "node:https";
import * as certpin from "certpin";
import { DAY, makeCa, makeLeaf, pem } from "../support/ct-helpers.mjs";
import { PKG_DIR } from "../support/helpers.mjs";

const { ctDrift, computePins, PinPolicy } = certpin;
const NOW = Date.UTC(2026, 1, 1);
const pinned = makeCa("Pinned CA");
const otherHostsCa = makeCa("Other hosts' CA");
const rogue = makeCa("Rogue CA");
const pinOf = (der) => computePins(new Uint8Array(der))[0];
const policy = {
  version: 1,
  domains: [
    { host: "api.example.com", pins: [pinOf(pinned.der)] },
    { host: "*.other.example", pins: [pinOf(otherHostsCa.der)] },
    { host: "old.example.com", pins: [pinOf(pinned.der)], expires: "2025-01-01" },
  ],
};
const leaf = (ca, host, extra = {}) => makeLeaf({ ca, host, notBefore: NOW - 10 * DAY, ...extra }).der;

const good = leaf(pinned, "api.example.com");
const rotated = leaf(otherHostsCa, "api.example.com");
const misissued = leaf(rogue, "api.example.com");
const expired = leaf(rogue, "api.example.com", { notBefore: NOW - 200 * DAY, lifetimeMs: 90 * DAY });
const unrelated = leaf(rogue, "shop.unrelated.example");
const otherGood = leaf(otherHostsCa, "www.other.example");
const certificates = [good, rotated, misissued, expired, unrelated, otherGood, pinned.der, otherHostsCa.der, rogue.der].map(
  (d) => new Uint8Array(d),
);

test("ctDrift lists, per pinned host, the unexpired certificates no active pin accepts", () => {
  const report = ctDrift(policy, certificates, { now: NOW });
  assert.equal(report.certificates, 9);
  assert.equal(report.unexpiredLeaves, 5);
  // The expired entry pins nothing any more: not listed.
  assert.deepEqual(report.hosts.map((h) => h.host), ["api.example.com", "*.other.example"]);
  const [api, other] = report.hosts;
  assert.equal(api.accepted, 1);
  assert.deepEqual(
    api.unpinned.map((c) => [c.certIndex, c.suggestedPin]),
    [
      [1, pinOf(otherHostsCa.der)],
      [2, null],
    ],
  );
  assert.equal(api.unpinned[0].spkiSha256, pinOf(rotated));
  assert.deepEqual(api.unpinned[0].verifiedPath, [1, 7]);
  assert.match(api.unpinned[1].reason, /misissuance/);
  assert.deepEqual(api.unpinned[1].dnsNames, ["api.example.com"]);
  assert.deepEqual([other.accepted, other.unpinned.length], [1, 0]);
  // The same through a PinPolicy and as PEM text (several blocks in one element).
  const again = ctDrift(new PinPolicy(policy), [certificates.map((d) => pem(d)).join("")], { now: NOW });
  assert.deepEqual(again, report);
  // A leaf pin accepts its certificate without any CA given.
  const leafPinned = ctDrift({ version: 1, domains: [{ host: "api.example.com", pins: [pinOf(misissued)] }] }, [new Uint8Array(misissued)], { now: NOW });
  assert.deepEqual([leafPinned.hosts[0].accepted, leafPinned.hosts[0].unpinned.length], [1, 0]);
  // A wildcard certificate counts for the exact host it covers.
  const wildcard = ctDrift(policy, [new Uint8Array(leaf(rogue, "*.example.com"))], { now: NOW });
  assert.equal(wildcard.hosts[0].unpinned.length, 1);
});

test("ctDrift refuses bad input with CertpinErrors", () => {
  assert.throws(() => ctDrift(policy, "not an array", { now: NOW }), { code: "INVALID_ARGUMENT" });
  assert.throws(() => ctDrift(policy, Array(4097).fill(new Uint8Array(good)), { now: NOW }), { code: "TOO_MANY_CERTIFICATES" });
  assert.throws(() => ctDrift({ version: 1 }, [], { now: NOW }), { code: "POLICY_INVALID" });
  assert.throws(() => ctDrift(policy, [new Uint8Array([1, 2, 3])], { now: NOW }), (e) => e.name === "CertpinError");
  assert.throws(() => ctDrift(policy, [], { now: NOW, extra: 1 }), { code: "INVALID_ARGUMENT" });
});

test("certpin ct-drift finds the planted certificate among PEM files and a crt.sh-style export", () => {
  const dir = mkdtempSync(join(tmpdir(), "certpin-ct-drift-"));
  try {
    writeFileSync(join(dir, "pins.json"), JSON.stringify(policy));
    writeFileSync(join(dir, "good.pem"), pem(good) + pem(pinned.der));
    writeFileSync(join(dir, "planted.pem"), pem(misissued));
    writeFileSync(
      join(dir, "export.json"),
      JSON.stringify([{ id: 1, name_value: "www.other.example", pem: pem(otherGood) }, { id: 2, pem: pem(otherHostsCa.der) }]),
    );
    const cli = (...args) => spawnSync(process.execPath, [join(PKG_DIR, "cli.mjs"), "ct-drift", ...args], { cwd: dir, encoding: "utf8" });
    const now = new Date(NOW).toISOString();
    const found = cli("--policy", "pins.json", "--now", now, "good.pem", "planted.pem", "export.json");
    assert.equal(found.status, 1, found.stderr);
    assert.match(found.stdout, /api\.example\.com: 1 pinned, 1 not pinned/);
    assert.match(found.stdout, /\*\.other\.example: 1 pinned, 0 not pinned/);
    assert.ok(found.stdout.includes(pinOf(misissued)), found.stdout);
    const json = cli("--policy", "pins.json", "--now", now, "--json", "good.pem", "planted.pem");
    assert.equal(json.status, 1);
    const report = JSON.parse(json.stdout);
    assert.deepEqual(report.hosts[0].unpinned.map((c) => c.spkiSha256), [pinOf(misissued)]);
    const clean = cli("--policy", "pins.json", "--now", now, "good.pem", "export.json");
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    // A crt.sh JSON without PEMs, a missing policy, a missing file: usage errors (exit 2).
    writeFileSync(join(dir, "ids.json"), JSON.stringify([{ id: 42, name_value: "api.example.com" }]));
    const ids = cli("--policy", "pins.json", "ids.json");
    assert.equal(ids.status, 2);
    assert.match(ids.stderr, /crt\.sh id 42/);
    assert.equal(cli("good.pem").status, 2);
    assert.equal(cli("--policy", "pins.json", "absent.pem").status, 2);
    assert.match(cli("--help").stdout, /ct-drift --policy FILE/);
    assert.match(spawnSync(process.execPath, [join(PKG_DIR, "cli.mjs"), "--help"], { encoding: "utf8" }).stdout, /ct-drift/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("certpin ct-drift fetches an https URL the user passes (a server on 127.0.0.1)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "certpin-ct-drift-url-"));
  const serverCa = makeCa("ct-drift URL test CA");
  const serverLeaf = makeLeaf({ ca: serverCa, host: "localhost", notBefore: Date.now() - DAY });
  const server = https.createServer(
    { cert: pem(serverLeaf.der), key: serverLeaf.leafKey.privateKey.export({ type: "pkcs8", format: "pem" }) },
    (req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify([{ id: 7, pem: pem(misissued) }, { id: 8, pem: pem(good) + pem(pinned.der) }]));
    },
  );
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    writeFileSync(join(dir, "pins.json"), JSON.stringify(policy));
    writeFileSync(join(dir, "server-ca.pem"), pem(serverCa.der));
    const url = `https://localhost:${server.address().port}/export.json`;
    const child = spawn(process.execPath, [join(PKG_DIR, "cli.mjs"), "ct-drift", "--policy", "pins.json", "--now", new Date(NOW).toISOString(), "--json", url], {
      cwd: dir,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, "server-ca.pem") },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const status = await new Promise((resolve) => child.on("close", resolve));
    assert.equal(status, 1, stderr);
    const report = JSON.parse(stdout);
    assert.deepEqual(report.hosts[0].unpinned.map((c) => c.spkiSha256), [pinOf(misissued)]);
    assert.equal(report.hosts[0].accepted, 1);
    // Plain http is refused.
    const plain = spawnSync(process.execPath, [join(PKG_DIR, "cli.mjs"), "ct-drift", "--policy", "pins.json", "http://127.0.0.1:9/x"], { cwd: dir, encoding: "utf8" });
    assert.equal(plain.status, 2);
    assert.match(plain.stderr, /only https/);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
