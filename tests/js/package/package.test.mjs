// The package as Node sees it: entries picked by `exports` for import and require,
// one shared wasm instance, the same names from every entry, ERROR_CODES, typings.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esm from "certpin";
import { PKG_DIR, smokeCase } from "../support/helpers.mjs";

const require = createRequire(import.meta.url);
const cjs = require("certpin");
const dts = readFileSync(join(PKG_DIR, "index.d.ts"), "utf8");

// The public API (plus the JS-side names every entry adds).
const SPEC_NAMES = [
  "parseChain", "computePins", "parsePin", "formatPin", "checkPins", "diagnose", "PinPolicy",
  "errorCodes", "CertpinError", "ERROR_CODES", "init", "default",
];

/** Names an ESM entry file exports, read from its export statements. */
function esmExportNames(file) {
  const source = readFileSync(join(PKG_DIR, file), "utf8");
  const names = new Set();
  for (const [, list] of source.matchAll(/^export \{([^}]*)\}/gm)) {
    for (const item of list.split(",").map((s) => s.trim()).filter(Boolean)) {
      names.add(item.split(/\s+as\s+/).pop());
    }
  }
  for (const [, name] of source.matchAll(/^export (?:async )?(?:function|class|const) (\w+)/gm)) names.add(name);
  if (/^export default /m.test(source)) names.add("default");
  return [...names].sort();
}

/** Names index.d.ts declares at top level as values (functions, classes, consts). */
function declaredValueNames() {
  const names = new Set();
  for (const [, name] of dts.matchAll(/^export (?:declare )?(?:function|class|const) (\w+)/gm)) names.add(name);
  if (/^export default /m.test(dts)) names.add("default");
  return [...names].sort();
}

test("node: import resolves to node.mjs and require to node.cjs", () => {
  assert.equal(fileURLToPath(import.meta.resolve("certpin")), join(PKG_DIR, "node.mjs"));
  assert.equal(require.resolve("certpin"), join(PKG_DIR, "node.cjs"));
});

test("node ESM: computePins gives node:crypto's pin", () => {
  const { pem, pin } = smokeCase();
  assert.deepEqual(esm.computePins(pem), [pin]);
});

test("node CJS: require gives node:crypto's pin", () => {
  const { pem, pin } = smokeCase();
  assert.deepEqual(cjs.computePins(pem), [pin]);
});

test("node: import and require share one module instance (no dual-package hazard)", () => {
  for (const name of Object.keys(cjs)) {
    assert.equal(esm[name], cjs[name], name);
  }
  assert.equal(esm.default, cjs.init);
});

test("every entry exports the same names", () => {
  const cjsNames = Object.keys(cjs).sort();
  const esmNames = Object.keys(esm).sort();
  assert.deepEqual(esmNames, cjsNames);
  for (const file of ["browser.js", "deno.js", "workerd.js"]) {
    assert.deepEqual(esmExportNames(file), cjsNames, file);
  }
});

test("index.d.ts declares every runtime export, with no `any`", () => {
  const declared = declaredValueNames();
  for (const name of Object.keys(cjs)) assert.ok(declared.includes(name), `${name} is exported but not declared`);
  // Comments and string literals ("any" is a pin position) are not types.
  const code = dts.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "").replace(/"[^"\n]*"/g, '""');
  assert.doesNotMatch(code, /\bany\b/);
  assert.doesNotMatch(dts, /\/\*@[A-Z0-9_]+@\*\//, "a build marker was left in");
  assert.deepEqual(readFileSync(join(PKG_DIR, "index.d.cts"), "utf8"), dts);
});

test("index.d.ts declares the whole public API", (t) => {
  const declared = declaredValueNames();
  assert.deepEqual(SPEC_NAMES.filter((n) => !declared.includes(n)), []);
  const missing = SPEC_NAMES.filter((n) => !(n in cjs));
  if (missing.length > 0) t.todo(`declared but not exported by the crate yet: ${missing.join(", ")}`);
});

