// Revocation for the certpin CLI: `check --ocsp FILE` passes an OCSP response
// (DER, e.g. from `openssl s_client -status` or `openssl ocsp -respout`) to the check as
// the staple; `check --crl FILE` verifies a CRL (DER or PEM) for the chain and fails the
// check when it lists a certificate of the path; `inspect` shows what revocation
// information each certificate offers. The decisions are the wasm core's.
import { readFileSync } from "node:fs";
import { checkCrl, revocationInfo } from "./node.mjs";
import { UsageError } from "./cli-errors.mjs";

/** Reads a DER file, or the DER inside a PEM file (one block with `label`). */
function derFile(path, label) {
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${error.code || error.message}`);
  }
  const text = bytes.toString("latin1");
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(text);
  return new Uint8Array(match ? Buffer.from(match[1].replace(/\s+/g, ""), "base64") : bytes);
}

/** The check options `--ocsp FILE` adds (none without it). */
export function revocationCheckOptions(o) {
  return o.ocsp === undefined ? {} : { ocspResponse: derFile(o.ocsp, "OCSP RESPONSE") };
}

/**
 * `--crl FILE`: the CRL's verdict for the chain, or null without the option. Throws
 * CertpinError CRL_INVALID (exit 2) when the CRL is malformed, stale, or not the chain's.
 */
export function crlCheck(chain, o, now) {
  if (o.crl === undefined) return null;
  return checkCrl(chain, derFile(o.crl, "X509 CRL"), { now });
}

/** Text lines for a CRL result. */
export function describeCrl(result, out, colors) {
  if (result === null) return;
  const where = `certificate ${result.certIndex}`;
  if (result.status === "revoked") {
    out.push(colors.red(`CRL: ${where} is REVOKED since ${result.revokedAt}${result.reason ? ` (${result.reason})` : ""}`));
  } else {
    out.push(colors.green(`CRL: ${where} is not revoked (CRL of ${result.thisUpdate}, next update ${result.nextUpdate ?? "not given"})`));
  }
}

/** The revocation information of every certificate (inspect --json). */
export function revocationOf(input) {
  return revocationInfo(input);
}

/** Text lines for `inspect`: per certificate, OCSP, CRLs, must-staple. */
export function describeRevocation(input, infos, out, colors) {
  out.push(colors.bold("Revocation:"));
  for (const r of revocationInfo(input)) {
    if (infos[r.certIndex]?.selfSigned) continue;
    const parts = [];
    parts.push(r.ocspUrls.length ? `OCSP ${r.ocspUrls.join(", ")}` : r.crlUrls.length ? "no OCSP (CRL-only CA)" : "no OCSP");
    parts.push(r.crlUrls.length ? `CRL ${r.crlUrls.join(", ")}` : "no CRL");
    if (r.mustStaple) parts.push(colors.yellow("must-staple"));
    out.push(`  [${r.certIndex}] ${parts.join("; ")}`);
  }
}
