#!/bin/sh
# Sync over git:// to a `git daemon` on 127.0.0.1, started and stopped by
# this test: the transport, and a push refused by a server hook (hooks run
# over the network, not over a local path).
. "$SRC/tests/lib.sh"

uses_libgit2

census=$SRC/tests/census
dieutra district init --schema "$SRC/schemas/child-census.yaml" district.git >/dev/null
district_key district.git

start_git_daemon --enable=receive-pack || exit 1
url=git://127.0.0.1:$port/district.git

expect_success 'init --remote and sync over git://' '
	dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" --device A \
		--remote "$url" a >/dev/null &&
	dieutra -C a add "$census/01-lo-van-pang.yaml" >/dev/null 2>&1 &&
	dieutra -C a sync >out &&
	test "$(cat out)" = "sent 1 new, 0 updated; received 0" &&
	git -C district.git log -1 --format="%an|%s" communes/04630 >log &&
	test "$(cat log)" = "Lò Thị Hoa|04630 Xã Tú Lệ: 1 new household" &&
	git -C district.git fsck --strict
'

expect_success 'a push refused by the server hook: exit 1, the hook says why, nothing lost' '
	printf "#!/bin/sh\necho \"closed for the night\" >&2\nexit 1\n" \
		>district.git/hooks/pre-receive &&
	chmod +x district.git/hooks/pre-receive &&
	dieutra -C a add "$census/02-ha-thi-xuan.yaml" >/dev/null 2>&1 &&
	expect_code 1 dieutra -C a sync >out 2>err &&
	contains err "refused" &&
	contains err "closed for the night" &&
	git -C district.git ls-tree -r --name-only communes/04630 >files &&
	lacks files 04630-A-0002 &&
	rm district.git/hooks/pre-receive &&
	dieutra -C a sync >out &&
	test "$(cat out)" = "sent 1 new, 0 updated; received 0" &&
	git -C district.git ls-tree -r --name-only communes/04630 >files &&
	contains files communes/04630/A/04630-A-0002.yaml
'

# A server that resets the first connection it gets (as a dropped link or a
# server short of processes does), then becomes a git daemon on the same
# port: the sync tries again after a pause and gets through.
expect_success 'a connection reset by the server is tried again, and the sync goes through' '
	free_port
	flaky=$free_port
	cat >reset.pl <<-\EOF
	use IO::Socket::INET;
	use Socket;
	my ($port, @daemon) = @ARGV;
	my $l = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $port,
				      Listen => 5, ReuseAddr => 1) or die "listen: $!\n";
	print STDERR "ready\n";
	my $c = $l->accept or die "accept: $!\n";
	setsockopt($c, SOL_SOCKET, SO_LINGER, pack("ii", 1, 0)) or die "linger: $!\n";
	close $c;
	close $l;
	exec @daemon or die "exec: $!\n";
	EOF
	# set -e is on: each line below must succeed.
	perl reset.pl "$flaky" git daemon --base-path="$TEST_DIR" --export-all \
		--listen=127.0.0.1 --port="$flaky" --reuseaddr --enable=receive-pack \
		--verbose "$TEST_DIR" 2>flaky.err &
	flaky_pid=$! &&
	wait_for $flaky_pid 30 grep -q ready flaky.err &&
	dieutra -C a add "$census/06-ban-van-hung.yaml" >/dev/null 2>&1 &&
	dieutra -C a sync --remote "git://127.0.0.1:$flaky/district.git" >out 2>err ||
		{ cat err; kill $flaky_pid; false; } &&
	kill $flaky_pid &&
	test "$(cat out)" = "sent 1 new, 0 updated; received 0" &&
	contains flaky.err "Ready to rumble" &&
	git -C district.git ls-tree -r --name-only communes/04630 >files &&
	contains files communes/04630/A/04630-A-0003.yaml
'

expect_success 'a server that stays unreachable: a clear error after the tries, nothing lost' '
	dieutra -C a add "$census/07-nguyen-van-minh.yaml" >/dev/null 2>&1 &&
	free_port &&
	expect_code 3 dieutra -C a sync --remote "git://127.0.0.1:$free_port/district.git" \
		>out 2>err &&
	contains err "cannot fetch from the district repository git://127.0.0.1:$free_port" &&
	contains err "Connection refused" &&
	dieutra -C a sync --remote "$url" >out &&
	test "$(cat out)" = "sent 1 new, 0 updated; received 0"
'

done_testing
