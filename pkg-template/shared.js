// Parts of the API that live in JavaScript, shared by every entry. This file is the one
// source: the build writes shared.cjs, the same module for CommonJS, from it.

/**
 * Every error certpin throws is a real `Error` whose `name` is "CertpinError", made
 * inside the wasm boundary or with this class by the package's JavaScript. This class
 * makes `err instanceof CertpinError` true for such errors from any copy or instance of
 * the module, by name rather than prototype. `options.cause`, as for `Error`, keeps the
 * error this one stands for.
 */
export class CertpinError extends Error {
  constructor(message, code, options) {
    super(message, options);
    this.name = "CertpinError";
    this.code = code;
  }

  static [Symbol.hasInstance](value) {
    return value instanceof Error && value.name === "CertpinError";
  }
}

// The lists below come from the crate itself (errorCodes(), pinFormats(),
// exportFormats()), read at build time: they can never drift from the Rust, and they
// are usable in browsers before `await init()`.

/** Every error code certpin can throw. */
export const ERROR_CODES = Object.freeze(/*@ERROR_CODES_JSON@*/[]);

/** Every format formatPin writes. */
export const PIN_FORMATS = Object.freeze(/*@PIN_FORMATS_JSON@*/[]);

/** Every format PinPolicy.prototype.export writes. */
export const EXPORT_FORMATS = Object.freeze(/*@EXPORT_FORMATS_JSON@*/[]);
