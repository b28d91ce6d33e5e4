// certpin keygen | root init | root rotate | sign | verify: signed policy bundles. Signing happens here with node:crypto; the wasm core only verifies (and
// gives the exact bytes to sign, bundleSigningInput). Private keys are read from files
// or standard input ('-'), never from arguments.
import { readFileSync, openSync, writeSync, closeSync, fsyncSync, renameSync, rmSync } from "node:fs";
import { dirname, basename, join } from "node:path";
import crypto from "node:crypto";
import { parseArgs } from "node:util";
import { bundleSigningInput, verifyBundle, updateRoot, PinPolicy } from "./node.mjs";
import { UsageError } from "./cli-errors.mjs";

export const BUNDLE_COMMANDS = ["keygen", "root", "sign", "verify"];

export const BUNDLE_HELP = {
  keygen: `Usage: certpin keygen --algorithm ed25519|p256 --out KEY

Makes a signing key (PKCS#8 PEM, file mode 0600; an existing file is never overwritten)
and prints its key id (its SHA-256 SPKI pin) and public key. Keep it offline or in a KMS.`,
  root: `Usage: certpin root init --key KEY… --threshold N --expires WHEN --out ROOT
       certpin root rotate ROOT --key NEWKEY… --sign-with OLDKEY… --threshold N --expires WHEN --out NEXT

init: a trust root (version 1) listing the --key keys; every private --key signs it (a
PUBLIC KEY PEM is listed without signing). rotate: the next root version, listing the
--key keys, signed by the --sign-with keys of the current root and the new private keys;
a threshold of both must sign (TUF). WHEN: an RFC 3339 time or a number of days ("365d").`,
  sign: `Usage: certpin sign POLICY --key KEY --version N --expires WHEN [--out BUNDLE]
       certpin sign [POLICY] --key KEY --add-to BUNDLE [--out BUNDLE]

Signs a policy into a bundle (issuedAt is now). --add-to adds one more signature to an
existing bundle (co-signing up to a root's threshold). KEY '-' reads standard input.
Prints the bundle unless --out is given.`,
  verify: `Usage: certpin verify BUNDLE --root ROOT [--now TIME] [--min-version N] [--json]

Exit 0 when the bundle verifies against the root, 1 when it is refused (the error code
says why), 2 for bad usage or unreadable files.`,
};

function read(path, what) {
  try {
    return readFileSync(path === "-" ? 0 : path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path === "-" ? "from standard input" : path}: ${error.code || error.message}`);
  }
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not JSON: ${error.message}`);
  }
}

/** Writes a file atomically (temporary file, fsync, rename); `exclusive` never overwrites. */
function writeFile(path, data, { mode = 0o644, exclusive = false } = {}) {
  if (exclusive) {
    let fd;
    try {
      fd = openSync(path, "wx", mode);
    } catch (error) {
      throw new UsageError(`cannot create ${path}: ${error.code === "EEXIST" ? "it exists (keys are never overwritten)" : error.code || error.message}`);
    }
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return;
  }
  const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  const fd = openSync(temp, "w", mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new UsageError(`cannot write ${path}: ${error.code || error.message}`);
  }
}

/** A key file: { privateKey?, publicKey, keyId, publicKeyBase64 }; Ed25519 or P-256 only. */
function loadKey(path, { needPrivate }) {
  const pem = read(path, "the key");
  let privateKey = null;
  let publicKey;
  try {
    privateKey = crypto.createPrivateKey(pem);
    publicKey = crypto.createPublicKey(privateKey);
  } catch {
    if (needPrivate) throw new UsageError(`${path} is not a private key (PKCS#8 PEM, from certpin keygen)`);
    try {
      publicKey = crypto.createPublicKey(pem);
    } catch {
      throw new UsageError(`${path} is not a private or public key PEM`);
    }
  }
  const type = publicKey.asymmetricKeyType;
  const curve = publicKey.asymmetricKeyDetails?.namedCurve;
  if (!(type === "ed25519" || (type === "ec" && curve === "prime256v1"))) {
    throw new UsageError(`${path} is a ${type}${curve ? ` ${curve}` : ""} key; bundle keys are Ed25519 or ECDSA P-256 (certpin keygen)`);
  }
  const spki = publicKey.export({ type: "spki", format: "der" });
  return {
    path,
    privateKey,
    publicKey,
    publicKeyBase64: spki.toString("base64"),
    keyId: `sha256/${crypto.createHash("sha256").update(spki).digest("base64")}`,
  };
}

