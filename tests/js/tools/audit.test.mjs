// `certpin audit` and `certpin plan` as an operator runs them: the package's bin in a child
// process, against real TLS servers on 127.0.0.1 started here, all serving the name
// "localhost" the way one name is served from several clouds:
//   good      good-leaf + good-intermediate              (matches the CA pin)
//   rotated   rotated-leaf (the backup key) + intermediate (matches; a rotation done)
//   misissued rogue-leaf + rogue-root                     (another CA: must fail)
//   short     audit/short-leaf + intermediate             (10 days left at NOW)
//   silent    accepts TCP and never answers               (must fail, within the timeout)
// Every expected number (pins, days left, lockout dates) comes from openssl's reading of
// the fixture files, never from certpin.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import net from "node:net";
import tls from "node:tls";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, FIXTURES, REVOCATION_FIXTURES } from "../support/helpers.mjs";

const require = createRequire(import.meta.url);
const pkgJsonPath = require.resolve("certpin/package.json");
const BIN = join(dirname(pkgJsonPath), JSON.parse(readFileSync(pkgJsonPath, "utf8")).bin.certpin);
const tlsFx = (name) => join(FIXTURES, "tls", name);
const auditFx = (name) => join(FIXTURES, "audit", name);
const tmp = mkdtempSync(join(tmpdir(), "certpin-audit-"));
const NOW = "2027-01-01T00:00:00Z";
const DAY = 86_400_000;

function cli(args, { env } = {}) {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: "1", ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
    child.stdin.end("");
  });
}

/** openssl's pin and notAfter of a certificate file (the oracles). */
function openssl(certFile) {
  const pin = execFileSync("sh", ["-c", `openssl x509 -in '${certFile}' -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | base64`]).toString().trim();
  const end = execFileSync("openssl", ["x509", "-in", certFile, "-noout", "-enddate"]).toString().trim().replace(/^notAfter=/, "");
  return { pin: `sha256/${pin}`, notAfter: Date.parse(end) };
}
const rfc3339 = (ms) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");
const daysLeft = (notAfter) => Math.floor((notAfter - Date.parse(NOW)) / DAY);

const read = (f) => readFileSync(f);
const servers = {};
const silentSockets = new Set();
let silent;
let policyFile;
let endpointsFile;
const inter = openssl(tlsFx("good-intermediate.pem"));
const backup = openssl(tlsFx("rotated-leaf.pem"));
const short = openssl(auditFx("short-leaf.pem"));
const goodLeaf = openssl(tlsFx("good-leaf.pem"));
const rogueRoot = openssl(tlsFx("rogue-root.pem"));
const goodRoot = openssl(tlsFx("good-root.pem"));

function serve(key, certs) {
  const server = tls.createServer({ key: read(key), cert: Buffer.concat(certs.map(read)) }, (s) => {
    s.on("error", () => {});
    s.end();
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(server)));
}

before(async () => {
  servers.good = await serve(tlsFx("good-leaf.key"), [tlsFx("good-leaf.pem"), tlsFx("good-intermediate.pem")]);
  servers.rotated = await serve(tlsFx("backup.key"), [tlsFx("rotated-leaf.pem"), tlsFx("good-intermediate.pem")]);
  servers.misissued = await serve(tlsFx("rogue-leaf.key"), [tlsFx("rogue-leaf.pem"), tlsFx("rogue-root.pem")]);
  servers.short = await serve(auditFx("short-leaf.key"), [auditFx("short-leaf.pem"), tlsFx("good-intermediate.pem")]);
  silent = net.createServer((s) => {
    silentSockets.add(s);
    s.on("error", () => {});
  });
  await new Promise((r) => silent.listen(0, "127.0.0.1", r));
  policyFile = join(tmp, "pins.json");
  // The CA key and the backup key, as an operator following the README would pin them.
  writeFileSync(policyFile, JSON.stringify({ version: 1, domains: [{ host: "localhost", pins: [inter.pin, backup.pin] }] }));
  endpointsFile = join(tmp, "fleet.txt");
  const port = (name) => servers[name].address().port;
  writeFileSync(endpointsFile, [
    "# one name, five places",
    `localhost@127.0.0.1:${port("good")}`,
    `localhost@127.0.0.1:${port("rotated")}   # the backup key, deployed`,
    `localhost@127.0.0.1:${port("misissued")}`,
    `localhost@127.0.0.1:${port("short")}`,
    `localhost@127.0.0.1:${silent.address().port}`,
    "",
  ].join("\n"));
});

