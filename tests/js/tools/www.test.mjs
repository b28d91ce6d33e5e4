// The page that `npm start` serves, in headless Chromium through the same server, under
// its strict CSP (no connections at all). Every pin the page shows is compared with
// node:crypto (openssl for CSRs); every format with the package's formatPin in Node.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import * as certpin from "certpin";
import { CONTENT_SECURITY_POLICY } from "../../../scripts/lib/app-server.mjs";
import { fixture, fixtureBytes, pemBlocks, pinOfSpki, spkiOfCert, spkiOfPem } from "../support/helpers.mjs";
import { PIN_FORMATS, eventually, expectedFormat, openPage, pasteAndShow, screenshotPath, shownFormat } from "../support/www-helpers.mjs";

let session;
let page;

before(async () => {
  session = await openPage();
  page = session.page;
});

after(async () => {
  await session?.close();
});

/** node:crypto's pins of every certificate in a PEM text. */
function certPins(pem, algorithm = "sha256") {
  return pemBlocks(pem).map(({ der }) => pinOfSpki(spkiOfCert(der), algorithm));
}

/** The digest of a "sha256/<b64>" pin, as node:crypto would encode it. */
function digestOf(pin) {
  return Buffer.from(pin.slice(pin.indexOf("/") + 1), "base64");
}

test("www: served with a CSP that allows no connections", async () => {
  const response = await fetch(`${session.origin}/`);
  assert.equal(response.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY);
  assert.match(CONTENT_SECURITY_POLICY, /connect-src 'none'/);
  assert.match(CONTENT_SECURITY_POLICY, /default-src 'none'/);
});

for (const name of ["rsa-chain.pem", "ec-chain.pem", "ec-chain-with-text.pem", "rsa-chain-crlf.pem"]) {
  test(`www: pasting ${name} shows node:crypto's pin for each certificate`, async () => {
    const pem = fixture(name);
    await pasteAndShow(page, pem);
    assert.deepEqual(await shownFormat(page, "okhttp"), certPins(pem));
    const headings = await page.locator("#items > li h3").allTextContents();
    assert.equal(headings.length, 3);
    assert.match(headings[0], /#0 Leaf/);
    assert.match(headings[2], /Root CA/);
    // Details of the leaf, from node:crypto's view of the same certificate.
    const [leaf] = pemBlocks(pem);
    const fingerprint = createHash("sha256").update(leaf.der).digest("hex");
    const details = await page.locator("#items > li").first().locator("dl").textContent();
    assert.ok(details.includes(fingerprint), "the SHA-256 fingerprint is shown");
    assert.match(details, /example\.com/);
    assert.match(details, /days left/);
  });
}

test("www: DER files chosen together show their pins, in order", async () => {
  await page.getByRole("button", { name: "Clear" }).click();
  await page.getByLabel("Choose files (PEM or DER, several at once)").setInputFiles([
    { name: "rsa2048-leaf.der", mimeType: "application/pkix-cert", buffer: Buffer.from(fixtureBytes("rsa2048-leaf.der")) },
    { name: "ec-p256-leaf.der", mimeType: "application/pkix-cert", buffer: Buffer.from(fixtureBytes("ec-p256-leaf.der")) },
  ]);
  const expected = ["rsa2048-leaf.der", "ec-p256-leaf.der"].map((f) => pinOfSpki(spkiOfCert(Buffer.from(fixtureBytes(f)))));
  await eventually(async () => assert.deepEqual(await shownFormat(page, "okhttp"), expected));
  assert.deepEqual(await page.locator("#file-list .file-name").allTextContents(), ["rsa2048-leaf.der", "ec-p256-leaf.der"]);
  // A bad file among good ones is named in the error.
  await page.getByLabel("Choose files (PEM or DER, several at once)").setInputFiles([
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a certificate") },
  ]);
  const alert = page.locator("#error");
  await alert.waitFor({ state: "visible" });
  assert.match(await alert.textContent(), /Cannot read notes\.txt:.*UNSUPPORTED_INPUT/);
  await page.getByRole("button", { name: "Remove notes.txt" }).click();
  await eventually(async () => assert.deepEqual(await shownFormat(page, "okhttp"), expected));
  // Removing a file updates the view.
  await page.getByRole("button", { name: "Remove rsa2048-leaf.der" }).click();
  await eventually(async () => assert.deepEqual(await shownFormat(page, "okhttp"), expected.slice(1)));
});

test("www: files dropped on the box are read in the page (PEM and DER together)", async () => {
  await page.getByRole("button", { name: "Clear" }).click();
  const files = [
    { name: "ec-chain.pem", bytes: [...fixtureBytes("ec-chain.pem")] },
    { name: "rsa2048-leaf.der", bytes: [...fixtureBytes("rsa2048-leaf.der")] },
  ];
  const dataTransfer = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const { name, bytes } of list) transfer.items.add(new File([new Uint8Array(bytes)], name));
    return transfer;
  }, files);
  await page.locator("#drop").dispatchEvent("dragenter", { dataTransfer });
  await page.locator("#drop").dispatchEvent("drop", { dataTransfer });
  const expected = [...certPins(fixture("ec-chain.pem")), pinOfSpki(spkiOfCert(Buffer.from(fixtureBytes("rsa2048-leaf.der"))))];
  await eventually(async () => assert.deepEqual(await shownFormat(page, "okhttp"), expected));
});

