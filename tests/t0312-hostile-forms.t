#!/bin/sh
# Hostile forms: nesting, huge lists, expressions nested 10,000 deep,
# cycles, huge strings, YAML alias bombs.  Each gets a clear
# file:line:col message and exit 1, within bounded time and memory.
. "$SRC/tests/lib.sh"

# bounded CMD...: CMD within a time and a memory limit.  ASan reserves
# terabytes of address space, so under it its own limit on resident memory
# stands in for ulimit -v.
bounded() {
	if grep -q __asan_init "$DIEUTRA"; then
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:hard_rss_limit_mb=400" timeout 120 "$@"
	else
		(ulimit -v 400000 && timeout 30 "$@")
	fi
}

top() {
	printf 'form: hostile\nversion: "1"\ntitle: Hostile\nlanguages: [en]\n'
}

# nested TYPE N: N groups or repeats, each inside the one before.
nested() {
	top
	echo "fields:"
	awk -v t="$1" -v n="$2" 'BEGIN {
		for (i = 0; i < n; i++) {
			ind = sprintf("%*s", 4 * i, "")
			printf "%s- name: g%d\n%s  type: %s\n%s  label: G\n%s  fields:\n",
				ind, i, ind, t, ind, ind
		}
		printf "%s- {name: x, type: integer, label: X}\n", sprintf("%*s", 4 * n, "")
	}'
}

# calc OPEN ATOM CLOSE N: a calculation of OPEN repeated N times, ATOM, CLOSE N times.
calc() {
	top
	printf 'fields:\n  - {name: a, type: integer, label: A}\n'
	awk -v o="$1" -v a="$2" -v c="$3" -v n="$4" 'BEGIN {
		printf "  - {name: c, type: calculate, calculation: \""
		for (i = 0; i < n; i++) printf "%s", o
		printf "%s", a
		for (i = 0; i < n; i++) printf "%s", c
		print "\"}"
	}'
}

# calcs N EXPR: calculations c0 to cN-1, each of EXPR with %d standing for i.
calcs() {
	top
	printf 'fields:\n  - {name: a, type: integer, label: A}\n'
	awk -v n="$1" -v e="$2" 'BEGIN {
		for (i = 0; i < n; i++) {
			x = e
			gsub(/%d/, i ? i - 1 : n - 1, x)
			gsub(/%n/, (i + 1) % n, x)
			printf "  - {name: c%d, type: calculate, calculation: \"%s\"}\n", i, x
		}
	}'
}

# refused FILE MESSAGE [WHERE]: check-schema refuses FILE, within bounds,
# with a message about WHERE (default FILE) containing MESSAGE.
refused() {
	expect_code 1 bounded "$DIEUTRA" check-schema "$1" >out 2>err &&
	grep -F -- "${3:-$1}:" err | grep -qF -- "$2" || {
		echo "no '${3:-$1}: ... $2' in:" >&2
		head -c 2000 err >&2
		return 1
	}
}

expect_success 'groups nested 40 deep' '
	nested group 40 >f.yaml && refused f.yaml "nested too deep"
'

expect_success 'repeats nested 40 deep' '
	nested repeat 40 >f.yaml && refused f.yaml "nested too deep"
'

expect_success 'groups nested 5,000 deep in YAML flow style' '
	{ top && printf "fields: " && awk "BEGIN {
		for (i = 0; i < 5000; i++) printf \"[{name: g%d, type: group, label: G, fields: \", i
		printf \"[{name: x, type: integer, label: X}]\"
		for (i = 0; i < 5000; i++) printf \"}]\"
		print \"\" }"; } >f.yaml &&
	refused f.yaml "nested too deep"
'

expect_success 'a choice list of 300,000 items in the form' '
	{ top && printf "choices:\n  big:\n" &&
	  awk "BEGIN { for (i = 0; i < 300000; i++) printf \"    - {value: v%d, label: L%d}\n\", i, i }" &&
	  printf "fields:\n  - {name: s, type: select_one big, label: S}\n"; } >f.yaml &&
	refused f.yaml "too large"
