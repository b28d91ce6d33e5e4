// Every export of `certpin` and `certpin/node` with every option, type-checked by
// tests/js/package/types.test.mjs with tsc (strict, skipLibCheck: false) under `module: nodenext`
// (as ESM and as CommonJS) and `moduleResolution: bundler`, in a fresh project that
// installed the packed tarball. Never run: it only has to type-check. Each
// `@ts-expect-error` line is a wrong use that must stay a type error.
import init, {
  CertpinError, ERROR_CODES, EXPORT_FORMATS, PIN_FORMATS, PinPolicy, checkPins, computePins, diagnose, errorCodes,
  exportFormats, formatPin, pinFormats,
  init as namedInit, parseChain, parsePin, setNativeVerifier, verifyLinks, wasmMemoryBytes,
  bundleSigningInput, checkCrl, checkOcsp, ctDrift, revocationInfo, updateRoot, verifyBundle, verifyScts,
  type CtVerdict, type DriftReport, type PolicyBundle, type RevocationInfo, type RevocationResult, type TrustRoot,
  type VerifiedBundle,
  type CertificateInfo, type CertpinErrorCode, type ChainInput, type CheckOptions, type ComputePinsOptions,
  type Finding, type InitSource, type Instant, type LinkCheck, type NativeVerifier, type ParsedPin,
  type PinAlgorithm, type PinFormat, type PinPosition, type PinState, type PolicyDocument, type PolicyDomain,
  type PolicyExportFormat, type PolicyPin, type Verdict, type VerdictStatus, type VerifierAlgorithm,
  type ViolationReport,
} from "certpin";
import {
  CertpinError as NodeCertpinError, STATUS_CODES, peerChain, pinTlsSocket, pinnedAgent, pinnedCheckServerIdentity,
  pinnedDispatcher, pinnedFetch, pinnedPoolFactory, policyUpdater, reportSender,
  type PolicyUpdater, type ReportSender, type ReportSenderStats,
  type PinnedDispatcherOptions, type PinnedTLSSocket, type PinningError, type PinningOptions, type PinningReport,
  type PolicyInput,
} from "certpin/node";
import https from "node:https";
import tls from "node:tls";

