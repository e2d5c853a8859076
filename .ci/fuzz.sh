#!/usr/bin/env bash
# Runs every fuzz target of the module for a bounded time (FUZZTIME per target, 5s by
# default) and prints executions per target. A crasher fails the run; go test writes
# it to the package's testdata/fuzz/<Target>/ so it becomes a regression seed once
# committed. Usage: bash .ci/fuzz.sh [package pattern...]   (default ./...)
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-5s}
pkgs=("$@")
[ ${#pkgs[@]} -eq 0 ] && pkgs=(./...)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
summary=()
failed=0
for pkg in $(go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' "${pkgs[@]}"); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  targets=$(grep -hoE '^func (Fuzz[A-Za-z0-9_]+)\(f \*testing\.F\)' "$dir"/*_test.go 2>/dev/null | sed -E 's/^func (Fuzz[A-Za-z0-9_]+).*/\1/' | sort -u || true)
  for target in $targets; do
    # Go 1.26's fuzzing coordinator can fail a target with "context deadline exceeded"
    # and no crasher when -fuzztime expires while a starved worker is mid-call
    # (golang/go#75804, fixed in Go 1.27). That run found nothing; run it again, up
    # to twice. A real crasher always prints "Failing input written to" and is never
    # retried.
    attempt=1
    while :; do
      if go test -run='^$' -fuzz="^${target}\$" -fuzztime="$fuzztime" "$pkg" >"$log" 2>&1; then
        ok=1
      else
        ok=0
      fi
      if [ $ok = 0 ] && [ $attempt -lt 3 ] && grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written to' "$log"; then
        echo "fuzz: $pkg $target: coordinator deadline race (golang/go#75804), no crasher; retrying"
        attempt=$((attempt + 1))
        continue
      fi
      break
    done
    if [ $ok = 1 ]; then
      execs=$( (grep -oE 'execs: [0-9]+' "$log" || true) | tail -1 | awk '{print $2}')
      summary+=("$(printf '%-55s %-28s %10s' "${pkg#github.com/mesoscope/mesoscope/}" "$target" "${execs:-?}")")
    else
      failed=1
      echo "fuzz: $pkg $target FAILED:"
      tail -30 "$log"
      summary+=("$(printf '%-55s %-28s %10s' "${pkg#github.com/mesoscope/mesoscope/}" "$target" "FAILED")")
    fi
  done
done
printf '%-55s %-28s %10s\n' package target "execs ($fuzztime)"
printf '%s\n' "${summary[@]}"
exit $failed
