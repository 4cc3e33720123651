#!/usr/bin/env bash
# One prepared run for a machine with an NVIDIA GPU (an H100 or H200 when one is lent; CI never needs it), everything
# written under one folder (default .cache/gpu-check/<UTC time>; or the first argument):
#   machine.txt      the GPU (nvidia-smi -q), the CPU, the commit, which CUDA / cuDNN / TensorRT libraries the loader finds
#   silo.log         a Release silo started with CUDA on (Argus:Inference:Cuda=Auto, the default)
#   devices.json     its /v1/devices: the run stops unless it reports CUDAExecutionProvider
#   bench/           `argus bench` raw vs SDK vs HTTP at 1, 8, 32 and 128 callers on resnet18, moderation-fast and
#                    moderation-heavy: one CSV and one console log per model, target and level
#   profile-*.json   `argus plan --measure … --save-profile`: each model's latency curve on this GPU, for sim devices
#   providers.txt    what was not measured and why (IOBinding, TensorRT)
#   SUMMARY.md       the bench rows and the profiles in one page
# Without an NVIDIA GPU (nvidia-smi missing or listing none; $NVIDIA_SMI names another) it stops at once, exit 3, having
# built and started nothing. Knobs: GPU_CHECK_INTERVAL_MS (a bench window, default 2000), GPU_CHECK_TRIALS (windows per
# level at most, default 4), GPU_CHECK_MODELS (default "resnet18 moderation-fast moderation-heavy"). About 8-10 minutes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

smi="${NVIDIA_SMI:-nvidia-smi}"
if ! gpus=$("$smi" --query-gpu=index,name,memory.total,driver_version --format=csv,noheader 2>/dev/null) || [[ -z "$gpus" ]]; then
  echo "gpu-check.sh: no NVIDIA GPU here ('$smi' is missing or lists no GPU). This run is for a machine with one; nothing was built or started." >&2
  exit 3
fi

out=$(realpath -m "${1:-.cache/gpu-check/$(date -u +%Y%m%dT%H%M%SZ)}")
mkdir -p "$out/bench"
exec > >(tee -a "$out/gpu-check.log") 2>&1
echo "gpu-check: $gpus; writing to $out"

interval="${GPU_CHECK_INTERVAL_MS:-2000}"
trials="${GPU_CHECK_TRIALS:-4}"
models="${GPU_CHECK_MODELS:-resnet18 moderation-fast moderation-heavy}"
levels="1 8 32 128"
http_port=18480
gateway_port=18430

# Read once: `ldconfig -p | grep -q` would fail under pipefail whenever grep stops reading early.
libraries=$(ldconfig -p 2>/dev/null || true)
{
  echo "# GPU"; "$smi" -q
  echo "# CPU"; lscpu
  echo "# Commit"; git rev-parse HEAD 2>/dev/null || echo "(not a git checkout)"
  echo "# Libraries in the loader's cache, ldconfig -p (LD_LIBRARY_PATH not searched; the silo's provider is the real test)"
  for lib in libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcurand.so.10 libcufft.so.12 libcudnn.so.9 libnvinfer.so.10; do
    if [[ "$libraries" == *"$lib "* ]]; then echo "$lib: found"; else echo "$lib: missing"; fi
  done
} > "$out/machine.txt" 2>&1

scripts/install-deps.sh --test-data
artifacts="$root/.cache/gpu-check-artifacts"
dotnet build src/Silo/Argus.Silo/Argus.Silo.csproj -c Release --artifacts-path "$artifacts" -nologo -v quiet
dotnet build src/Client/Argus.Cli/Argus.Cli.csproj -c Release --artifacts-path "$artifacts" -nologo -v quiet
silo_dir="$artifacts/bin/Argus.Silo/release"
argus=(dotnet "$artifacts/bin/Argus.Cli/release/argus.dll")

silo_pid=""
stop_silo() {
  if [[ -n "$silo_pid" ]]; then
    kill -TERM "$silo_pid" 2>/dev/null || true
    wait "$silo_pid" 2>/dev/null || true
    silo_pid=""
  fi
}
trap stop_silo EXIT

echo "Starting a silo with CUDA on (log: $out/silo.log)"
dotnet "$silo_dir/Argus.Silo.dll" --urls "http://127.0.0.1:$http_port" --Argus:Grpc:Port=$((http_port + 1)) \
  --Argus:Silo:Name=gpu-0 --Argus:Silo:GatewayPort=$gateway_port --Argus:Inference:Cuda=Auto > "$out/silo.log" 2>&1 &