test("www: pasting with the keyboard shows the pins at once", async () => {
  await page.getByRole("button", { name: "Clear" }).click();
  await page.evaluate((text) => navigator.clipboard.writeText(text), fixture("ec-chain.pem"));
  await page.getByLabel("PEM input").focus();
  await page.keyboard.press("Control+V");
  await eventually(async () => assert.deepEqual(await shownFormat(page, "okhttp"), certPins(fixture("ec-chain.pem"))));
});

test("www: once loaded it works offline", async () => {
  await session.context.setOffline(true);
  try {
    await pasteAndShow(page, fixture("rsa-chain.pem"));
    assert.deepEqual(await shownFormat(page, "okhttp"), certPins(fixture("rsa-chain.pem")));
  } finally {
    await session.context.setOffline(false);
  }
});

for (const name of ["ec-p256.pub.pem", "rsa4096.pub.pem", "ed25519.pub.pem", "rsa2048.csr.pem", "ec-p384.csr.pem"]) {
  test(`www: pasting ${name} (a backup key) shows its pin`, async () => {
    const pem = fixture(name);
    await pasteAndShow(page, pem);
    assert.deepEqual(await shownFormat(page, "okhttp"), [pinOfSpki(await spkiOfPem(pem))]);
    assert.match(await page.locator("#items > li h3").first().textContent(), /Public key|Certificate request/);
  });
}

test("www: a chain and a public key pasted together show every pin in order", async () => {
  const pem = `${fixture("ec-chain.pem")}\n${fixture("rsa4096.pub.pem")}`;
  await pasteAndShow(page, pem);
  assert.deepEqual(await shownFormat(page, "okhttp"), [
    ...certPins(fixture("ec-chain.pem")),
    pinOfSpki(await spkiOfPem(fixture("rsa4096.pub.pem"))),
  ]);
});

test("www: the hash choice gives node:crypto's SHA-384 and SHA-512 pins", async () => {
  const pem = fixture("rsa-chain.pem");
  await pasteAndShow(page, pem);
  for (const algorithm of ["sha384", "sha512", "sha256"]) {
    await page.getByRole("radio", { name: algorithm.replace("sha", "SHA-") }).check();
    await eventually(async () => assert.deepEqual(await shownFormat(page, "okhttp"), certPins(pem, algorithm)));
  }
});

