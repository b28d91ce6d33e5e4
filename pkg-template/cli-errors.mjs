// The errors the certpin command raises itself; the package's API throws CertpinErrors.
// The command prints either kind as `certpin: CODE: message` (with --json,
// { "error": { "code", "message" } }) on stderr and exits 2.

/** Bad usage: the message says what to fix; the command adds where its help is. */
export class UsageError extends Error {
  constructor(message, command) {
    super(message);
    this.code = "USAGE";
    this.command = command;
  }
}

/** A failure of the command's own network I/O or input (TIMEOUT, CONNECT_FAILED, NO_CHAIN). */
export function commandError(message, code) {
  return Object.assign(new Error(message), { code });
}
