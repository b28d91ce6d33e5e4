// The page's policy builder and troubleshooter, in headless Chromium. They use
// PinPolicy and diagnose; each test skips while the built package lacks them and runs
// for real once they land. Expected values come from node:crypto (pins) and from the
// same package in Node (exports, lint, verdicts) given the document the page shows.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import * as certpin from "certpin";
import { fixture, pemBlocks, pinOfSpki, spkiOfCert, spkiOfPem } from "../support/helpers.mjs";
import { eventually, openPage, pasteAndShow, screenshotPath } from "../support/www-helpers.mjs";

const EXPORTS = ["okhttp", "android-nsc", "curl", "hpkp", "hpkp-report-only", "trustkit", "apple-ats", "tlsa"];

let session;
let page;

before(async () => {
  session = await openPage();
  page = session.page;
});

after(async () => {
  await session?.close();
});


function certPins(pem) {
  return pemBlocks(pem).map(({ der }) => pinOfSpki(spkiOfCert(der)));
}

/** The digest of a canonical pin, as the package decodes it in Node (hex). */
function digestHex(pin) {
  // Given in curl notation: the engine misreads okhttp pins whose base64 starts with "/".
  const slash = pin.indexOf("/");
  return certpin.parsePin(`${pin.slice(0, slash)}//${pin.slice(slash + 1)}`).hex;
}

/** Each test starts from a fresh page: builder state (backup pins, choices) lives in it. */
async function freshPage() {
  await page.reload();
  await page.waitForSelector("body[data-ready]");
}

async function fillBuilder({ host, expires = "", mode = "enforce", reportUri = "", includeSubdomains = false }) {
  await page.getByLabel("Host", { exact: true }).fill(host);
  await page.getByLabel("Expires (UTC date, optional)").fill(expires);
  await page.getByLabel("Mode").selectOption(mode);
  await page.getByLabel("Report URI (optional)").fill(reportUri);
  await page.getByLabel("Include subdomains").setChecked(includeSubdomains);
}

async function exportText(format) {
  return page.locator(`[data-export="${format}"] pre`).textContent();
}

async function pageJson() {
  return JSON.parse(await exportText("json"));
}

test("www policy: a chain plus a CSR backup becomes a policy; every export equals PinPolicy's in Node", async () => {
  await freshPage();
  const chain = fixture("ec-chain.pem");
  // (rsa2048.csr.pem's pin starts with "/", which the engine cannot read back yet: see the todo below.)
  const csr = fixture("ec-p384.csr.pem");
  const [leafPin] = certPins(chain);
  const csrPin = pinOfSpki(await spkiOfPem(csr));
  await pasteAndShow(page, chain);
  // The leaf is chosen by default; add the CSR's key as the backup pin.
  await page.getByLabel("Backup key: a PUBLIC KEY or CERTIFICATE REQUEST (PEM), or a pin").fill(csr);
  await page.getByRole("button", { name: "Add backup pin" }).click();
  await fillBuilder({ host: "ec.example.com", expires: "2027-06-01", reportUri: "https://reports.example.com/pkp" });
  await page.locator('[data-export="json"] pre').waitFor();
  const json = await pageJson();
  assert.equal(json.domains.length, 1);
  const [domain] = json.domains;
  assert.equal(domain.host, "ec.example.com");
  const pins = domain.pins.map((p) => digestHex(typeof p === "string" ? p : p.pin)).sort();
  assert.deepEqual(pins, [leafPin, csrPin].map(digestHex).sort(), "the policy pins the leaf and the CSR's key");

  const policy = new certpin.PinPolicy(json);
  const exported = new Set();
  try {
    for (const format of EXPORTS) {
      let expected;
      try {
        expected = policy.export(format);
      } catch (error) {
        // A format that cannot express this policy (HPKP has no pin positions, say):
        // the page shows the engine's reason instead of text.
        assert.ok((await page.locator(`[data-export="${format}"]`).textContent()).includes(error.message));
        continue;
      }
      assert.equal(await exportText(format), expected, format);
      exported.add(format);
    }
  } finally {
    policy.free();
  }
  // Independently of the export code: both pins appear in HPKP and Android syntax,
  // wherever the engine could write the policy in that format (Android always can here).
  assert.ok(exported.has("android-nsc"), "the Android export must succeed for this policy");
  const syntax = { hpkp: (b64) => `pin-sha256="${b64}"`, "android-nsc": (b64) => `>${b64}</pin>` };
  for (const format of Object.keys(syntax).filter((f) => exported.has(f))) {
    const text = await exportText(format);
    for (const pin of [leafPin, csrPin]) assert.ok(text.includes(syntax[format](pin.slice("sha256/".length))), `${format} export has ${pin}`);
  }
});

