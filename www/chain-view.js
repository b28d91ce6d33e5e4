// The chain view: each certificate and key of the input with its details, findings and
// pin in every format.
import * as certpin from "/pkg/browser.js";
import { chainInput, keyTitle } from "./analyse.js";
import { copyButton, daysUntil, describeError, el, errorContent } from "./dom.js";
import { $, chainSection, itemsList, plural, state } from "./state.js";

/** How the page names each of certpin's PIN_FORMATS (a new one shows its own name). */
const FORMAT_NAMES = {
  okhttp: "OkHttp",
  hpkp: "HPKP",
  android: "Android",
  trustkit: "TrustKit",
  tlsa: "TLSA",
};
const EXPIRING_SOON_DAYS = 30;

export function selectedHash() {
  return document.querySelector('input[name="hash"]:checked').value;
}

export function roleOf(item) {
  const { info } = item;
  if (info.isCa) return info.selfSigned ? "Root CA" : "Intermediate CA";
  const base = item.chainIndex === 0 ? "Leaf" : "End-entity certificate";
  return info.selfSigned ? `${base} (self-signed)` : base;
}

function keyDescription(info) {
  if (info.keyAlgorithm === "EC") return `EC ${info.curve ?? ""}${info.keySize ? ` (${info.keySize} bits)` : ""}`.trim();
  return info.keySize ? `${info.keyAlgorithm} ${info.keySize} bits` : info.keyAlgorithm;
}

function validityContent(info, now) {
  const notAfterDays = daysUntil(info.notAfter, now);
  const notBeforeDays = daysUntil(info.notBefore, now);
  const range = `${info.notBefore} – ${info.notAfter}`;
  let badge;
  if (notAfterDays < 0 || Date.parse(info.notAfter) < now) {
    badge = el("span", { class: "badge bad" }, el("span", { "aria-hidden": "true", text: "✕ " }), `Expired ${plural(-notAfterDays, "day")} ago`);
  } else if (notBeforeDays >= 0 && Date.parse(info.notBefore) > now) {
    badge = el("span", { class: "badge warn" }, el("span", { "aria-hidden": "true", text: "⚠ " }), "Not valid yet");
  } else if (notAfterDays < EXPIRING_SOON_DAYS) {
    badge = el("span", { class: "badge warn" }, el("span", { "aria-hidden": "true", text: "⚠ " }), `Expiring soon: ${plural(notAfterDays, "day")} left`);
  } else {
    badge = el("span", { class: "badge ok" }, el("span", { "aria-hidden": "true", text: "✓ " }), `Valid, ${plural(notAfterDays, "day")} left`);
  }
  return [el("span", { text: range }), " ", badge];
}

/**
 * The pin, once checked: parsePin must decode it back to the digest computePins gave,
 * so that a pin's formats are shown only if they are this key's pin.
 */
export function unambiguousPin(pin) {
  const parsed = certpin.parsePin(pin);
  if (`${parsed.algorithm}/${parsed.base64}` !== pin) {
    throw new Error(`internal check failed: ${pin} decodes to ${parsed.algorithm}/${parsed.base64}; not showing its formats`);
  }
  return pin;
}

function formatRows(pin, what) {
  return el(
    "ul",
    { class: "formats" },
    certpin.PIN_FORMATS.map((format) => {
      const name = FORMAT_NAMES[format] ?? format;
      let text = null;
      let failure = null;
      try {
        text = certpin.formatPin(unambiguousPin(pin), format);
      } catch (error) {
        failure = error;
      }
      return el(
        "li",
        { "data-format": format },
        el("span", { class: "format-name", text: name }),
        text !== null
          ? el("code", { class: "pin-text", text })
          : el("span", { class: "unsupported" }, el("span", { "aria-hidden": "true", text: "— " }), describeError(failure).message),
        text !== null ? copyButton(() => text, `${name} pin of ${what}`) : el("span", { class: "copy-placeholder" }),
      );
    }),
  );
}

export function findingsList(findings, { withCert = false } = {}) {
  return el(
    "ul",
    { class: "findings" },
    findings.map((finding) =>
      el(
        "li",
        { class: `finding sev-${finding.severity}`, "data-code": finding.code, "data-severity": finding.severity },
        el("span", { class: "sev" }, el("span", { "aria-hidden": "true", text: SEVERITY_ICON[finding.severity] ?? "•" }), ` ${capitalise(finding.severity)}`),
        el(
          "span",
          { class: "finding-text" },
          withCert && finding.certIndex !== undefined && finding.certIndex !== null ? el("strong", { text: `Certificate #${finding.certIndex}: ` }) : null,
          finding.message,
          " ",
          el("code", { class: "code-tag", text: finding.code }),
          ADVICE[finding.code] ? el("span", { class: "advice" }, el("strong", { text: "Next: " }), ADVICE[finding.code]) : null,
        ),
      ),
    ),
  );
}

const SEVERITY_ICON = { error: "✕", warning: "⚠", info: "ℹ" };
/**
 * A plain next step per finding code (codes of the engine's lint and check; an unknown
 * code shows its message alone, which already says what went wrong).
 */
