#!/usr/bin/env bash
# The one entry point that regenerates the test fixtures (OpenSSL 3.0, and cargo for the
# chains the Rust tests write). Each part is its own script beside its fixtures and
# records how they are made; this runs them in the order they depend on each other:
#
#   certs       tests/fixtures/make.sh            the openssl RSA/EC chains, single
#                                                 certificates, CSRs and public keys
#   tls         tests/fixtures/tls/make.sh,       the PKI the JS adapter, CLI and audit
#               tests/fixtures/tls/make-matrix.sh tests serve from TLS servers on 127.0.0.1
#   audit       tests/fixtures/audit/make.sh      the fleet-audit leaf (under tls/)
#   path        tests/fixtures/path/generate.sh   one leaf and root per signature
#                                                 algorithm (and a corrupted copy); the
#                                                 fixed rcgen keys, made only when missing
#   rust        cargo test ... (see below)        the chains the Rust tests write from the
#                                                 fixed keys: tests/fixtures/path/bypass/,
#                                                 tests/chain/*.pem, tests/check/*.pem,
#                                                 bench/fixtures/budget-worst-*.pem
#   revocation  tests/revocation/make.sh          OCSP responses and CRLs, with OpenSSL's
#                                                 verdicts (about 80 s: it waits for the
#                                                 short-lived ones to expire)
#
# Not generated: the fixed keys of tests/check/*.key (`openssl genpkey -algorithm EC
# -pkeyopt ec_paramgen_curve:P-256 -out NAME.key`; tests/common/policies.rs holds their
# pins) and the export goldens of tests/interop/ (checked by hand against each format's
# documentation, see `export_goldens` in tests/interop.rs).
#
# Keys are random and ECDSA signatures randomised: a re-run changes files, pins and
# signatures. The checked-in files are the fixtures; the tests compute expected values
# from them with independent oracles (openssl, node:crypto, rcgen), so they keep passing.
#
#   bash tests/make-fixtures.sh              every part
#   bash tests/make-fixtures.sh tls audit    only these parts
set -euo pipefail
cd "$(dirname "$0")/.."

parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(certs tls audit path rust revocation)

for part in "${parts[@]}"; do
  echo "== $part"
  case "$part" in
    certs) bash tests/fixtures/make.sh ;;
    tls) bash tests/fixtures/tls/make.sh && bash tests/fixtures/tls/make-matrix.sh ;;
    audit) bash tests/fixtures/audit/make.sh ;;
    path) bash tests/fixtures/path/generate.sh ;;
    rust)
      cargo test --test chain -- --ignored write_bypass_fixtures
      CERTPIN_WRITE_FIXTURES=1 cargo test --test chain
      cargo test --test check -- --ignored write_js_fixtures
      ;;
    revocation) bash tests/revocation/make.sh ;;
    *) echo "unknown part: $part (certs, tls, audit, path, rust, revocation)" >&2; exit 2 ;;
  esac
done
