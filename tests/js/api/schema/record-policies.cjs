"use strict";
// Preloaded (node --require) by policy-schema.test.mjs into runs of other test files:
// records every document given to `new PinPolicy(...)` and whether the parser accepted
// it, one JSON line each, into $CERTPIN_POLICY_RECORD. The class is wrapped in a Proxy,
// so `instanceof PinPolicy` and the static constructors behave as without it.
const { appendFileSync } = require("node:fs");
const { dirname, join } = require("node:path");

const out = process.env.CERTPIN_POLICY_RECORD;
const pkg = dirname(require.resolve("certpin/package.json", { paths: [join(__dirname, "..")] }));
const glue = require(join(pkg, "certpin_node.cjs"));
const Original = glue.PinPolicy;
glue.PinPolicy = new Proxy(Original, {
  construct(target, args, newTarget) {
    const [policy] = args;
    let text;
    try {
      text = typeof policy === "string" ? policy : JSON.stringify(policy);
    } catch {
      text = undefined;
    }
    try {
      const made = Reflect.construct(target, args, newTarget === glue.PinPolicy ? target : newTarget);
      if (text !== undefined) appendFileSync(out, `${JSON.stringify({ accepted: true, text })}\n`);
      return made;
    } catch (error) {
      if (text !== undefined) appendFileSync(out, `${JSON.stringify({ accepted: false, code: error.code, text })}\n`);
      throw error;
    }
  },
});
