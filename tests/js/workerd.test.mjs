// workerd smoke test: a real workerd server on 127.0.0.1 (a free port chosen by the
// kernel, reported back on workerd's control fd) runs a worker that imports the
// package's `workerd` entry, as resolved from pkg/package.json's exports, with the
// .wasm as a module. It computes a pin in the worker; node:crypto gives the expected one.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { NODE_MODULES_BIN, PKG_DIR, pkgFiles, resolveExport, smokeCase, tempDir } from "./helpers.mjs";

const WORKER = `
import { computePins, CertpinError, ERROR_CODES } from "certpin";

export default {
  async fetch(request) {
    const body = await request.text();
    try {
      return Response.json({ pins: computePins(body) });
    } catch (error) {
      return Response.json({
        error: { name: error.name, code: error.code, isCertpinError: error instanceof CertpinError },
        codes: ERROR_CODES,
      });
    }
  },
};
`;

let server;
let baseUrl;
let work;

before(async () => {
  work = tempDir("workerd");
  // wrangler resolves the `workerd` condition first; so do we.
  const entry = resolveExport(["workerd", "worker", "browser", "import"]);
  assert.equal(entry, "workerd.js");
  const modules = [`(name = "worker.js", esModule = embed "worker.js")`];
  // The package's entry is the module named "certpin"; its relative imports
  // ("./certpin_web.js", "./certpin_bg.wasm") resolve to the files beside it.
  copyFileSync(join(PKG_DIR, entry), join(work.dir, "certpin.js"));
  modules.push(`(name = "certpin", esModule = embed "certpin.js")`);
  for (const file of pkgFiles()) {
    if (file === entry) continue;
    if (file.endsWith(".js")) {
      copyFileSync(join(PKG_DIR, file), join(work.dir, file));
      modules.push(`(name = "${file}", esModule = embed "${file}")`);
    } else if (file.endsWith(".wasm")) {
      copyFileSync(join(PKG_DIR, file), join(work.dir, file));
      modules.push(`(name = "${file}", wasm = embed "${file}")`);
    }
  }
  writeFileSync(join(work.dir, "worker.js"), WORKER);
  writeFileSync(
    join(work.dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ ${modules.join(",\n    ")} ],
  compatibilityDate = "2025-01-01",
);
`,
  );
  server = spawn(join(NODE_MODULES_BIN, "workerd"), ["serve", "config.capnp", "--control-fd", "3"], {
    cwd: work.dir,
    stdio: ["ignore", "inherit", "inherit", "pipe"],
  });
  const exited = new Promise((_, reject) => {
    server.once("exit", (code, signal) => reject(new Error(`workerd exited early (${code ?? signal})`)));
  });
  // workerd writes one JSON line per socket on the control fd once it listens.
  const listening = (async () => {
    for await (const line of createInterface({ input: server.stdio[3] })) {
      const message = JSON.parse(line);
      if (message.event === "listen" && message.socket === "http") return message.port;
    }
    throw new Error("workerd closed its control fd without listening");
  })();
  const port = await Promise.race([listening, exited]);
  baseUrl = `http://127.0.0.1:${port}/`;
});

after(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exit = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exit;
  }
  work?.remove();
});

test("workerd: the workerd entry computes the same pin as node:crypto", async () => {
  const { pem, pin } = smokeCase();
  const response = await fetch(baseUrl, { method: "POST", body: pem });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { pins: [pin] });
});

test("workerd: errors are CertpinErrors with a code, and the module keeps working", async () => {
  const bad = await (await fetch(baseUrl, { method: "POST", body: "" })).json();
  assert.deepEqual(bad.error, { name: "CertpinError", code: "INPUT_EMPTY", isCertpinError: true });
  assert.ok(bad.codes.includes("INPUT_EMPTY"));
  const { pem, pin } = smokeCase();
  const again = await (await fetch(baseUrl, { method: "POST", body: pem })).json();
  assert.deepEqual(again, { pins: [pin] });
});
