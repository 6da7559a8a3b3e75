#!/bin/sh
# A province of 250,000 households (Thanh Hóa's 549 communes, 455 each),
# merged in one workspace as a district is: merge, report and CSV export.
# The issues set targets for a district only; the province gets the same
# ones scaled by its size (2.8 times a district).  Full runs only.
. "$SRC/tests/bench/lib.sh"

[ -z "$QUICK" ] || exit 0
awk -F'\t' 'NR > 1 && $1 == "38" { print $5 }' "$SRC/schemas/admin-units.tsv" >communes
per=$((250000 / $(wc -l <communes)))
say "a province of $(wc -l <communes) communes of $per households"
districts "province, $(wc -l <communes) × $per households" communes "$per" 84 6 8.4 \
	"(ours: the district's × 2.8)"
