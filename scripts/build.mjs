#!/usr/bin/env node
// `npm run build`: compiles the crate to wasm, generates the wasm-bindgen glue for the
// web (ESM) and nodejs (CJS) targets, shrinks the one .wasm both share with wasm-opt,
// and assembles the npm package in pkg/ from pkg-template/ plus that output.
// Installs what it needs (wasm32 target, the exact wasm-bindgen-cli, npm deps) when
// missing and skips every step whose inputs did not change.
import { createHash } from "node:crypto";
import {
  copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync,
  rmSync, symlinkSync, writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import {
  ROOT, TARGET_DIR, ensureNpmDeps, ensureWasmBindgen, ensureWasmTarget, log, npmBin, run,
  wasmBindgenVersion, withCargoOnPath,
} from "./lib/tools.mjs";

export const PKG_DIR = join(ROOT, "pkg");
const TEMPLATE_DIR = join(ROOT, "pkg-template");
const GLUE_DIR = join(TARGET_DIR, "certpin-glue");
const STAMP = join(GLUE_DIR, "stamp.json");

// Features the wasm32 code of current Rust uses; wasm-opt refuses (or would strip)
// them otherwise. All are supported by Node 20, Deno, workerd and current browsers.
// The producers and target_features sections (toolchain names, read by no host) go.
export const WASM_OPT_ARGS = [
  "-Oz", "--strip-producers", "--strip-target-features",
  "--enable-bulk-memory", "--enable-bulk-memory-opt", "--enable-nontrapping-float-to-int",
  "--enable-sign-ext", "--enable-mutable-globals", "--enable-reference-types",
  "--enable-multivalue", "--enable-call-indirect-overlong",
];

// LLVM's inlining threshold for the wasm build (its default at opt-level 3 is 225): LTO
// otherwise copies many mid-sized functions into every export shim and caller that uses
// them. Measured 2026-12-02 (`npm run size`; interleaved A/B in one process, CPU time,
// against the build before): at 100 the .wasm is 31 KB smaller raw, 9.5 KB gzip
// (1,180,275 -> 1,148,855 bytes, 482,861 -> 473,361 gzip), with repeated and one-shot
// checks and both verifiers as fast as before. At 75 a repeated PinPolicy.check took
// 3-10% longer, at 50 one-shot checks 3-5%; lowering the threshold for `#[inline]`
// functions as well (-inlinehint-threshold=150, 8.5 KB gzip less again) made one-shot
// checks 1-3% and the pure-Rust ECDSA verifier 3-4% slower. `#[inline(always)]` still
// applies. A RUSTFLAGS of the caller's replaces this one (cargo's precedence).
export const WASM_RUSTFLAGS = "-Cllvm-args=-inline-threshold=100";

function sha256(path) {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function cargoBuild() {
  if (!existsSync(join(ROOT, "Cargo.toml"))) {
    throw new Error("Cargo.toml not found at the repository root: the crate is missing");
  }
  log("cargo build --release --target wasm32-unknown-unknown --lib");
  run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "--lib"], {
    env: {
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS: WASM_RUSTFLAGS,
      ...process.env,
      CARGO_TARGET_DIR: TARGET_DIR,
    },
  });
  const wasm = join(TARGET_DIR, "wasm32-unknown-unknown", "release", "certpin.wasm");
  if (!existsSync(wasm)) throw new Error(`cargo did not produce ${wasm}`);
  return wasm;
}

