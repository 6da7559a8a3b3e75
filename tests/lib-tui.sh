# lib-tui.sh - driving the full-screen app in tmux, as a person would: keys
# in, the screen read back with capture-pane (as tmux's own regress/ tests
# do).  Sourced by the tui tests after lib.sh.

TERM=${TERM:-xterm}
[ "$TERM" = dumb ] && TERM=xterm
export TERM
# Each start of the app gets a tmux server of its own (tmux.1, tmux.2...),
# so that one shutting down never races the next; $TEST_DIR/tmux names the current one.
tm() {
	tmux -S "$(cat "$TEST_DIR/tmux")" -f /dev/null "$@"
}
at_exit 'for s in "$TEST_DIR"/tmux.*; do tmux -S "$s" kill-server 2>/dev/null; done'

# app [VAR=VALUE...]: starts the app on $WS (default ws) in a fresh window of
# $COLS (default 80) x 24, with those variables in its environment (the
# pane's pid is the app's).
app() {
	if [ -f "$TEST_DIR/tmux" ]; then
		tm kill-server 2>/dev/null || true
	fi
	echo x >>"$TEST_DIR/starts"
	echo "$TEST_DIR/tmux.$(wc -l <"$TEST_DIR/starts")" >"$TEST_DIR/tmux"
	tm new-session -d -x "${COLS:-80}" -y 24 \
		"$* exec \"$DIEUTRA\" -C \"$TEST_DIR/${WS:-ws}\" 2>>$TEST_DIR/app.err"
}
screen() {
	tm capture-pane -p
}
keys() {
	tm send-keys "$@"
}
# typed TEXT: sends TEXT as typed characters, nothing interpreted.
typed() {
	tm send-keys -l "$1"
}
# see TEXT: waits (up to 10 s, 40 s under SAN) until the screen shows TEXT.
see() {
	n=0
	while ! screen | grep -qF -- "$1"; do
		n=$((n + 1))
		if [ $n -gt $polls ] || ! tm has-session 2>/dev/null; then
			echo "the screen never showed: $1" >&2
			screen >&2
			return 1
		fi
		sleep 0.05
	done
}
# gone TEXT: waits until the screen no longer shows TEXT.
gone() {
	n=0
	while screen | grep -qF -- "$1"; do
		n=$((n + 1))
		if [ $n -gt $polls ] || ! tm has-session 2>/dev/null; then
			echo "the screen still shows: $1" >&2
			screen >&2
			return 1
		fi
		sleep 0.05
	done
}
# ended PID: waits (up to 30 s) until process PID is gone.
ended() {
	n=0
	while kill -0 "$1" 2>/dev/null; do
		n=$((n + 1))
		if [ $n -gt 600 ]; then
			echo "process $1 did not end" >&2
			return 1
		fi
		sleep 0.05
	done
}
# closed: waits until the app has quit or was killed (its tmux server goes).
closed() {
	n=0
	while tm has-session 2>/dev/null; do
		n=$((n + 1))
		if [ $n -gt $polls ]; then
			echo "the app is still running" >&2
			return 1
		fi
		sleep 0.05
	done
}
# The sanitizers make the app several times slower.
polls=200
case "$DIEUTRA" in *-san/*) polls=800 ;; esac
