#!/usr/bin/env bash
# Requests per second of GET /api/status on a real node process, and the node's CPU time per request (from
# /proc/<pid>/stat, which other processes' load disturbs far less than throughput), before the API security
# rules (the node built from BEFORE_REF) and after them (this work tree), with wrk in the same run, interleaved:
#   before            node of BEFORE_REF, loopback, no rules at all
#   after-loopback    this node on 127.0.0.1: Host and Origin checked, reads need no token
#   after-token       this node on 0.0.0.0 (reached at 127.0.0.1): every request carries and is checked for the token
# Usage: tests/bench/http-status-rps.sh [ROUNDS] [SECONDS]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=${1:-3}
seconds=${2:-10}
before_ref=${BEFORE_REF:-f674e9e} # main just before this work was merged: the same node without the rules
connections=${CONNECTIONS:-16}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }

work=$(mktemp -d)
node_pid=""
cleanup() {
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then kill "$node_pid"; wait "$node_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "building the node at $before_ref and at the work tree..." >&2
mkdir -p "$work/src-before"
git archive "$before_ref" | tar -x -C "$work/src-before"
dotnet build "$work/src-before/src/ConnActors.Node" -c Release -o "$work/before" >"$work/build-before.log" 2>&1 || { cat "$work/build-before.log" >&2; exit 1; }
dotnet build src/ConnActors.Node -c Release -o "$work/after" >"$work/build-after.log" 2>&1 || { cat "$work/build-after.log" >&2; exit 1; }

# Starts the node in $1 with --http $2, waits for its API and sets $node_pid and $port.
start_node() {
  local dir=$1 http=$2 log data
  data=$(mktemp -d -p "$work")
  log="$data.log" # a new file each time: an old log's port must never be read
  : >"$log"
  (cd "$dir" && exec dotnet ConnActors.Node.dll --data-dir "$data" --listen /ip4/127.0.0.1/tcp/0 --http "$http") >"$log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 300); do
    port=$(grep -oE 'http management API listening on http://[^ ]+:[0-9]+' "$log" | grep -oE '[0-9]+$' | head -n1 || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$log" >&2; echo "the node did not start" >&2; exit 1; }
  token_file="$data/api.token"
}

stop_node() {
  kill "$node_pid"; wait "$node_pid" 2>/dev/null || true; node_pid=""
}

# CPU time (user + system, in clock ticks) the node process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$node_pid/stat"; }

# Runs wrk against the started node; prints "requests/s cpu-us-per-request". $1: extra header or "".
measure() {
  local header=$1 args=(-t1 -c"$connections" --timeout 5s)
  [ -n "$header" ] && args+=(-H "$header")
  wrk "${args[@]}" -d2s "http://127.0.0.1:$port/api/status" >/dev/null # warm-up
  local out cpu_before cpu_after requests
  cpu_before=$(cpu_ticks)
  out=$(wrk "${args[@]}" -d"${seconds}s" "http://127.0.0.1:$port/api/status" 2>&1)
  cpu_after=$(cpu_ticks)
  if grep -qE "Non-2xx|Socket errors|unable to connect" <<<"$out"; then echo "$out" >&2; echo "errors or non-2xx answers: the run is invalid" >&2; exit 1; fi
  requests=$(grep -oE '^ *[0-9]+ requests in' <<<"$out" | grep -oE '[0-9]+')
  awk -v rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")" -v ticks=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" \
    'BEGIN {printf "%s %.1f\n", rps, ticks / hz * 1e6 / n}'
}

declare -A rps cpu
record() { local r; read -r r c <<<"$2"; rps[$1]+="$r "; cpu[$1]+="$c "; }
echo "load at start: $(uptime | sed 's/.*load average: //')"
for round in $(seq 1 "$rounds"); do
  start_node "$work/before" http://127.0.0.1:0
  record before "$(measure "")"
  stop_node
  start_node "$work/after" http://127.0.0.1:0
  record after-loopback "$(measure "")"
  stop_node
  start_node "$work/after" http://0.0.0.0:0
  record after-token "$(measure "Authorization: Bearer $(cat "$token_file")")"
  stop_node
  echo "round $round done" >&2
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
echo "load at end: $(uptime | sed 's/.*load average: //')"
echo "wrk -t1 -c$connections -d${seconds}s GET /api/status, $rounds interleaved rounds; medians, each round's figures in brackets:"
rps_before=$(median <<<"${rps[before]}")
cpu_before=$(median <<<"${cpu[before]}")
printf '%-16s %12s %10s %22s %10s\n' variant "requests/s" ratio "node CPU us/request" ratio
for variant in before after-loopback after-token; do
  r=$(median <<<"${rps[$variant]}")
  c=$(median <<<"${cpu[$variant]}")
  printf '%-16s %12s %10.2f %22s %10.2f   [%s] [%s]\n' "$variant" "$r" "$(awk -v a="$r" -v b="$rps_before" 'BEGIN {print a/b}')" \
    "$c" "$(awk -v a="$c" -v b="$cpu_before" 'BEGIN {print a/b}')" "${rps[$variant]% }" "${cpu[$variant]% }"
done
