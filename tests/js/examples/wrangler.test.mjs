// The edge collector as a user deploys it: wrangler (the deploy tool, `wrangler deploy
// --dry-run --outdir`, which bundles exactly what it would upload) builds the example in a
// fresh project that installed the packed certpin tarball, picking certpin's `workerd`
// export and its .wasm as a module; the bundle it wrote then runs in a real workerd on
// 127.0.0.1 with its Durable Object on SQLite on disk, and stores a report.
// wrangler 3 is the line that runs on Node 20 (wrangler 4 needs Node 22).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { NODE_MODULES_BIN, PKG_DIR, ROOT, fixture, installPackedPackage, pemBlocks, runProcess } from "../support/helpers.mjs";

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
let project;
let out;

before(async () => {
  project = await installPackedPackage("wrangler");
  const example = join(ROOT, "examples", "edge-report-collector");
  cpSync(join(example, "src"), join(project.dir, "src"), { recursive: true });
  cpSync(join(example, "wrangler.toml"), join(project.dir, "wrangler.toml"));
  out = join(project.dir, "out");
});
after(() => project?.remove());

test("wrangler: deploy --dry-run bundles the collector with certpin's workerd entry and its wasm as a module", async () => {
  const { stdout } = await runProcess(join(NODE_MODULES_BIN, "wrangler"), ["deploy", "--dry-run", "--outdir", out], {
    cwd: project.dir,
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", HOME: project.dir, XDG_CONFIG_HOME: project.dir },
  });
  assert.match(stdout, /COLLECTOR: ReportStore/, stdout);
  assert.match(stdout, /--dry-run: exiting now/, stdout);
  const files = readdirSync(out);
  const wasm = files.filter((f) => f.endsWith(".wasm"));
  assert.equal(wasm.length, 1, files.join(", "));
  assert.equal(sha256(readFileSync(join(out, wasm[0]))), sha256(readFileSync(join(PKG_DIR, "certpin_bg.wasm"))), "wrangler shipped the package's own wasm");
  const bundle = readFileSync(join(out, "worker.js"), "utf8");
  assert.ok(bundle.includes(wasm[0]), "the bundle imports the wasm module by name (no compiling from bytes)");
});

test("wrangler: the bundle it wrote runs in workerd and stores a report durably", async () => {
  const wasm = readdirSync(out).find((f) => f.endsWith(".wasm"));
  const storage = join(project.dir, "storage");
  mkdirSync(storage);
  const token = "read-token-for-the-wrangler-test";
  writeFileSync(join(project.dir, "config.capnp"), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker), (name = "storage", disk = (path = ${JSON.stringify(storage)}, writable = true)) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "out/worker.js"), (name = ${JSON.stringify(wasm)}, wasm = embed ${JSON.stringify(`out/${wasm}`)}) ],
  compatibilityDate = "2025-01-01",
  durableObjectNamespaces = [ (className = "ReportStore", uniqueKey = "certpin-wrangler-test", enableSql = true) ],
  durableObjectStorage = (localDisk = "storage"),
  bindings = [ (name = "READ_TOKEN", text = ${JSON.stringify(token)}), (name = "COLLECTOR", durableObjectNamespace = "ReportStore") ],
);
`);
  const server = spawn(join(NODE_MODULES_BIN, "workerd"), ["serve", "config.capnp", "--control-fd", "3"], {
    cwd: project.dir,
    stdio: ["ignore", "inherit", "inherit", "pipe"],
  });
  try {
    let port;
    for await (const line of createInterface({ input: server.stdio[3] })) {
      const message = JSON.parse(line);
      if (message.event === "listen" && message.socket === "http") {
        port = message.port;
        break;
      }
    }
    assert.ok(port, "workerd listened");
    const base = `http://127.0.0.1:${port}`;
    const policy = await fetch(`${base}/policy`);
    assert.equal(policy.status, 404);
    assert.equal((await policy.json()).error.code, "POLICY_NOT_CONFIGURED");
    assert.equal((await fetch(`${base}/reports?host=ec.example.com`)).status, 401);
    // The shipped example config pins ec.example.com; a report with the EC chain of the
    // fixtures is judged by certpin inside the bundle and stored.
    const chain = pemBlocks(fixture("ec-chain.pem")).map(({ der }) => `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE-----\n`);
    const report = {
      "date-time": "2027-01-01T00:00:00Z", hostname: "ec.example.com", port: 443,
      "effective-expiration-date": "2027-06-01T00:00:00Z", "include-subdomains": true, "noted-hostname": "ec.example.com",
      "served-certificate-chain": chain, "validated-certificate-chain": chain, "known-pins": [],
    };
    const posted = await fetch(`${base}/report`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(report) });
    assert.ok(posted.ok, `${posted.status} ${await posted.text()}`);
    const rows = await (await fetch(`${base}/reports?host=ec.example.com`, { headers: { authorization: `Bearer ${token}` } })).json();
    const list = Array.isArray(rows) ? rows : rows.reports;
    assert.equal(list.length, 1, JSON.stringify(rows));
    assert.equal(list[0].host, "ec.example.com");
    assert.equal(list[0].count, 1);
  } finally {
    const exit = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exit;
  }
});
