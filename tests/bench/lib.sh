# lib.sh - what the benchmark scripts (tests/bench/bNN-*.sh) share.
#
# A script sources this file, builds what it measures in its own scratch
# directory (the current directory, removed at exit), times commands with
# `timed` and prints one TSV line per figure with `figure`:
#   measure <TAB> value <TAB> unit <TAB> target <TAB> ok|MISS
# Progress goes to stderr.  run.sh (`make bench`) collects the lines into
# BENCHMARKS.md.  With QUICK=1 every script keeps to a few seconds.
#
# Set by run.sh: DIEUTRA (the binary), BENCH_BIN (the programs built from
# tests/bench/*.c), SRC (the source tree), QUICK.

set -eu
: "${DIEUTRA:?run the benchmarks through make bench}"
: "${BENCH_BIN:?run the benchmarks through make bench}"
: "${SRC:?run the benchmarks through make bench}"
QUICK=${QUICK:-}

# The census form asks for visit dates up to today: a fixed clock keeps the
# generated data valid and the same from one run to the next.
DIEUTRA_NOW=2026-11-23T09:00:00Z
TZ=UTC
LC_ALL=C.UTF-8
GIT_AUTHOR_NAME="Lê Thị Hoa"
GIT_AUTHOR_EMAIL=hoa@example.vn
GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME
GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
export DIEUTRA_NOW TZ LC_ALL GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME \
	GIT_COMMITTER_EMAIL

# Timed commands are run this many times and their median is reported.
if [ -n "$QUICK" ]; then RUNS=${RUNS:-3}; else RUNS=${RUNS:-5}; fi

BENCH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dieutra-bench.XXXXXX")
trap 'rm -rf "$BENCH_DIR"' EXIT
cd "$BENCH_DIR"

say() {
	echo "${0##*/}: $*" >&2
}

dieutra() {
	"$DIEUTRA" "$@"
}

# Generation is not what is measured: it runs without fsync (eatmydata),
# through the same code otherwise.  Every timed command runs without it.
fast() {
	if command -v eatmydata >/dev/null; then eatmydata "$@"; else "$@"; fi
}

# The district's repository, district.git, with the census form.
district_repo() {
	dieutra district init --schema "$SRC/schemas/child-census.yaml" district.git >/dev/null
	# Sensitive answers are sent only sealed to a district key: the cost of sealing is measured too.
	DIEUTRA_PASSPHRASE="district passphrase" dieutra district keygen --key district.key \
		district.git >/dev/null
}

# commune CODE DIR COUNT SEED [sync]: a workspace of commune CODE (laptop A)
# with COUNT generated households, synced with district.git if asked.
commune() {
	dieutra init --commune "$1" --enumerator "Lê Thị Hoa <hoa@example.vn>" --device A \
		--remote "$BENCH_DIR/district.git" "$2" >/dev/null
	fast "$BENCH_BIN/gen" fill "$2" "$3" "$4"
	if [ "${5:-}" = sync ]; then fast "$BENCH_BIN/gen" sync "$2" >/dev/null; fi
}

# timed NAME COMMAND...: runs COMMAND (its output to NAME.out), adds its
# wall time in seconds to NAME.t, its CPU time (user + system, children
# included) to NAME.cpu and its peak RSS in KiB to NAME.rss.  A failing
# command stops the script.
timed() {
	name=$1
	shift
	t0=$(date +%s%N)
	if ! /usr/bin/time -f "%M %U %S" -o "$BENCH_DIR/.time" "$@" >"$BENCH_DIR/$name.out" \
		2>"$BENCH_DIR/$name.err"; then
		say "failed: $*"
		cat "$BENCH_DIR/$name.err" >&2
		exit 1
	fi
	t1=$(date +%s%N)
	echo "$t0 $t1" | awk '{ printf "%.6f\n", ($2 - $1) / 1e9 }' >>"$BENCH_DIR/$name.t"
	tail -n 1 "$BENCH_DIR/.time" | awk '{ print $2 + $3 >>"'"$BENCH_DIR/$name.cpu"'"
		print $1 >>"'"$BENCH_DIR/$name.rss"'" }'
}