function sign(key, signed) {
  const message = bundleSigningInput(signed);
  const sig = key.publicKey.asymmetricKeyType === "ed25519"
    ? crypto.sign(null, message, key.privateKey)
    : crypto.sign("sha256", message, { key: key.privateKey, dsaEncoding: "der" });
  return { keyId: key.keyId, sig: sig.toString("base64") };
}

/** WHEN: RFC 3339 (or a date), or "<N>d" days from now; as "YYYY-MM-DDTHH:MM:SSZ". */
function parseWhen(value, flag) {
  if (value === undefined) throw new UsageError(`${flag} WHEN is required (an RFC 3339 time, or days such as 90d)`);
  const days = /^\+?(\d+)d$/.exec(value);
  const ms = days ? Date.now() + Number(days[1]) * 86_400_000 : /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new UsageError(`${flag} ${JSON.stringify(value)} is not an RFC 3339 time or a number of days (90d)`);
  return instant(ms);
}

const instant = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

function parseCount(value, flag, min = 1) {
  if (value === undefined) throw new UsageError(`${flag} N is required`);
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${flag} must be a whole number >= ${min}`);
  }
  return Number(value);
}

function keysOnce(paths, needPrivate) {
  const keys = [];
  for (const p of paths || []) {
    const key = loadKey(p, { needPrivate });
    if (!keys.some((k) => k.keyId === key.keyId)) keys.push(key);
  }
  return keys;
}

function output(doc, out, what) {
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (out === undefined) return { text: text.trimEnd(), code: 0 };
  writeFile(out, text);
  return { text: `wrote ${what} to ${out}`, code: 0 };
}

function makeRoot({ version, keys, signers, threshold, expires }) {
  if (threshold > keys.length) throw new UsageError(`--threshold ${threshold} is more than the ${keys.length} key(s) listed`);
  const signed = {
    type: "certpin-root",
    version,
    expires,
    threshold,
    keys: keys.map((k) => ({ keyId: k.keyId, publicKey: k.publicKeyBase64 })),
  };
  return { signed, signatures: signers.map((k) => sign(k, signed)) };
}

const SPEC = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  algorithm: { type: "string" },
  out: { type: "string" },
  key: { type: "string", multiple: true },
  "sign-with": { type: "string", multiple: true },
  threshold: { type: "string" },
  expires: { type: "string" },
  version: { type: "string" },
  "add-to": { type: "string" },
  root: { type: "string" },
  now: { type: "string" },
  "min-version": { type: "string" },
};

/** Runs one bundle command: { text?, json?, code }, or throws (exit 2). */
export async function runBundleCommand(command, argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: SPEC, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error.message);
  }
  const { values: o, positionals } = parsed;
  if (o.help) return { text: BUNDLE_HELP[command], code: 0 };
  const single = (flag) => {
    const v = o[flag];
    if (v !== undefined && v.length > 1) throw new UsageError(`--${flag} is given ${v.length} times; give it once`);
    return v?.[0];
  };
  switch (command) {
    case "keygen": {
      if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
      const algorithm = o.algorithm;
      if (algorithm !== "ed25519" && algorithm !== "p256") throw new UsageError("--algorithm ed25519|p256 is required");
      if (o.out === undefined) throw new UsageError("--out KEY is required (keys are never printed)");
      const { privateKey } = algorithm === "ed25519"
        ? crypto.generateKeyPairSync("ed25519")
        : crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
      writeFile(o.out, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, exclusive: true });
      const key = loadKey(o.out, { needPrivate: true });
      const info = { keyId: key.keyId, publicKey: key.publicKeyBase64, algorithm, file: o.out };
      if (o.json) return { json: info, code: 0 };
      return { text: `wrote ${algorithm} key ${o.out} (mode 0600)\nkeyId ${key.keyId}\npublicKey ${key.publicKeyBase64}`, code: 0 };
    }
    case "root": {
      const [sub, rootPath, extra] = positionals;
      if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`);
      const threshold = parseCount(o.threshold, "--threshold");
      const expires = parseWhen(o.expires, "--expires");
      if (!o.key?.length) throw new UsageError("--key KEY is required (repeat it for each root key)");
      const keys = keysOnce(o.key, false);
      if (sub === "init") {
        if (rootPath !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(rootPath)}`);
        const signers = keys.filter((k) => k.privateKey !== null);
        if (signers.length < threshold) throw new UsageError(`only ${signers.length} private key(s) to sign with; the threshold is ${threshold}`);
        const root = makeRoot({ version: 1, keys, signers, threshold, expires });
        return output(root, o.out, "root version 1");
      }
      if (sub === "rotate") {
        if (rootPath === undefined) throw new UsageError("the current ROOT file is required: certpin root rotate ROOT …");
        const currentText = read(rootPath, "the root");
        const current = parseJson(currentText, rootPath);
        const oldSigners = keysOnce(o["sign-with"], true);
        const signers = [...oldSigners, ...keys.filter((k) => k.privateKey !== null && !oldSigners.some((s) => s.keyId === k.keyId))];
        const next = makeRoot({ version: (current?.signed?.version ?? 0) + 1, keys, signers, threshold, expires });
        // The same check every client makes: refuse to write a root nobody would accept.
        updateRoot(currentText, next);
        return output(next, o.out, `root version ${next.signed.version}`);
      }
      throw new UsageError("certpin root init|rotate …; see certpin root --help");
    }
    case "sign": {
      if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`);
      const keyPath = single("key");
      if (keyPath === undefined) throw new UsageError("--key KEY is required ('-' reads it from standard input)");
      const key = loadKey(keyPath, { needPrivate: true });
      const [policyPath] = positionals;
      let bundle;
      if (o["add-to"] !== undefined) {
        bundle = parseJson(read(o["add-to"], "the bundle"), o["add-to"]);
        if (!bundle || typeof bundle.signed !== "object" || !Array.isArray(bundle.signatures)) throw new UsageError(`${o["add-to"]} is not a bundle`);
        if (policyPath !== undefined) {
          const policy = parseJson(read(policyPath, "the policy"), policyPath);
          const canon = (v) => new TextDecoder().decode(bundleSigningInput({ type: "certpin-policy", policy: v }));
          if (canon(policy) !== canon(bundle.signed.policy)) throw new UsageError(`${policyPath} is not the policy signed in ${o["add-to"]}`);
        }
        if (o.version !== undefined && parseCount(o.version, "--version") !== bundle.signed.version) throw new UsageError(`--version ${o.version} differs from the bundle's version ${bundle.signed.version}`);
        if (bundle.signatures.some((s) => s.keyId === key.keyId)) throw new UsageError(`${keyPath} (${key.keyId}) already signed this bundle; a key counts once`);
        bundle.signatures.push(sign(key, bundle.signed));
      } else {
        if (policyPath === undefined) throw new UsageError("the POLICY file is required");
        const policyText = read(policyPath, "the policy");
        new PinPolicy(policyText).free(); // POLICY_INVALID with the JSON path before anything is signed
        const signed = {
          type: "certpin-policy",
          version: parseCount(o.version, "--version"),
          issuedAt: instant(o.now !== undefined ? Date.parse(o.now) : Date.now()),
          expires: parseWhen(o.expires, "--expires"),
          policy: JSON.parse(policyText),
        };
        bundle = { signed, signatures: [sign(key, signed)] };
      }
      return output(bundle, o.out, `bundle version ${bundle.signed.version} (${bundle.signatures.length} signature(s))`);
    }
    case "verify": {
      const [bundlePath, extra] = positionals;
      if (bundlePath === undefined) throw new UsageError("the BUNDLE file is required");
      if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}`);
      if (o.root === undefined) throw new UsageError("--root ROOT is required");
      const bundleText = read(bundlePath, "the bundle");
      const rootText = read(o.root, "the root");
      const options = { root: rootText };
      if (o.now !== undefined) {
        const ms = /^\d+$/.test(o.now) ? Number(o.now) : Date.parse(o.now);
        if (!Number.isFinite(ms)) throw new UsageError(`--now ${JSON.stringify(o.now)} is not an RFC 3339 time`);
        options.now = ms;
      }
      if (o["min-version"] !== undefined) options.minVersion = parseCount(o["min-version"], "--min-version", 0);
      try {
        const result = verifyBundle(bundleText, options);
        if (o.json) return { json: { ok: true, ...result }, code: 0 };
        return { text: `OK: bundle version ${result.version}, issued ${result.issuedAt}, expires ${result.expires}, signed by ${result.signedBy.join(", ")}`, code: 0 };
      } catch (error) {
        if (error?.name !== "CertpinError") throw error;
        if (o.json) return { json: { ok: false, error: { code: error.code, message: error.message } }, code: 1 };
        return { text: `REFUSED: ${error.code}: ${error.message}`, code: 1 };
      }
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}
