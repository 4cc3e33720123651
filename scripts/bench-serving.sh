#!/usr/bin/env bash
# The serving benchmarks, in one run (about 15 minutes): micro-batching against batch size 1 on the simulated
# textbook GPU and on the real CPU model, twice capacity for a minute, and four silos with two simulated devices each
# on Redis through the SDK; with the capacity plan for the textbook profile. Writes the `serving` section of
# docs/BENCHMARKS.md and its plots in docs/plots/. Extra arguments go to the bench, e.g. `--seconds 1` for a quick look.
exec "$(dirname "$0")/bench.sh" --serving --seconds 3 "$@"
