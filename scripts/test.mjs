#!/usr/bin/env node
// `npm test`: build the package, check and test the crate natively, then run every JS
// test (node:test) against the built pkg/ in Node, Deno, workerd and Chromium.
// Installs what it needs on a fresh machine (see scripts/lib/tools.mjs). Stops at the
// first failing step and exits non-zero.
//   --js-only   skip cargo fmt/clippy/test (still builds the package)
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "./build.mjs";
import { ROOT, TARGET_DIR, ensureChromium, ensureRustComponents, log, run } from "./lib/tools.mjs";

const jsOnly = process.argv.includes("--js-only");

/**
 * Every *.test.mjs / *.test.cjs below `dir` (tests/js/<group>/...), sorted. node_modules
 * and dot folders (.tmp, where tests write their scratch projects) are not searched.
 */
function testFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules" && !entry.name.startsWith(".")) found.push(...testFiles(path));
    else if (entry.isFile() && /\.test\.[cm]js$/.test(entry.name)) found.push(path);
  }
  return found.sort();
}

try {
  build();
  if (!jsOnly) {
    ensureRustComponents();
    const env = { ...process.env, CARGO_TARGET_DIR: TARGET_DIR };
    log("cargo fmt --check");
    run("cargo", ["fmt", "--check"], { env });
    log("cargo clippy --all-targets -- -D warnings");
    run("cargo", ["clippy", "--all-targets", "--", "-D", "warnings"], { env });
    log("cargo test");
    run("cargo", ["test"], { env });
  }
  ensureChromium();
  const files = testFiles(join(ROOT, "tests", "js"));
  log(`node --test (${files.length} files)`);
  // The timeout only turns a hung host (a server that never answers) into a failure.
  // --expose-gc lets the leak tests collect garbage before they measure.
  run(process.execPath, ["--expose-gc", "--test", "--test-reporter=spec", "--test-timeout=600000", ...files]);
} catch (error) {
  log(`npm test failed: ${error.message}`);
  process.exit(1);
}
