#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, then runs every test project.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm packages: js-libp2p for the interop tests (real peers written by others), a Prometheus text parser.
for dir in tests/interop tests/metrics-parser; do
  if [ -f "$dir/package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# Debian packages some tests need (a real PostgreSQL server, a real browser), installed when missing.
for hook in .ci/prerequisites.d/*.sh; do
  [ -f "$hook" ] && bash "$hook"
done

dotnet restore ConnActors.sln
dotnet build ConnActors.sln -c Release --no-restore
log=$(mktemp)
set +e
dotnet test ConnActors.sln -c Release --no-build --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The runner's per-project summaries ("Passed: N", "Failed: N", "Skipped: N"), added up.
count() { { grep -oE "^ +$1: +[0-9]+" "$log" || true; } | awk '{s+=$2} END {print s+0}'; }
passed=$(count Passed)
failed=$(count Failed)
skipped=$(count Skipped)
rm -f "$log"
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
