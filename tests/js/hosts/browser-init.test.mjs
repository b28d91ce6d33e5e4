// The browser entry before `await init()`: every wasm-backed export throws a CertpinError
// (INVALID_ARGUMENT) that says to await init() first, never the glue's TypeError; after
// init() the same module works. Node imports the browser entry here through the package's
// own `exports` (`--conditions=browser`, as bundlers for browsers resolve it); the
// Chromium runs of the same check are in bundlers.test.mjs (every browser bundle).
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { PKG_DIR, ROOT, runProcess, smokeCase } from "../support/helpers.mjs";

test("browser entry: calls before await init() throw a CertpinError saying to await init(); after it they work", async () => {
  const { pem, pin } = smokeCase();
  const script = `
import { readFileSync } from "node:fs";
import * as certpin from "certpin";
const describe = (f) => { try { f(); return "no error"; } catch (e) { return { isCertpinError: e instanceof certpin.CertpinError, name: e.name, code: e.code, message: e.message }; } };
const calls = {
  computePins: () => certpin.computePins("x"),
  parseChain: () => certpin.parseChain("x"),
  parsePin: () => certpin.parsePin("sha256/x"),
  formatPin: () => certpin.formatPin("sha256/x", "hex"),
  checkPins: () => certpin.checkPins("x", []),
  diagnose: () => certpin.diagnose("x"),
  verifyLinks: () => certpin.verifyLinks("x"),
  errorCodes: () => certpin.errorCodes(),
  wasmMemoryBytes: () => certpin.wasmMemoryBytes(),
  setNativeVerifier: () => certpin.setNativeVerifier(null),
  newPinPolicy: () => new certpin.PinPolicy("{}"),
  fromHpkpHeader: () => certpin.PinPolicy.fromHpkpHeader("max-age=1", "a.example"),
  fromAndroidNsc: () => certpin.PinPolicy.fromAndroidNsc("<network-security-config/>"),
};
const before = Object.fromEntries(Object.entries(calls).map(([name, f]) => [name, describe(f)]));
await certpin.init(readFileSync(${JSON.stringify(join(PKG_DIR, "certpin_bg.wasm"))}));
console.log(JSON.stringify({ before, entry: import.meta.resolve("certpin"), pins: certpin.computePins(readFileSync(0, "utf8")) }));
`;
  const { stdout } = await runProcess(process.execPath, ["--conditions=browser", "--input-type=module", "-e", script], {
    cwd: join(ROOT, "tests", "js"),
    input: pem,
  });
  const { before, entry, pins } = JSON.parse(stdout);
  assert.match(entry, /\/browser\.js$/);
  for (const [name, error] of Object.entries(before)) {
    assert.equal(error.isCertpinError, true, `${name}: ${JSON.stringify(error)}`);
    assert.equal(error.name, "CertpinError", name);
    assert.equal(error.code, "INVALID_ARGUMENT", name);
    assert.match(error.message, /await init\(\)/, name);
  }
  assert.deepEqual(pins, [pin]);
});
