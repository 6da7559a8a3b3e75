#!/bin/sh
# dieutra init: a commune workspace with its own copy of the form.
. "$SRC/tests/lib.sh"

form=$SRC/tests/forms/demo/household.yaml
cascade=$SRC/tests/forms/good/cascade.yaml

expect_success 'init creates the store and copies the form' '
	dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
		--device A --schema "$form" ws >out &&
	test -f ws/dieutra.db &&
	cmp "$form" ws/schema/household.yaml &&
	contains out "commune 04630"
'

expect_success 'the workspace stands alone: the original form can go' '
	cp "$form" moved.yaml &&
	dieutra init --commune 04630 --enumerator "A <a@b.vn>" --device B --schema moved.yaml ws2 &&
	rm moved.yaml &&
	dieutra -C ws2 list
'

expect_success 'choice-list files are copied with the form' '
	dieutra init --commune 04630 --enumerator "A <a@b.vn>" --device A --schema "$cascade" ws3 &&
	cmp "$SRC/tests/forms/good/admin-units.tsv" ws3/schema/admin-units.tsv
'

expect_success 'init refuses an existing workspace (2)' '
	expect_code 2 dieutra init --commune 04630 --enumerator "A <a@b.vn>" \
		--device A --schema "$form" ws 2>err &&
	contains err "already a dieutra workspace"
'

expect_success 'init checks the identity and says how to write it (2)' '
	expect_code 2 dieutra init --commune 4630 --enumerator "Hoa" --device "A B" \
		--schema "$form" bad 2>err &&
	contains err "5-digit GSO code" &&
	contains err "Full Name <email>" &&
	contains err "1 to 8 letters or digits" &&
	test ! -e bad/dieutra.db
'

expect_success 'init requires --schema (2)' '
	expect_code 2 dieutra init --commune 04630 --enumerator "A <a@b.vn>" --device A x 2>err &&
	contains err "--schema FILE is required"
'

expect_success 'init refuses a broken form with file:line:col and creates nothing (1)' '
	printf "form: x\nversion: \"1\"\nfields:\n  - name: a\n    type: txt\n    label: A\n" >broken.yaml &&
	expect_code 1 dieutra init --commune 04630 --enumerator "A <a@b.vn>" --device A \
		--schema broken.yaml ws4 2>err &&
	contains err "broken.yaml:5:11: unknown type" &&
	test ! -e ws4/dieutra.db
'

expect_success 'init -C DIR works like a DIR argument' '
	dieutra -C ws5 init --commune 04630 --enumerator "A <a@b.vn>" --device A --schema "$form" &&
	test -f ws5/dieutra.db
'

done_testing
