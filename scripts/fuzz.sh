#!/usr/bin/env bash
# Fuzzes every parser a remote caller reaches for longer than the normal test run does: scripts/fuzz.sh [seconds per
# parser, default 300]. The fuzz tests are the *FuzzTests of the test projects below (CsCheck, mutating each parser's
# corpus in its project's Fuzzing/Corpus/); each writes a failing input, shrunk, to $ARGUS_FUZZ_CRASHERS (default
# fuzz-crashers/ here). Copy a crasher into its parser's corpus folder to keep it as a regression test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

seconds=${1:-300}
export ARGUS_FUZZ_SECONDS=$seconds
export ARGUS_FUZZ_CRASHERS=${ARGUS_FUZZ_CRASHERS:-$root/fuzz-crashers}
export ARGUS_FUZZ_LOG=$ARGUS_FUZZ_CRASHERS/runs.log
mkdir -p "$ARGUS_FUZZ_CRASHERS"
: >"$ARGUS_FUZZ_LOG"

projects=(tests/Argus.Inference.Tests tests/Argus.Grains.Tests tests/Argus.Silo.Tests)
status=0
for project in "${projects[@]}"; do
  dotnet build "$project" -c Debug -nologo -clp:ErrorsOnly
  # No hang timeout below the run's own length: a parser's fuzz test runs for $seconds by design.
  dotnet test "$project" -c Debug --no-build --filter "FullyQualifiedName~FuzzTests" \
    --blame-hang-timeout "$((seconds * 2 + 600))s" || status=$?
done

echo "fuzz.sh: inputs tried per parser ($seconds s each):"
sort "$ARGUS_FUZZ_LOG"
if find "$ARGUS_FUZZ_CRASHERS" -name 'crash-*' | grep -q .; then
  echo "fuzz.sh: crashers found (copy each into its parser's Fuzzing/Corpus/ folder once fixed):"
  find "$ARGUS_FUZZ_CRASHERS" -name 'crash-*'
fi
exit "$status"