# median FILE: the median of the numbers in FILE, one a line.
median() {
	sort -g "$1" | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# figure MEASURE VALUE UNIT OP LIMIT [NOTE]: one result line; OP is < > <= >=
# against LIMIT, or - for a figure given for comparison only.  NOTE follows
# the target, e.g. "(ours)" for a target the issues do not set.
figure() {
	if [ "$4" = - ]; then
		printf '%s\t%s\t%s\t-\tok\n' "$1" "$2" "$3"
		return
	fi
	ok=$(awk -v v="$2" -v op="$4" -v l="$5" 'BEGIN {
		r = op == "<" ? v < l : op == ">" ? v > l : op == "<=" ? v <= l : v >= l
		print r ? "ok" : "MISS" }')
	printf '%s\t%s\t%s\t%s %s %s%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$3" "${6:+ $6}" "$ok"
}

# seconds MEASURE NAME OP LIMIT [NOTE [RSS_LIMIT_MIB]]: the median wall
# time of NAME in seconds (what the target is about), its median CPU time
# (for comparison: on a loaded machine the wall time is mostly waiting for
# a core), and its largest peak RSS in MiB.  The issues set no memory
# target: ours is 512 MiB unless given, as the communes' old laptops have
# 2 to 4 GB.
seconds() {
	figure "$1" "$(median "$BENCH_DIR/$2.t" | awk '{ printf "%.3f", $1 }')" s "$3" "${4:-}" \
		"${5:-}"
	figure "$1: CPU time" "$(median "$BENCH_DIR/$2.cpu" | awk '{ printf "%.2f", $1 }')" s -
	figure "$1: peak RSS" "$(sort -n "$BENCH_DIR/$2.rss" | tail -n 1 |
		awk '{ printf "%.0f", $1 / 1024 }')" MiB "<" "${6:-512}" "(ours)"
}

# reports WORKSPACE LABEL [LIMIT [NOTE]]: `report` and the CSV export over
# WORKSPACE (issue #5: under 3 s for a district; LIMIT seconds if given),
# each beside sqlite3 doing the same from the tables of `export --format
# sqlite`: report.sql, and a CSV dump.
reports() {
	dieutra -C "$1" export --format sqlite --sensitive --out tables >/dev/null
	i=0
	while [ $i -lt "$RUNS" ]; do
		say "report and export over $2, run $((i + 1))/$RUNS"
		timed report "$DIEUTRA" -C "$1" report
		timed sql_report sqlite3 tables/census.sqlite ".read $SRC/tests/bench/report.sql"
		rm -rf csv
		timed export "$DIEUTRA" -C "$1" export --out csv
		timed sql_export sh -c "sqlite3 -csv -header tables/census.sqlite \
			'SELECT * FROM households' >households.csv &&
			sqlite3 -csv -header tables/census.sqlite 'SELECT * FROM children' >children.csv"
		i=$((i + 1))
	done
	seconds "report over $2" report "<" "${3:-3}" "${4:-}"
	seconds "sqlite3: the report's SQL over the exported tables" sql_report -
	figure "report time / sqlite3 time" "$(paste report.t sql_report.t |
		awk '{ printf "%.2f\n", $1 / $2 }' >ratio && median ratio)" "×" -
	seconds "CSV export over $2" export "<" "${3:-3}" "${4:-}"
	seconds "sqlite3: CSV of the exported tables" sql_export -
	figure "CSV export time / sqlite3 time" "$(paste export.t sql_export.t |
		awk '{ printf "%.2f\n", $1 / $2 }' >ratio && median ratio)" "×" -
}

# districts LABEL COMMUNES HOUSEHOLDS FIRST REMERGE REPORT [NOTE]: a
# district workspace over the communes whose codes are in the file
# COMMUNES, each with HOUSEHOLDS households entered and synced by its own
# laptop; times its first `district merge` (target FIRST seconds), a merge
# after 1% of the households changed (target REMERGE), then the report and
# the export (target REPORT).  NOTE follows each target.
districts() {
	if ! dieutra district --help 2>&1 | grep -q "district merge"; then
		printf '%s: district merge\tnot measured: this build has no district merge' "$1"
		printf '\t\t< %s s\tMISS\n' "$4"
		households=$(($(wc -l <"$2") * $3))
		say "no district merge: the report over $households households in one workspace"
		district_repo
		commune "$(head -n 1 "$2")" all "$households" 1
		reports all "$households households in one workspace" "$6" "${7:-}"
		return
	fi
	district_repo
	n=0
	for code in $(cat "$2"); do
		n=$((n + 1))
		# Two communes at a time: the machine has two cores.
		{ commune "$code" "c$code" "$3" "$n" sync && touch "c$code.ok"; } &
		[ $((n % 2)) != 0 ] || wait
	done
	wait
	[ "$(ls ./*.ok | wc -l)" = "$n" ] || { say "a commune was not generated"; exit 1; }
	dieutra district clone --enumerator "Đặng Văn Bình <binh@example.vn>" district.git dist \
		>/dev/null
	say "first merge of $n communes"
	timed merge "$DIEUTRA" -C dist district merge
	seconds "$1: first district merge (one run)" merge "<" "$4" "${7:-}" 2048
	changed=$(($3 / 100))
	[ "$changed" -gt 0 ] || changed=1
	i=0
	while [ $i -lt "$RUNS" ]; do
		say "$changed households changed in each commune, merge again, run $((i + 1))/$RUNS"
		for code in $(cat "$2"); do
			rm -rf changed
			"$BENCH_BIN/gen" change "c$code" "$changed" $((i + 1000)) changed >/dev/null
			fast "$BENCH_BIN/gen" sync "c$code" >/dev/null
		done
		timed remerge "$DIEUTRA" -C dist district merge
		i=$((i + 1))
	done
	seconds "$1: district merge with 1% changed" remerge "<" "$5" "${7:-}" 2048
	reports dist "$1" "$6" "${7:-}"
}
