// Tool checks and installs shared by build, start and test. Only Node built-ins are
// used here: this code runs on a fresh clone before `npm ci` has installed anything.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** Where cargo builds; `CARGO_TARGET_DIR` wins, as it does for cargo itself. */
export const TARGET_DIR = resolve(ROOT, process.env.CARGO_TARGET_DIR || "target");

export function log(message) {
  process.stderr.write(`[certpin] ${message}\n`);
}

/** Runs a command with inherited stdio; throws when it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", cwd: ROOT, ...options });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) {
    const how = result.signal ? `signal ${result.signal}` : `exit code ${result.status}`;
    throw new Error(`\`${command} ${args.join(" ")}\` failed with ${how}`);
  }
}

/** Runs a command and returns its stdout, or null when it cannot run or fails. */
export function capture(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", cwd: ROOT, ...options });
  if (result.error || result.status !== 0) return null;
  return result.stdout;
}

/** cargo's bin dir is often not on PATH in non-login shells (CI): put it there. */
export function withCargoOnPath() {
  const cargoBin = join(process.env.CARGO_HOME || join(homedir(), ".cargo"), "bin");
  const parts = (process.env.PATH || "").split(delimiter);
  if (existsSync(cargoBin) && !parts.includes(cargoBin)) {
    process.env.PATH = [cargoBin, ...parts].join(delimiter);
  }
}

export function ensureWasmTarget() {
  const installed = capture("rustup", ["target", "list", "--installed"]);
  if (installed === null) {
    log("rustup not found; assuming the toolchain already has wasm32-unknown-unknown");
    return;
  }
  if (!installed.split("\n").includes("wasm32-unknown-unknown")) {
    log("installing the Rust target wasm32-unknown-unknown");
    run("rustup", ["target", "add", "wasm32-unknown-unknown"]);
  }
}

/**
 * The wasm-bindgen version the crate links, read from Cargo.lock (written by the
 * cargo build that runs before this is asked), else from Cargo.toml's `=x.y.z`.
 */
export function wasmBindgenVersion() {
  const lockPath = join(ROOT, "Cargo.lock");
  if (existsSync(lockPath)) {
    const lock = readFileSync(lockPath, "utf8");
    const match = /\[\[package\]\]\s*\nname = "wasm-bindgen"\s*\nversion = "([^"]+)"/.exec(lock);
    if (match) return match[1];
  }
  const manifest = readFileSync(join(ROOT, "Cargo.toml"), "utf8");
  const match = /^\s*wasm-bindgen\s*=\s*(?:\{[^}\n]*version\s*=\s*)?"=\s*([0-9][^"]*)"/m.exec(manifest);
  if (match) return match[1];
  throw new Error("cannot find the wasm-bindgen version: pin it in Cargo.toml as wasm-bindgen = \"=x.y.z\"");
}

function wasmBindgenReports(binary) {
  const out = capture(binary, ["--version"]);
  return out === null ? null : out.trim().split(/\s+/).pop();
}

/**
 * Returns the path of a wasm-bindgen CLI of exactly `version`: the one on PATH if it
 * matches, else one under .tools/, installing it there with cargo when missing. The
 * CLI must equal the crate's wasm-bindgen version or the glue does not fit the wasm.
 */
export function ensureWasmBindgen(version) {
  if (wasmBindgenReports("wasm-bindgen") === version) return "wasm-bindgen";
  const root = join(ROOT, ".tools", `wasm-bindgen-${version}`);
  const local = join(root, "bin", "wasm-bindgen");
  if (wasmBindgenReports(local) === version) return local;
  log(`installing wasm-bindgen-cli ${version} into ${root} (takes a few minutes, once)`);
  // Our own CARGO_TARGET_DIR would mix the CLI's build into the crate's target dir.
  const env = { ...process.env };
  delete env.CARGO_TARGET_DIR;
  const args = ["install", "wasm-bindgen-cli", "--version", version, "--root", root];
  try {
    // --locked reproduces upstream's lock file; some registry mirrors lack one of its
    // crates, so fall back to a fresh resolution (still the exact CLI version).
    run("cargo", [...args, "--locked"], { env });
  } catch {
    log("`cargo install --locked` failed; retrying without --locked");
    run("cargo", args, { env });
  }
  const got = wasmBindgenReports(local);
  if (got !== version) throw new Error(`installed wasm-bindgen reports ${got}, expected ${version}`);
  return local;
}

/** True when node_modules holds exactly the versions package-lock.json records. */
function npmDepsCurrent() {
  const lockPath = join(ROOT, "package-lock.json");
  if (!existsSync(lockPath)) return existsSync(join(ROOT, "node_modules"));
  const lock = JSON.parse(readFileSync(lockPath, "utf8"));
  for (const [path, entry] of Object.entries(lock.packages || {})) {
    if (path === "" || entry.link) continue;
    const manifest = join(ROOT, path, "package.json");
    if (!existsSync(manifest)) {
      // Optional platform packages (e.g. @deno/darwin-arm64) are absent elsewhere.
      if (entry.optional) continue;
      return false;
    }
    const installed = JSON.parse(readFileSync(manifest, "utf8"));
    if (installed.version !== entry.version) return false;
  }
  return true;
}

export function ensureNpmDeps() {
  if (npmDepsCurrent()) return;
  log("installing npm dev dependencies (npm ci)");
  run(process.platform === "win32" ? "npm.cmd" : "npm", ["ci", "--no-audit", "--no-fund"]);
}

/** Path of a binary installed by npm into node_modules/.bin. */
export function npmBin(name) {
  return join(ROOT, "node_modules", ".bin", name);
}

export const CHROMIUM = "/usr/bin/chromium";

/** Debian's Chromium for the browser tests; installed with apt when we are root. */
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot || !existsSync("/usr/bin/apt-get")) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
  }
  log("installing chromium with apt-get");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update"], { env });
  run("apt-get", ["install", "-y", "chromium"], { env });
}

/** rustfmt and clippy for `npm test`; rustup's minimal profile leaves them out. */
export function ensureRustComponents() {
  const missing = [];
  if (capture("cargo", ["fmt", "--version"]) === null) missing.push("rustfmt");
  if (capture("cargo", ["clippy", "--version"]) === null) missing.push("clippy");
  if (missing.length > 0) {
    log(`installing Rust components: ${missing.join(", ")}`);
    run("rustup", ["component", "add", ...missing]);
  }
}