'

expect_success 'a choice list of 300,000 rows in a TSV file' '
	{ printf "value\tlabel\n" &&
	  awk "BEGIN { for (i = 0; i < 300000; i++) printf \"v%d\tL%d\n\", i, i }"; } >big.tsv &&
	{ top && printf "choices:\n  big: {file: big.tsv, value: value, label: label}\n" &&
	  printf "fields:\n  - {name: s, type: select_one big, label: S}\n"; } >f.yaml &&
	refused f.yaml "more than 200000 choices" big.tsv
'

expect_success 'an expression in 10,000 parentheses' '
	calc "(" "\${a}" ")" 10000 >f.yaml && refused f.yaml "nested too deeply"
'

expect_success 'an expression of 10,000 nested function calls' '
	calc "int(" "\${a}" ")" 10000 >f.yaml && refused f.yaml "nested too deeply"
'

expect_success 'an expression of 10,000 signs' '
	calc "-" "\${a}" "" 10000 >f.yaml && refused f.yaml "nested too deeply"
'

expect_success 'an expression of 10,000 additions' '
	calc "" "\${a}" " + 1" 10000 >f.yaml && refused f.yaml "too long"
'

expect_success 'calculations in a cycle of 3, and of 5,000' '
	calcs 3 "\${c%n} + 1" >f.yaml &&
	refused f.yaml "cycle: c0 -> c1 -> c2 -> c0" &&
	calcs 5000 "\${c%n} + 1" >f.yaml &&
	refused f.yaml "cycle: c0 -> c1 -> c2"
'

expect_success 'relevant conditions in a cycle' '
	{ top && echo "fields:" &&
	  echo "  - {name: a, type: integer, label: A, relevant: \"\${b} > 1\"}" &&
	  echo "  - {name: b, type: integer, label: B, relevant: \"\${a} > 1\"}"; } >f.yaml &&
	refused f.yaml "cycle: a -> b -> a"
'

expect_success 'a label of 10 MB' '
	{ top && printf "fields:\n  - {name: a, type: text, label: \"" &&
	  awk "BEGIN { for (i = 0; i < 100000; i++) printf \"%0100d\", 0 }" && echo "\"}"; } >f.yaml &&
	refused f.yaml "too large"
'

expect_success 'a name of 100,000 characters, which no record could hold' '
	{ top && printf "fields:\n  - {name: a" &&
	  awk "BEGIN { for (i = 0; i < 100000; i++) printf \"b\" }" &&
	  echo ", type: text, label: A}"; } >f.yaml &&
	refused f.yaml "longer than 128 characters"
'

expect_success 'a YAML alias bomb (a billion laughs)' '
	{ top && echo "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]" &&
	  awk "BEGIN { for (i = 1; i < 30; i++)
		printf \"x%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n\",
			i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1 }" &&
	  printf "fields:\n  - {name: a, type: integer, label: A}\n"; } >f.yaml &&
	refused f.yaml "anchors and aliases are not allowed"
'

expect_success '20,000 fields' '
	{ top && echo "fields:" &&
	  awk "BEGIN { for (i = 0; i < 20000; i++) printf \"  - {name: f%d, type: integer, label: F}\n\", i }"
	} >f.yaml &&
	refused f.yaml "more than 10000 fields"
'

expect_success 'calculations that double 60 times are computed once each' '
	calcs 60 "\${c%d} + \${c%d}" | sed "s/name: c0, type: calculate.*/name: c0, type: integer, label: C}/; /name: a,/d" >f.yaml &&
	dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" --device A \
		--schema f.yaml ws >/dev/null &&
	printf "data:\n  c0: 1\n" >r.yaml &&
	bounded "$DIEUTRA" -C ws add r.yaml >/dev/null 2>&1 &&
	dieutra -C ws show 04630-A-0001 >rec &&
	contains rec "c59: 576460752303423500"
'

done_testing
