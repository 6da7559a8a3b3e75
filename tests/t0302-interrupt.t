#!/bin/sh
# Syncs killed (SIGKILL) at spread-out moments, each finished by the next
# sync: no record lost, none duplicated, the repositories consistent.
. "$SRC/tests/lib.sh"

uses_libgit2

dieutra district init --schema "$SRC/schemas/child-census.yaml" district.git >/dev/null
district_key district.git
dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" --device A \
	--remote district.git a >/dev/null

expect_success 'each sync killed part-way is finished by the next one' '
	i=0 &&
	for f in "$SRC"/tests/census/0[1-7]-*.yaml "$SRC"/tests/census/1[0-4]-*.yaml; do
		i=$((i + 1)) &&
		sed "s/household_no: .*/household_no: $((i + 100))/" "$f" >r.yaml &&
		{ dieutra -C a add r.yaml >/dev/null 2>&1 || true; } &&
		delay=$(awk -v i=$i "BEGIN { printf \"%.2f\", (i * 7 % 20) / 40 }") &&
		{ timeout -s KILL "$delay" "$DIEUTRA" -C a sync >/dev/null 2>&1 || true; } &&
		dieutra -C a sync >/dev/null || exit 1
	done &&
	dieutra -C a list --status complete | cut -d" " -f1 | sort >ids &&
	test "$(wc -l <ids)" -gt 8 &&
	git -C district.git ls-tree -r --name-only communes/04630 |
		sed -n "s|^communes/04630/A/\(.*\)\.yaml$|\1|p" | sort >files &&
	cmp ids files &&
	for id in $(cat ids); do
		git -C district.git show "communes/04630:communes/04630/A/$id.yaml" >file &&
		dieutra -C a show "$id" | cmp - file || exit 1
	done &&
	git -C district.git fsck --strict &&
	git -C a/repo.git fsck --strict &&
	dieutra -C a sync >out &&
	test "$(cat out)" = "sent 0 new, 0 updated; received 0"
'

done_testing
