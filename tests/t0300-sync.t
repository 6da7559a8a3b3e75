#!/bin/sh
# dieutra district init, init --remote and sync over a local path and
# file://, checked with the git CLI on the real repositories.
. "$SRC/tests/lib.sh"

uses_libgit2

form=$SRC/schemas/child-census.yaml
census=$SRC/tests/census
hoa="Lò Thị Hoa <hoa@example.vn>"
nam="Hà Văn Nam <nam@example.vn>"

expect_success 'district init makes a bare repository whose main holds the form' '
	dieutra district init --schema "$form" district.git >out &&
	contains out "district.git" &&
	test "$(git -C district.git rev-parse --is-bare-repository)" = true &&
	git -C district.git ls-tree -r --name-only main >files &&
	contains files schema/child-census.yaml &&
	contains files schema/admin-units.tsv &&
	contains files schema/ethnic-groups.tsv &&
	contains files README.md &&
	git -C district.git show main:README.md >readme &&
	contains readme "communes/CODE/DEVICE/RECORD_ID.yaml" &&
	git -C district.git show main:schema/child-census.yaml | cmp - "$form"
'

district_key district.git

expect_success 'the git CLI clones the district repository' '
	git clone -q district.git clone &&
	cmp clone/schema/child-census.yaml "$form" &&
	git -C district.git fsck --strict
'

expect_success 'district init refuses a bad form and a directory in use' '
	printf "form: x\n" >bad.yaml &&
	expect_code 1 dieutra district init --schema bad.yaml bad.git &&
	mkdir used && touch used/x &&
	expect_code 2 dieutra district init --schema "$form" used 2>err &&
	contains err "not empty" &&
	expect_code 2 dieutra district init district.git 2>err &&
	contains err "--schema"
'

expect_success 'init --remote takes the form from the district main' '
	dieutra init --commune 04630 --enumerator "$hoa" --device A \
		--remote district.git a >out &&
	cmp a/schema/child-census.yaml "$form" &&
	cmp a/schema/admin-units.tsv "$SRC/schemas/admin-units.tsv" &&
	test "$(git -C a/repo.git rev-parse --is-bare-repository)" = true
'

expect_success 'init takes --schema or --remote, not both, not neither' '
	expect_code 2 dieutra init --commune 04630 --enumerator "$hoa" --device A \
		--remote district.git --schema "$form" x 2>err &&
	contains err "not both" &&
	expect_code 2 dieutra init --commune 04630 --enumerator "$hoa" --device A x &&
	expect_code 3 dieutra init --commune 04630 --enumerator "$hoa" --device A \
		--remote nowhere.git y
'

expect_success 'sync commits new records on communes/CODE, authored by the enumerator' '
	for f in 01 02 03; do dieutra -C a add "$census/$f"-*.yaml >/dev/null 2>&1; done &&
	dieutra -C a sync >out &&
	test "$(cat out)" = "sent 3 new, 0 updated; received 0" &&
	git -C district.git log --format="%an|%s" communes/04630 >log &&
	test "$(head -n 1 log)" = "Lò Thị Hoa|04630 Xã Tú Lệ: 3 new households" &&
	git -C district.git log -1 --format=%ae communes/04630 >email &&
	test "$(cat email)" = hoa@example.vn
'

expect_success 'each household is its canonical file, with its own history' '
	git -C district.git show communes/04630:communes/04630/A/04630-A-0001.yaml >file &&
	dieutra -C a show 04630-A-0001 >shown &&
	cmp file shown &&
	git -C district.git log --format=%an communes/04630 \
		-- communes/04630/A/04630-A-0001.yaml >hist &&
	test "$(cat hist)" = "Lò Thị Hoa"
'

expect_success 'the commit carries the Commune, Device and Form-Version trailers' '
	git -C district.git log -1 --format="%(trailers:only,unfold)" communes/04630 >trailers &&
	contains trailers "Commune: 04630" &&
	contains trailers "Device: A" &&
	contains trailers "Form-Version: 2026.1"
'

expect_success 'the commune branch grows from main; fsck is clean' '
	git -C district.git merge-base --is-ancestor main communes/04630 &&
	git -C district.git fsck --strict
'

expect_success 'a second sync with nothing new does nothing' '
	git -C district.git rev-parse communes/04630 >before &&
	dieutra -C a sync >out &&
	test "$(cat out)" = "sent 0 new, 0 updated; received 0" &&
	git -C district.git rev-parse communes/04630 >after &&
	cmp before after