test("ERROR_CODES is frozen, equals errorCodes(), and is the CertpinErrorCode union", () => {
  for (const api of [esm, cjs]) {
    assert.ok(Object.isFrozen(api.ERROR_CODES));
    assert.deepEqual([...api.ERROR_CODES], api.errorCodes());
  }
  assert.ok(esm.ERROR_CODES.length > 0);
  assert.equal(new Set(esm.ERROR_CODES).size, esm.ERROR_CODES.length);
  const union = /export type CertpinErrorCode = ([^;]*);/.exec(dts)[1];
  assert.deepEqual(union.split("|").map((s) => JSON.parse(s.trim())), [...esm.ERROR_CODES]);
});

test("PIN_FORMATS and EXPORT_FORMATS are frozen, equal pinFormats() and exportFormats(), and are the typings' unions", () => {
  for (const [list, fromWasm, type] of [
    ["PIN_FORMATS", "pinFormats", "PinFormat"],
    ["EXPORT_FORMATS", "exportFormats", "PolicyExportFormat"],
  ]) {
    for (const api of [esm, cjs]) {
      assert.ok(Object.isFrozen(api[list]), list);
      assert.deepEqual([...api[list]], api[fromWasm](), list);
    }
    const union = new RegExp(`export type ${type} = ([^;]*);`).exec(dts)[1];
    assert.deepEqual(union.split("|").map((s) => JSON.parse(s.trim())), [...esm[list]], type);
  }
  // Each is exactly what the functions it names accept.
  const { pem } = smokeCase();
  const [pin] = esm.computePins(pem);
  for (const format of esm.PIN_FORMATS) assert.equal(typeof esm.formatPin(pin, format), "string", format);
  assert.throws(() => esm.formatPin(pin, "md5"), { code: "INVALID_ARGUMENT" });
  const policy = new esm.PinPolicy({ version: 1, domains: [{ host: "api.example.com", pins: [pin, `sha256/${Buffer.alloc(32, 1).toString("base64")}`] }] });
  try {
    for (const format of esm.EXPORT_FORMATS) {
      try {
        assert.equal(typeof policy.export(format), "string", format);
      } catch (error) {
        // A format may refuse what it cannot express, never the format's name itself.
        assert.notEqual(error.code, "INVALID_ARGUMENT", `${format}: ${error.message}`);
      }
    }
    assert.throws(() => policy.export("json"), { code: "INVALID_ARGUMENT" });
  } finally {
    policy.free();
  }
});

test("CertpinError: instanceof works by name, for errors from any instance", () => {
  const foreign = new Error("made elsewhere");
  foreign.name = "CertpinError";
  assert.ok(foreign instanceof esm.CertpinError);
  assert.ok(!(new TypeError("x") instanceof esm.CertpinError));
  assert.ok(!({ name: "CertpinError" } instanceof esm.CertpinError));
  assert.ok(!(null instanceof esm.CertpinError));
  const own = new esm.CertpinError("message", "INPUT_EMPTY");
  assert.equal(own.name, "CertpinError");
  assert.equal(own.code, "INPUT_EMPTY");
  assert.ok(own instanceof Error);
  assert.ok(own instanceof cjs.CertpinError);
});

test("init() resolves at once in Node, from both entries", async () => {
  assert.equal(await esm.init(), undefined);
  assert.equal(await cjs.init(), undefined);
  assert.equal(await esm.default(), undefined);
});

test("browser entry: init(bytes) in Node loads the wasm; later calls share one promise", async () => {
  const browser = await import(pathToFileURL(join(PKG_DIR, "browser.js")).href);
  const bytes = readFileSync(join(PKG_DIR, "certpin_bg.wasm"));
  const first = browser.init(bytes);
  assert.equal(browser.default(), first);
  await first;
  const { pem, pin } = smokeCase();
  assert.deepEqual(browser.computePins(pem), [pin]);
  assert.notEqual(browser.computePins, esm.computePins, "a separate instance, as intended for this test");
});

test("package.json: exports, files and engines as documented", () => {
  const manifest = JSON.parse(readFileSync(join(PKG_DIR, "package.json"), "utf8"));
  assert.equal(manifest.name, "certpin");
  assert.equal(manifest.type, "module");
  assert.equal(manifest.engines.node, ">=20");
  const files = new Set([...manifest.files, "package.json"]);
  const targets = (value) => (typeof value === "string" ? [value] : Object.values(value).flatMap(targets));
  for (const target of [...targets(manifest.exports), ...Object.values(manifest.bin ?? {})]) {
    assert.ok(files.has(target.replace(/^\.\//, "")), `${target} is exported but not in files`);
  }
});