after(async () => {
  for (const s of silentSockets) s.destroy();
  await Promise.all([...Object.values(servers), silent].map((s) => new Promise((r) => s.close(r))));
  rmSync(tmp, { recursive: true, force: true });
});

const endpointOf = (report, name) => report.endpoints.find((e) => e.port === (name === "silent" ? silent.address().port : servers[name].address().port));

test("audit: every endpoint of one name checked; the misissued and the silent one fail; exit 1", async () => {
  const html = join(tmp, "report.html");
  const r = await cli(["audit", "--policy", policyFile, "--endpoints", endpointsFile, "--cacert", tlsFx("good-root.pem"), "--timeout", "2", "--now", NOW, "--json", "--html", html]);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.endpoints.length, 5);

  const good = endpointOf(report, "good");
  assert.equal(good.ok, true);
  assert.equal(good.status, "matched");
  assert.equal(good.matched.pin, inter.pin);
  assert.equal(good.trusted, true);
  assert.equal(good.daysLeft, daysLeft(goodLeaf.notAfter));
  // Node completes a verified chain with the anchor from the CA file (--cacert): the root
  // is in use too, though the server sent only leaf and intermediate.
  assert.deepEqual(good.caKeys.map((k) => k.pin), [inter.pin, goodRoot.pin]);
  assert.equal(good.includesIntermediates, true);
  // The intermediate carries the pinned key: no chain matches after it expires.
  assert.equal(good.lockoutAt, rfc3339(inter.notAfter));

  const rotated = endpointOf(report, "rotated");
  assert.equal(rotated.ok, true);
  assert.equal(rotated.servedPins[0], backup.pin);

  const misissued = endpointOf(report, "misissued");
  assert.equal(misissued.ok, false);
  assert.equal(misissued.status, "mismatch");
  assert.equal(misissued.trusted, false);
  assert.deepEqual(misissued.caKeys.map((k) => k.pin), [rogueRoot.pin]);
  assert.equal(misissued.lockoutAt, NOW, "a chain that fails now locks clients out now");

  const shortLived = endpointOf(report, "short");
  assert.equal(shortLived.ok, true);
  assert.equal(shortLived.daysLeft, daysLeft(short.notAfter));
  assert.equal(shortLived.daysLeft, 10);

  const gone = endpointOf(report, "silent");
  assert.equal(gone.ok, false);
  assert.equal(gone.status, "timeout");

  // Most urgent first: the two failures, then the certificate with 10 days left.
  assert.deepEqual(report.endpoints.slice(0, 3).map((e) => e.port), [gone.port, misissued.port, shortLived.port]);
  assert.ok(report.findings.some((f) => f.code === "ENDPOINTS_DISAGREE" && f.host === "localhost"));

  // The page: table and chart present, no request anywhere, a screenshot.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const requests = [];
    page.on("request", (q) => requests.push(q.url()));
    await page.goto(`file://${html}`);
    assert.equal(await page.locator("#endpoints tbody tr").count(), 5);
    assert.equal(await page.locator("#endpoints tbody tr.fail").count(), 2);
    assert.equal(await page.locator("#timeline rect").count(), 4, "one bar per endpoint that served a chain");
    assert.ok((await page.locator("#timeline path.lockout").count()) >= 1);
    assert.deepEqual(requests, [`file://${html}`], "the report requests nothing");
    await page.screenshot({ path: join(tmp, "report.png"), fullPage: true });
  } finally {
    await browser.close();
  }
});

