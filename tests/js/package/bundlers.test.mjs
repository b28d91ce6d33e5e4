// certpin bundled as users bundle it, from the packed tarball installed (offline) into a
// fresh project: esbuild (Node ESM and CJS, browser), Vite 7 (its production build is
// Rollup 4), webpack 5 (node and web targets), and a worker bundled by esbuild the way
// wrangler bundles one (the `workerd` condition, the .wasm as a module) run in a real
// workerd. Each recipe is the one the package README gives. Node bundles run in a fresh
// process from a directory holding nothing but the bundle; browser bundles run in
// Chromium from a local server; every result is compared with node:crypto's pin.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import esbuild from "esbuild";
import { chromium } from "playwright-core";
import { build as viteBuild } from "vite";
import webpack from "webpack";
import { createStaticServer, listen } from "../../../scripts/lib/static-server.mjs";
import { CHROMIUM, CHROMIUM_ARGS, NODE_MODULES_BIN, ROOT, installPackedPackage, runProcess, smokeCase, tempDir } from "../support/helpers.mjs";

const { pem, pin } = smokeCase();
// esbuild's own recipe for CommonJS dependencies (undici, certpin/node) in ESM output.
const ESM_REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

let project;
let browser;
let server;
let origin;

const NODE_APP = `import { computePins } from "certpin";
import { pinnedFetch } from "certpin/node";
import { readFileSync } from "node:fs";
const fetch = pinnedFetch({ version: 1, domains: [{ host: "api.example.com", pins: [${JSON.stringify(pin)}] }] });
console.log(JSON.stringify({ pins: computePins(readFileSync(0, "utf8")), fetch: typeof fetch, dispatcher: typeof fetch.dispatcher.close }));
fetch.dispatcher.close();
`;
const NODE_CORE_APP = `import { computePins } from "certpin";
import { readFileSync } from "node:fs";
console.log(JSON.stringify({ pins: computePins(readFileSync(0, "utf8")) }));
`;
const page = (loader) => `import init, { computePins } from "certpin";
${loader.imports}
const described = (error) => ({ name: error.name, code: error.code, message: error.message });
(async () => {
  let early;
  try {
    early = { pins: computePins(${JSON.stringify(pem)}) };
  } catch (error) {
    early = described(error);
  }
  try {
    await init(${loader.source});
    window.result = { pins: computePins(${JSON.stringify(pem)}), early };
  } catch (error) {
    window.result = { error: described(error), early };
  }
})();
`;
const HTML = (script) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>certpin bundle</title><link rel="icon" href="data:,"></head>
<body><script type="module" src="${script}"></script></body></html>`;

function webpackBuild(config) {
  return new Promise((resolve, reject) => {
    webpack({ mode: "production", context: project.dir, performance: { hints: false }, ...config }, (error, stats) => {
      if (error) return reject(error);
      if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
      resolve(stats);
    });
  });
}

/** Runs a Node bundle in a fresh process from a directory that holds only that bundle. */
async function runBundle(file, extra = {}) {
  const dir = tempDir("bundle-run");
  try {
    const name = file.slice(file.lastIndexOf("/") + 1);
    copyFileSync(file, join(dir.dir, name));
    for (const [other, bytes] of Object.entries(extra)) writeFileSync(join(dir.dir, other), bytes);
    const { stdout } = await runProcess(process.execPath, [name], { cwd: dir.dir, input: pem });
    return JSON.parse(stdout);
  } finally {
    dir.remove();
  }
}

before(async () => {
  project = await installPackedPackage("bundlers");
  // undici (certpin/node's optional peer, for pinnedFetch) as a user installs it.
  const { stdout } = await runProcess("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", project.dir, join(ROOT, "node_modules", "undici")], { cwd: project.dir });
  await runProcess("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", join(project.dir, JSON.parse(stdout)[0].filename)], { cwd: project.dir });
  writeFileSync(join(project.dir, "app.mjs"), NODE_APP);
  writeFileSync(join(project.dir, "core.mjs"), NODE_CORE_APP);
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  project?.remove();
});

test("esbuild --platform=node --format=esm: certpin runs with no step and no .wasm beside the bundle", async () => {
  const outfile = join(project.dir, "out-esbuild-esm", "core.mjs");
  await esbuild.build({ absWorkingDir: project.dir, entryPoints: ["core.mjs"], bundle: true, platform: "node", format: "esm", outfile, logLevel: "silent" });
  assert.deepEqual(readdirSync(join(project.dir, "out-esbuild-esm")), ["core.mjs"]);
  assert.deepEqual(await runBundle(outfile), { pins: [pin] });
});

test("esbuild --platform=node --format=esm with the createRequire banner: certpin/node and undici run too", async () => {
  const outfile = join(project.dir, "out-esbuild-esm", "app.mjs");
  await esbuild.build({
    absWorkingDir: project.dir, entryPoints: ["app.mjs"], bundle: true, platform: "node", format: "esm", outfile,
    banner: { js: ESM_REQUIRE_BANNER }, logLevel: "silent",
  });
  assert.deepEqual(await runBundle(outfile), { pins: [pin], fetch: "function", dispatcher: "function" });
});

let cjsBundle = null;
/** esbuild's default for --platform=node: CommonJS output. */
function esbuildCjs() {
  const outfile = join(project.dir, "out-esbuild-cjs", "app.cjs");
  cjsBundle ??= esbuild.build({ absWorkingDir: project.dir, entryPoints: ["app.mjs"], bundle: true, platform: "node", outfile, logLevel: "silent" }).then(() => outfile);
  return cjsBundle;
}

test("esbuild --platform=node (CommonJS): certpin and certpin/node run with no step", async () => {
  const outfile = await esbuildCjs();
  assert.deepEqual(readdirSync(join(project.dir, "out-esbuild-cjs")), ["app.cjs"]);
  assert.deepEqual(await runBundle(outfile), { pins: [pin], fetch: "function", dispatcher: "function" });
});

test("a certpin_bg.wasm beside a bundle that is not this build's is never instantiated", async () => {
  const outfile = await esbuildCjs();
  // A valid wasm module that is not certpin's (the empty module: magic and version), and
  // bytes that are no wasm at all: either, if instantiated, would throw.
  const otherModule = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  assert.ok(WebAssembly.validate(otherModule));
  assert.deepEqual(await runBundle(outfile, { "certpin_bg.wasm": otherModule }), { pins: [pin], fetch: "function", dispatcher: "function" });
  assert.deepEqual(await runBundle(outfile, { "certpin_bg.wasm": "not wasm" }), { pins: [pin], fetch: "function", dispatcher: "function" });
});

test("a bundle whose embedded wasm was altered fails loudly instead of running it", async () => {
  const outfile = await esbuildCjs();
  const bundle = readFileSync(outfile, "utf8");
  const embedded = /"(H4sI[A-Za-z0-9+/=]{100000,})"/.exec(bundle);
  assert.ok(embedded, "no gzip+base64 wasm found in the bundle");
  const middle = embedded.index + Math.floor(embedded[0].length / 2);
  const altered = bundle.slice(0, middle) + (bundle[middle] === "A" ? "B" : "A") + bundle.slice(middle + 1);
  const dir = tempDir("bundle-altered");
  try {
    writeFileSync(join(dir.dir, "app.cjs"), altered);
    const { code, stdout, stderr } = await runProcess(process.execPath, ["app.cjs"], { cwd: dir.dir, input: pem, allowFailure: true });
    assert.notEqual(code, 0, stdout);
    assert.equal(stdout, "");
    assert.match(stderr, /Error/);
  } finally {
    dir.remove();
  }
});

test("webpack (target node): certpin and certpin/node run with no step", async () => {
  const dir = join(project.dir, "out-webpack-node");
  await webpackBuild({ entry: "./app.mjs", target: "node", output: { path: dir, filename: "app.js" } });
  assert.deepEqual(await runBundle(join(dir, "app.js")), { pins: [pin], fetch: "function", dispatcher: "function" });
});

const browserBuilds = {
  async esbuild() {
    // The README's recipe: the file loader copies the .wasm and gives its URL to init().
    const dir = join(project.dir, "out-esbuild-web");
    writeFileSync(join(project.dir, "web-esbuild.mjs"), page({ imports: `import wasmUrl from "certpin/certpin_bg.wasm";`, source: "new URL(wasmUrl, import.meta.url)" }));
    await esbuild.build({
      absWorkingDir: project.dir, entryPoints: ["web-esbuild.mjs"], bundle: true, platform: "browser", format: "esm",
      outdir: dir, loader: { ".wasm": "file" }, logLevel: "silent",
    });
    writeFileSync(join(dir, "index.html"), HTML("./web-esbuild.js"));
    return dir;
  },
  async "esbuild-no-recipe"() {
    const dir = join(project.dir, "out-esbuild-web-plain");
    writeFileSync(join(project.dir, "web-plain.mjs"), page({ imports: "", source: "" }));
    await esbuild.build({ absWorkingDir: project.dir, entryPoints: ["web-plain.mjs"], bundle: true, platform: "browser", format: "esm", outdir: dir, logLevel: "silent" });
    writeFileSync(join(dir, "index.html"), HTML("./web-plain.js"));
    return dir;
  },
  async vite() {
    const root = join(project.dir, "vite-app");
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, "main.js"), page({ imports: "", source: "" }));
    writeFileSync(join(root, "index.html"), HTML("./main.js"));
    await viteBuild({ root, base: "./", logLevel: "silent", configFile: false, build: { outDir: join(root, "dist"), target: "es2022" } });
    return join(root, "dist");
  },
  async webpack() {
    const dir = join(project.dir, "out-webpack-web");
    writeFileSync(join(project.dir, "web-webpack.mjs"), page({ imports: "", source: "" }));
    await webpackBuild({ entry: "./web-webpack.mjs", target: "web", output: { path: dir, filename: "main.js" } });
    writeFileSync(join(dir, "index.html"), HTML("./main.js"));
    return dir;
  },
};

// What computePins threw before `await init()`, in every browser bundle.
const EARLY = {
  name: "CertpinError",
  code: "INVALID_ARGUMENT",
  message: "certpin is not initialised yet: await init() (the default export) once before calling any certpin function; in browsers it fetches certpin_bg.wasm, or pass the wasm to init(source)",
};

const browserResults = {};
async function browserResult(name) {
  if (!browser) {
    const dirs = {};
    for (const [bundler, make] of Object.entries(browserBuilds)) dirs[`/${bundler}/`] = await make();
    server = createStaticServer({ mounts: dirs });
    origin = `http://127.0.0.1:${await listen(server, 0)}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    for (const bundler of Object.keys(browserBuilds)) {
      const tab = await browser.newPage();
      await tab.goto(`${origin}/${bundler}/`);
      await tab.waitForFunction(() => window.result !== undefined, null, { timeout: 30_000 });
      browserResults[bundler] = await tab.evaluate(() => window.result);
      await tab.close();
    }
  }
  return browserResults[name];
}

