// What every section of the page shares: its elements, its state, the error line.
import { errorContent } from "./dom.js";

export const $ = (id) => document.getElementById(id);
export const statusLine = $("status");
export const errorBox = $("error");
export const pemInput = $("pem");
export const fileInput = $("files");
export const fileList = $("file-list");
export const dropZone = $("drop");
export const showButton = $("show");
export const chainSection = $("chain-section");
export const itemsList = $("items");

/** What the page holds between events; every section reads and replaces its fields. */
export const state = {
  /** Files chosen or dropped: { name, bytes }. Read in the page with arrayBuffer(). */
  files: [],
  /**
   * The analysed input: units (one parse call each: a source, or one PEM block of a
   * source that mixes certificates and keys), and the items shown, in input order.
   * item: { kind: "cert" | "key", unit, indexInUnit, info?, label?, chainIndex?, pin256 }
   */
  analysed: { units: [], items: [] },
  /** Backup pins added in the builder: { pin, source }. */
  backups: [],
};

export function showError(error, lead) {
  errorBox.replaceChildren(...errorContent(error, lead));
  errorBox.hidden = false;
}

export function clearError() {
  errorBox.hidden = true;
  errorBox.replaceChildren();
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