/** wasm-bindgen twice, then wasm-opt; skipped when the input wasm and tools are unchanged. */
function generateGlue(inputWasm) {
  const version = wasmBindgenVersion();
  const stamp = JSON.stringify({
    input: sha256(inputWasm),
    wasmBindgen: version,
    wasmOpt: [JSON.parse(readFileSync(join(ROOT, "node_modules/binaryen/package.json"), "utf8")).version, ...WASM_OPT_ARGS],
  });
  const outputs = ["web/certpin.js", "nodejs/certpin.js", "certpin_bg.wasm"].map((f) => join(GLUE_DIR, f));
  if (existsSync(STAMP) && readFileSync(STAMP, "utf8") === stamp && outputs.every((f) => existsSync(f))) {
    log("wasm unchanged since the last build: keeping the glue and the optimised wasm");
    return;
  }
  const wasmBindgen = ensureWasmBindgen(version);
  rmSync(GLUE_DIR, { recursive: true, force: true });
  for (const target of ["web", "nodejs"]) {
    log(`wasm-bindgen ${version} --target ${target}`);
    // The generated .d.ts stays in target/ for reference; pkg ships its own typings.
    run(wasmBindgen, ["--target", target, "--out-dir", join(GLUE_DIR, target), "--out-name", "certpin", inputWasm]);
  }
  const webWasm = join(GLUE_DIR, "web", "certpin_bg.wasm");
  if (sha256(webWasm) !== sha256(join(GLUE_DIR, "nodejs", "certpin_bg.wasm"))) {
    // Both glues must load one file; if wasm-bindgen ever emits different modules per
    // target, shipping one would break one of the hosts.
    throw new Error("wasm-bindgen produced different .wasm files for --target web and --target nodejs");
  }
  log(`wasm-opt ${WASM_OPT_ARGS.join(" ")}`);
  run(npmBin("wasm-opt"), [...WASM_OPT_ARGS, webWasm, "-o", join(GLUE_DIR, "certpin_bg.wasm")]);
  writeFileSync(STAMP, stamp);
}

/** Drops wasm-bindgen's pointer to its own .d.ts, which pkg does not ship. */
function glueSource(path) {
  return readFileSync(path, "utf8").replace(/^\/\* @ts-self-types="[^"]*" \*\/\n/, "");
}

/** Replaces exactly `count` occurrences of `from`; throws when the glue changed shape. */
function replaceExactly(text, from, to, count, what) {
  const found = text.split(from).length - 1;
  if (found !== count) {
    throw new Error(`${what}: expected ${count} occurrence(s) of ${JSON.stringify(from)} in the wasm-bindgen glue, found ${found}`);
  }
  return text.split(from).join(to);
}

/**
 * The web glue (browsers, Deno, workerd): a call before `await init()` throws a
 * CertpinError that says so (the glue's own would be a TypeError on `undefined`), and the
 * default wasm URL is written `./certpin_bg.wasm`, the form bundlers (webpack, Vite)
 * recognise in `new URL(..., import.meta.url)` and emit as an asset.
 */
function webGlue(path) {
  let text = glueSource(path);
  text = replaceExactly(text, "let wasmModule, wasmInstance, wasm;", "let wasmModule, wasmInstance, wasm = NOT_INITIALISED;", 1, "web glue");
  text = replaceExactly(text, "if (wasm !== undefined) return wasm;", "if (wasm !== NOT_INITIALISED) return wasm;", 2, "web glue");
  text = replaceExactly(text, "new URL('certpin_bg.wasm', import.meta.url)", "new URL('./certpin_bg.wasm', import.meta.url)", 1, "web glue");
  const prelude = `import { CertpinError as NotInitialisedError } from "./shared.js";
// Stands for the wasm exports until init() has run: any use throws a CertpinError.
const NOT_INITIALISED = new Proxy({}, {
    get() {
        throw new NotInitialisedError("certpin is not initialised yet: await init() (the default export) once before calling any certpin function; in browsers it fetches certpin_bg.wasm, or pass the wasm to init(source)", "INVALID_ARGUMENT");
    },
});
`;
  return prelude + text;
}

/**
 * The nodejs glue (CommonJS): the wasm bytes come from wasm-bytes.cjs, which reads
 * certpin_bg.wasm beside it when that file is there and is this build's, and else uses
 * the copy embedded in certpin_bg_wasm.cjs, so that bundles (esbuild, webpack, Rollup;
 * CommonJS or ESM output) run without copying the .wasm by hand.
 */
function nodeGlue(path) {
  let text = glueSource(path);
  text = replaceExactly(
    text,
    "const wasmPath = `${__dirname}/certpin_bg.wasm`;\nconst wasmBytes = require('fs').readFileSync(wasmPath);",
    "const wasmBytes = require('./wasm-bytes.cjs').wasmBytes();",
    1,
    "nodejs glue",
  );
  if (/\brequire\('(?!\.\/wasm-bytes\.cjs')/.test(text) || text.includes("__dirname")) {
    throw new Error("the nodejs glue requires a module or uses __dirname beyond the wasm load: bundled ESM output would break");
  }
  return text;
}

/**
 * shared.cjs, the CommonJS form of shared.js (the one source of the JavaScript parts of
 * the API): the same declarations, their `export` turned into module.exports. Returns
 * the module's text and the names it exports.
 */
