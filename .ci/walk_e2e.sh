#!/usr/bin/env bash
# End-to-end test of `mesoscope walk` in a terminal: the DRF tour under tmux, stepped
# through with send-keys (Enter, Enter, b, q) and read with capture-pane. It checks that
# the tour waits for a key after each step, goes forward and back, quits with a resume
# hint, and saves its progress under $XDG_CONFIG_HOME. It installs nothing: tmux must be
# on the PATH (CI installs it with apt-get). On failure it prints the screen it saw.
#
#   bash .ci/walk_e2e.sh            # from the repository root
set -euo pipefail
cd "$(dirname "$0")/.."

E2E_NAME="walk e2e"
E2E_SESSION="mesoscope-walk-e2e-$$"
# shellcheck source=.ci/tmux_lib.sh
. .ci/tmux_lib.sh

pane="walk:0"
# The whole pane, scrollback included: a step is longer than the screen.
screen() { tm capture-pane -p -J -S -5000 -t "$pane"; }

# count TEXT: how many lines of the pane contain TEXT.
count() { screen 2>/dev/null | grep -cF -- "$1" || true; }

# wait_count WHAT SECONDS N TEXT: wait until TEXT is on at least N lines.
wait_count() {
  local what=$1 secs=$2 n=$3 text=$4
  local deadline=$((SECONDS + secs))
  while [ "$(count "$text")" -lt "$n" ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "---- screen ($what) ----" >&2
      screen >&2 || true
      echo "-----------------------" >&2
      fail "$what: \"$text\" not on $n line(s) after ${secs}s"
    fi
    sleep 0.2
  done
  echo "walk e2e: $what ok"
}

prompt="[Enter] next · b back · q quit >"

echo "walk e2e: starting mesoscope walk drf under tmux"
tm new-session -d -s walk -x 120 -y 40 \
  "env XDG_CONFIG_HOME=$work/config LANG=en_US.UTF-8 LC_ALL= TERM=xterm-256color $work/mesoscope walk drf 2>$work/walk.err; echo 'walk exited:' \$?; sleep 600"
tm set-option -t walk history-limit 20000 >/dev/null

wait_count "step 1 and the prompt" 60 1 "── 1/9  The paper's cluster and two clients"
wait_count "the prompt after step 1" 10 1 "$prompt"
[ "$(count "── 2/9")" -eq 0 ] || fail "step 2 was shown before Enter"

tm send-keys -t "$pane" Enter
wait_count "Enter shows step 2" 30 1 "── 2/9  Dominant shares and the first two picks"
wait_count "the prompt after step 2" 10 2 "$prompt"

tm send-keys -t "$pane" Enter
wait_count "Enter shows step 3" 30 1 "── 3/9  Filling up: A, B, A, B, A and both at 2/3"

tm send-keys -t "$pane" -l b
tm send-keys -t "$pane" Enter
wait_count "b goes back" 30 1 "(going back shows the step again; the cluster keeps its present state)"
wait_count "b shows step 2 again" 10 2 "── 2/9  Dominant shares and the first two picks"
[ "$(count "── 4/9")" -eq 0 ] || fail "step 4 was shown without Enter"

tm send-keys -t "$pane" -l q
tm send-keys -t "$pane" Enter
wait_count "q quits with a resume hint" 30 1 "resume with: mesoscope walk drf --from 2"
wait_count "the walk exits 0" 10 1 "walk exited: 0"

progress="$work/config/mesoscope/walk.json"
[ -f "$progress" ] || fail "no progress file at $progress"
grep -q '"drf": 2' "$progress" || { cat "$progress" >&2; fail "the progress file does not say drf step 2"; }
if [ -s "$work/walk.err" ]; then
  cat "$work/walk.err" >&2
  fail "mesoscope walk wrote to stderr"
fi
echo "walk e2e: Enter, b and q work; progress saved"
