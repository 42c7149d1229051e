#!/usr/bin/env bash
# The topology of docker-compose.yml as local processes: a gateway and two cluster nodes (server profile, one site
# "host" with a budget of 3000), the cluster nodes seeded by the gateway, each node's peer store in the local PostgreSQL
# in a schema of its own (hocon/fleet/<node>.conf with the local server for "postgres"; the schemas made afresh by
# hocon/fleet/postgres-init.sql). Every port is taken by the system on 127.0.0.1. Waits until each node sees the three
# members Up, prints the gateway's `connctl cluster show` and GET /api/cluster, then stops the nodes with SIGTERM (each
# says bye to its peers, leaves the cluster and exits 0) unless --keep is given (then they run until Ctrl+C).
#
#   bash tests/fleet/run-local-fleet.sh [--keep]
#
# Needs the local PostgreSQL of the tests (bash .ci/prerequisites.d/postgresql.sh installs and starts it) or a server
# named by CONNACTORS_TEST_POSTGRES (an Npgsql connection string, as for the tests), psql, and the .NET SDK.
# tests/ConnActors.Node.Tests/Deployment/LocalFleetScriptTests.cs runs it.
set -euo pipefail
cd "$(dirname "$0")/../.."

keep=no
case "${1:-}" in
  --keep) keep=yes ;;
  "") ;;
  *) echo "usage: $0 [--keep]" >&2; exit 2 ;;
esac

timeout_s=${FLEET_TIMEOUT:-180}
postgres=${CONNACTORS_TEST_POSTGRES:-"Host=127.0.0.1;Port=5432;Username=connactors;Password=connactors;Database=connactors"}
field() { # the value of key $1 (case-insensitive) in the connection string, or $2
  local value
  value=$(tr ';' '\n' <<<"$postgres" | awk -F= -v key="$1" 'tolower($1) == tolower(key) { sub(/^[^=]*=/, ""); print; exit }')
  echo "${value:-$2}"
}
pg_host=$(field Host 127.0.0.1)
pg_port=$(field Port 5432)
pg_user=$(field Username connactors)
pg_password=$(field Password connactors)
pg_database=$(field Database connactors)