function commonJsOfShared(source) {
  const names = [];
  const body = source.replace(/^export (class|const|function) (\w+)/gm, (_, kind, name) => {
    names.push(name);
    return `${kind} ${name}`;
  });
  if (names.length === 0 || /^\s*(?:export|import)\b/m.test(body)) {
    throw new Error("shared.js: only top-level `export class|const|function` declarations can be written as CommonJS");
  }
  const text = `"use strict";\n// Written by the build from shared.js (edit that file): the same module for CommonJS.\n${body.replace(/^(\/\/.*\n)+/, "")}\nmodule.exports = { ${names.join(", ")} };\n`;
  return { text, names };
}

/** A list the crate returns (errorCodes(), pinFormats(), ...), checked before it is written into the package. */
function crateList(glue, fn, itemPattern) {
  const list = glue[fn]();
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === "string" && itemPattern.test(item))) {
    throw new Error(`${fn}() returned an unexpected value: ${JSON.stringify(list)}`);
  }
  return list;
}

/** Writes each value of `substitutions` over its marker in the package's JavaScript and typings. */
function substitute(substitutions, files = readdirSync(PKG_DIR)) {
  for (const file of files) {
    if (!/\.(c?js|mjs|d\.ts)$/.test(file)) continue;
    const path = join(PKG_DIR, file);
    let text = readFileSync(path, "utf8");
    for (const [marker, value] of Object.entries(substitutions)) text = text.split(marker).join(value);
    writeFileSync(path, text);
  }
}

