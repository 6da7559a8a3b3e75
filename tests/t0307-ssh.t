#!/bin/sh
# Sync over ssh (libgit2's libssh2): an sshd on 127.0.0.1 with its own host
# key and this test's user key, started and stopped by this test.  Keys come
# from DIEUTRA_SSH_KEY, ~/.ssh or ssh-agent; the server's host key must be
# in ~/.ssh/known_hosts, and an unknown or changed one is refused.
. "$SRC/tests/lib.sh"
. "$SRC/tests/transport.sh"

uses_libgit2
LSAN_OPTIONS="$LSAN_OPTIONS:suppressions=$SRC/tests/lsan-ssh.supp"

srv=$TEST_DIR/sshd
mkdir -p "$srv"
# sshd's id is kept in the shell too: its file may be gone by the end.
sshd_pid=
at_exit 'kill $sshd_pid 2>/dev/null; stop_pidfile "$TEST_DIR/agent.pid"'

# Starts sshd on $port; says why when it cannot be started.
start_sshd() {
	dieutra district init --schema "$SRC/schemas/child-census.yaml" district.git &&
	district_key district.git &&
	ssh-keygen -q -t ed25519 -N "" -C district-host -f "$srv/host_key" &&
	ssh-keygen -q -t ed25519 -N "" -C hoa -f "$TEST_DIR/hoa_key" &&
	ssh-keygen -q -t ed25519 -N "" -C stranger -f "$TEST_DIR/stranger_key" &&
	cp "$TEST_DIR/hoa_key.pub" "$srv/authorized_keys" || return 1
	# As root, sshd wants its privilege separation directory.
	if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then
		mkdir -p /run/sshd && chmod 755 /run/sshd || return 1
	fi
	for try in 1 2 3 4 5; do
		free_port
		port=$free_port
		cat >"$srv/sshd_config" <<-EOF
		Port $port
		ListenAddress 127.0.0.1
		HostKey $srv/host_key
		PidFile $srv/sshd.pid
		AuthorizedKeysFile $srv/authorized_keys
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM no
		StrictModes no
		PrintMotd no
		EOF
		: >"$srv/sshd.log"
		"$(command -v sshd)" -f "$srv/sshd_config" -D -E "$srv/sshd.log" &
		sshd_pid=$!
		if wait_for $sshd_pid 30 grep -q "Server listening" "$srv/sshd.log"; then
			return 0
		fi
		kill $sshd_pid 2>/dev/null
		wait $sshd_pid 2>/dev/null
		sshd_pid=
	done
	echo "sshd did not start:"
	cat "$srv/sshd.log"
	return 1
}

start_sshd >"$srv/start.log" 2>&1 && touch "$srv/ready"
url="ssh://$(id -un)@127.0.0.1:$port$TEST_DIR/district.git"
known="[127.0.0.1]:$port $(cut -d" " -f1-2 "$srv/host_key.pub")"

expect_success 'sshd serves the district repository on 127.0.0.1' '
	test -e "$srv/ready" || { cat "$srv/start.log"; false; }
'

expect_success 'an unknown host key is refused, with its fingerprint and what to do' '
	: >"$HOME/.ssh/known_hosts" &&
	expect_code 3 env DIEUTRA_SSH_KEY="$TEST_DIR/hoa_key" "$DIEUTRA" init --commune 04630 \
		--enumerator "$hoa" --device A --remote "$url" refused 2>err &&
	contains err "the ssh server [127.0.0.1]:$port is not in $HOME/.ssh/known_hosts" &&
	ssh-keygen -l -f "$srv/host_key.pub" | cut -d" " -f2 >fp &&
	contains err "$(cat fp)" &&
	contains err "ssh-keyscan -p $port 127.0.0.1" &&
	test ! -e refused/dieutra.db
'

expect_success 'a host key that changed is refused as a possible impostor' '
	echo "[127.0.0.1]:$port $(cut -d" " -f1-2 "$TEST_DIR/stranger_key.pub")" \
		>"$HOME/.ssh/known_hosts" &&
	expect_code 3 env DIEUTRA_SSH_KEY="$TEST_DIR/hoa_key" "$DIEUTRA" init --commune 04630 \
		--enumerator "$hoa" --device A --remote "$url" refused 2>err &&
	contains err "host key CHANGED" &&
	contains err "ssh-keygen -R '"'"'[127.0.0.1]:$port'"'"'"
'

echo "$known" >"$HOME/.ssh/known_hosts"
DIEUTRA_SSH_KEY=$TEST_DIR/hoa_key
export DIEUTRA_SSH_KEY
two_laptops ssh "$url" district.git
unset DIEUTRA_SSH_KEY

expect_success 'a key the server does not know: exit 3, the key named; nothing is lost' '
	dieutra -C ssh-a add "$census/06-ban-van-hung.yaml" >/dev/null 2>&1 &&
	expect_code 3 env DIEUTRA_SSH_KEY="$TEST_DIR/stranger_key" "$DIEUTRA" -C ssh-a sync \
		>out 2>err &&
	contains err "refused this laptop'"'"'s ssh keys for user $(id -un)" &&
	contains err "$TEST_DIR/stranger_key" &&
	env DIEUTRA_SSH_KEY="$TEST_DIR/hoa_key" "$DIEUTRA" -C ssh-a sync >out &&
	test "$(cat out)" = "sent 1 new, 0 updated; received 0"
'

expect_success 'a key with a passphrase, given in DIEUTRA_SSH_PASSPHRASE' '
	ssh-keygen -q -t ed25519 -N phrase-8842 -C locked -f "$TEST_DIR/locked_key" &&
	cat "$TEST_DIR/locked_key.pub" >>"$srv/authorized_keys" &&
	expect_code 3 env DIEUTRA_SSH_KEY="$TEST_DIR/locked_key" "$DIEUTRA" -C ssh-a sync 2>err &&
	contains err "DIEUTRA_SSH_PASSPHRASE" &&
	env DIEUTRA_SSH_KEY="$TEST_DIR/locked_key" DIEUTRA_SSH_PASSPHRASE=phrase-8842 \
		"$DIEUTRA" -C ssh-a sync >out &&
	test "$(cat out)" = "sent 0 new, 0 updated; received 0"
'

expect_success 'no key given: ~/.ssh/id_ed25519 is used' '
	expect_code 3 dieutra -C ssh-b sync 2>err &&
	contains err "none found in ~/.ssh" &&
	cp "$TEST_DIR/hoa_key" "$HOME/.ssh/id_ed25519" &&
	dieutra -C ssh-b sync >out &&
	test "$(cat out)" = "sent 0 new, 0 updated; received 1" &&
	rm "$HOME/.ssh/id_ed25519"
'

expect_success 'the keys of ssh-agent' '
	ssh-agent -a "$TEST_DIR/agent.sock" >agent.env &&
	sed -n "s/^SSH_AGENT_PID=\([0-9]*\).*/\1/p" agent.env >"$TEST_DIR/agent.pid" &&
	SSH_AUTH_SOCK=$TEST_DIR/agent.sock &&
	export SSH_AUTH_SOCK &&
	ssh-add -q "$TEST_DIR/stranger_key" "$TEST_DIR/hoa_key" &&
	dieutra -C ssh-b add "$census/07-nguyen-van-minh.yaml" >/dev/null 2>&1 &&
	dieutra -C ssh-b sync >out &&
	test "$(cat out)" = "sent 1 new, 0 updated; received 0" &&
	ssh-add -q -D &&
	expect_code 3 dieutra -C ssh-b sync 2>err &&
	contains err "tried: the keys of ssh-agent"
'

done_testing
