#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, then runs every test project.
#
# Test projects run side by side (as many as there are cores), each in its own test host; a test that runs longer than the hang timeout
# is a hang: the blame collector writes a dump of the test host and kills it, and the summary names the
# test. Exit status 0 only when every project ran to the end with no failed test.
#   CONNACTORS_TEST_HANG_TIMEOUT  per test (default 5m)
#   CONNACTORS_TEST_DUMP_TYPE     mini (default: thread stacks), full (with the heap: `dotnet-dump
#                                 analyze FILE` then `dumpasync` shows what every async method awaits) or none
#   CONNACTORS_TEST_RESULTS       where logs and dumps go (default: a new directory under /tmp, kept)
#   CONNACTORS_TEST_JOBS          test projects at once (default: the number of cores)
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

hang_timeout=${CONNACTORS_TEST_HANG_TIMEOUT:-5m}
dump_type=${CONNACTORS_TEST_DUMP_TYPE:-mini}
jobs_at_once=${CONNACTORS_TEST_JOBS:-$(nproc)}
results=${CONNACTORS_TEST_RESULTS:-$(mktemp -d /tmp/connactors-tests.XXXXXX)}
mkdir -p "$results"

# Runs one test project; its output is shown live, each line prefixed with the project's name.
run_project() {
  local project=$1 name
  name=$(basename "$project" .csproj)
  set +e
  dotnet test "$project" -c Release --no-build --logger "console;verbosity=normal" \
    --blame-hang-timeout "$hang_timeout" --blame-hang-dump-type "$dump_type" \
    --results-directory "$results/$name" 2>&1 | tee "$results/$name.log" | sed -u "s/^/[$name] /"
  echo "${PIPESTATUS[0]}" >"$results/$name.status"
}

mapfile -t projects < <(grep -l '<IsTestProject>true</IsTestProject>' tests/*/*.csproj | sort)
for project in "${projects[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_at_once" ]; do wait -n || true; done
  run_project "$project" &
done
wait

# The runner's summary of one project ("Passed: N", "Failed: N", "Skipped: N").
count() { { grep -oE "^ +$2: +[0-9]+" "$1" || true; } | awk '{s+=$2} END {print s+0}'; }

status=0 passed=0 failed=0 skipped=0 problems=()
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  log="$results/$name.log"
  code=$(cat "$results/$name.status" 2>/dev/null || echo 1)
  p=$(count "$log" Passed) f=$(count "$log" Failed) s=$(count "$log" Skipped)
  passed=$((passed + p)) skipped=$((skipped + s)) failed=$((failed + f))
  if [ "$code" != 0 ]; then status=1; fi
  if grep -q "^Test Run Aborted" "$log" || { [ "$code" != 0 ] && [ "$f" = 0 ]; }; then
    # The test host died (a hang past the timeout, or a crash): the tests it was running count as failed.
    mapfile -t running < <(awk '/^The tests? running when the crash occurred/ {on=1; next} on && NF == 0 {on=0} on {print}' "$log" | sed 's/^ *//')
    why="crashed"
    grep -q "inactivity time of" "$log" && why="hung past $hang_timeout"
    if [ "${#running[@]}" -eq 0 ]; then running=("(no test named; exit status $code)"); fi
    failed=$((failed + ${#running[@]}))
    for test in "${running[@]}"; do problems+=("$name: test host $why in $test"); done
  elif [ "$f" != 0 ]; then
    while read -r test; do problems+=("$name: failed $test"); done < <(grep -E "^ +Failed [A-Za-z_]" "$log" | sed -E 's/^ +Failed //; s/ \[[^]]*\]$//')
  fi
done

# Why each test failed (the start of its error message, with a property test's seed), so that CI's tail shows it.
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  awk -v p="$name" '
    /^ +Failed [A-Za-z_]/ { test = $0; sub(/^ +Failed /, "", test); sub(/ \[[^]]*\]$/, "", test); next }
    /^ +Error Message:/ && test != "" { on = 1; n = 0; print "[" p "] why " test ":"; next }
    /^ +Stack Trace:/ { on = 0; test = ""; next }
    on && n < 8 { n++; print "[" p "]   " substr($0, 1, 600) }
  ' "$results/$name.log" 2>/dev/null || true
done
for problem in "${problems[@]}"; do echo "FAILED  $problem"; done
echo "tests: $passed passed, $failed failed, $skipped skipped (logs and dumps: $results)"
exit "$status"
