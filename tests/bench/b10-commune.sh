#!/bin/sh
# A commune of 10,000 households on one laptop: saving one answer, the
# first sync, a sync of 100 changed households against the git CLI doing
# the same (issue #4: under 0.5 s, at least 5 times faster), and the
# report and the CSV export (the district's target, 3 s, is used).
. "$SRC/tests/bench/lib.sh"

code=15877 # Xã Hoằng Xuân, Huyện Hoằng Hóa, Thanh Hóa
if [ -n "$QUICK" ]; then households=1000 saves=50; else households=10000 saves=400; fi

say "generating a commune of $households households"
district_repo
commune $code w "$households" 1

say "saving one answer, $saves times"
timed save_draft "$BENCH_BIN/bench_save" w "$saves" 1 draft
timed save_complete "$BENCH_BIN/bench_save" w "$saves" 2 complete
read -r p50 p99 <save_draft.out
# No issue sets a target: ours is no pause a person notices when leaving a field.
figure "save one answer, draft (app): p50" "$p50" ms "<" 50 "(ours)"
figure "save one answer, draft (app): p99" "$p99" ms "<" 50 "(ours)"
read -r p50 p99 <save_complete.out
figure "save one answer, complete (add): p50" "$p50" ms "<" 50 "(ours)"
figure "save one answer, complete (add): p99" "$p99" ms "<" 50 "(ours)"

# The first sync sends every household; each run starts again from copies.
first_runs=3
[ -z "$QUICK" ] || first_runs=1
cp -a w w0
cp -a district.git district0.git
i=0
while [ $i -lt "$first_runs" ]; do
	say "first sync of $households households, run $((i + 1))/$first_runs"
	rm -rf w district.git
	cp -a w0 w
	cp -a district0.git district.git
	timed first_sync "$DIEUTRA" -C w sync
	i=$((i + 1))
done
rm -rf w0 district0.git
seconds "commune first sync ($households households)" first_sync "<" 60 "(ours)"

# The git CLI's side: a clone of the same history pushing to its own copy
# of the district repository.
git clone -q --bare district.git cli.git
git clone -q -b communes/$code cli.git cli
i=0
while [ $i -lt "$RUNS" ]; do
	say "100 changed households: dieutra sync and git CLI, run $((i + 1))/$RUNS"
	rm -rf changed
	"$BENCH_BIN/gen" change w 100 $((i + 100)) changed >/dev/null
	timed sync_100 "$DIEUTRA" -C w sync
	timed git_100 sh -c "cp changed/*.yaml cli/communes/$code/A/ && cd cli &&
		git add -A && git commit -q -m '100 updated households' &&
		git push -q origin communes/$code"
	i=$((i + 1))
done
seconds "incremental sync, 100 of $households households" sync_100 "<" 0.5
seconds "git CLI: write 100 files, add -A, commit, push" git_100 -
figure "git CLI time / dieutra sync time (100 households)" "$(paste sync_100.t git_100.t |
	awk '{ printf "%.2f\n", $2 / $1 }' >ratio && median ratio)" "×" ">=" 5

reports w "a commune of $households households"
