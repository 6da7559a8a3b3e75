# lib.sh - the harness of the shell tests (tests/tNNNN-*.t), in the manner
# of git's t/test-lib.sh, speaking TAP for `prove`.
#
# A test script sources this file, then calls
#   expect_success 'what it proves' 'shell commands'
# for each check and `done_testing` at the end.  Each script runs in its own
# temporary directory.  $DIEUTRA is the binary under test and $SRC the
# source tree (both set by `make check`).

set -u
: "${DIEUTRA:?run the tests through make check (DIEUTRA is not set)}"
: "${SRC:?run the tests through make check (SRC is not set)}"

# KEEP=1 keeps the directory, to look into a failure.
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dieutra-test.XXXXXX")
# at_exit COMMAND: run COMMAND when the script ends (servers, mounts), before
# the directory goes.
on_exit=
at_exit() {
	on_exit="$1; $on_exit"
}
trap 'eval "$on_exit"; [ -n "${KEEP:-}" ] || rm -rf "$TEST_DIR"' EXIT
cd "$TEST_DIR" || exit 1

# A fixed clock makes timestamps and today() reproducible.
DIEUTRA_NOW=2026-11-23T09:00:00Z
TZ=UTC
LC_ALL=C.UTF-8
export DIEUTRA_NOW TZ LC_ALL

test_count=0
test_failed=0

dieutra() {
	"$DIEUTRA" "$@"
}

# expect_success DESCRIPTION BODY: BODY runs in a subshell with `set -e`;
# the check passes when it exits 0.  Its output is shown only on failure.
expect_success() {
	test_count=$((test_count + 1))
	if (set -e; eval "$2") >"$TEST_DIR/.out" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TEST_DIR/.out" >&2
	fi
}

# expect_code CODE COMMAND...: the command exits with CODE.
expect_code() {
	want=$1
	shift
	set +e
	"$@"
	got=$?
	set -e
	if [ "$got" != "$want" ]; then
		echo "expected exit status $want, got $got: $*" >&2
		return 1
	fi
}

# contains FILE TEXT: FILE has a line containing TEXT (a fixed string).
contains() {
	if ! grep -qF -- "$2" "$1"; then
		echo "'$1' does not contain: $2" >&2
		echo "--- $1:" >&2
		cat "$1" >&2
		return 1
	fi
}

# lacks FILE TEXT: no line of FILE contains TEXT.
lacks() {
	if grep -qF -- "$2" "$1"; then
		echo "'$1' should not contain: $2" >&2
		cat "$1" >&2
		return 1
	fi
}

# free_port: sets $free_port to a port number of 127.0.0.1 to try, different
# in each test script and each call, below the kernel's ephemeral ports so
# that no client connection holds it.  A server that cannot bind it is
# started again on the next (its caller watches it die: see wait_for).
free_port_try=0
free_port() {
	free_port_try=$((free_port_try + 1))
	free_port=$((10000 + ($$ * 7 + free_port_try * 131) % 20000))
}

# wait_for PID SECONDS COMMAND...: polls COMMAND until it succeeds (0), the
# process PID ends (1) or SECONDS pass (1).
wait_for() {
	wf_pid=$1 wf_n=$(($2 * 10))
	shift 2
	while [ $wf_n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		kill -0 "$wf_pid" 2>/dev/null || return 1
		sleep 0.1
		wf_n=$((wf_n - 1))
	done
	return 1
}

# start_git_daemon [OPTION...]: serves the test's directory over git:// on a
# free port of 127.0.0.1 (sets $port) until the script ends, once
# district.git there answers; the options go to git daemon (e.g.
# --enable=receive-pack).  The daemon stays in the foreground of a
# background job and says when it has bound its port: with --detach it
# would leave before binding, and a port taken by another test's daemon
# would look like ours.
start_git_daemon() {
	for try in 1 2 3 4 5; do
		free_port
		port=$free_port
		git daemon --base-path="$TEST_DIR" --export-all --listen=127.0.0.1 --port=$port \
			--reuseaddr --verbose "$@" "$TEST_DIR" 2>"$TEST_DIR/daemon.err" &
		daemon_pid=$!
		if wait_for $daemon_pid 30 grep -q "Ready to rumble" "$TEST_DIR/daemon.err" &&
			git ls-remote "git://127.0.0.1:$port/district.git" >/dev/null; then
			at_exit 'kill $daemon_pid 2>/dev/null'
			return 0
		fi
		kill $daemon_pid 2>/dev/null
		wait $daemon_pid 2>/dev/null
	done
	echo "git daemon did not start on 127.0.0.1: $(cat "$TEST_DIR/daemon.err")" >&2
	return 1
}

# district_key REPO: a district key for the district repository REPO, the
# private key in REPO's name with .key for .git, its passphrase
# $district_pass.  Sensitive answers (the census form has some) are sent
# only sealed to a district key: a district without one keeps them on the
# laptops.
district_pass="district passphrase"
district_key() {
	DIEUTRA_PASSPHRASE="$district_pass" "$DIEUTRA" district keygen --key "${1%.git}.key" \
		"$1" >/dev/null
}

# uses_libgit2: for scripts whose commands run libgit2.  Under SAN=1 it
# suppresses libgit2 1.5.1's one known leak (tests/lsan.supp); reaching that
# frame needs the slow unwinder, since libgit2 has no frame pointers, which
# is why the other scripts do without it.
uses_libgit2() {
	LSAN_OPTIONS="suppressions=$SRC/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
	export LSAN_OPTIONS ASAN_OPTIONS
}

done_testing() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
}
