// `cd pkg && npm pack` yields an installable tarball: install it (offline, from the
// file) into a new project and use it from Node ESM and CJS; type-check code against
// its typings with `deno check` (TypeScript, strict) — correct code passes, wrong fails.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { NODE_MODULES_BIN, installPackedPackage, runProcess, smokeCase } from "../support/helpers.mjs";

let project;

before(async () => {
  project = await installPackedPackage("pack");
});

after(() => project?.remove());

const denoEnv = () => ({
  ...process.env,
  DENO_DIR: join(project.dir, ".deno"),
  DENO_NO_UPDATE_CHECK: "1",
  NO_COLOR: "1",
  NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/",
});

test("pack: the tarball holds exactly the package files", () => {
  assert.deepEqual(project.files, [
    "LICENSE-APACHE",
    "LICENSE-MIT",
    "README.md",
    "browser.js",
    "certpin_bg.wasm",
    "certpin_bg_wasm.cjs",
    "certpin_node.cjs",
    "certpin_web.js",
    "cli-audit.mjs",
    "cli-bundle.mjs",
    "cli-ct.mjs",
    "cli-errors.mjs",
    "cli-revocation.mjs",
    "cli.mjs",
    "deno.js",
    "index.d.cts",
    "index.d.ts",
    "node-adapter-core.cjs",
    "node-adapter-deno.js",
    "node-adapter.cjs",
    "node-adapter.d.cts",
    "node-adapter.d.ts",
    "node-adapter.mjs",
    "node-report-sender.cjs",
    "node-updater.cjs",
    "node-verifier.cjs",
    "node.cjs",
    "node.mjs",
    "package.json",
    "policy.schema.json",
    "shared.cjs",
    "shared.js",
    "wasm-bytes.cjs",
    "workerd.js",
  ]);
});

test("pack: the manifest names the repository, homepage, bug tracker and licence, and ships the licence texts", () => {
  const manifest = JSON.parse(readFileSync(join(project.dir, "node_modules", "certpin", "package.json"), "utf8"));
  assert.equal(manifest.license, "MIT OR Apache-2.0");
  assert.match(manifest.repository.url, /^git\+https:\/\/.+\.git$/);
  assert.match(manifest.homepage, /^https:\/\//);
  assert.match(manifest.bugs.url, /^https:\/\//);
  const mit = readFileSync(join(project.dir, "node_modules", "certpin", "LICENSE-MIT"), "utf8");
  const apache = readFileSync(join(project.dir, "node_modules", "certpin", "LICENSE-APACHE"), "utf8");
  assert.match(mit, /^Copyright .*\n\nPermission is hereby granted, free of charge/);
  assert.match(apache, /Apache License\s+Version 2\.0, January 2004/);
  assert.match(apache, /END OF TERMS AND CONDITIONS/);
});

test("pack: the installed package computes node:crypto's pin from ESM and CJS", async () => {
  const { pem, pin } = smokeCase();
  writeFileSync(
    join(project.dir, "esm.mjs"),
    `import { readFileSync } from "node:fs";
import { computePins } from "certpin";
console.log(JSON.stringify(computePins(readFileSync(0, "utf8"))));`,
  );
  writeFileSync(
    join(project.dir, "cjs.cjs"),
    `const { computePins } = require("certpin");
console.log(JSON.stringify(computePins(require("node:fs").readFileSync(0, "utf8"))));`,
  );
  for (const file of ["esm.mjs", "cjs.cjs"]) {
    const { stdout } = await runProcess(process.execPath, [file], { cwd: project.dir, input: pem });
    assert.deepEqual(JSON.parse(stdout), [pin], file);
  }
});

test("pack: code using the documented API type-checks against index.d.ts", async () => {
  writeFileSync(
    join(project.dir, "good.ts"),
    `import init, {
  CertpinError, ERROR_CODES, computePins, parseChain, parsePin, formatPin, errorCodes,
  type CertificateInfo, type CertpinErrorCode, type ChainInput, type ParsedPin, type Verdict,
  type PolicyDocument, checkPins, PinPolicy,
} from "certpin";
await init();
const input: ChainInput = [new Uint8Array([48]), "PEM"];
const infos: CertificateInfo[] = parseChain(input);
const size: number | null = infos[0].keySize;
const pins: string[] = computePins("pem", { algorithm: "sha384" });
const parsed: ParsedPin = parsePin(pins[0]);
const tlsa: string = formatPin(pins[0], "tlsa");
const codes: readonly CertpinErrorCode[] = ERROR_CODES;
const again: CertpinErrorCode[] = errorCodes();
const doc: PolicyDocument = {
  version: 1,
  domains: [{ host: "api.example.com", pins: ["sha256/x", { pin: "sha256/y", state: "candidate", position: "ca" }] }],
};
const policy = new PinPolicy(doc);
const verdict: Verdict = policy.check(input, { hostname: "api.example.com", now: new Date() });
const other: Verdict = checkPins(input, pins, { now: 0, verifySignatures: false });
try {
  computePins("");
} catch (error) {
  if (error instanceof CertpinError) {
    const code: CertpinErrorCode = error.code;
    const where: number | undefined = error.certIndex;
    console.log(code, where);
  }
}
console.log(size, parsed.hex, tlsa, codes, again, verdict.status, other.ok, policy.toJSON().version);
`,
  );
  const { code, stdout, stderr } = await runProcess(join(NODE_MODULES_BIN, "deno"), ["check", "good.ts"], {
    cwd: project.dir,
    env: denoEnv(),
    allowFailure: true,
  });
  assert.equal(code, 0, `${stdout}\n${stderr}`);
});

test("pack: wrong uses of the API fail the type check", async () => {
  const cases = {
    "number input": `computePins(42);`,
    "unknown algorithm": `computePins("pem", { algorithm: "md5" });`,
    "unknown pin format": `formatPin("sha256/x", "sha1");`,
    "unknown error code": `const c: CertpinErrorCode = "NO_SUCH_CODE";`,
    "hostname required by PinPolicy.check": `new PinPolicy("{}").check("pem", {});`,
    "ERROR_CODES is read-only": `ERROR_CODES.push("INPUT_EMPTY");`,
  };
  // One file, one wrong use per line: each line must have its own type error.
  const header = `import { computePins, formatPin, ERROR_CODES, PinPolicy, type CertpinErrorCode } from "certpin";`;
  const lines = Object.values(cases);
  writeFileSync(join(project.dir, "bad.ts"), `${header}\n${lines.join("\n")}\nexport {};\n`);
  const { code, stderr } = await runProcess(join(NODE_MODULES_BIN, "deno"), ["check", "bad.ts"], {
    cwd: project.dir,
    env: denoEnv(),
    allowFailure: true,
  });
  assert.notEqual(code, 0, "expected type errors");
  Object.keys(cases).forEach((name, i) => {
    assert.match(stderr, new RegExp(`bad\\.ts:${i + 2}:`), `${name}: expected a type error on line ${i + 2}\n${stderr}`);
  });
});
