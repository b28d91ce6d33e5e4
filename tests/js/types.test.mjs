// Types equal the runtime, as a TypeScript user meets them: the packed tarball installed
// (offline) into a fresh project with @types/node and no undici (an optional peer), then
//  - tsc (strict, skipLibCheck: false) checks tests/js/types/usage.ts, which uses every
//    export of `certpin` and `certpin/node` with every option, under `module: nodenext`
//    (as .mts, resolving the `import` declarations, and as .cts, the `require` ones) and
//    under `moduleResolution: bundler`; its `@ts-expect-error` lines must stay errors;
//  - every name an entry exports at run time (Node ESM and CJS, the browser entry,
//    certpin/node both ways) must be declared as a value by the declarations that entry's
//    conditions select, and every declared value must exist at run time.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ROOT, installPackedPackage, runProcess } from "./helpers.mjs";

const ts = createRequire(import.meta.url)(join(ROOT, "node_modules", "typescript"));
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const USAGE = readFileSync(join(ROOT, "tests", "js", "types", "usage.ts"), "utf8");

const COMMON = {
  strict: true,
  skipLibCheck: false,
  noEmit: true,
  target: "es2022",
  lib: ["es2022", "dom"],
  types: ["node"],
  noUnusedLocals: false,
};
const CONFIGS = {
  nodenext: { compilerOptions: { ...COMMON, module: "nodenext" }, files: ["usage.mts", "usage.cts"] },
  bundler: { compilerOptions: { ...COMMON, module: "esnext", moduleResolution: "bundler" }, files: ["usage.ts"] },
};

let project;
let runtime;

before(async () => {
  project = await installPackedPackage("types");
  // @types/node (and its undici-types) as a user installs it: packed from the workspace's
  // node_modules, installed offline beside certpin.
  const tarballs = [];
  for (const name of ["@types/node", "undici-types"]) {
    const { stdout } = await runProcess("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", project.dir, join(ROOT, "node_modules", name)], { cwd: project.dir });
    tarballs.push(join(project.dir, JSON.parse(stdout)[0].filename));
  }
  await runProcess("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", ...tarballs], { cwd: project.dir });
  writeFileSync(join(project.dir, "usage.ts"), USAGE);
  writeFileSync(join(project.dir, "usage.mts"), USAGE);
  writeFileSync(join(project.dir, "usage.cts"), USAGE);
  for (const [name, config] of Object.entries(CONFIGS)) {
    writeFileSync(join(project.dir, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
  }
  writeFileSync(
    join(project.dir, "exports.mjs"),
    `import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const names = (m) => Object.keys(m).sort();
console.log(JSON.stringify({
  esm: names(await import("certpin")),
  cjs: names(require("certpin")),
  browser: names(await import("./node_modules/certpin/browser.js")),
  nodeEsm: names(await import("certpin/node")),
  nodeCjs: names(require("certpin/node")),
}));`,
  );
  runtime = JSON.parse((await runProcess(process.execPath, ["exports.mjs"], { cwd: project.dir })).stdout);
});

after(() => project?.remove());

test("types: the fresh project has no undici (certpin/node's types must not need it)", () => {
  assert.equal(existsSync(join(project.dir, "node_modules", "undici")), false);
  assert.equal(existsSync(join(project.dir, "node_modules", "@types", "node")), true);
});

for (const name of Object.keys(CONFIGS)) {
  test(`types: tsc (${name}, strict, skipLibCheck: false) accepts every export and option`, async () => {
    const { code, stdout, stderr } = await runProcess(process.execPath, [TSC, "-p", `tsconfig.${name}.json`], {
      cwd: project.dir,
      allowFailure: true,
    });
    assert.equal(code, 0, `tsc ${name} failed:\n${stdout}\n${stderr}`);
  });
}

test("types: tsc really checks usage.ts (a wrong use added to it fails)", async () => {
  writeFileSync(join(project.dir, "wrong.ts"), `${USAGE}\nexport const wrong: number = computePins("pem");\n`);
  writeFileSync(
    join(project.dir, "tsconfig.wrong.json"),
    JSON.stringify({ ...CONFIGS.bundler, files: ["wrong.ts"] }),
  );
  const { code, stdout } = await runProcess(process.execPath, [TSC, "-p", "tsconfig.wrong.json"], { cwd: project.dir, allowFailure: true });
  assert.notEqual(code, 0);
  assert.match(stdout, /wrong\.ts\(\d+,\d+\): error TS2322/);
});

/** The names a module specifier's declarations export as values, as tsc resolves them. */
function declaredValues(configName, probeExtension, specifier) {
  const config = CONFIGS[configName].compilerOptions;
  const { options } = ts.convertCompilerOptionsFromJson(config, project.dir);
  const probe = join(project.dir, `probe-${configName}-${specifier.replace(/\W/g, "_")}.${probeExtension}`);
  writeFileSync(probe, `import * as probe from "${specifier}";\nexport { probe };\n`);
  const program = ts.createProgram([probe], options);
  const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(probe));
  assert.equal(diagnostics.length, 0, ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => project.dir, getNewLine: () => "\n" }));
  const checker = program.getTypeChecker();
  const [statement] = program.getSourceFile(probe).statements;
  const moduleSymbol = checker.getSymbolAtLocation(statement.moduleSpecifier);
  assert.ok(moduleSymbol, `tsc resolved no declarations for "${specifier}"`);
  const file = moduleSymbol.valueDeclaration?.getSourceFile().fileName ?? "?";
  const values = checker
    .getExportsOfModule(moduleSymbol)
    .filter((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return (target.flags & ts.SymbolFlags.Value) !== 0;
    })
    .map((symbol) => symbol.name)
    .sort();
  return { values, file: file.slice(file.lastIndexOf("/") + 1) };
}

const ENTRIES = [
  { runtime: "esm", config: "nodenext", ext: "mts", specifier: "certpin", what: "certpin (Node import)" },
  { runtime: "cjs", config: "nodenext", ext: "cts", specifier: "certpin", what: "certpin (Node require)" },
  { runtime: "browser", config: "bundler", ext: "ts", specifier: "certpin", what: "certpin (browser entry)" },
  { runtime: "nodeEsm", config: "nodenext", ext: "mts", specifier: "certpin/node", what: "certpin/node (Node import)" },
  { runtime: "nodeCjs", config: "nodenext", ext: "cts", specifier: "certpin/node", what: "certpin/node (Node require)" },
];

for (const entry of ENTRIES) {
  test(`types: every run-time export of ${entry.what} is declared, and nothing else`, () => {
    const { values, file } = declaredValues(entry.config, entry.ext, entry.specifier);
    const actual = runtime[entry.runtime];
    assert.ok(actual.length > 0);
    const undeclared = actual.filter((name) => !values.includes(name));
    const absent = values.filter((name) => !actual.includes(name));
    assert.deepEqual(undeclared, [], `${entry.what} exports ${undeclared.join(", ")} at run time with no declaration in ${file}: declare them in pkg-template/${file.replace(".d.cts", ".d.ts")}`);
    assert.deepEqual(absent, [], `${file} declares ${absent.join(", ")}, which ${entry.what} does not export at run time`);
  });
}

test("types: usage.ts uses every run-time export of certpin and certpin/node", () => {
  const all = new Set([...runtime.esm, ...runtime.nodeEsm].filter((name) => name !== "default"));
  const unused = [...all].filter((name) => !new RegExp(`\\b${name}\\b`).test(USAGE));
  assert.deepEqual(unused, [], `tests/js/types/usage.ts does not use ${unused.join(", ")}: add a use with every option`);
});
