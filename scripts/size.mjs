#!/usr/bin/env node
// `npm run size`: raw and gzip (level 9) bytes of the built pkg/certpin_bg.wasm.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "./lib/tools.mjs";

const wasmPath = join(ROOT, "pkg", "certpin_bg.wasm");
if (!existsSync(wasmPath)) {
  console.error("pkg/certpin_bg.wasm not found: run `npm run build` first");
  process.exit(1);
}
const raw = readFileSync(wasmPath);
const gzip = gzipSync(raw, { level: 9 }).length;
const kib = (n) => (n / 1024).toFixed(1);
console.log(`pkg/certpin_bg.wasm: ${raw.length} bytes raw (${kib(raw.length)} KiB), ${gzip} bytes gzip -9 (${kib(gzip)} KiB)`);
