// Deno smoke test, with the deno binary from the npm package `deno`: the package is
// imported as "npm:certpin" and as "certpin" from a project that installed the packed
// tarball, and by path (pkg/deno.js, the file the `deno` export condition names).
// No permission flags are given: the entry must load without --allow-read.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import { NODE_MODULES_BIN, PKG_DIR, installPackedPackage, resolveExport, runProcess, smokeCase } from "../support/helpers.mjs";

const DENO = join(NODE_MODULES_BIN, "deno");

const script = (specifier) => `
import init, { computePins, CertpinError, ERROR_CODES, errorCodes } from ${JSON.stringify(specifier)};
await init();
const pem = await new Response(Deno.stdin.readable).text();
let error = null;
try {
  computePins("");
} catch (e) {
  error = { name: e.name, code: e.code, isError: e instanceof Error, isCertpinError: e instanceof CertpinError };
}
console.log(JSON.stringify({
  pins: computePins(pem),
  error,
  codesMatch: JSON.stringify(errorCodes()) === JSON.stringify(ERROR_CODES) && Object.isFrozen(ERROR_CODES),
}));
`;

let project;

before(async () => {
  project = await installPackedPackage("deno");
});

after(() => project?.remove());

async function runDeno(specifier) {
  const file = join(project.dir, `main-${Math.random().toString(16).slice(2)}.mjs`);
  writeFileSync(file, script(specifier));
  const { pem } = smokeCase();
  const env = {
    ...process.env,
    DENO_DIR: join(project.dir, ".deno"),
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
    // Nothing may come from a registry: "npm:certpin" must resolve to the tarball
    // installed in node_modules, never to a package of that name elsewhere.
    NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/",
  };
  const { stdout } = await runProcess(DENO, ["run", "--no-prompt", file], { cwd: project.dir, env, input: pem });
  return JSON.parse(stdout);
}

function assertSmoke(result) {
  assert.deepEqual(result.pins, [smokeCase().pin]);
  assert.deepEqual(result.error, { name: "CertpinError", code: "INPUT_EMPTY", isError: true, isCertpinError: true });
  assert.equal(result.codesMatch, true);
}

test("deno: the export conditions pick deno.js", () => {
  assert.equal(resolveExport(["deno", "node", "import"]), "deno.js");
});

test('deno: import "npm:certpin" (installed from the packed tarball)', async () => {
  assertSmoke(await runDeno("npm:certpin"));
});

test('deno: bare "certpin" from a package.json project', async () => {
  assertSmoke(await runDeno("certpin"));
});

test("deno: the deno entry by local path", async () => {
  assertSmoke(await runDeno(pathToFileURL(join(PKG_DIR, "deno.js")).href));
});
