// The input, read: which parts are certificates (one chain) and which are keys or
// certificate requests, each with the API's pins.
import * as certpin from "/pkg/browser.js";
import { state } from "./state.js";

export function splitPemBlocks(text) {
  return text.match(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g) ?? [];
}

export function pemLabel(block) {
  return /-----BEGIN ([A-Z0-9 ]+)-----/.exec(block)?.[1] ?? "KEY";
}

/** What a block that has a pin but no certificate details is, in words. */
export function keyTitle(label) {
  if (/CERTIFICATE REQUEST/.test(label)) return "Certificate request";
  if (/PUBLIC KEY|^KEY$/.test(label)) return "Public key";
  // A certificate block that computePins reads but parseChain does not: say so.
  return `${label} block (details unavailable)`;
}

/**
 * Splits one source into units. A source of certificates only is one unit (so the
 * API sees the chain as given); a source with keys or CSRs is one unit per PEM block.
 * Throws the API's error when the source has no pins at all.
 */
function analyseSource(source) {
  try {
    return [{ source, input: source.input, certs: certpin.parseChain(source.input) }];
  } catch {
    // Not (only) certificates: computePins also takes PUBLIC KEY and CSR blocks. Its
    // error, when it has one, is the one to show (it knows every input kind).
  }
  const pins = certpin.computePins(source.input);
  const text = typeof source.input === "string" ? source.input : new TextDecoder().decode(source.input);
  const blocks = splitPemBlocks(text);
  if (blocks.length === 0 && pins.length === 1) {
    return [{ source, input: source.input, certs: null, label: "PUBLIC KEY" }];
  }
  const units = blocks.map((block) => {
    try {
      return { source, input: block, certs: certpin.parseChain(block) };
    } catch {
      return { source, input: block, certs: null, label: pemLabel(block) };
    }
  });
  // The split is only routing; the pins must be the API's pins of the whole source.
  const unitPins = units.flatMap((unit) => certpin.computePins(unit.input));
  if (unitPins.length !== pins.length || unitPins.some((pin, i) => pin !== pins[i])) {
    throw new Error(`${source.name}: could not tell its PEM blocks apart; paste certificates and keys separately.`);
  }
  return units;
}

export function analyse(sources) {
  const units = sources.flatMap((source) => {
    try {
      return analyseSource(source);
    } catch (error) {
      // With several state.files, say which one could not be read.
      if (sources.length > 1 && error && typeof error === "object") error.sourceName = source.name;
      throw error;
    }
  });
  const items = [];
  let chainIndex = 0;
  for (const unit of units) {
    if (unit.certs) {
      unit.certs.forEach((info, indexInUnit) => {
        items.push({ kind: "cert", unit, indexInUnit, info, chainIndex: chainIndex++, pin256: info.spkiSha256 });
      });
    } else {
      const pins = certpin.computePins(unit.input);
      pins.forEach((pin, indexInUnit) => items.push({ kind: "key", unit, indexInUnit, label: unit.label, pin256: pin }));
    }
  }
  return { units, items };
}

/** The certificates of the input as one chain input (leaf first), or null if none. */
export function chainInput(units = state.analysed.units) {
  const parts = units.filter((unit) => unit.certs).map((unit) => unit.input);
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0] : parts;
}
