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
# wall time in seconds to NAME.t and its peak RSS in KiB to NAME.rss.  A
# failing command stops the script.
timed() {
	name=$1
	shift
	t0=$(date +%s%N)
	if ! /usr/bin/time -f %M -o "$BENCH_DIR/.rss" "$@" >"$BENCH_DIR/$name.out" \
		2>"$BENCH_DIR/$name.err"; then
		say "failed: $*"
		cat "$BENCH_DIR/$name.err" >&2
		exit 1
	fi
	t1=$(date +%s%N)
	echo "$t0 $t1" | awk '{ printf "%.6f\n", ($2 - $1) / 1e9 }' >>"$BENCH_DIR/$name.t"
	tail -n 1 "$BENCH_DIR/.rss" >>"$BENCH_DIR/$name.rss"
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

# seconds MEASURE NAME OP LIMIT [NOTE [RSS_LIMIT_MIB]]: the median time of
# NAME in seconds, and its largest peak RSS in MiB.  The issues set no
# memory target: ours is 512 MiB unless given, as the communes' old
# laptops have 2 to 4 GB.
seconds() {
	figure "$1" "$(median "$BENCH_DIR/$2.t" | awk '{ printf "%.3f", $1 }')" s "$3" "${4:-}" \
		"${5:-}"
	figure "$1: peak RSS" "$(sort -n "$BENCH_DIR/$2.rss" | tail -n 1 |
		awk '{ printf "%.0f", $1 / 1024 }')" MiB "<" "${6:-512}" "(ours)"
}