test("www: every format equals formatPin in Node, and hex/base64/TLSA equal node:crypto", async () => {
  // ec-chain's root pin starts with "/": the case the engine's parser misreads.
  const pem = `${fixture("ec-chain.pem")}${fixture("rsa2048.csr.pem")}`;
  await pasteAndShow(page, pem);
  const pins256 = [...certPins(fixture("ec-chain.pem")), pinOfSpki(await spkiOfPem(fixture("rsa2048.csr.pem")))];
  assert.ok(pins256.some((pin) => pin.startsWith("sha256//")), "the fixtures include a pin whose base64 starts with /");
  for (const algorithm of ["sha256", "sha384", "sha512"]) {
    await page.getByRole("radio", { name: algorithm.replace("sha", "SHA-") }).check();
    const pins = [
      ...certPins(fixture("ec-chain.pem"), algorithm),
      pinOfSpki(await spkiOfPem(fixture("rsa2048.csr.pem")), algorithm),
    ];
    await eventually(async () => assert.deepEqual(await shownFormat(page, "okhttp"), pins));
    for (const format of PIN_FORMATS) {
      const expected = pins.map((pin) => {
        try {
          return expectedFormat(certpin, pin, format);
        } catch (error) {
          assert.equal(error.code, "FORMAT_UNSUPPORTED", `${format} of ${pin}: ${error.message}`);
          return `— ${error.message}`;
        }
      });
      assert.deepEqual(await shownFormat(page, format), expected, `${algorithm} ${format}`);
    }
    // Independent of certpin: the digest itself.
    const digests = pins.map(digestOf);
    assert.deepEqual(await shownFormat(page, "hex"), digests.map((d) => d.toString("hex")));
    assert.deepEqual(await shownFormat(page, "base64"), digests.map((d) => d.toString("base64")));
    assert.deepEqual(await shownFormat(page, "base64url"), digests.map((d) => d.toString("base64url")));
    if (algorithm !== "sha384") {
      const matching = algorithm === "sha256" ? 1 : 2;
      assert.deepEqual(await shownFormat(page, "tlsa"), digests.map((d) => `3 1 ${matching} ${d.toString("hex")}`));
    }
  }
  await page.getByRole("radio", { name: "SHA-256" }).check();
});

test(
  "www: formatPin reads an okhttp pin whose base64 starts with /",
  () => {
    const [, , root] = certPins(fixture("ec-chain.pem"));
    assert.equal(certpin.formatPin(root, "okhttp"), root);
  },
);

test("www: copy buttons put the shown text on the clipboard", async () => {
  const pem = fixture("ec-chain.pem");
  await pasteAndShow(page, pem);
  const pins = certPins(pem);
  for (const [index, format] of [[0, "okhttp"], [1, "hpkp"], [2, "android"], [0, "tlsa"]]) {
    const row = page.locator(`#items > li`).nth(index).locator(`[data-format="${format}"]`);
    const button = row.getByRole("button");
    assert.match(await button.getAttribute("aria-label"), /^Copy /);
    await button.click();
    await eventually(async () => assert.equal(await button.textContent(), "Copied ✓"));
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, expectedFormat(certpin, pins[index], format));
    assert.match(await page.locator("#copy-status").textContent(), /^Copied /);
  }
});

test("www: bad input shows the error's code and message, and the page keeps working", async () => {
  const cases = [
    "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
    "this is not a certificate",
    fixture("ec-p256.key"),
  ];
  for (const text of cases) {
    let expected;
    try {
      certpin.computePins(text);
    } catch (error) {
      expected = error;
    }
    assert.ok(expected, "the package rejects this input");
    await pasteAndShow(page, text);
    const alert = page.locator("#error");
    await alert.waitFor({ state: "visible" });
    const shown = await alert.textContent();
    assert.ok(shown.includes(expected.code), `${shown} names ${expected.code}`);
    assert.ok(shown.includes(expected.message), `${shown} includes ${expected.message}`);
    assert.equal(await page.locator("#chain-section").isHidden(), true);
  }
  await pasteAndShow(page, fixture("ec-chain.pem"));
  assert.deepEqual(await shownFormat(page, "okhttp"), certPins(fixture("ec-chain.pem")));
  assert.equal(await page.locator("#error").isHidden(), true);
});

test("www: an expired certificate is marked in text, not only by color", async () => {
  await pasteAndShow(page, fixture("ec-p256-expired-leaf.pem"));
  const validity = await page.locator("#items > li").first().locator(".badge").textContent();
  assert.match(validity, /Expired \d+ days ago/);
});

