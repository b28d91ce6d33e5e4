// Seeds at the byte bounds, for the -max_len runs in fuzz/README.md ("Runs at the
// bounds"): committed seeds padded to exactly the bound and to one byte over it, plus
// policies at the domain and pin count bounds. The bounds are read from src/, so the
// seeds follow them if they change. Written outside fuzz/corpus (they are 0.2-1 MiB each):
//   node scripts/fuzz-big-seeds.mjs OUTDIR     writes OUTDIR/<target>/<name>
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./lib/tools.mjs";

const outDir = process.argv[2];
if (!outDir) {
  process.stderr.write("usage: node scripts/fuzz-big-seeds.mjs OUTDIR\n");
  process.exit(2);
}

/** A `pub const NAME: usize = 16 * 1024;` from src/FILE. */
function bound(file, name) {
  const source = readFileSync(join(ROOT, "src", file), "utf8");
  const match = new RegExp(`pub const ${name}: usize = ([0-9_ *]+);`).exec(source);
  if (!match) throw new Error(`no ${name} in src/${file}`);
  return match[1].split("*").reduce((product, factor) => product * Number(factor.replaceAll("_", "").trim()), 1);
}

const MAX_INPUT_BYTES = bound("input.rs", "MAX_INPUT_BYTES");
const MAX_POLICY_BYTES = bound("policy.rs", "MAX_POLICY_BYTES");
const MAX_DOMAINS = bound("policy.rs", "MAX_DOMAINS");
const MAX_PINS_PER_DOMAIN = bound("policy.rs", "MAX_PINS_PER_DOMAIN");
const MAX_HPKP_HEADER_BYTES = bound("hpkp.rs", "MAX_HPKP_HEADER_BYTES");
const MAX_NSC_BYTES = bound("export.rs", "MAX_NSC_BYTES");

// The harness's split marker (tests/fuzz_cases/mod.rs): the limits count the parts, not it.
const SEPARATOR = Buffer.from("\n--8<--\n");

const seed = (target, name) => readFileSync(join(ROOT, "fuzz", "corpus", target, name));

function write(target, name, bytes) {
  mkdirSync(join(outDir, target), { recursive: true });
  writeFileSync(join(outDir, target, name), bytes);
}

/** Bytes the harness counts against a limit: everything after `skip` but the separators. */
function counted(data, skip) {
  let separators = 0;
  for (let at = data.indexOf(SEPARATOR, skip); at !== -1; at = data.indexOf(SEPARATOR, at + SEPARATOR.length)) {
    separators += 1;
  }
  return data.length - skip - separators * SEPARATOR.length;
}

/** `data` with `filler` repeated (then cut) after it until `counted` reaches `size`. */
function padEnd(data, skip, size, filler) {
  const missing = size - counted(data, skip);
  if (missing < 0) throw new Error("seed already over the size");
  const repeats = Math.ceil(missing / filler.length);
  return Buffer.concat([data, Buffer.from(filler.repeat(repeats)).subarray(0, missing)]);
}

/** Writes NAME-at (exactly `size` counted bytes) and NAME-over (one more). */
function atAndOver(target, name, make, size) {
  write(target, `${name}-at`, make(size));
  write(target, `${name}-over`, make(size + 1));
}

// chain: the last part is padded with what its format ignores (text between PEM blocks,
// whitespace in base64) or rejects (bytes after the DER certificate).
const pemText = "\nnot PEM: text between blocks, as openssl s_client prints\n";
for (const [name, filler] of [
  ["pem-good-chain.pem", pemText],
  ["multi-pem-text", pemText],
  ["pem-rsa-chain-crlf.pem", pemText.replaceAll("\n", "\r\n")],
  ["b64-rsa2048-leaf.der", "\n "],
  ["der-rsa2048-leaf.der", "\0"],
  ["multi-der-pem", pemText],
]) {
  atAndOver("chain", name, (size) => padEnd(seed("chain", name), 1, size, filler), MAX_INPUT_BYTES);
}

// check: the chain after the policy, padded the same way. The policy counts too: it is
// its own limit, so subtract it to put the chain exactly at MAX_INPUT_BYTES.
for (const [name, filler] of [
  ["good", pemText],
  ["tls-good-der", "\0"],
]) {
  const data = seed("check", name);
  const policyBytes = data.indexOf(SEPARATOR) - 1;
  atAndOver("check", name, (size) => padEnd(data, 1, size + policyBytes, filler), MAX_INPUT_BYTES);
}

// policy: JSON whitespace before the final brace, to exactly MAX_POLICY_BYTES and over.
function padJson(json, size) {
  const close = json.lastIndexOf("}");
  const missing = size - json.length;
  return Buffer.from(json.slice(0, close) + " ".repeat(missing) + json.slice(close));
}
const policyJson = seed("policy", "policy-03").toString("utf8").trim();
atAndOver("policy", "policy-03-whitespace", (size) => padJson(policyJson, size), MAX_POLICY_BYTES);

/** A distinct, well-formed SHA-256 pin for each number. */
const pinFor = (number) => {
  const digest = Buffer.alloc(32);
  digest.writeUInt32BE(number);
  return `sha256/${digest.toString("base64")}`;
};
const policyWith = (domains, pinsPerDomain) =>
  JSON.stringify({
    version: 1,
    domains: Array.from({ length: domains }, (_, d) => ({
      host: `h${d}.example.com`,
      pins: Array.from({ length: pinsPerDomain }, (_, p) => pinFor(d * 1000 + p)),
    })),
  });
write("policy", "domains-at", policyWith(MAX_DOMAINS, 2));
write("policy", "domains-over", policyWith(MAX_DOMAINS + 1, 2));
write("policy", "pins-at", policyWith(1, MAX_PINS_PER_DOMAIN));
write("policy", "pins-over", policyWith(1, MAX_PINS_PER_DOMAIN + 1));

// import: the HPKP header padded with spaces after its last directive; the NSC document
// with a comment before its closing tag. Both keep the seed's selector byte.
atAndOver("import", "hpkp-named", (size) => padEnd(seed("import", "hpkp-named"), 1, size, " "), MAX_HPKP_HEADER_BYTES);
const nsc = seed("import", "nsc-export").toString("latin1");
const closing = nsc.lastIndexOf("</network-security-config>");
atAndOver(
  "import",
  "nsc-export-comment",
  (size) => {
    const comment = (length) => `<!--${"x".repeat(length - 8)}-->\n`;
    const rest = nsc.length - 1;
    return Buffer.from(nsc.slice(0, closing) + comment(size - rest) + nsc.slice(closing), "latin1");
  },
  MAX_NSC_BYTES,
);
