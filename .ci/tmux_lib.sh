# Shared start of the tmux end-to-end scripts (.ci/tui_e2e.sh, .ci/walk_e2e.sh); source
# it from the repository root after setting E2E_NAME (the prefix of every message) and
# E2E_SESSION (the name of the script's own tmux server). It checks the tools, builds
# mesoscope into $work, and defines fail and tm; the EXIT trap stops the tmux server and
# removes $work. It installs nothing: tmux must be on the PATH (CI installs it with
# apt-get).

fail() { echo "$E2E_NAME: $*" >&2; exit 1; }

command -v tmux >/dev/null 2>&1 || fail "tmux is not installed (apt-get install tmux)"
command -v go >/dev/null 2>&1 || fail "go is not on the PATH"

work=$(mktemp -d)

echo "$E2E_NAME: building mesoscope"
go build -o "$work/mesoscope" ./cmd/mesoscope

# One tmux server of our own (-L), so a user's sessions are never touched.
tm() { tmux -L "$E2E_SESSION" "$@"; }
cleanup() {
  tm kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
