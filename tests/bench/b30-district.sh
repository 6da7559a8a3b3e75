#!/bin/sh
# A district of 30 communes of 3,000 households, each from its own laptop:
# the first merge (issue #5: under 30 s), a merge with 1% changed (under
# 2 s), the report and the CSV export over the district (under 3 s).
. "$SRC/tests/bench/lib.sh"

# Huyện Hoằng Hóa, Thanh Hóa: its first 30 communes.
awk -F'\t' '$3 == "399" { print $5 }' "$SRC/schemas/admin-units.tsv" | head -n 30 >communes
if [ -n "$QUICK" ]; then
	head -n 6 communes >some && mv some communes
	per=100
else
	per=3000
	# Each run changes and syncs 1% of 90,000 households first: three runs.
	RUNS=3
fi
say "a district of $(wc -l <communes) communes of $per households"
districts "district, $(wc -l <communes) × $per households" communes "$per" 30 2 3
