// The pin generator page shows each certificate's embedded SCTs, in headless
// Chromium: a chain made by ct-helpers.mjs with two SCTs (fresh keys) is pasted; the
// leaf's details list both log ids, the CA's none.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { b64, ecKey, makeCa, makeLeaf, makeLog, pem, rsaKey } from "../support/ct-helpers.mjs";
import { openPage, pasteAndShow } from "../support/www-helpers.mjs";

let session;
before(async () => {
  session = await openPage();
});
after(async () => {
  await session?.close();
});

test("www: each certificate's embedded SCTs are shown", async () => {
  const ca = makeCa();
  const logs = [makeLog("www test log 1", ecKey()), makeLog("www test log 2", rsaKey())];
  const leaf = makeLeaf({ ca, scts: [{ log: logs[0], timestamp: Date.UTC(2026, 0, 1, 12) }, { log: logs[1], timestamp: Date.UTC(2026, 0, 1, 13) }] });
  await pasteAndShow(session.page, pem(leaf.der) + pem(ca.der));
  const items = session.page.locator("#items > li");
  const leafDetails = await items.nth(0).locator("dl").textContent();
  assert.match(leafDetails, /Embedded SCTs \(2\)/);
  for (const log of logs) assert.ok(leafDetails.includes(b64(log.id)), `log ${b64(log.id)} is listed`);
  assert.match(leafDetails, /2026-01-01T12:00:00\.000Z \(ecdsa-sha256\)/);
  assert.match(leafDetails, /2026-01-01T13:00:00\.000Z \(rsa-sha256\)/);
  const caDetails = await items.nth(1).locator("dl").textContent();
  assert.doesNotMatch(caDetails, /Embedded SCTs/);
  // Not repeated as a finding.
  assert.doesNotMatch(await items.nth(0).textContent(), /EMBEDDED_SCTS/);
});