test(
  "www policy: a pin whose base64 starts with / survives the policy JSON round trip",
  async () => {
  await freshPage();
    const pin = pinOfSpki(await spkiOfPem(fixture("rsa2048.csr.pem")));
    assert.ok(pin.startsWith("sha256//"));
    const policy = new certpin.PinPolicy({ version: 1, domains: [{ host: "a.example.com", pins: [pin, certPins(fixture("ec-chain.pem"))[0]] }] });
    new certpin.PinPolicy(policy.toJSON()).free();
    policy.free();
  },
);

test("www policy: copy and download of an export give its exact text", async () => {
  await freshPage();
  await pasteAndShow(page, fixture("ec-chain.pem"));
  await fillBuilder({ host: "ec.example.com" });
  // Typing in a field and then clicking Copy at once must copy on the first click
  // (the field's "change" on blur must not rebuild the exports under the pointer).
  await page.getByLabel("Host", { exact: true }).fill("**.ec.example.com");
  for (const format of ["android-nsc", "json"]) {
    const block = page.locator(`[data-export="${format}"]`);
    const text = await block.locator("pre").textContent();
    await block.getByRole("button", { name: /^Copy / }).click();
    await eventually(async () => assert.equal(await page.evaluate(() => navigator.clipboard.readText()), text));
    const [download] = await Promise.all([page.waitForEvent("download"), block.getByRole("link", { name: /^Download / }).click()]);
    assert.equal(readFileSync(await download.path(), "utf8"), text, `${format} download`);
  }
});

test("www policy: a one-pin policy shows the package's lint findings (no backup)", async () => {
  await freshPage();
  const chain = fixture("rsa-chain.pem");
  await pasteAndShow(page, chain);
  await fillBuilder({ host: "rsa.example.com" });
  await page.locator('[data-export="json"] pre').waitFor();
  const json = await pageJson();
  assert.equal(json.domains[0].pins.length, 1, "only the leaf is chosen by default");
  const policy = new certpin.PinPolicy(json);
  let findings;
  try {
    findings = policy.lint({ now: Date.now(), chain });
  } finally {
    policy.free();
  }
  assert.ok(findings.length > 0, "a one-pin policy has findings");
  assert.ok(findings.some((f) => f.severity !== "info"), "at least one warning or error");
  await eventually(async () => {
    const shown = await page.locator("#lint li").evaluateAll((items) => items.map((li) => ({ code: li.dataset.code, text: li.textContent })));
    assert.deepEqual(shown.map((s) => s.code), findings.map((f) => f.code));
    findings.forEach((f, i) => assert.ok(shown[i].text.includes(f.message), `finding ${f.code} shows its message`));
  });
});

test("www policy: an invalid host pattern shows the CertpinError next to the field", async () => {
  await freshPage();
  await pasteAndShow(page, fixture("ec-chain.pem"));
  await fillBuilder({ host: "api.example.com" });
  await page.locator('[data-export="json"] pre').waitFor();
  const json = await pageJson();
  json.domains[0].host = "a.*.example.com";
  let expected;
  try {
    new certpin.PinPolicy(json).free();
  } catch (error) {
    expected = error;
  }
  assert.ok(expected, "the package rejects a.*.example.com");
  await page.getByLabel("Host", { exact: true }).fill("a.*.example.com");
  const hostError = page.locator("#host-error");
  await hostError.waitFor({ state: "visible" });
  const text = await hostError.textContent();
  assert.ok(text.includes(expected.message) && text.includes(expected.code), text);
  assert.equal(await page.getByLabel("Host", { exact: true }).getAttribute("aria-invalid"), "true");
  await page.getByLabel("Host", { exact: true }).fill("*.example.com");
  await hostError.waitFor({ state: "hidden" });
  await page.locator('[data-export="json"] pre').waitFor();
});

/** Runs the troubleshooter; returns the shown verdict status, served pins and findings. */
async function troubleshoot(chain, hostname, policyJson) {
  await page.getByLabel("Served chain (PEM, leaf first)").fill(chain);
  await page.getByLabel("Hostname").fill(hostname);
  await page.getByLabel("Policy JSON (optional)").fill(policyJson ?? "");
  await page.getByRole("button", { name: "Check", exact: true }).click();
  await page.locator("#ts-result h3").waitFor();
  return {
    status: (await page.locator("#verdict").count()) ? await page.locator("#verdict").getAttribute("data-status") : null,
    servedPins: await page.locator("#verdict .served-pins code").allTextContents(),
    message: (await page.locator("#verdict").count()) ? await page.locator("#verdict .verdict-message").textContent() : null,
    findingCodes: await page.locator("#ts-result .findings li").evaluateAll((items) => items.map((li) => li.dataset.code)),
  };
}