test("audit: text table by urgency, progress line, and drift against a baseline", async () => {
  const endpoints = join(tmp, "two.txt");
  writeFileSync(endpoints, `localhost@127.0.0.1:${servers.good.address().port}\nlocalhost@127.0.0.1:${servers.short.address().port}\n`);
  const first = await cli(["audit", "--policy", policyFile, "--endpoints", endpoints, "--now", NOW, "--json"]);
  assert.equal(first.code, 0, first.stderr);
  const baseline = join(tmp, "baseline.json");
  writeFileSync(baseline, first.stdout);

  const text = await cli(["audit", "--policy", policyFile, "--endpoints", endpoints, "--now", NOW, "--progress"]);
  assert.equal(text.code, 0);
  assert.match(text.stderr, /2\/2 endpoints done, 0 failing/);
  const lines = text.stdout.split("\n");
  assert.match(lines[0], /host\s+endpoint\s+status\s+days left\s+lockout/);
  assert.match(lines[1], new RegExp(`:${servers.short.address().port}\\s+matched\\s+10\\s`), "10 days left comes first");

  // The "good" endpoint now serves the misissued chain.
  servers.good.setSecureContext({ key: read(tlsFx("rogue-leaf.key")), cert: Buffer.concat([read(tlsFx("rogue-leaf.pem")), read(tlsFx("rogue-root.pem"))]) });
  try {
    const second = await cli(["audit", "--policy", policyFile, "--endpoints", endpoints, "--now", NOW, "--baseline", baseline, "--json"]);
    assert.equal(second.code, 1);
    const codes = JSON.parse(second.stdout).findings.map((f) => f.code);
    assert.ok(codes.includes("CHAIN_CHANGED"), codes);
    assert.ok(codes.includes("NEW_CA_KEY"), codes);
  } finally {
    servers.good.setSecureContext({ key: read(tlsFx("good-leaf.key")), cert: Buffer.concat([read(tlsFx("good-leaf.pem")), read(tlsFx("good-intermediate.pem"))]) });
  }
});

test("audit: bounded by the total deadline; usage errors exit 2", async () => {
  const endpoints = join(tmp, "silent.txt");
  writeFileSync(endpoints, `localhost@127.0.0.1:${silent.address().port}\n`);
  const started = Date.now();
  const r = await cli(["audit", "--policy", policyFile, "--endpoints", endpoints, "--timeout", "30", "--deadline", "1", "--json"]);
  assert.ok(Date.now() - started < 15_000, "the deadline cut the 30 s timeout short");
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.stdout).endpoints[0].status, "deadline");

  const bad = join(tmp, "bad.txt");
  writeFileSync(bad, "localhost@127.0.0.1:99999\n");
  const e1 = await cli(["audit", "--policy", policyFile, "--endpoints", bad]);
  assert.equal(e1.code, 2);
  assert.match(e1.stderr, /bad\.txt:1: port 99999 is out of range/);
  assert.equal((await cli(["audit", "--endpoints", endpoints])).code, 2);
  assert.equal((await cli(["audit", "--policy", policyFile, "--concurrency", "0"])).code, 2);
  assert.equal((await cli(["plan", "--policy", policyFile])).code, 2);
});

