// Types equal the runtime, as a TypeScript user meets them: the packed tarball installed
// (offline) into a fresh project with @types/node and no undici (an optional peer), then
//  - tsc (strict, skipLibCheck: false) checks tests/js/package/types/usage.ts, which uses every
//    export of `certpin` and `certpin/node` with every option, under `module: nodenext`
//    (as .mts, resolving the `import` declarations, and as .cts, the `require` ones) and
//    under `moduleResolution: bundler`; its `@ts-expect-error` lines must stay errors;
//  - every name an entry exports at run time (Node ESM and CJS, the browser entry,
//    certpin/node both ways) must be declared as a value by the declarations that entry's
//    conditions select, and every declared value must exist at run time;
//  - the options each function accepts at run time (its "known options" list) equal the
//    declared option properties, and the members of real results (Verdict,
//    CertificateInfo, ParsedPin, Finding, LinkCheck, a policy's toJSON()) equal the
//    declared interface's properties.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { FIXTURES, ROOT, installPackedPackage, runProcess } from "../support/helpers.mjs";

const ts = createRequire(import.meta.url)(join(ROOT, "node_modules", "typescript"));
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const USAGE = readFileSync(join(ROOT, "tests", "js", "package", "types", "usage.ts"), "utf8");

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
  writeFileSync(
    join(project.dir, "shapes.mjs"),
    `import { readFileSync } from "node:fs";
import * as certpin from "certpin";
const chain = readFileSync(${JSON.stringify(join(FIXTURES, "tls", "good-chain.pem"))}, "utf8");
const [leafPin, caPin] = certpin.computePins(chain);
const document = {
  $schema: "./node_modules/certpin/policy.schema.json",
  comment: "every optional member, so that each declared one is seen at run time",
  version: 1,
  domains: [{
    host: "localhost",
    pins: [leafPin, { pin: caPin, state: "candidate", position: "ca", comment: "the issuing CA" }],
    expires: "2040-01-01", mode: "report", reportUri: "https://r.example/", includeSubdomains: true,
    revocation: "check", ct: "report", comment: "one entry",
  }],
};
const policy = new certpin.PinPolicy(document);
// The option names a function accepts, from its own refusal of an unknown one.
const known = (call) => {
  try {
    call({ "certpin-types-probe": 1 });
  } catch (error) {
    const names = /known options: (.*)$/.exec(error.message);
    if (names) return names[1].split(", ").sort();
    throw error;
  }
  throw new Error("an unknown option was accepted");
};
const failed = certpin.checkPins(chain, ["sha256/" + "A".repeat(43) + "="], { hostname: "localhost", port: 443 });
console.log(JSON.stringify({
  options: {
    computePins: known((o) => certpin.computePins(chain, o)),
    checkPins: known((o) => certpin.checkPins(chain, [leafPin], o)),
    diagnose: known((o) => certpin.diagnose(chain, o)),
    "PinPolicy.check": known((o) => policy.check(chain, o)),
    "PinPolicy.lint": known((o) => policy.lint(o)),
  },
  shapes: {
    Verdict: [Object.keys(failed), Object.keys(policy.check(chain, { hostname: "localhost" }))],
    ViolationReport: [Object.keys(failed.report)],
    CertificateInfo: certpin.parseChain(chain).map(Object.keys),
    ParsedPin: [Object.keys(certpin.parsePin(leafPin))],
    Finding: [...failed.findings, ...policy.lint({ now: Date.now(), chain }), ...certpin.diagnose(chain, { hostname: "nowhere.example" })].map(Object.keys),
    LinkCheck: certpin.verifyLinks(chain).map(Object.keys),
    PolicyDocument: [Object.keys(policy.toJSON())],
    PolicyDomain: policy.toJSON().domains.map(Object.keys),
    PolicyPin: policy.toJSON().domains[0].pins.filter((p) => typeof p === "object").map(Object.keys),
  },
}));`,
  );
  Object.assign(runtime, JSON.parse((await runProcess(process.execPath, ["shapes.mjs"], { cwd: project.dir })).stdout));
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
  assert.deepEqual(unused, [], `tests/js/package/types/usage.ts does not use ${unused.join(", ")}: add a use with every option`);
});

/** The declared program for the ESM view of "certpin", with its checker and export symbols. */
function declarations() {
  const { options } = ts.convertCompilerOptionsFromJson(CONFIGS.nodenext.compilerOptions, project.dir);
  const probe = join(project.dir, "probe-shapes.mts");
  writeFileSync(probe, `import * as probe from "certpin";\nexport { probe };\n`);
  const program = ts.createProgram([probe], options);
  const checker = program.getTypeChecker();
  const [statement] = program.getSourceFile(probe).statements;
  const exports = new Map(checker.getExportsOfModule(checker.getSymbolAtLocation(statement.moduleSpecifier)).map((s) => [s.name, s]));
  const node = statement;
  const propertiesOf = (type) => checker.getPropertiesOfType(checker.getNonNullableType(type)).map((p) => p.name).sort();
  const optionsParameter = (signatureOwner) => {
    const [signature] = signatureOwner.getCallSignatures();
    const parameter = signature.parameters.at(-1);
    return propertiesOf(checker.getTypeOfSymbolAtLocation(parameter, node));
  };
  return {
    interface: (name) => {
      assert.ok(exports.has(name), `index.d.ts does not export ${name}`);
      return propertiesOf(checker.getDeclaredTypeOfSymbol(exports.get(name)));
    },
    functionOptions: (name) => optionsParameter(checker.getTypeOfSymbolAtLocation(exports.get(name), node)),
    methodOptions: (className, method) => {
      const instance = checker.getDeclaredTypeOfSymbol(exports.get(className));
      return optionsParameter(checker.getTypeOfSymbolAtLocation(instance.getProperty(method), node));
    },
  };
}

test("types: the options every function accepts at run time are exactly the declared ones", () => {
  const declared = declarations();
  const expected = {
    computePins: declared.functionOptions("computePins"),
    checkPins: declared.functionOptions("checkPins"),
    diagnose: declared.functionOptions("diagnose"),
    "PinPolicy.check": declared.methodOptions("PinPolicy", "check"),
    "PinPolicy.lint": declared.methodOptions("PinPolicy", "lint"),
  };
  for (const [name, accepted] of Object.entries(runtime.options)) {
    assert.deepEqual(expected[name], accepted, `${name}: run-time options ${accepted.join(", ")}; declared ${expected[name].join(", ")}`);
  }
});

test("types: the members of real results are exactly the declared interfaces' properties", () => {
  const declared = declarations();
  // Members that are optional in the declarations and absent from some results.
  const optional = { Finding: ["certIndex"], LinkCheck: ["reason"], PolicyDomain: [], PolicyPin: [] };
  for (const [name, samples] of Object.entries(runtime.shapes)) {
    const properties = declared.interface(name);
    assert.ok(samples.length > 0, `no ${name} sample`);
    const seen = new Set(samples.flat());
    const undeclared = [...seen].filter((key) => !properties.includes(key));
    assert.deepEqual(undeclared, [], `${name}: run-time members ${undeclared.join(", ")} are not declared in index.d.ts`);
    const neverSeen = properties.filter((key) => !seen.has(key) && !(optional[name] ?? []).includes(key));
    assert.deepEqual(neverSeen, [], `${name}: declared ${neverSeen.join(", ")}, never present at run time`);
  }
});
