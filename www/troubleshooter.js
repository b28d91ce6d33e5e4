// The troubleshooter: a served chain checked against a policy, with what to do next.
import * as certpin from "/pkg/browser.js";
import { builder } from "./builder.js";
import { detail, findingsList } from "./chain-view.js";
import { copyButton, el, errorContent } from "./dom.js";
import { $ } from "./state.js";

const STATUS_TEXT = {
  matched: ["The served chain matches a pin.", "Nothing to do. Keep a backup pin in the policy for your next key."],
  mismatch: ["No pin of the policy is on the verified chain the server sent.", "Compare the served pins below with the policy's pins. If the server's key changed on purpose, add its pin (or roll out your backup key); if not, the connection may be intercepted."],
  "not-pinned": ["No policy entry matches this hostname, so nothing is pinned.", "If this host should be pinned, check the policy's host patterns (*. is one label, **. any number)."],
  "policy-expired": ["The policy entry has expired, so pins are ignored (fail open).", "Refresh the policy with current pins and a new expiry date."],
  revoked: ["The chain contains a revoked pin.", "Replace the revoked key on the server, or remove the pin from the revoked state if that was a mistake."],
  "invalid-chain": ["The served certificates do not form a verifiable path from the leaf.", "Serve the leaf first, then its issuer, in order; remove unrelated certificates."],
  "hostname-mismatch": ["The leaf certificate is not valid for this hostname.", "Check the names (SAN) of the leaf below, and that the server picks the right certificate for this name (SNI)."],
  "cert-expired": ["A certificate on the chain is expired or not valid yet.", "Renew the certificate; check the clock of the machine making the connection."],
  "no-chain": ["No certificate was given.", "Paste the chain the server sends, leaf first."],
};

export function setupTroubleshooter() {
  const form = $("ts-form");
  const result = $("ts-result");
  form.hidden = false;
  $("ts-use-builder").addEventListener("click", () => {
    if (builder.policy) {
      $("ts-policy").value = JSON.stringify(builder.policy.toJSON(), null, 2);
      $("status").textContent = "Copied the builder's policy into the troubleshooter.";
    } else {
      $("status").textContent = "The builder has no valid policy yet.";
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    result.replaceChildren(...troubleshoot($("ts-chain").value, $("ts-host").value.trim(), $("ts-policy").value.trim()));
  });
}

function troubleshoot(chainText, hostname, policyText) {
  const now = Date.now();
  const out = [el("h3", { id: "ts-result-heading", text: "Result" })];
  if (chainText.trim() === "") {
    out.push(el("div", { class: "error" }, ...errorContent(new Error("Paste the served chain first."))));
    return out;
  }
  let policy = null;
  if (policyText !== "") {
    try {
      policy = new certpin.PinPolicy(policyText);
    } catch (error) {
      out.push(el("div", { class: "error", role: "alert" }, ...errorContent(error, "The policy is not valid:")));
      return out;
    }
  }
  try {
    if (policy) {
      if (hostname === "") {
        out.push(el("div", { class: "error" }, ...errorContent(new Error("Enter the hostname you connected to: a policy applies per host."))));
        return out;
      }
      const verdict = policy.check(chainText, { hostname, now });
      out.push(verdictView(verdict));
    }
    const options = { now };
    if (hostname !== "") options.hostname = hostname;
    if (policy) options.policy = policy;
    const findings = certpin.diagnose(chainText, options);
    out.push(el("h4", { text: "Findings" }));
    out.push(findings.length ? findingsList(findings, { withCert: true }) : el("p", { class: "finding sev-ok" }, el("span", { "aria-hidden": "true", text: "✓ " }), "No problems found in this chain."));
    if (!policy) out.push(el("p", { class: "hint", text: "No policy given: only the chain was checked. Paste a policy (or use the builder's) to check its pins." }));
  } catch (error) {
    out.push(el("div", { class: "error", role: "alert" }, ...errorContent(error, "Cannot check this chain:")));
  } finally {
    policy?.free();
  }
  return out;
}

function verdictView(verdict) {
  const [what, next] = STATUS_TEXT[verdict.status] ?? [verdict.status, ""];
  return el(
    "div",
    { class: `verdict ${verdict.ok ? "pass" : "fail"}`, id: "verdict", "data-status": verdict.status },
    el(
      "p",
      { class: "verdict-head" },
      el("span", { class: "icon", "aria-hidden": "true", text: verdict.ok ? "✓" : "✕" }),
      el("strong", { text: verdict.ok ? "Allowed" : "Blocked" }),
      " — status ",
      el("code", { class: "verdict-status", text: verdict.status }),
      verdict.enforced ? "" : " (not enforced)",
    ),
    el("p", { text: what }),
    next ? el("p", {}, el("strong", { text: "What to do next: " }), next) : null,
    el(
      "dl",
      { class: "details" },
      detail("ok", String(verdict.ok)),
      detail("Policy entry", verdict.domain ?? "none"),
      detail("Matched", verdict.matched ? [el("code", { class: "pin-text", text: verdict.matched.pin }), ` on certificate #${verdict.matched.certIndex}`] : "no pin"),
      detail("Served pins", el("ol", { class: "served-pins", start: "0" }, verdict.servedPins.map((pin) => el("li", {}, el("code", { class: "pin-text", text: pin }))))),
    ),
    el("h4", { text: "Message" }),
    el("pre", { class: "export-text verdict-message", tabindex: "0" }, el("code", { text: verdict.message })),
    copyButton(() => verdict.message, "verdict message"),
  );
}
