#!/usr/bin/env bash
# Starts one silo with the embedded default: localhost clustering, in-memory storage, the default models (README),
# HTTP on 127.0.0.1:8080, the dashboard at /dashboard. Arguments go to the silo
# (e.g. --urls http://0.0.0.0:8080 or --Argus:Silo:Name=silo-1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
exec dotnet run --project "$root/src/Silo/Argus.Silo" -c Release -- "$@"
