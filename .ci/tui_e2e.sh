#!/usr/bin/env bash
# End-to-end test of the TUI: `mesoscope demo` under tmux, driven with send-keys and
# read with capture-pane, through every view. It installs nothing: tmux must be on the
# PATH (CI installs it with apt-get). Exits non-zero, naming the view, when a view is
# missing; the screen it saw is printed.
#
# The demo starts the TUI itself once it is wired to (mesoscope demo without --no-tui);
# while it still runs headless, the script attaches `mesoscope tui --master URL` to the
# URL the demo prints, in a second tmux window. Either way the same views are checked.
#
#   bash .ci/tui_e2e.sh            # from the repository root
set -euo pipefail
cd "$(dirname "$0")/.."

E2E_NAME="tui e2e"
E2E_SESSION="mesoscope-e2e-$$"
# shellcheck source=.ci/tmux_lib.sh
. .ci/tmux_lib.sh

pane=""
screen() { tm capture-pane -p -t "$pane"; }

# wait_for WHAT SECONDS TEXT...: wait until every TEXT is on the screen.
wait_for() {
  local what=$1 secs=$2; shift 2
  local deadline=$((SECONDS + secs)) s missing
  while :; do
    s=$(screen 2>/dev/null || true)
    missing=""
    for t in "$@"; do
      if ! grep -qF -- "$t" <<<"$s"; then missing=$t; break; fi
    done
    [ -z "$missing" ] && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "---- screen ($what) ----" >&2
      echo "$s" >&2
      echo "-----------------------" >&2
      fail "view $what is missing: \"$missing\" not on screen after ${secs}s"
    fi
    sleep 0.3
  done
}

# view NAME KEYS TEXT...: type KEYS and Enter (just Enter when KEYS is empty), and
# wait for the view.
view() {
  local name=$1 keys=$2; shift 2
  if [ -n "$keys" ]; then
    tm send-keys -t "$pane" -l "$keys"
  fi
  tm send-keys -t "$pane" Enter
  wait_for "$name" 30 "$@"
  echo "tui e2e: $name ok"
}

echo "tui e2e: starting mesoscope demo under tmux"
tm new-session -d -s demo -x 160 -y 48 "$work/mesoscope demo --port 0 --marathon_port 0 --work_dir $work/demo 2>$work/demo.err; sleep 600"
pane="demo:0"

# Either the TUI comes up in the demo's pane, or the demo prints its URL.
deadline=$((SECONDS + 90))
mode=""
while [ -z "$mode" ]; do
  s=$(screen 2>/dev/null || true)
  if grep -qF "Resources allocated / total" <<<"$s"; then
    mode=demo
  elif url=$(grep -oE 'master at http://[0-9.]+:[0-9]+' <<<"$s" | head -1) && [ -n "$url" ]; then
    mode=attach
    url=${url#master at }
    murl=$(grep -oE 'Marathon at http://[0-9.]+:[0-9]+' <<<"$s" | head -1); murl=${murl#Marathon at }
  elif [ "$SECONDS" -ge "$deadline" ]; then
    echo "$s" >&2
    cat "$work/demo.err" >&2 || true
    fail "the demo showed neither the TUI nor its master URL within 90s"
  else
    sleep 0.5
  fi
done
if [ "$mode" = attach ]; then
  echo "tui e2e: the demo runs headless; attaching mesoscope tui --master $url"
  tm new-window -d -t demo -n tui "$work/mesoscope tui --master $url --marathon $murl --refresh 1s 2>$work/tui.err; sleep 600"
  pane="demo:tui"
fi

wait_for pulse 60 "Resources allocated / total" "Tasks by state" "● connected" "(mesoscope)"
echo "tui e2e: pulse ok"
view actors     ":actors"     "Actors [" "allocator" "master" "slave(1)"
view drf        ":drf"        "DRF role tree" "DRF order:" "web" "batch" "Last allocation cycles"
view agents     ":agents"     "Agents [3]" "agent-1" "agent-2" "agent-gpu"
view containers ":ct"         "Containers [" "RUNNING"
view frameworks ":fw"         "Frameworks [3]" "marathon" "batch-etl" "gpu-trainer"
view tasks      ":tasks"      "Tasks [" "TASK_RUNNING"
view task       ""            "status history" "<tasks> <"
tm send-keys -t "$pane" Escape
wait_for "back to tasks" 10 "Tasks ["
view filter     "/web"        "Tasks(/web)"
tm send-keys -t "$pane" Escape
view offers     ":offers"     "Offers ["
view events     ":events"     "Events [" "stream subscribed"
view traces     ":traces"     "Traces [" "mesoscope-master"
view why        ":why batch-etl" "Why framework batch-etl" "answered by:"
view whyapp     ":why /analytics" "Why app /analytics" "Marathon declined" "InsufficientMemory"
view help       ":help"       "Help: Why" "Everywhere"
view aliases    ":aliases"    "Aliases [" "containers"

echo "tui e2e: quitting"
tm send-keys -t "$pane" -l ":q"
tm send-keys -t "$pane" Enter
deadline=$((SECONDS + 20))
while screen 2>/dev/null | grep -qF "│ read-only"; do
  [ "$SECONDS" -ge "$deadline" ] && fail ":q did not leave the TUI within 20s"
  sleep 0.3
done
for f in "$work/tui.err" "$work/demo.err"; do
  if [ -s "$f" ] && grep -q "panic" "$f"; then
    cat "$f" >&2
    fail "a panic was logged in $(basename "$f")"
  fi
done
echo "tui e2e: every view shown (mode: $mode)"
