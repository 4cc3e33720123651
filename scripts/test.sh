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
# One test project at a time: several start real silo processes, and the machine may have two cores. A test that runs
# longer than the hang timeout (well above the slowest test) fails its project with a dump instead of eating CI's time.
status=0
declare -A exit_codes
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  code=0
  dotnet test "$project" -c Debug --no-build --blame-hang-timeout 10m \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" || code=$?
  exit_codes[$project]=$code
  [ "$code" = 0 ] || status=$code
done

# The 3-minute soak: Redis and 3 silos under load while a seeded schedule of faults hits them (scripts/soak.sh); its
# oracle's verdict counts as one test. Faults that need root are skipped without it. The report lands in TestResults/soak.
soak=0
scripts/soak.sh --minutes 3 --out "$results/soak" --note "CI run." || soak=$?

# Tests the project holds, for a run that ended before reporting them all; at least 1, so a crash always counts.
listed() {
  local n
  n=$(dotnet test "$1" -c Debug --no-build --list-tests 2>/dev/null | sed -n '/The following Tests are available:/,$p' | grep -c '^    ' || true)
  echo $((n > 0 ? n : 1))
}

counter() { sed -E "s/.* $1=\"([0-9]+)\".*/\1/" <<<"$2"; }

passed=0 failed=0 skipped=0
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  trx="$results/$name.trx"
  if [ ! -e "$trx" ]; then
    echo "test.sh: $name produced no results; its tests count as failed" >&2
    failed=$((failed + $(listed "$project")))
    status=1
    continue
  fi
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  total=$(counter total "$counters")
  p=$(counter passed "$counters")
  f=$(( $(counter failed "$counters") + $(counter error "$counters") + $(counter timeout "$counters") + $(counter aborted "$counters") ))
  # A test host that crashed or hung (or a run that failed with no failed test) reports only some of its tests: every
  # test it did not see pass counts as failed.
  if grep -q 'The active test run was aborted' "$trx" || { [ "${exit_codes[$project]}" != 0 ] && [ "$f" = 0 ]; }; then
    all=$(listed "$project")
    all=$((all > total ? all : total))
    echo "test.sh: $name did not finish; $((all - p)) of its $all tests count as failed" >&2
    passed=$((passed + p))
    failed=$((failed + all - p))
    continue
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + total - p - f))
done
if [ "$soak" = 0 ]; then
  passed=$((passed + 1))
else
  echo "test.sh: the soak failed ($soak); see $results/soak/SOAK.md" >&2
  failed=$((failed + 1))
  status=$soak
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$passed" = 0 ] && [ "$status" = 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
if [ "$failed" -gt 0 ] && [ "$status" = 0 ]; then
  status=1
fi
exit "$status"
