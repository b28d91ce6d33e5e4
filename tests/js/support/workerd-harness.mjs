// Starts a real workerd on 127.0.0.1 (a free port chosen by the kernel, reported on
// workerd's control fd) running one worker that imports the package as "certpin",
// through the package's `workerd` export, with the .wasm as a module. Used by the
// workerd smoke test and the edge collector tests.
//
// For the collector it can also declare a Durable Object class backed by SQLite on a
// local directory (`enableSql = true`, `durableObjectStorage = (localDisk = …)`), text
// bindings (vars and secrets as wrangler would give them), outbound fetches to loopback
// (the alert webhook), and it can SIGKILL workerd and start it again on the same
// storage directory.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { NODE_MODULES_BIN, PKG_DIR, pkgFiles, resolveExport, tempDir } from "./helpers.mjs";

const capnpString = (text) => JSON.stringify(String(text));

/**
 * @param {{
 *   name: string,
 *   worker: string,                      // the main module's source ("worker.js")
 *   json?: Record<string, unknown>,      // JSON modules it imports, by file name
 *   modules?: Record<string, string>,    // more ES modules it imports, by file name
 *   bindings?: Record<string, string>,   // text bindings (env.NAME)
 *   durableObject?: { className: string, binding: string, storageDir: string },
 *   outbound?: boolean,                  // let fetch() reach 127.0.0.1 (default: public only)
 * }} options
 * @returns {Promise<{ url: string, pid: number, stop: () => Promise<void>, kill: () => Promise<void>, rssBytes: () => number }>}
 */
export async function startWorkerd({ name, worker, json = {}, modules: extraModules = {}, bindings = {}, durableObject, outbound = false, v8Flags = [] }) {
  const work = tempDir(name);
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
  for (const [file, value] of Object.entries(json)) {
    writeFileSync(join(work.dir, file), JSON.stringify(value));
    modules.push(`(name = "${file}", json = embed "${file}")`);
  }
  for (const [file, source] of Object.entries(extraModules)) {
    writeFileSync(join(work.dir, file), source);
    modules.push(`(name = "${file}", esModule = embed "${file}")`);
  }
  writeFileSync(join(work.dir, "worker.js"), worker);
  const bindingLines = Object.entries(bindings).map(([key, value]) => `(name = ${capnpString(key)}, text = ${capnpString(value)})`);
  const services = [`(name = "main", worker = .worker)`];
  let durable = "";
  if (durableObject) {
    mkdirSync(durableObject.storageDir, { recursive: true });
    services.push(`(name = "do-storage", disk = (path = ${capnpString(durableObject.storageDir)}, writable = true))`);
    // uniqueKey names the namespace on disk: the same key finds the same SQLite files.
    durable = `
  durableObjectNamespaces = [ (className = ${capnpString(durableObject.className)}, uniqueKey = "certpin-collector-test", enableSql = true) ],
  durableObjectStorage = (localDisk = "do-storage"),`;
    bindingLines.push(`(name = ${capnpString(durableObject.binding)}, durableObjectNamespace = ${capnpString(durableObject.className)})`);
  }
  if (outbound) services.push(`(name = "internet", network = (allow = ["public", "private", "local"]))`);
  writeFileSync(
    join(work.dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ ${services.join(",\n    ")} ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],${v8Flags.length ? `\n  v8Flags = [ ${v8Flags.map(capnpString).join(", ")} ],` : ""}
);
const worker :Workerd.Worker = (
  modules = [ ${modules.join(",\n    ")} ],
  compatibilityDate = "2025-01-01",${durable}
  bindings = [ ${bindingLines.join(",\n    ")} ],
);
`,
  );
  const server = spawn(join(NODE_MODULES_BIN, "workerd"), ["serve", "config.capnp", "--control-fd", "3"], {
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
  exited.catch(() => {}); // after a clean stop, the early-exit rejection is moot
  const end = async (signal) => {
    if (server.exitCode === null && server.signalCode === null) {
      const exit = new Promise((resolve) => server.once("exit", resolve));
      server.kill(signal);
      await exit;
    }
    work.remove();
  };
  return {
    url: `http://127.0.0.1:${port}/`,
    pid: server.pid,
    /** workerd's resident set size, from /proc (Linux). */
    rssBytes() {
      const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024;
    },
    stop: () => end("SIGTERM"),
    /** SIGKILL: no shutdown of any kind; the storage directory stays. */
    kill: () => end("SIGKILL"),
  };
}
