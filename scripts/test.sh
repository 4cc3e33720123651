#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need, builds, runs every test project, and ends with
# the plain line "N passed, N failed, N skipped" counted from the TRX results.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

scripts/install-deps.sh --test-data

results="$root/TestResults"
rm -rf "$results"
dotnet build Cluster.sln -c Debug -nologo -clp:ErrorsOnly
# One test project at a time: several start real silo processes, and the machine may have two cores.
status=0
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Debug --no-build --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" || status=$?
done

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  total=$(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$counters")
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + total - p - f))
done
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$passed" = 0 ] && [ "$status" = 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit "$status"