command -v psql >/dev/null || { echo "psql is missing: bash .ci/prerequisites.d/postgresql.sh installs PostgreSQL" >&2; exit 1; }
psql_fleet() { PGPASSWORD="$pg_password" psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pg_database" -v ON_ERROR_STOP=1 -q "$@"; }
if ! psql_fleet -c 'SELECT 1' >/dev/null; then
  echo "PostgreSQL does not answer at $pg_host:$pg_port: run bash .ci/prerequisites.d/postgresql.sh, or set CONNACTORS_TEST_POSTGRES" >&2
  exit 1
fi
schemas=$(grep -oE 'CREATE SCHEMA IF NOT EXISTS [a-z_0-9]+' hocon/fleet/postgres-init.sql | awk '{print $NF}')
for schema in $schemas; do psql_fleet -c "DROP SCHEMA IF EXISTS $schema CASCADE"; done
psql_fleet -f hocon/fleet/postgres-init.sql
echo "postgresql: schemas $(echo $schemas) made afresh in $pg_database on $pg_host:$pg_port"

# FLEET_BIN: a folder that already holds ConnActors.Node.dll, connctl.dll and hocon/ (the tests' output); else build.
if [ -n "${FLEET_BIN:-}" ]; then
  node_dll=$FLEET_BIN/ConnActors.Node.dll
  connctl=(dotnet "$FLEET_BIN/connctl.dll")
else
  dotnet build src/ConnActors.Node -c Release -v quiet -nologo >/dev/null
  dotnet build src/ConnActors.Cli -c Release -v quiet -nologo >/dev/null
  node_dll=src/ConnActors.Node/bin/Release/net10.0/ConnActors.Node.dll
  connctl=(dotnet src/ConnActors.Cli/bin/Release/net10.0/connctl.dll)
fi

work=$(mktemp -d -t connactors-fleet-XXXXXX)
declare -A pids=() apis=()
cleanup() {
  for name in "${!pids[@]}"; do kill -KILL "${pids[$name]}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

wait_for_log() { # node, regex: prints the first match of the node's log, or fails after the timeout
  local name=$1 pattern=$2 deadline=$((SECONDS + timeout_s))
  until grep -oE "$pattern" "$work/$name.log" 2>/dev/null | head -n 1 | grep .; do
    if ! kill -0 "${pids[$name]}" 2>/dev/null; then echo "$name exited; its log:" >&2; cat "$work/$name.log" >&2; exit 1; fi
    if ((SECONDS > deadline)); then echo "$name did not log /$pattern/ within ${timeout_s}s; its log:" >&2; cat "$work/$name.log" >&2; exit 1; fi
    sleep 0.2
  done
}

start_node() { # name role [seed]: the node's own cluster flags, as in docker-compose.yml
  local name=$1 role=$2 seed=${3:-}
  mkdir -p "$work/$name/data"
  cp -r "$(dirname "$node_dll")/hocon" "$work/$name/hocon"
  sed -e "s/Host=postgres;Port=5432;Username=connactors;Password=connactors;Database=connactors/Host=$pg_host;Port=$pg_port;Username=$pg_user;Password=$pg_password;Database=$pg_database/" \
    "hocon/fleet/$name.conf" >"$work/$name/hocon/override.conf"
  local args=(--config-dir "$work/$name/hocon" --profile server --data-dir "$work/$name/data" --listen /ip4/127.0.0.1/tcp/0
    --http http://127.0.0.1:0 --cluster-port 0 --role "$role" --site host --site-budget 3000)
  [ -n "$seed" ] && args+=(--seed "$seed")
  dotnet "$node_dll" "${args[@]}" >"$work/$name.log" 2>&1 &
  pids[$name]=$!
}

start_node gateway gateway
gateway_address=$(wait_for_log gateway 'member of the fleet at akka\.tcp://connactors@[0-9.]+:[0-9]+' | sed 's/.*@//')
start_node cluster-1 cluster "$gateway_address"
start_node cluster-2 cluster "$gateway_address"
for name in gateway cluster-1 cluster-2; do
  apis[$name]=$(wait_for_log "$name" 'http management API listening on http://127\.0\.0\.1:[0-9]+' | sed 's/.* on //')
  echo "$name: pid ${pids[$name]}, API ${apis[$name]}, log $work/$name.log"
done

deadline=$((SECONDS + timeout_s))
for name in gateway cluster-1 cluster-2; do
  until [ "$("${connctl[@]}" cluster show --json --node "${apis[$name]}" 2>/dev/null | grep -c '"status": "Up"')" -eq 3 ]; do
    if ((SECONDS > deadline)); then echo "$name did not see 3 members Up within ${timeout_s}s" >&2; cat "$work/$name.log" >&2; exit 1; fi
    sleep 0.5
  done
done
echo "every node sees the 3 members Up"

echo "--- connctl cluster show (gateway)"
"${connctl[@]}" cluster show --node "${apis[gateway]}"
echo "--- GET ${apis[gateway]}/api/cluster"
"${connctl[@]}" cluster show --json --node "${apis[gateway]}"

if [ "$keep" = yes ]; then
  echo "running; Ctrl+C stops the fleet"
  trap 'for name in "${!pids[@]}"; do kill -TERM "${pids[$name]}" 2>/dev/null || true; done' INT
  wait || true
fi

status=0
for name in cluster-2 cluster-1 gateway; do
  kill -TERM "${pids[$name]}" 2>/dev/null || true
  if wait "${pids[$name]}"; then code=0; else code=$?; fi
  unset "pids[$name]"
  echo "$name stopped with exit code $code"
  [ "$code" -eq 0 ] || status=1
done
exit "$status"
