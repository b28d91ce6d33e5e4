// The pin page: pins of pasted or chosen certificates, keys and CSRs in every format;
// a policy builder; a troubleshooter. Everything is computed by the certpin package in
// this page. The wasm arrives as a base64 module because the CSP forbids any fetch().
// This module starts the page; each section is its own module (input.js, analyse.js,
// chain-view.js, builder.js, troubleshooter.js) over the shared state.js.
//
// The namespace imports let the page feature-detect parts of the API that a build may
// not have yet (PinPolicy, diagnose): a named import of a missing export would stop the
// whole module from loading.
import * as certpin from "/pkg/browser.js";
import wasmBase64 from "/certpin-wasm.js";
import { setupBuilder } from "./builder.js";
import { setupInput } from "./input.js";
import { showButton, showError, statusLine } from "./state.js";
import { setupTroubleshooter } from "./troubleshooter.js";

setupInput();
try {
  await certpin.init(Uint8Array.from(atob(wasmBase64), (c) => c.charCodeAt(0)));
  setupBuilder();
  setupTroubleshooter();
  showButton.disabled = false;
  statusLine.textContent = "Ready. Nothing you paste leaves this page.";
  document.body.dataset.ready = "true";
} catch (error) {
  showError(error, "certpin failed to load:");
  statusLine.textContent = "certpin failed to load.";
}