test("plan: lockout dates and steps from an audit and from a chain file, as text and JSON", async () => {
  const endpoints = join(tmp, "plan.txt");
  writeFileSync(endpoints, `localhost@127.0.0.1:${servers.good.address().port}\n`);
  const audit = join(tmp, "audit.json");
  writeFileSync(audit, (await cli(["audit", "--policy", policyFile, "--endpoints", endpoints, "--now", NOW, "--json"])).stdout);
  const r = await cli(["plan", "--policy", policyFile, "--audit", audit, "--now", NOW, "--update-lag-days", "14", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const [host] = JSON.parse(r.stdout).hosts;
  assert.equal(host.lockoutAt, rfc3339(inter.notAfter));
  assert.equal(host.actBy, rfc3339(inter.notAfter - 14 * DAY));
  // The backup key is pinned and not served: the rotation deploys it first.
  assert.equal(host.steps[0].action, "deploy-chain");
  assert.ok(host.steps[0].detail.includes(backup.pin));

  // A leaf-only policy, from a chain file: staged rotation, issuer option.
  const leafOnly = join(tmp, "leaf-only.json");
  writeFileSync(leafOnly, JSON.stringify({ version: 1, domains: [{ host: "localhost", pins: [goodLeaf.pin] }] }));
  const chain = join(tmp, "chain.pem");
  writeFileSync(chain, Buffer.concat([read(tlsFx("good-leaf.pem")), read(tlsFx("good-intermediate.pem"))]));
  const text = await cli(["plan", "--policy", leafOnly, "--chain", `localhost=${chain}`, "--now", NOW]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`lockout  ${rfc3339(goodLeaf.notAfter)}`));
  for (const action of ["add-issuer-pin", "add-candidate", "promote", "deploy-chain", "remove-old"]) {
    assert.match(text.stdout, new RegExp(`\\d\\. ${action} `), action);
  }
  assert.match(text.stdout, /lint error NO_BACKUP_PIN/);
});

test("policy.plan through the package: same dates as the CLI; bad options are CertpinErrors", async () => {
  const { PinPolicy, CertpinError } = await import("certpin");
  const policy = new PinPolicy(readFileSync(policyFile, "utf8"));
  const chain = Buffer.concat([read(tlsFx("good-leaf.pem")), read(tlsFx("good-intermediate.pem"))]).toString();
  const plan = policy.plan({ chains: { localhost: chain }, now: new Date(NOW), updateLagDays: 7 });
  assert.equal(plan.now, NOW);
  assert.equal(plan.hosts[0].lockoutAt, rfc3339(inter.notAfter));
  assert.equal(plan.hosts[0].actBy, rfc3339(inter.notAfter - 7 * DAY));
  for (const [options, argument] of [
    [{}, "chains"],
    [{ chains: [] }, "chains"],
    [{ chains: { localhost: chain }, updateLagDays: 3651 }, "updateLagDays"],
    [{ chains: { localhost: chain }, updateLagDays: 1.5 }, "updateLagDays"],
    [{ chains: { localhost: chain }, lag: 3 }, "options"],
  ]) {
    assert.throws(() => policy.plan(options), (e) => e instanceof CertpinError && e.code === "INVALID_ARGUMENT" && e.argument === argument, JSON.stringify(options));
  }
  assert.throws(() => policy.plan({ chains: { localhost: "not a chain" } }), (e) => e instanceof CertpinError);
  policy.free();
});

test("audit: the stapled OCSP response is checked and recorded (a revoked staple fails the endpoint)", async () => {
  const rev = (name) => join(REVOCATION_FIXTURES, name);
  // The revocation fixtures' fixed instant, inside every response's validity window.
  const now = readFileSync(rev("now.txt"), "utf8").trim();
  const staple = async (leaf, response) => {
    const server = tls.createServer({ key: read(rev(`${leaf}.key`)), cert: Buffer.concat([read(rev(`${leaf}.pem`)), read(rev("intermediate.pem"))]) }, (s) => {
      s.on("error", () => {});
      s.end();
    });
    server.on("OCSPRequest", (certificate, issuer, callback) => callback(null, read(rev(response))));
    await new Promise((r) => server.listen(0, "127.0.0.1", r));
    return server;
  };
  const good = await staple("good", "ocsp-good-delegated.der");
  const revoked = await staple("revoked", "ocsp-revoked.der");
  try {
    const interPin = openssl(rev("intermediate.pem")).pin;
    const policy = join(tmp, "staple-pins.json");
    writeFileSync(policy, JSON.stringify({ version: 1, domains: [
      { host: "good.example.com", pins: [interPin], revocation: "check" },
      { host: "revoked.example.com", pins: [interPin], revocation: "check" },
    ] }));
    const endpoints = join(tmp, "staple.txt");
    writeFileSync(endpoints, `good.example.com@127.0.0.1:${good.address().port}\nrevoked.example.com@127.0.0.1:${revoked.address().port}\n`);
    const r = await cli(["audit", "--policy", policy, "--endpoints", endpoints, "--now", now, "--json"]);
    assert.equal(r.code, 1, r.stderr);
    const byHost = Object.fromEntries(JSON.parse(r.stdout).endpoints.map((e) => [e.host, e]));
    assert.equal(byHost["good.example.com"].ok, true);
    assert.equal(byHost["good.example.com"].ocspStapled, true);
    assert.equal(byHost["good.example.com"].ocsp.status, "good");
    assert.equal(byHost["revoked.example.com"].ok, false);
    assert.equal(byHost["revoked.example.com"].status, "cert-revoked");
    assert.equal(byHost["revoked.example.com"].ocsp.status, "revoked");
    assert.equal(byHost["revoked.example.com"].scts, 0);
  } finally {
    await Promise.all([good, revoked].map((s) => new Promise((r) => s.close(r))));
  }
});
