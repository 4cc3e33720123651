#!/usr/bin/env bash
# Benchmarks one silo serving ResNet18 four ways in one run (raw ONNX Runtime in process, the Orleans client, HTTP, KServe
# v2 gRPC) and writes docs/BENCHMARKS.md. Extra arguments go to the bench, e.g. `scripts/bench.sh --seconds 5`; `--cluster-sizes 1,3`,
# `--serving` (scripts/bench-serving.sh), `--cameras` (1 to 24 cameras on a sim device at ResNet18's CPU cost,
# `--cameras-cpu` on the CPU: p95 and fps per camera, drops, failures; about 5 minutes with `--seconds 15`),
# `--autoscale` and `--jobs [--images 10000] [--batch-sizes 8,16,32,64]` (the batch image warehouse: a batch job
# against the raw pipeline; `--images 500` for a quick check; with `--stores`, the images from s3rver and Azurite and a
# local folder into Parquet against the raw pipeline) and `--versions` (the cost of model versions:
# routing by version with a canary on the CPU, shadow traffic at 10 % on a sim device; about 3 minutes)
# and `--fairness` (tenant b at 20 % of a sim device's capacity, alone and while tenant a floods it at 5x; about 1 minute)
# and `--pipeline [--quick] [--rate 4]` (the hybrid pipeline on the CPU's moderation models beside a camera, without and with
# heavy work; about 9 minutes, `--quick` about 4) and `--startup [--runs 5]` (time to capacity: process start to ready, CPU
# and memory per model set; about 2 minutes on a quiet machine) and `--cpu-cost [--quick]` (the silo's core-µs and bytes per
# item on a simulated device with no model time, every way in at batch 1 and 8, with a breakdown by stage) run the other
# sections instead; the soak (`--soak`) has scripts/soak.sh.
# Builds into .cache/bench-artifacts, so it never touches the bin/ and obj/ folders other builds use.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

scripts/install-deps.sh --test-data

artifacts="$root/.cache/bench-artifacts"
dotnet build src/Silo/Argus.Silo/Argus.Silo.csproj -c Release --artifacts-path "$artifacts" -nologo -v quiet
dotnet build bench/Argus.Bench/Argus.Bench.csproj -c Release --artifacts-path "$artifacts" -nologo -v quiet

command="scripts/bench.sh"
for arg in "$@"; do command+=" $(printf '%q' "$arg")"; done
exec dotnet "$artifacts/bin/Argus.Bench/release/Argus.Bench.dll" \
  --silo "$artifacts/bin/Argus.Silo/release/Argus.Silo.dll" \
  --markdown docs/BENCHMARKS.md \
  --command "$command" \
  "$@"