export async function main(pem: string): Promise<void> {
  const source: InitSource = new URL("https://example.com/certpin_bg.wasm");
  await init();
  await namedInit(source);

  const input: ChainInput = [new Uint8Array([48]), pem];
  const infos: CertificateInfo[] = parseChain(input);
  const algorithm: PinAlgorithm = "sha512";
  const pinOptions: ComputePinsOptions = { algorithm };
  const pins: string[] = computePins(pem, pinOptions);
  const parsed: ParsedPin = parsePin(pins[0] ?? "");
  const format: PinFormat = "base64url";
  const formatted: string = formatPin(parsed.base64, format);

  const now: Instant = new Date();
  const options: CheckOptions = { hostname: "api.example.com", port: 443, now, verifySignatures: true, clockSkewSeconds: 300 };
  const verdict: Verdict = checkPins(input, pins, options);
  const status: VerdictStatus = verdict.status;
  const report: ViolationReport | null = verdict.report;
  const reportKey: string | null = verdict.reportKey;
  const matched: number | undefined = verdict.matched?.depth;

  const pin: PolicyPin = { pin: "sha256/x", state: "candidate" satisfies PinState, position: "ca" satisfies PinPosition };
  const domain: PolicyDomain = {
    host: "api.example.com", includeSubdomains: true, pins: ["sha256/y", pin], expires: "2027-06-01",
    mode: "report", reportUri: "https://reports.example.com/pkp",
  };
  const document: PolicyDocument = { version: 1, domains: [domain] };
  const policy = new PinPolicy(document);
  const fromText = new PinPolicy(JSON.stringify(document));
  const fromHpkp: PinPolicy = PinPolicy.fromHpkpHeader('pin-sha256="x"; max-age=60', "api.example.com");
  const fromNsc: PinPolicy = PinPolicy.fromAndroidNsc("<network-security-config/>");
  const checked: Verdict = policy.check(input, { hostname: "api.example.com", port: 8443, now: 0, verifySignatures: false, clockSkewSeconds: 60 });
  const lint: Finding[] = policy.lint({ now: Date.now(), chain: input });
  const plan = policy.plan({ chains: { "api.example.com": input }, now, updateLagDays: 14 });
  const lockout: string | null = plan.hosts[0].lockoutAt;
  const firstStep: string | null = plan.hosts[0].steps[0].by;
  const exportFormat: PolicyExportFormat = "apple-ats";
  const exported: string = policy.export(exportFormat);
  const again: PolicyDocument = fromText.toJSON();
  fromText.free();

  const findings: Finding[] = diagnose(input, { hostname: "api.example.com", now, policy });
  const byPins: Finding[] = diagnose(input, { hostname: "api.example.com", pins });
  const byDocument: Finding[] = diagnose(input, { hostname: "api.example.com", policy: document });
  const links: LinkCheck[] = verifyLinks(input);
  const verifier: NativeVerifier = (alg: VerifierAlgorithm, spki, message, signature, saltLength) =>
    alg === "ed25519" && spki.length + message.length + signature.length > (saltLength ?? 0) ? null : false;
  setNativeVerifier(verifier);
  setNativeVerifier(null);
  const memory: number = wasmMemoryBytes();
  const codes: readonly CertpinErrorCode[] = ERROR_CODES;
  const fromWasm: CertpinErrorCode[] = errorCodes();
  const pinFormatList: readonly PinFormat[] = PIN_FORMATS;
  const exportFormatList: readonly PolicyExportFormat[] = EXPORT_FORMATS;
  const formatsFromWasm: [PinFormat[], PolicyExportFormat[]] = [pinFormats(), exportFormats()];
  // @ts-expect-error PIN_FORMATS is frozen
  PIN_FORMATS.push("hex");

  try {
    computePins("");
  } catch (error) {
    if (error instanceof CertpinError) {
      const code: CertpinErrorCode = error.code;
      const where: Array<number | string | undefined> = [error.certIndex, error.blockIndex, error.offset, error.path];
      console.log(code, where, error.message);
    }
  }
  const made = new CertpinError("made by hand", "INVALID_ARGUMENT");
  const wrapped = new CertpinError("made by hand, with its cause", "INVALID_ARGUMENT", { cause: made });

  // certpin/node
  const pinning: PinningOptions = {
    onReport: (sent: PinningReport | null, seen: Verdict) => console.log(sent?.hostname, seen.reportKey),
    now: () => Date.now(),
    verifySignatures: true,
    clockSkewSeconds: 30,
    ct: { logList: "{}", policy: "apple" },
    allowSha1: false,
    minRsaBits: 2048,
    allowUnknownCriticalExtensions: false,
    allowCommonNameFallback: false,
  };
  const policyInputs: PolicyInput[] = [policy, document, JSON.stringify(document)];
  const agent: https.Agent = pinnedAgent(document, { keepAlive: true, pinning });
  https.get("https://api.example.com/", { agent }, (res) => res.resume()).on("error", (error) => {
    if (error instanceof NodeCertpinError) console.log((error as PinningError).verdict.status);
  });
  const socket: tls.TLSSocket & PinnedTLSSocket = pinTlsSocket(tls.connect({ host: "api.example.com", port: 443 }), policy, pinning);
  socket.on("secureConnect", () => console.log(socket.certpinVerdict?.status));
  const identity = pinnedCheckServerIdentity(JSON.stringify(document), pinning);
  tls.connect({ host: "api.example.com", port: 443, checkServerIdentity: identity });
  const der: Uint8Array[] = peerChain(socket.getPeerCertificate(true));
  const dispatcherOptions: PinnedDispatcherOptions = { connect: { ca: "pem" }, pinning, connections: 4 };
  const dispatcher = pinnedDispatcher(policy, dispatcherOptions);
  const fetch = pinnedFetch(policy, { pinning });
  const response: Response = await fetch("https://api.example.com/", { method: "GET" });
  await fetch.dispatcher.close();
  await dispatcher.close();
  const refused: PinningError["code"] = STATUS_CODES.mismatch;
  const factory = pinnedPoolFactory(policy, { connect: { ca: "pem" }, pinning });

  // Revocation, Certificate Transparency, signed policy bundles.
  const staple = new Uint8Array([48, 3, 10, 1, 0]);
  const ocsp: RevocationResult = checkOcsp(input, staple, { now, clockSkewSeconds: 60 });
  const crl: RevocationResult = checkCrl(input, staple.buffer, { now: Date.now() });
  const offered: RevocationInfo[] = revocationInfo(input);
  const stapled: Verdict = policy.check(input, { hostname: "api.example.com", ocspResponse: staple, ct: { logList: {}, policy: "chrome" } });
  const sct: CtVerdict = verifyScts(input, { logList: "{}", now, policy: "apple" });
  const drift: DriftReport = ctDrift(policy, [pem, new Uint8Array([48])], { now });
  const root: TrustRoot = JSON.parse("{}");
  const bundle: PolicyBundle = JSON.parse("{}");
  const verified: VerifiedBundle = verifyBundle(bundle, { root, now, minVersion: 2 });
  const nextRoot: TrustRoot = updateRoot(root, [JSON.stringify(root)], { now });
  const signingBytes: Uint8Array = bundleSigningInput(bundle.signed);
  const fromBundle: PinPolicy = PinPolicy.fromBundle(JSON.stringify(bundle), { root: JSON.stringify(root) });
  const bundleVersion: number | undefined = fromBundle.bundleVersion;
  const updater: PolicyUpdater = policyUpdater({
    url: "https://policy.example.com/policy", root, statePath: "/var/lib/app/pins.state", fallback: bundle,
    onExpired: "fail-closed", intervalMs: 3_600_000, timeoutMs: 10_000, maxBytes: 512 * 1024, ca: "pem",
    headers: { "x-client": "app" },
    onUpdate: (o) => console.log(o.status, o.version), onError: (e, o) => console.log(e.code, o.previousVersion),
    onOutcome: (o) => console.log(o.error?.code), onWarning: (m) => console.log(m),
  });
  await updater.refresh();
  const updaterAgent: https.Agent = pinnedAgent(updater, { pinning });
  console.log(updater.version, updater.policy, updater.highestVersion, updater.expires, updater.currentPolicy());
  updater.close();
  const sender: ReportSender = reportSender({
    url: "https://reports.example.com/report", token: "secret", policy, agentOptions: { keepAlive: true },
    allowHttp: false, batchSize: 50, batchDelayMs: 1000, maxQueue: 1000, dedupWindowMs: 3_600_000,
    retryBaseMs: 1000, retryMaxMs: 300_000, maxAgeMs: 86_400_000, timeoutMs: 10_000,
    onDrop: (d) => console.log(d.reason, d.count, d.detail), onError: (e) => console.log(e.message),
    client: "app/1", now: () => Date.now(),
  });
  const sendingAgent = pinnedAgent(policy, { pinning: { onReport: sender } });
  await sender.flush();
  const stats: ReportSenderStats = await sender.close({ timeoutMs: 5000 });

  // Wrong uses: each must stay a type error.
  // @ts-expect-error clockSkewSeconds is a number
  checkPins(input, pins, { clockSkewSeconds: "300" });
  // @ts-expect-error no such option
  checkPins(input, pins, { clockSkew: 300 });
  // @ts-expect-error fromAndroidNsc reads XML text
  PinPolicy.fromAndroidNsc(42);
  // @ts-expect-error reportKey is a string or null
  const wrongKey: number = verdict.reportKey;
  // @ts-expect-error pinnedFetch takes a policy first
  pinnedFetch();

  console.log(infos, formatted, status, report, reportKey, matched, fromHpkp, fromNsc, checked, lint, exported, again,
    findings, byPins, byDocument, links, memory, codes, fromWasm, pinFormatList, exportFormatList, formatsFromWasm, made,
    wrapped, policyInputs, der, response.status, refused, wrongKey,
    factory, ocsp, crl, offered, stapled, sct, drift, verified, nextRoot, signingBytes, bundleVersion, updaterAgent,
    sendingAgent, stats, sender.stats().droppedByReason["queue-full"]);
}
