#!/usr/bin/env bash
# The soak (issue 16): Redis and 3 silo processes on this machine under interactive HTTP and SDK calls with bursts, two
# cameras (a looping file and an HTTP MJPEG stream served by ffmpeg) and batch jobs, while a seeded schedule of faults hits
# them (kill -9, drain, SIGSTOP of a silo; Redis restarted and paused; the job's disk full; the stream server down; a
# partition; a 5x burst). Then the oracle's checks; the exit code is non-zero when any fails. Faults that need root (the
# tmpfs for the full disk) are reported as skipped without it.
#   scripts/soak.sh [--minutes 30] [--seed 1] [--out soak-report] [--note TEXT]
# writes SOAK.md, img/soak-*.png, soak.log and logs/ (each silo's output) into --out. CI runs `--minutes 3` from
# scripts/test.sh. Builds into .cache/bench-artifacts, as scripts/bench.sh does.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

scripts/install-deps.sh --test-data

artifacts="$root/.cache/bench-artifacts"
dotnet build src/Silo/Argus.Silo/Argus.Silo.csproj -c Release --artifacts-path "$artifacts" -nologo -v quiet
dotnet build bench/Argus.Bench/Argus.Bench.csproj -c Release --artifacts-path "$artifacts" -nologo -v quiet

command="scripts/soak.sh"
for arg in "$@"; do command+=" $(printf '%q' "$arg")"; done
exec dotnet "$artifacts/bin/Argus.Bench/release/Argus.Bench.dll" \
  --soak \
  --silo "$artifacts/bin/Argus.Silo/release/Argus.Silo.dll" \
  --command "$command" \
  "$@"
