#!/usr/bin/env bash
# Starts one silo with the embedded default: localhost clustering, in-memory storage, the default models (README),
# HTTP on 127.0.0.1:8080, the dashboard at /dashboard. Arguments go to the silo
# (e.g. --urls http://0.0.0.0:8080 or --Argus:Silo:Name=silo-1).
# `--silos N` first starts N silos on this machine instead, joined through the Redis in Argus__Redis (required), silo i
# on HTTP 8080+2i, gRPC 8081+2i, silo port 11111+i and gateway 30000+i, each told that N silos share the cores
# (Argus:Inference:SilosPerNode, so each session takes its share of the threads); Ctrl-C stops them all.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

silos=1
if [[ "${1:-}" == "--silos" ]]; then
  silos="${2:-}"
  shift 2 || true
  if ! [[ "$silos" =~ ^[1-9][0-9]*$ ]]; then
    echo "run-silo.sh: --silos needs a whole number of silos, at least 1 (got '$silos')." >&2
    exit 2
  fi
  if (( silos > 1 )) && [[ -z "${Argus__Redis:-}" ]]; then
    echo "run-silo.sh: --silos $silos needs a Redis to join the silos: set Argus__Redis (e.g. Argus__Redis=127.0.0.1:6379)." >&2
    exit 2
  fi
fi

"$root/scripts/install-deps.sh"
if (( silos == 1 )); then
  exec dotnet run --project "$root/src/Silo/Argus.Silo" -c Release -- "$@"
fi

dotnet build "$root/src/Silo/Argus.Silo" -c Release -nologo -v quiet
pids=()
stop() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait
}
trap stop INT TERM
for (( i = 0; i < silos; i++ )); do
  Argus__Inference__SilosPerNode="$silos" dotnet "$root/src/Silo/Argus.Silo/bin/Release/net10.0/Argus.Silo.dll" \
    --urls "http://127.0.0.1:$((8080 + 2 * i))" --Argus:Grpc:Port="$((8081 + 2 * i))" \
    --Argus:Silo:Name="silo-$i" --Argus:Silo:SiloPort="$((11111 + i))" --Argus:Silo:GatewayPort="$((30000 + i))" "$@" &
  pids+=("$!")
done
wait
