# transport.sh - what the transport tests (t0306-http.t, t0307-ssh.t)
# share: the same sync scenario over any URL, and starting servers on a
# free port of 127.0.0.1.  Sourced after lib.sh.

census=$SRC/tests/census
hoa="Lò Thị Hoa <hoa@example.vn>"
nam="Hà Văn Nam <nam@example.vn>"

# Credentials and host keys come only from what each test sets up: its own
# home, no system git config, and git never asks on the terminal.
mkdir -p "$TEST_DIR/home/.ssh"
HOME=$TEST_DIR/home
GIT_CONFIG_NOSYSTEM=1
GIT_TERMINAL_PROMPT=0
export HOME GIT_CONFIG_NOSYSTEM GIT_TERMINAL_PROMPT
unset SSH_AUTH_SOCK SSH_AGENT_PID GIT_ASKPASS SSH_ASKPASS DIEUTRA_USERNAME DIEUTRA_PASSWORD \
	DIEUTRA_SSH_KEY DIEUTRA_SSH_PASSPHRASE GIT_SSL_CAINFO SSL_CERT_FILE

# The servers are found where Debian puts them, also for users without
# /usr/sbin in PATH.
PATH=$PATH:/usr/sbin:/sbin
export PATH

# two_laptops NAME URL REPO: laptops A and B of commune 04630 are made
# from the district repository at URL (REPO is the same repository on
# disk), each enters a household and syncs; both end with both households,
# and the district repository is clean for git fsck.
two_laptops() {
	tl_name=$1 tl_url=$2 tl_repo=$3
	expect_success "$tl_name: two laptops of one commune sync and get each other's records" '
		dieutra init --commune 04630 --enumerator "$hoa" --device A \
			--remote "$tl_url" "$tl_name-a" >/dev/null &&
		dieutra init --commune 04630 --enumerator "$nam" --device B \
			--remote "$tl_url" "$tl_name-b" >/dev/null &&
		dieutra -C "$tl_name-a" add "$census/01-lo-van-pang.yaml" >/dev/null 2>&1 &&
		dieutra -C "$tl_name-b" add "$census/02-ha-thi-xuan.yaml" >/dev/null 2>&1 &&
		dieutra -C "$tl_name-a" sync >out &&
		test "$(cat out)" = "sent 1 new, 0 updated; received 0" &&
		dieutra -C "$tl_name-b" sync >out &&
		test "$(cat out)" = "sent 1 new, 0 updated; received 1" &&
		dieutra -C "$tl_name-a" sync >out &&
		test "$(cat out)" = "sent 0 new, 0 updated; received 1" &&
		dieutra -C "$tl_name-a" list >a.list &&
		dieutra -C "$tl_name-b" list >b.list &&
		contains a.list 04630-B-0001 &&
		contains b.list 04630-A-0001 &&
		cmp a.list b.list &&
		git -C "$tl_repo" log --format="%an|%s" communes/04630 >log &&
		contains log "Lò Thị Hoa|04630 Xã Tú Lệ: 1 new household" &&
		contains log "Hà Văn Nam|04630 Xã Tú Lệ: 1 new household" &&
		git -C "$tl_repo" fsck --strict
	'
}

# stop_pidfile FILE: ends the process whose id FILE holds, if any.
stop_pidfile() {
	if [ -s "$1" ]; then
		kill "$(cat "$1")" 2>/dev/null
		rm -f "$1"
	fi
}