function crateField(name) {
  const manifest = readFileSync(join(ROOT, "Cargo.toml"), "utf8");
  const pkgSection = /^\[package\]([\s\S]*?)(?=^\[)/m.exec(manifest + "\n[end]")?.[1] ?? "";
  return new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m").exec(pkgSection)?.[1] ?? null;
}

function assemblePackage() {
  rmSync(PKG_DIR, { recursive: true, force: true });
  cpSync(TEMPLATE_DIR, PKG_DIR, { recursive: true });
  writeFileSync(join(PKG_DIR, "certpin_web.js"), webGlue(join(GLUE_DIR, "web", "certpin.js")));
  writeFileSync(join(PKG_DIR, "certpin_node.cjs"), nodeGlue(join(GLUE_DIR, "nodejs", "certpin.js")));
  copyFileSync(join(GLUE_DIR, "certpin_bg.wasm"), join(PKG_DIR, "certpin_bg.wasm"));
  const wasm = readFileSync(join(PKG_DIR, "certpin_bg.wasm"));
  writeFileSync(
    join(PKG_DIR, "certpin_bg_wasm.cjs"),
    // gzip -9 (deterministic: no name, no time in the header), then base64: about 0.5 MB
    // of JavaScript in a bundle instead of 1.15 MB, unzipped in a few milliseconds.
    `"use strict";\n// certpin_bg.wasm, gzip-compressed and base64-encoded, for bundles that do not copy it (see wasm-bytes.cjs).\nmodule.exports = "${gzipSync(wasm, { level: 9 }).toString("base64")}";\n`,
  );
  // wasm-bytes.cjs accepts only this build's wasm (substituted now: the glue is loaded below).
  const wasmBytesModule = join(PKG_DIR, "wasm-bytes.cjs");
  writeFileSync(
    wasmBytesModule,
    replaceExactly(readFileSync(wasmBytesModule, "utf8"), '"/*@WASM_SHA256@*/"', JSON.stringify(sha256(join(PKG_DIR, "certpin_bg.wasm"))), 1, "wasm-bytes.cjs"),
  );
  // The licence texts the package's `license` field names.
  for (const file of ["LICENSE-MIT", "LICENSE-APACHE"]) copyFileSync(join(ROOT, file), join(PKG_DIR, file));

  const shared = commonJsOfShared(readFileSync(join(PKG_DIR, "shared.js"), "utf8"));
  writeFileSync(join(PKG_DIR, "shared.cjs"), shared.text);

  // The error codes and the pin and export formats come from the crate itself
  // (errorCodes(), pinFormats(), exportFormats()), so the frozen lists and the
  // TypeScript unions can never drift from the Rust. Generating them here also makes
  // them usable in browsers before `await init()`.
  const require = createRequire(import.meta.url);
  const glue = require(join(PKG_DIR, "certpin_node.cjs"));
  const codes = crateList(glue, "errorCodes", /^[A-Z][A-Z0-9_]*$/);
  const pinFormats = crateList(glue, "pinFormats", /^[a-z][a-z0-9-]*$/);
  const exportFormats = crateList(glue, "exportFormats", /^[a-z][a-z0-9-]*$/);
  const union = (list) => list.map((item) => JSON.stringify(item)).join(" | ");
  // The wasm exports every entry re-exports: whatever the crate exports, so the entries
  // never name a function the wasm lacks (an ESM link error) nor miss a new one.
  const wasmExports = Object.keys(glue).filter((name) => !name.startsWith("__")).sort();
  const webSource = readFileSync(join(PKG_DIR, "certpin_web.js"), "utf8");
  const webExports = [...webSource.matchAll(/^export (?:function|class) (\w+)/gm)].map((m) => m[1]).sort();
  if (JSON.stringify(webExports) !== JSON.stringify(wasmExports)) {
    throw new Error(`web glue exports ${webExports} but nodejs glue exports ${wasmExports}`);
  }
  substitute({
    "/*@WASM_EXPORTS@*/": wasmExports.join(", "),
    "/*@WASM_EXPORTS_JSON@*/[]": JSON.stringify(wasmExports),
    "/*@SHARED_EXPORTS@*/": shared.names.join(", "),
    "/*@ERROR_CODES_JSON@*/[]": JSON.stringify(codes),
    "/*@ERROR_CODES_UNION@*/never": union(codes),
    "/*@PIN_FORMATS_JSON@*/[]": JSON.stringify(pinFormats),
    "/*@PIN_FORMATS_UNION@*/never": union(pinFormats),
    "/*@EXPORT_FORMATS_JSON@*/[]": JSON.stringify(exportFormats),
    "/*@EXPORT_FORMATS_UNION@*/never": union(exportFormats),
  });
  // certpin/node's names, as the CommonJS module (complete now) exports them: the ESM
  // entries for Node and Deno re-export exactly these.
  const adapterExports = Object.keys(require(join(PKG_DIR, "node-adapter.cjs")));
  substitute({ "/*@ADAPTER_EXPORTS@*/": adapterExports.join(", ") }, ["node-adapter.mjs", "node-adapter-deno.js"]);
  for (const file of readdirSync(PKG_DIR).filter((f) => /\.(c?js|mjs|d\.ts)$/.test(f))) {
    const marker = /\/\*@[A-Z0-9_]+@\*\//.exec(readFileSync(join(PKG_DIR, file), "utf8"));
    if (marker) throw new Error(`${file}: the build left the marker ${marker[0]} in (no value for it)`);
  }
  // The same declarations, read as CommonJS by TypeScript for `require(...)`; their
  // relative imports of "./x.js" become "./x.cjs" so they stay within the CJS copies.
  for (const file of readdirSync(PKG_DIR).filter((f) => f.endsWith(".d.ts"))) {
    const text = readFileSync(join(PKG_DIR, file), "utf8").replace(/(from\s+"\.\/[\w-]+)\.js"/g, '$1.cjs"');
    writeFileSync(join(PKG_DIR, file.replace(/\.d\.ts$/, ".d.cts")), text);
  }

  const manifestPath = join(PKG_DIR, "package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const crateVersion = crateField("version");
  if (crateVersion && crateVersion !== manifest.version) {
    log(`warning: pkg-template version ${manifest.version} differs from the crate's ${crateVersion}`);
  }
  const license = crateField("license");
  if (license) manifest.license = license;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** tests/js/node_modules/certpin -> pkg/, so tests import the package by its name. */
function linkForTests() {
  const dir = join(ROOT, "tests", "js", "node_modules");
  const link = join(dir, "certpin");
  mkdirSync(dir, { recursive: true });
  try {
    if (lstatSync(link)) return;
  } catch {
    // absent: create it below
  }
  symlinkSync(relative(dir, PKG_DIR), link, "dir");
}

export function build() {
  withCargoOnPath();
  ensureNpmDeps();
  ensureWasmTarget();
  const wasm = cargoBuild();
  generateGlue(wasm);
  assemblePackage();
  linkForTests();
  const size = readFileSync(join(PKG_DIR, "certpin_bg.wasm")).length;
  log(`pkg/ assembled (certpin_bg.wasm: ${size} bytes)`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    build();
  } catch (error) {
    log(`build failed: ${error.message}`);
    process.exit(1);
  }
}
