#!/bin/sh
# The command line's outer shape: help, version, exit statuses (DESIGN.md §1).
. "$SRC/tests/lib.sh"

expect_success 'dieutra --help lists every command' '
	dieutra --help >out &&
	for c in init add list show check-schema; do contains out "  $c "; done
'

expect_success 'every command has --help, exiting 0' '
	for c in init add list show check-schema; do
		dieutra $c --help >out && contains out "dieutra $c"
	done
'

expect_success 'an unknown command is a usage error (2)' '
	expect_code 2 dieutra frobnicate 2>err &&
	contains err "not a command"
'

expect_success 'an unknown global option is a usage error (2)' '
	expect_code 2 dieutra --frob 2>err &&
	contains err "unknown option"
'

expect_success 'an unknown command option is a usage error (2) with the usage line' '
	expect_code 2 dieutra list --frob 2>err &&
	contains err "usage: dieutra list"
'

expect_success 'outside a workspace a command is an environment failure (3) that says what to do' '
	mkdir empty &&
	expect_code 3 dieutra -C empty list 2>err &&
	contains err "empty: not a dieutra workspace: run \`dieutra init\`"
'

expect_success 'dieutra --version' '
	dieutra --version >out && contains out "dieutra "
'

done_testing
