#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, then runs every test project.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm packages for the js-libp2p interop tests (real peers written by others).
for dir in tests/interop; do
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
set -e
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "tests: $passed passed, $failed failed, $skipped skipped"
rm -f "$log"
exit "$status"
