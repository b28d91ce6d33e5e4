// Parts of the API that live in JavaScript, shared by the ESM entries.
// (shared.cjs is the same for the CommonJS Node entry; keep the two in step.)

/**
 * Every error certpin throws is a real `Error` whose `name` is "CertpinError", made
 * inside the wasm boundary. This class makes `err instanceof CertpinError` true for
 * such errors from any copy or instance of the module, by name rather than prototype.
 */
export class CertpinError extends Error {
  constructor(message, code) {
    super(message);
    this.name = "CertpinError";
    this.code = code;
  }

  static [Symbol.hasInstance](value) {
    return value instanceof Error && value.name === "CertpinError";
  }
}

/** Every error code certpin can throw, read from the crate's errorCodes() at build time. */
export const ERROR_CODES = Object.freeze(/*@ERROR_CODES_JSON@*/[]);
