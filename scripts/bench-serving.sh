#!/usr/bin/env bash
# The serving benchmarks, in one run (about 15 minutes): micro-batching against batch size 1 on the simulated
# textbook GPU and on the real CPU model, twice capacity for a minute, and four silos with two simulated devices each
# on Redis through the SDK; with the capacity plan for the textbook profile. Writes the `serving` section of
# docs/BENCHMARKS.md and its plots in docs/plots/. Extra arguments go to the bench, e.g. `--seconds 2` for a quick look.
# Builds into .cache/bench-artifacts, so it never touches the bin/ and obj/ folders other builds use.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

scripts/install-deps.sh --test-data

artifacts="$root/.cache/bench-artifacts"
dotnet build src/Silo/Argus.Silo/Argus.Silo.csproj -c Release --artifacts-path "$artifacts" -nologo -v quiet
dotnet build bench/Argus.Bench/Argus.Bench.csproj -c Release --artifacts-path "$artifacts" -nologo -v quiet

exec dotnet "$artifacts/bin/Argus.Bench/release/Argus.Bench.dll" \
  --serving \
  --seconds 3 \
  --silo "$artifacts/bin/Argus.Silo/release/Argus.Silo.dll" \
  --markdown docs/BENCHMARKS.md \
  "$@"
