#!/usr/bin/env node
// `npm run leak [-- CALLS]`: the leak test at full length (default 1,000,000 calls of
// each function, good and bad input), printing each case's wasm memory and heap growth.
// npm test runs the same test with 20,000 calls per case.
import { join } from "node:path";
import { build } from "./build.mjs";
import { ROOT, log, run } from "./lib/tools.mjs";

const calls = process.argv[2] ?? "1000000";
try {
  build();
  log(`leak test, ${calls} calls per case`);
  run(process.execPath, ["--expose-gc", "--test", "--test-reporter=spec", "--test-timeout=0", join(ROOT, "tests", "js", "leak.test.mjs")], {
    env: { ...process.env, CERTPIN_LEAK_CALLS: calls, CERTPIN_LEAK_REPORT: "1" },
  });
} catch (error) {
  log(`npm run leak failed: ${error.message}`);
  process.exit(1);
}
