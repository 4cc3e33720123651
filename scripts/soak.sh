#!/usr/bin/env bash
# The soak (issue 16): Redis and 3 silo processes on this machine under interactive HTTP and SDK calls with bursts, two
# cameras (a looping file and an HTTP MJPEG stream served by ffmpeg) and batch jobs, while a seeded schedule of faults hits
# them (kill -9, drain, SIGSTOP of a silo; Redis restarted and paused; the job's disk full; the stream server down; a
# partition; a 5x burst). Then the oracle's checks; the exit code is non-zero when any fails. Faults that need root (the
# tmpfs for the full disk) are reported as skipped without it.
#   scripts/soak.sh [--minutes 30] [--seed 1] [--out soak-report] [--note TEXT]
# writes SOAK.md, img/soak-*.png, soak.log and logs/ (each silo's output) into --out. CI runs `--minutes 3` from
# scripts/test.sh. It is `scripts/bench.sh --soak`: the same build into .cache/bench-artifacts, and the report names that
# command.
set -euo pipefail
exec "$(dirname "$0")/bench.sh" --soak "$@"