function nodeVerdict(chain, hostname, policyJson) {
  const policy = new certpin.PinPolicy(policyJson);
  try {
    return policy.check(chain, { hostname, now: Date.now() });
  } finally {
    policy.free();
  }
}

test("www troubleshooter: a pin mismatch shows the verdict and the served pins", async () => {
  await freshPage();
  const chain = fixture("ec-chain.pem");
  const [rsaLeafPin] = certPins(fixture("rsa-chain.pem"));
  const policyJson = JSON.stringify({ version: 1, domains: [{ host: "ec.example.com", pins: [rsaLeafPin] }] });
  const expected = nodeVerdict(chain, "ec.example.com", policyJson);
  assert.equal(expected.ok, false);
  const shown = await troubleshoot(chain, "ec.example.com", policyJson);
  assert.equal(shown.status, expected.status);
  assert.deepEqual(shown.servedPins, certPins(chain), "served pins equal node:crypto's");
  assert.equal(shown.message, expected.message);
  assert.match(await page.locator("#verdict").textContent(), /Blocked/);
  assert.match(await page.locator("#verdict").textContent(), /What to do next/);
});

test("www troubleshooter: a hostname mismatch is named as such", async () => {
  await freshPage();
  const chain = fixture("ec-chain.pem");
  const [leafPin] = certPins(chain);
  const policyJson = JSON.stringify({ version: 1, domains: [{ host: "**.example.org", pins: [leafPin] }] });
  const expected = nodeVerdict(chain, "www.example.org", policyJson);
  const shown = await troubleshoot(chain, "www.example.org", policyJson);
  assert.equal(shown.status, expected.status);
  assert.equal(shown.status, "hostname-mismatch");
  const findings = certpin.diagnose(chain, { hostname: "www.example.org", now: Date.now(), policy: JSON.parse(policyJson) });
  assert.deepEqual(shown.findingCodes, findings.map((f) => f.code));
});

test("www troubleshooter: a bad policy shows its error; the builder's policy can be used", async () => {
  await freshPage();
  await troubleshoot(fixture("ec-chain.pem"), "ec.example.com", '{"version":1,"domains":[{"host":"ec.example.com","pins":[],"typo":1}]}');
  const error = page.locator("#ts-result .error");
  await error.waitFor();
  assert.match(await error.textContent(), /POLICY_INVALID/);
  await pasteAndShow(page, fixture("ec-chain.pem"));
  await fillBuilder({ host: "ec.example.com" });
  await page.locator('[data-export="json"] pre').waitFor();
  await page.getByRole("button", { name: "Use the builder's policy" }).click();
  assert.deepEqual(JSON.parse(await page.getByLabel("Policy JSON (optional)").inputValue()), await pageJson());
});

test("www chain view: diagnose findings appear beside their certificate", async () => {
  await freshPage();
  const chain = `${fixture("ec-p256-expired-leaf.pem")}${fixture("ec-intermediate.pem")}${fixture("ec-root.pem")}`;
  const findings = certpin.diagnose(chain, { now: Date.now() });
  await pasteAndShow(page, chain);
  for (const [index] of pemBlocks(chain).entries()) {
    const expected = findings.filter((f) => f.certIndex === index).map((f) => f.code);
    const shown = await page.locator("#items > li").nth(index).locator(".findings li").evaluateAll((items) => items.map((li) => li.dataset.code));
    assert.deepEqual(shown, expected, `certificate #${index}`);
  }
});

test("www policy: at 360 px the builder and troubleshooter do not scroll sideways", async () => {
  await freshPage();
  await page.setViewportSize({ width: 360, height: 800 });
  await pasteAndShow(page, `${fixture("rsa-chain.pem")}`);
  await fillBuilder({ host: "**.rsa.example.com", reportUri: "https://reports.example.com/pkp" });
  await page.locator('[data-export="json"] pre').waitFor();
  await troubleshoot(fixture("ec-chain.pem"), "ec.example.com", await page.locator('[data-export="json"] pre').textContent());
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `scrollWidth ${width}`);
  await page.screenshot({ path: screenshotPath("www-policy-mobile.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: screenshotPath("www-policy-desktop.png"), fullPage: true });
});

test("www policy: no request left for another origin; no console errors", () => {
  const foreign = session.requests.filter((url) => !url.startsWith(`${session.origin}/`) && !url.startsWith("blob:") && !url.startsWith("data:"));
  assert.deepEqual(foreign, []);
  assert.deepEqual(session.consoleMessages, []);
});
