#!/usr/bin/env bash
# Packs the NuGet packages into artifacts/packages (or $ARGUS_PACKAGES): the SDK (Argus.Abstractions, Argus.Client) and
# the argus tool (Argus.Cli). Arguments go to each `dotnet pack` (default configuration Release), e.g.
#   scripts/pack.sh -p:Version=0.1.0-dev.1
#   dotnet tool install --global Argus.Cli --add-source artifacts/packages --version 0.1.0-dev.1
# The global packages folder keeps the first copy of a version it restored: give a changed pack a new version.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${ARGUS_PACKAGES:-$root/artifacts/packages}
for project in src/Grains/Argus.Abstractions src/Client/Argus.Client src/Client/Argus.Cli; do
  dotnet pack "$root/$project" -nologo -clp:ErrorsOnly -o "$out" "$@"
done
echo "pack: $(cd "$out" && ls -1 ./*.nupkg | tr '\n' ' ')in $out"
