#!/usr/bin/env bash
# Jaeger v2 (all-in-one, in-memory storage) for the tracer's end-to-end test.
#
#   bash .ci/jaeger.sh start   # build if needed, start on loopback, wait until ready
#   bash .ci/jaeger.sh stop    # stop it
#
# Jaeger is a Go tool of the separate module .ci/jaeger (go.mod `tool` directive), built
# from the module proxy into Go's build cache: no binary is ever written into the tree.
# With no --config it runs its embedded all-in-one configuration; every listener is
# forced onto 127.0.0.1: JAEGER_LISTEN_HOST covers the receivers and extensions of that
# configuration, and --set covers jaeger_query, whose defaults (":16686", ":16685")
# would listen on every interface.
#   OTLP gRPC 127.0.0.1:4317, OTLP HTTP 127.0.0.1:4318, query API/UI 127.0.0.1:16686.
set -euo pipefail
cd "$(dirname "$0")/.."

state=${JAEGER_STATE_DIR:-${TMPDIR:-/tmp}/mesoscope-jaeger}
pidfile=$state/jaeger.pid
logfile=$state/jaeger.log
query=http://127.0.0.1:16686

start() {
  mkdir -p "$state"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "jaeger: already running (pid $(cat "$pidfile"))"; return 0
  fi
  echo "jaeger: building (the first build takes several minutes; later ones come from the cache)"
  # `go tool -n` builds the tool into the build cache if needed and prints its path, so
  # the pid we record is Jaeger's own, not the go command's.
  bin=$(go tool -n -modfile=.ci/jaeger/go.mod jaeger)
  echo "jaeger: starting $bin (log: $logfile)"
  JAEGER_LISTEN_HOST=127.0.0.1 nohup "$bin" \
    --set=extensions::jaeger_query::http::endpoint=127.0.0.1:16686 \
    --set=extensions::jaeger_query::grpc::endpoint=127.0.0.1:16685 \
    --set=extensions::healthcheckv2::grpc::endpoint=127.0.0.1:13132 \
    >"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
  for _ in $(seq 1 120); do
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "jaeger: exited during start-up:"; tail -50 "$logfile"; rm -f "$pidfile"; exit 1
    fi
    if curl -fsS -o /dev/null "$query/api/services" 2>/dev/null &&
       curl -fsS -o /dev/null http://127.0.0.1:13133/status 2>/dev/null; then
      echo "jaeger: ready (pid $(cat "$pidfile")); query $query, OTLP 127.0.0.1:4317 (gRPC) and 127.0.0.1:4318 (HTTP)"
      return 0
    fi
    sleep 0.5
  done
  echo "jaeger: not ready after 60s:"; tail -50 "$logfile"; stop; exit 1
}

stop() {
  if [ ! -f "$pidfile" ]; then echo "jaeger: not running"; return 0; fi
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  fi
  rm -f "$pidfile"
  echo "jaeger: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