silo_pid=$!
for _ in $(seq 1 180); do
  if curl -fsS "http://127.0.0.1:$http_port/readyz" > /dev/null 2>&1; then break; fi
  if ! kill -0 "$silo_pid" 2>/dev/null; then echo "gpu-check.sh: the silo exited before it was ready; see $out/silo.log." >&2; exit 4; fi
  sleep 1
done
if ! curl -fsS "http://127.0.0.1:$http_port/readyz" > /dev/null 2>&1; then
  echo "gpu-check.sh: the silo was not ready within 3 minutes; see $out/silo.log." >&2
  exit 4
fi
curl -fsS "http://127.0.0.1:$http_port/v1/devices" > "$out/devices.json"
if ! grep -q '"CUDAExecutionProvider"' "$out/devices.json"; then
  echo "gpu-check.sh: the silo does not serve on CUDA; its devices (and each one's reason) are in $out/devices.json:" >&2
  cat "$out/devices.json" >&2
  exit 4
fi
echo "The silo serves on CUDA: $(cat "$out/devices.json")"

# One model, target and level at a time: a failure is recorded and the rest still run.
failures=0
for model in $models; do
  for target in raw sdk http; do
    for c in $levels; do
      name="$model-$target-c$c"
      args=(bench --target "$target" --model "$model" --concurrency-range "$c:$c" --measurement-interval "$interval"
            --max-trials "$trials" --csv "$out/bench/$name.csv")
      case "$target" in
        http) args+=(--url "http://127.0.0.1:$http_port") ;;
        sdk) args+=(--gateway "$gateway_port") ;;
        raw) args+=(--settings "$silo_dir/appsettings.json") ;;
      esac
      echo "argus ${args[*]}"
      if ! "${argus[@]}" "${args[@]}" > "$out/bench/$name.log" 2>&1; then
        echo "  failed: see $out/bench/$name.log"
        failures=$((failures + 1))
      fi
    done
  done
done
stop_silo

# The latency curves, each measured on the device a silo would use here (CUDA), for sim devices elsewhere.
declare -A inputs=([resnet18]=3x224x224 [moderation-fast]=3x224x224 [moderation-heavy]=3x299x299)
declare -A files=([resnet18]=models/resnet18/ResNet18.onnx [moderation-fast]=models/nsfwjs/mobilenet_v2.onnx [moderation-heavy]=models/nsfwjs/inception_v3.onnx)
for model in $models; do
  args=(plan --p95-ms 50 --measure "$silo_dir/${files[$model]}" --input "${inputs[$model]}" --max-batch 64 --runs 20
        --save-profile "$out/profile-$model.json")
  if [[ "$model" == resnet18 ]]; then args+=(--preprocess "$silo_dir/models/resnet18/ResNetPreprocess.onnx"); fi
  echo "argus ${args[*]}"
  # Exit 1 only says no batch size meets the 50 ms p95: the curve is written all the same.
  code=0; "${argus[@]}" "${args[@]}" > "$out/plan-$model.log" 2>&1 || code=$?
  if (( code > 1 )); then echo "  failed: see $out/plan-$model.log"; failures=$((failures + 1)); fi
done

{
  echo "Providers not measured:"
  echo "- IOBinding: Argus has no switch for it (sessions are run with OrtValues over the batch's buffers, one way only),"
  echo "  so the CUDA provider ran one way; there is no with/without pair to measure."
  if [[ "$libraries" == *"libnvinfer.so.10 "* ]]; then
    echo "- TensorRT: libnvinfer.so.10 is in the loader's cache, but Argus appends only the CUDA provider (Sessions/ExecutionTarget.cs): not measured."
  else
    echo "- TensorRT: libnvinfer.so.10 is not in the loader's cache, and Argus appends only the CUDA provider: not measured."
  fi
} > "$out/providers.txt"

{
  echo "# GPU check, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "GPU: $gpus. Devices the silo served: \`$(cat "$out/devices.json")\`."
  echo
  echo "## argus bench (one level per run; columns as \`argus bench --csv\` writes them)"
  echo
  echo '```'
  for csv in "$out"/bench/*.csv; do
    [[ -f "$csv" ]] || continue
    echo "$(basename "$csv" .csv):"; cat "$csv"
  done
  echo '```'
  echo
  echo "## Latency profiles"
  for profile in "$out"/profile-*.json; do [[ -f "$profile" ]] && echo "- $(basename "$profile")"; done
  echo
  cat "$out/providers.txt"
} > "$out/SUMMARY.md"

echo "gpu-check: done, $failures failed step(s); summary in $out/SUMMARY.md"
exit $(( failures > 0 ? 5 : 0 ))