test("www: keyboard alone goes from paste to a copied pin; focus is visible", async () => {
  // A fresh load, so that focus starts at the top of the document.
  await page.reload();
  await page.waitForSelector("body[data-ready]");
  const order = [];
  const focusInfo = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return {
        id: el.id || el.getAttribute("href") || el.textContent.trim(),
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
      };
    });
  const visible = [];
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Tab");
    const info = await focusInfo();
    order.push(info.id);
    visible.push(info.outline);
  }
  assert.deepEqual(order, ["#main", "#input-heading", "#policy-heading", "#ts-heading", "pem", "files", "show", "clear"]);
  assert.deepEqual(visible, order.map(() => true), "every focused control shows a focus ring");
  // Back to the text area, type a chain, submit with the keyboard.
  for (let i = 0; i < 3; i++) await page.keyboard.press("Shift+Tab");
  assert.equal((await focusInfo()).id, "pem");
  await page.keyboard.insertText(fixture("ec-chain.pem"));
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal((await focusInfo()).id, "show");
  await page.keyboard.press("Enter");
  assert.deepEqual(await shownFormat(page, "okhttp"), certPins(fixture("ec-chain.pem")));
  // Tab on to the hash radios, pick SHA-384 with an arrow key, then the first copy button.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  const radio = await page.evaluate(() => document.activeElement.value);
  assert.equal(radio, "sha256");
  await page.keyboard.press("ArrowRight");
  await eventually(async () => assert.deepEqual(await shownFormat(page, "okhttp"), certPins(fixture("ec-chain.pem"), "sha384")));
  await page.keyboard.press("Tab");
  const copy = await page.evaluate(() => document.activeElement.getAttribute("aria-label"));
  assert.equal(copy, "Copy OkHttp pin of certificate #0");
  await page.keyboard.press("Enter");
  await eventually(async () =>
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), certPins(fixture("ec-chain.pem"), "sha384")[0]),
  );
  await page.getByRole("radio", { name: "SHA-256" }).check();
});

test("www: landmarks, one h1, headings in order, labelled controls", async () => {
  const outline = await page.evaluate(() => ({
    main: document.querySelectorAll("main").length,
    nav: document.querySelectorAll("nav[aria-label]").length,
    header: document.querySelectorAll("body > header").length,
    footer: document.querySelectorAll("body > footer").length,
    h1: document.querySelectorAll("h1").length,
    levels: [...document.querySelectorAll("h1, h2, h3, h4")].filter((h) => h.offsetParent !== null).map((h) => Number(h.tagName[1])),
    unlabelled: [...document.querySelectorAll("input, textarea, select, button")]
      .filter((c) => c.offsetParent !== null)
      .filter((c) => !(c.labels?.length || c.getAttribute("aria-label") || (c.tagName === "BUTTON" && c.textContent.trim())))
      .map((c) => c.outerHTML.slice(0, 80)),
    live: document.querySelectorAll('[aria-live], [role="status"], [role="alert"]').length,
  }));
  assert.equal(outline.main, 1);
  assert.equal(outline.nav, 1);
  assert.equal(outline.header, 1);
  assert.equal(outline.footer, 1);
  assert.equal(outline.h1, 1);
  for (let i = 1; i < outline.levels.length; i++) {
    assert.ok(outline.levels[i] <= outline.levels[i - 1] + 1, `heading levels never skip: ${outline.levels}`);
  }
  assert.deepEqual(outline.unlabelled, []);
  assert.ok(outline.live >= 3);
});

test("www: at 360 px wide nothing scrolls sideways; screenshots", async () => {
  await pasteAndShow(page, `${fixture("rsa-chain.pem")}${fixture("rsa2048.csr.pem")}`);
  await page.locator("#items > li").first().waitFor();
  await page.screenshot({ path: screenshotPath("www-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 360, height: 800 });
  for (const algorithm of ["sha256", "sha512"]) {
    await page.getByRole("radio", { name: algorithm.replace("sha", "SHA-") }).check();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `scrollWidth ${width} at 360 px (${algorithm})`);
  }
  await pasteAndShow(page, "garbage");
  await page.locator("#error").waitFor({ state: "visible" });
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 360, "an error fits too");
  await pasteAndShow(page, fixture("rsa-chain.pem"));
  await page.locator("#items > li").first().waitFor();
  await page.getByRole("radio", { name: "SHA-256" }).check();
  await page.screenshot({ path: screenshotPath("www-mobile.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
});

test("www: no request left for another origin; no console errors", () => {
  const foreign = session.requests.filter((url) => !url.startsWith(`${session.origin}/`) && !url.startsWith("blob:") && !url.startsWith("data:"));
  assert.deepEqual(foreign, []);
  assert.ok(session.requests.length > 0);
  assert.deepEqual(session.consoleMessages, []);
});