const ADVICE = {
  NO_BACKUP_PIN: "Make a spare key pair, keep it offline, and add its pin under Backup key (paste its CSR or public key).",
  FEW_ACTIVE_PINS: "Add a second pin: a backup key, or your CA's key.",
  LEAF_ONLY_PINS: "Also pin your intermediate CA, or add the backup key you will use for the next certificate.",
  NO_PIN_MATCHES_CHAIN: "Choose at least one pin from the chain you serve today, or every client will be blocked.",
  ENTRY_EXPIRING_SOON: "Ship an updated policy with a later expiry date before this one passes.",
  ENTRY_EXPIRED: "Publish the policy again with current pins and a new expiry date.",
  REPORT_WITHOUT_URI: "Set a report URI, or switch to enforce.",
  PUBLIC_SUFFIX_PATTERN: "Pin a name you control, not a public suffix.",
  DUPLICATE_PIN: "Keep one copy of the pin.",
  HOSTNAME_MISMATCH: "Check the leaf's names (SAN) and that the server picks the right certificate for this name (SNI).",
  PIN_MISMATCH: "Compare the served pins with the policy's: if the key changed on purpose, update the policy; if not, the connection may be intercepted.",
  CERT_EXPIRED: "Renew the certificate, and check the clock of the machine that connects.",
  INVALID_CHAIN: "Serve the leaf first, then each issuer in order; leave out certificates that do not belong.",
  PIN_REVOKED: "Replace the revoked key on the server.",
  NOT_PINNED: "If this host should be pinned, check the policy's host patterns.",
  POLICY_EXPIRED: "Publish the policy again with current pins and a new expiry date.",
  NO_CHAIN: "Paste the chain the server sends, leaf first.",
};

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function renderItems() {
  $("chain-findings")?.remove();
  const algorithm = selectedHash();
  const now = Date.now();
  // Pins for the chosen hash, per unit (one computePins call per unit, in order).
  const pinsByUnit = new Map(state.analysed.units.map((unit) => [unit, certpin.computePins(unit.input, { algorithm })]));
  // Two API calls must agree on every SHA-256 pin before any is shown.
  for (const item of state.analysed.items) {
    const pin256 = algorithm === "sha256" ? pinsByUnit.get(item.unit)[item.indexInUnit] : item.pin256;
    if (item.kind === "cert" && (pin256 !== item.info.spkiSha256 || item.pin256 !== item.info.spkiSha256)) {
      throw new Error(`internal check failed: computePins and parseChain disagree on certificate #${item.chainIndex}; not showing pins`);
    }
  }

  let diagnosis = null;
  const note = $("diagnose-note");
  const chain = chainInput();
  note.hidden = true;
  if (chain !== null) {
    try {
      diagnosis = certpin.diagnose(chain, { now });
    } catch (error) {
      note.replaceChildren(...errorContent(error, "Chain check failed:"));
      note.hidden = false;
    }
  }

  itemsList.replaceChildren(
    ...state.analysed.items.map((item, position) => {
      const pin = pinsByUnit.get(item.unit)[item.indexInUnit];
      const headingId = `item-${position}-heading`;
      if (item.kind === "key") {
        const what = `${item.label.toLowerCase()} from ${item.unit.source.name}`;
        return el(
          "li",
          { class: "item key", "aria-labelledby": headingId },
          el("h3", { id: headingId }, el("span", { class: "role", text: keyTitle(item.label) }), ` from ${item.unit.source.name}`),
          el("p", { class: "hint", text: "A key without a certificate: use its pin as a backup pin." }),
          formatRows(pin, what),
        );
      }
      const { info } = item;
      const what = `certificate #${item.chainIndex}`;
      // The embedded SCTs are shown in the details below, not again as a finding.
      const findings = diagnosis ? diagnosis.filter((f) => f.certIndex === item.chainIndex && f.code !== "EMBEDDED_SCTS") : [];
      return el(
        "li",
        { class: "item cert", "aria-labelledby": headingId },
        el("h3", { id: headingId }, el("span", { class: "role", text: `#${item.chainIndex} ${roleOf(item)}` }), " ", el("span", { class: "subject", text: info.subject })),
        findings.length ? findingsList(findings) : null,
        el(
          "dl",
          { class: "details" },
          detail("Subject", info.subject),
          detail("Issuer", info.issuer),
          detail("Validity", validityContent(info, now)),
          detail("Names (SAN)", [...info.dnsNames, ...info.ipAddresses].join(", ") || "none"),
          detail("Key", keyDescription(info)),
          detail("Signature", info.signatureAlgorithm),
          detail("Serial", el("code", { text: info.serialNumber })),
          detail("SHA-256 fingerprint", el("code", { class: "wrap-anywhere", text: info.fingerprintSha256 })),
          info.scts && info.scts.length ? detail(`Embedded SCTs (${info.scts.length})`, sctList(info.scts)) : null,
        ),
        el("h4", { text: `Pin (${algorithm.toUpperCase().replace("SHA", "SHA-")})` }),
        formatRows(pin, what),
      );
    }),
  );
  const chainFindings = diagnosis ? diagnosis.filter((f) => f.certIndex === undefined || f.certIndex === null) : [];
  if (chainFindings.length) {
    itemsList.before(el("div", { class: "chain-findings", id: "chain-findings" }, el("h3", { text: "Chain" }), findingsList(chainFindings)));
  }
  chainSection.hidden = false;
}

/** Certificate Transparency: each embedded SCT's log id, time and algorithm. */
function sctList(scts) {
  return el(
    "ul",
    { class: "scts" },
    ...scts.map((sct) =>
      el("li", {}, "log ", el("code", { class: "wrap-anywhere", text: sct.logId }), ` at ${sct.timestamp} (${sct.signatureAlgorithm})`),
    ),
  );
}

export function detail(term, value) {
  return [el("dt", { text: term }), el("dd", {}, value)];
}
