#!/usr/bin/env bash
# Installs the system packages the tests need, when missing (Debian; needs root):
# redis-server for the fleet tests, OpenSSL headers and pkg-config for the `native-tls` feature.
set -euo pipefail
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
pkg-config --exists openssl 2>/dev/null || missing+=(libssl-dev pkg-config)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing: ${missing[*]}"
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

# The real vendor OpenAPI documents the generator's tests compile (codegen-tests), from the npm
# registry, pinned by integrity; kept in target/openapi/, never committed.
bash "$(dirname "$0")/fetch-openapi.sh" >/dev/null
