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

done_testing
