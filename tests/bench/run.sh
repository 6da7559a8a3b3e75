#!/bin/sh
# run.sh - `make bench`: runs every tests/bench/bNN-*.sh in order, shows
# their figures as they come and writes tests/bench/BENCHMARKS.md: the
# machine, the figures beside their targets, and the misses in plain words.
#
# Each script prints TSV lines: measure, value, unit, target, ok|MISS.
# QUICK=1 runs smaller data sets (the whole run under two minutes).
set -u
: "${DIEUTRA:?run the benchmarks through make bench}"
: "${SRC:?run the benchmarks through make bench}"
QUICK=${QUICK:-}
export QUICK

out=$SRC/tests/bench/BENCHMARKS.md
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dieutra-bench-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failed=
start=$(date +%s)
load_start=$(cut -d' ' -f1 /proc/loadavg)

for script in "$SRC"/tests/bench/b[0-9]*.sh; do
	[ -e "$script" ] || continue
	name=${script##*/}
	name=${name%.sh}
	echo "== $name" >&2
	{ sh "$script"; echo $? >"$tmp/rc"; } | tee "$tmp/$name.tsv"
	rc=$(cat "$tmp/rc")
	if [ "$rc" != 0 ]; then
		failed="$failed $name"
		printf '%s\tdid not finish (exit %s)\t\tto finish\tMISS\n' "$name" "$rc" \
			>>"$tmp/$name.tsv"
	fi
done
cat "$tmp"/b[0-9]*.tsv >"$tmp/all" 2>/dev/null || : >"$tmp/all"
elapsed=$(($(date +%s) - start))
load_end=$(cut -d' ' -f1 /proc/loadavg)

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
os="$(. /etc/os-release && echo "$PRETTY_NAME"), Linux $(uname -r)"
fs=$(df -T "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $2 }')

{
	echo "# Benchmarks"
	echo
	echo "Written by \`make bench${QUICK:+ QUICK=1}\` (tests/bench/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "in ${elapsed} s. Each figure is the median of several runs (run counts in"
	echo "tests/bench/lib.sh); the data are generated through the program's own code"
	echo "(tests/bench/gen.c: workspace_save and sync_run), the same for every run."
	echo
	echo "## Machine"
	echo
	echo "- CPU: $cpu, $(nproc) cores, shared with other work while measuring: load average"
	echo "  $load_start at the start, $load_end at the end (wall times include waiting for a"
	echo "  core; the CPU times beside them do not)"
	echo "- RAM: $ram; scratch file system: $fs"
	echo "- OS: $os"
	echo "- compiler: $(${CC:-cc} --version | head -n 1)"
	echo "- libgit2 $(pkg-config --modversion libgit2), SQLite $(pkg-config --modversion sqlite3)," \
		"$(git --version), sqlite3 CLI $(sqlite3 --version | cut -d' ' -f1)"
	echo
	echo "## Figures"
	echo
	echo "| measure | figure | target | met? |"
	echo "| --- | --- | --- | --- |"
	awk -F'\t' '{ printf "| %s | %s %s | %s | %s |\n", $1, $2, $3, $4,
		$4 == "-" ? "-" : $5 == "ok" ? "yes" : "**no**" }' "$tmp/all"
	echo
	echo "## Misses"
	echo
	if grep -q '	MISS$' "$tmp/all"; then
		awk -F'\t' '$5 == "MISS" { printf "%s%s: %s%s%s (target %s)", n++ ? "; " : "",
			$1, $2, $3 == "" ? "" : " ", $3, $4 } END { print "." }' "$tmp/all"
	else
		echo "None: every figure meets its target."
	fi
	if [ -f "$SRC/tests/bench/profiles.md" ]; then
		echo
		cat "$SRC/tests/bench/profiles.md"
	fi
} >"$tmp/md"
mv "$tmp/md" "$out"
echo "wrote $out" >&2
if [ -n "$failed" ]; then
	echo "run.sh: did not finish:$failed" >&2
	exit 1
fi
