"use strict";
// The wasm bytes for the Node CommonJS glue (certpin_node.cjs).
//
// Installed, certpin_bg.wasm sits beside this file and is read from there. Bundled
// (esbuild, webpack, Rollup, with CommonJS or ESM output), it usually does not: the
// bundler does not copy it, and ESM output has no __dirname. Then the copy embedded in
// certpin_bg_wasm.cjs is used, which every bundler includes through the require below.
// A certpin_bg.wasm beside a bundle is used only if it is this build's (same SHA-256),
// so a stale copy from another version is never instantiated with this glue.
//
// Node built-ins come from process.getBuiltinModule (Node >= 20.16) when it exists:
// inside an ESM bundle, `require` is not defined.
const WASM_SHA256 = "/*@WASM_SHA256@*/";

function builtin(name) {
  if (typeof process === "object" && typeof process.getBuiltinModule === "function") {
    return process.getBuiltinModule(name);
  }
  return name === "node:fs" ? require("node:fs") : name === "node:path" ? require("node:path") : require("node:crypto");
}

function besideThisFile() {
  if (typeof __dirname !== "string") return null;
  let bytes;
  try {
    bytes = builtin("node:fs").readFileSync(builtin("node:path").join(__dirname, "certpin_bg.wasm"));
  } catch {
    return null;
  }
  const digest = builtin("node:crypto").createHash("sha256").update(bytes).digest("hex");
  return digest === WASM_SHA256 ? bytes : null;
}

function wasmBytes() {
  return besideThisFile() ?? require("./certpin_bg_wasm.cjs");
}

module.exports = { wasmBytes };
