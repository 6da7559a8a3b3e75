#!/bin/sh
# dieutra check-schema: every problem of a form, as file:line:col: message.
# The bad forms under tests/forms/bad/ say what they expect in
# `# expect: LINE:COL: message` lines.
. "$SRC/tests/lib.sh"

expect_success 'the good forms and the demo form are clean (0)' '
	dieutra check-schema "$SRC"/tests/forms/good/*.yaml "$SRC"/tests/forms/demo/household.yaml >out 2>err &&
	test ! -s err
'

for f in "$SRC"/tests/forms/bad/*.yaml; do
	name=${f#"$SRC"/}
	expect_success "check-schema reports what $name expects" '
		expect_code 1 dieutra check-schema "$f" 2>err &&
		grep "^# expect: " "$f" | sed "s/^# expect: //" >expected &&
		test -s expected &&
		while IFS= read -r e; do
			pos=${e%%: *} msg=${e#*: }
			# A position in another file (a choice list) names that file.
			case $pos in
			[0-9]*) where=$f:$pos ;;
			*) where=${f%/*}/$pos ;;
			esac
			grep -F -- "$where: " err | grep -qF -- "$msg" ||
				{ echo "missing: $where: $msg"; cat err; exit 1; }
		done <expected &&
		test "$(wc -l <err)" = "$(wc -l <expected)"
	'
done

expect_success 'several files: each reported, exit 1 if any is bad' '
	expect_code 1 dieutra check-schema "$SRC/tests/forms/demo/household.yaml" \
		"$SRC/tests/forms/bad/unknown-type.yaml" 2>err &&
	contains err "unknown-type.yaml:"
'

expect_success 'a missing form file is reported with its name' '
	expect_code 1 dieutra check-schema nosuch.yaml 2>err &&
	contains err "nosuch.yaml: cannot open"
'

done_testing
