// Shared helpers for the JS tests. The tests import the BUILT package by its name
// ("certpin"): `npm run build` links tests/js/node_modules/certpin to pkg/, so Node
// resolves it through pkg/package.json's `exports` like any installed package.
// Expected values come from independent oracles (node:crypto, openssl), never certpin.
import { execFile } from "node:child_process";
import { X509Certificate, createHash, createPublicKey } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
export const PKG_DIR = join(ROOT, "pkg");
// Fixtures shared by several tests (Rust and JS) are in tests/fixtures/; those of one
// concept beside its Rust test, in tests/<concept>/.
export const FIXTURES = join(ROOT, "tests", "fixtures");
export const REVOCATION_FIXTURES = join(ROOT, "tests", "revocation");
export const NODE_MODULES_BIN = join(ROOT, "node_modules", ".bin");

export function fixture(name) {
  return readFileSync(join(FIXTURES, name), "utf8");
}

export function fixtureBytes(name) {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

/** The PEM blocks of a text, as { label, der } (an oracle independent of certpin). */
export function pemBlocks(text) {
  const blocks = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    blocks.push({ label: m[1], der: Buffer.from(m[2].replace(/\s+/g, ""), "base64") });
  }
  return blocks;
}

/** "sha256/<b64>" of DER SubjectPublicKeyInfo bytes. */
export function pinOfSpki(spki, algorithm = "sha256") {
  return `${algorithm}/${createHash(algorithm).update(spki).digest("base64")}`;
}

/** SPKI DER of a certificate, as Node's X509Certificate exports it. */
export function spkiOfCert(der) {
  return new X509Certificate(der).publicKey.export({ type: "spki", format: "der" });
}

/** SPKI DER of a PUBLIC KEY PEM, or of the key in a CERTIFICATE REQUEST (via openssl). */
export async function spkiOfPem(pem) {
  const [block] = pemBlocks(pem);
  if (block.label === "PUBLIC KEY") {
    return createPublicKey({ key: pem, format: "pem" }).export({ type: "spki", format: "der" });
  }
  if (block.label === "CERTIFICATE REQUEST") {
    // node:crypto cannot read a CSR; openssl extracts its public key.
    const { stdout } = await runProcess("openssl", ["req", "-noout", "-pubkey"], { input: pem });
    return createPublicKey({ key: stdout, format: "pem" }).export({ type: "spki", format: "der" });
  }
  throw new Error(`no SPKI oracle for ${block.label}`);
}

/** Runs a program to completion; resolves { code, stdout, stderr }, rejects if it fails. */
export function runProcess(command, args, { input, cwd, env, allowFailure = false } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      command,
      args,
      { cwd, env: env ?? process.env, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        if (error && !allowFailure) {
          reject(new Error(`${command} ${args.join(" ")} failed (${code}):\n${stdout}\n${stderr}`));
        } else {
          resolvePromise({ code, stdout, stderr });
        }
      },
    );
    if (input !== undefined) child.stdin.end(input);
  });
}

/**
 * Resolves the package's "." export for a set of conditions, as Node's algorithm does:
 * the first key (in object order) that is an active condition or "default" wins.
 */
export function resolveExport(conditions) {
  const manifest = JSON.parse(readFileSync(join(PKG_DIR, "package.json"), "utf8"));
  const active = new Set([...conditions, "default"]);
  let target = manifest.exports["."];
  while (typeof target !== "string") {
    const key = Object.keys(target).find((k) => active.has(k));
    if (key === undefined) throw new Error(`no export for conditions ${[...conditions]}`);
    target = target[key];
  }
  return target.replace(/^\.\//, "");
}

/** Every file the built package ships. */
export function pkgFiles() {
  return readdirSync(PKG_DIR);
}

export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `certpin-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * `npm pack` the built pkg/ and install the tarball, offline, into a new temporary
 * project. Returns { dir, remove, tarball, files } (files: the paths in the tarball).
 */
export async function installPackedPackage(prefix) {
  const project = tempDir(prefix);
  const { stdout } = await runProcess("npm", ["pack", "--json", "--pack-destination", project.dir], { cwd: PKG_DIR });
  const [{ filename, files }] = JSON.parse(stdout);
  await runProcess("npm", ["init", "-y"], { cwd: project.dir });
  await runProcess(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", join(project.dir, filename)],
    { cwd: project.dir },
  );
  return { ...project, tarball: join(project.dir, filename), files: files.map((f) => f.path).sort() };
}

/** A P-256 certificate and the pin node:crypto computes for it, for the host smoke tests. */
export function smokeCase() {
  const pem = fixture("ec-p256.pem");
  const [{ der }] = pemBlocks(pem);
  return { pem, pin: pinOfSpki(spkiOfCert(der)) };
}

/** Debian's Chromium, and the flags it needs here (root, no network, no GPU). */
export const CHROMIUM = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

