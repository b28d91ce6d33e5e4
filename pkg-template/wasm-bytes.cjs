"use strict";
// The wasm bytes for the Node CommonJS glue (certpin_node.cjs).
//
// Installed, certpin_bg.wasm sits beside this file and is read from there. Bundled
// (esbuild, webpack, Rollup, with CommonJS or ESM output), it usually does not: the
// bundler does not copy it, and ESM output has no __dirname. Then the copy embedded in
// certpin_bg_wasm.cjs (gzip, base64) is used, which every bundler includes through the
// require below.
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
  switch (name) {
    case "node:fs":
      return require("node:fs");
    case "node:path":
      return require("node:path");
    case "node:zlib":
      return require("node:zlib");
    default:
      return require("node:crypto");
  }
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

function embedded() {
  // gunzip checks the CRC-32; the hash check makes a corrupt copy fail loudly.
  const bytes = builtin("node:zlib").gunzipSync(Buffer.from(require("./certpin_bg_wasm.cjs"), "base64"));
  if (builtin("node:crypto").createHash("sha256").update(bytes).digest("hex") !== WASM_SHA256) {
    throw new Error("certpin: the embedded wasm does not match this build (a corrupt package or bundle)");
  }
  return bytes;
}

function wasmBytes() {
  return besideThisFile() ?? embedded();
}

module.exports = { wasmBytes };