'

expect_success 'an edited record syncs as 1 updated' '
	dieutra -C a show 04630-A-0002 | sed "s/village: .*/village: Bản Mường/" |
		DIEUTRA_NOW=2026-11-23T10:00:00Z dieutra -C a add - >/dev/null 2>&1 &&
	dieutra -C a sync >out &&
	test "$(cat out)" = "sent 0 new, 1 updated; received 0" &&
	git -C district.git log -1 --format=%s communes/04630 >subject &&
	test "$(cat subject)" = "04630 Xã Tú Lệ: 1 updated household" &&
	git -C district.git log --format=%s communes/04630 \
		-- communes/04630/A/04630-A-0002.yaml >hist &&
	test "$(wc -l <hist)" = 2 &&
	git -C district.git show communes/04630:communes/04630/A/04630-A-0002.yaml >file &&
	contains file "village: Bản Mường"
'

expect_success 'drafts stay on the laptop' '
	dieutra -C a add "$census/09-draft-interrupted.yaml" >id 2>/dev/null &&
	dieutra -C a sync >out &&
	test "$(cat out)" = "sent 0 new, 0 updated; received 0" &&
	git -C district.git ls-tree -r --name-only communes/04630 >files &&
	lacks files "$(cat id)"
'

expect_success 'a second laptop over file:// receives the commune, sends, and the first receives' '
	dieutra init --commune 04630 --enumerator "$nam" --device B \
		--remote "file://$TEST_DIR/district.git" b >/dev/null &&
	dieutra -C b sync >out &&
	test "$(cat out)" = "sent 0 new, 0 updated; received 3" &&
	dieutra -C b show 04630-A-0002 >shown &&
	contains shown "village: Bản Mường" &&
	dieutra -C b add "$census/06-ban-van-hung.yaml" >/dev/null 2>&1 &&
	dieutra -C b sync >out &&
	test "$(cat out)" = "sent 1 new, 0 updated; received 0" &&
	dieutra -C a sync >out &&
	test "$(cat out)" = "sent 0 new, 0 updated; received 1" &&
	dieutra -C a show 04630-B-0001 >shown &&
	contains shown "enumerator: $nam" &&
	git -C district.git log --format="%an|%s" -1 communes/04630 >log &&
	test "$(cat log)" = "Hà Văn Nam|04630 Xã Tú Lệ: 1 new household" &&
	git -C district.git fsck --strict
'

expect_success 'a sync whose push failed is finished by the next one' '
	dieutra -C a add "$census/07-nguyen-van-minh.yaml" >id 2>/dev/null &&
	mv district.git away.git &&
	expect_code 3 dieutra -C a sync 2>err &&
	mv away.git district.git &&
	git -C a/repo.git log -1 --format=%an communes/04630 >local &&
	test "$(cat local)" = "Lò Thị Hoa" &&
	git -C a/repo.git ls-tree -r --name-only communes/04630 >files &&
	contains files "communes/04630/A/$(cat id).yaml" &&
	test -z "$(git -C district.git ls-tree -r --name-only communes/04630 | grep "$(cat id)")" &&
	dieutra -C a sync >out &&
	test "$(cat out)" = "sent 1 new, 0 updated; received 0" &&
	git -C district.git ls-tree -r --name-only communes/04630 >files &&
	contains files "communes/04630/A/$(cat id).yaml" &&
	git -C district.git log --format=%s communes/04630 >log &&
	test "$(grep -c "1 new household" log)" = 2
'

expect_success 'an offline workspace syncs once given --remote, and remembers it' '
	dieutra init --commune 04633 --enumerator "$hoa" --device A --schema "$form" c \
		>/dev/null &&
	sed "s/04630/04633/g" "$census/01-lo-van-pang.yaml" >r.yaml &&
	dieutra -C c add r.yaml >/dev/null 2>&1 &&
	expect_code 2 dieutra -C c sync 2>err &&
	contains err "--remote" &&
	dieutra -C c sync --quiet --remote district.git >out &&
	test ! -s out &&
	git -C district.git ls-tree -r --name-only communes/04633 >files &&
	contains files communes/04633/A/04633-A-0001.yaml &&
	dieutra -C c sync >out &&
	test "$(cat out)" = "sent 0 new, 0 updated; received 0"
'

done_testing