test("esbuild --platform=browser with the file loader for the .wasm: runs in Chromium", async () => {
  assert.deepEqual(await browserResult("esbuild"), { pins: [pin], early: EARLY });
});

test("esbuild --platform=browser without the recipe: init() rejects with a CertpinError that says what to do", async () => {
  const { error, early } = await browserResult("esbuild-no-recipe");
  assert.deepEqual(early, EARLY);
  assert.equal(error.name, "CertpinError");
  assert.equal(error.code, "INVALID_ARGUMENT");
  assert.match(error.message, /certpin_bg\.wasm/);
  assert.match(error.message, /404/);
  assert.match(error.message, /init\(source\)/);
});

test("Vite 7 build (Rollup 4): the .wasm is emitted as an asset and runs in Chromium with no step", async () => {
  assert.deepEqual(await browserResult("vite"), { pins: [pin], early: EARLY });
});

test("webpack 5 (target web): the .wasm is emitted as an asset and runs in Chromium with no step", async () => {
  assert.deepEqual(await browserResult("webpack"), { pins: [pin], early: EARLY });
});

test("a worker bundled as wrangler does (esbuild, workerd condition, .wasm as a module) runs in workerd", async () => {
  const outdir = join(project.dir, "out-worker");
  writeFileSync(
    join(project.dir, "worker.mjs"),
    `import { computePins } from "certpin";
export default { async fetch(request) { return Response.json({ pins: computePins(await request.text()) }); } };
`,
  );
  await esbuild.build({
    absWorkingDir: project.dir, entryPoints: ["worker.mjs"], bundle: true, format: "esm", platform: "neutral",
    conditions: ["workerd", "worker", "browser"], loader: { ".wasm": "copy" }, outdir, logLevel: "silent",
  });
  const files = readdirSync(outdir).sort();
  const wasm = files.find((f) => f.endsWith(".wasm"));
  assert.ok(wasm, `no .wasm module beside the worker: ${files}`);
  writeFileSync(
    join(outdir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js"), (name = "${wasm}", wasm = embed "${wasm}") ],
  compatibilityDate = "2025-01-01",
);
`,
  );
  const workerd = spawn(join(NODE_MODULES_BIN, "workerd"), ["serve", "config.capnp", "--control-fd", "3"], { cwd: outdir, stdio: ["ignore", "inherit", "inherit", "pipe"] });
  try {
    let port;
    for await (const line of createInterface({ input: workerd.stdio[3] })) {
      const message = JSON.parse(line);
      if (message.event === "listen" && message.socket === "http") {
        port = message.port;
        break;
      }
    }
    assert.ok(port, "workerd did not listen");
    const response = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: pem });
    assert.deepEqual(await response.json(), { pins: [pin] });
  } finally {
    const exit = new Promise((resolve) => workerd.once("exit", resolve));
    workerd.kill("SIGTERM");
    await exit;
  }
});
