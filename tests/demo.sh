#!/bin/sh
# make run: a demo workspace for commune 04630 (Xã Tú Lệ) with a few
# households, made once through the real commands, then opened.
set -e
bin=$1
dir=$2
src=$(cd "$(dirname "$0")/.." && pwd)

if [ ! -f "$dir/dieutra.db" ]; then
	"$bin" init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
		--device A --schema "$src/tests/forms/demo/household.yaml" "$dir"
	"$bin" -C "$dir" add "$src"/tests/forms/demo/records/*.yaml >/dev/null
fi
# Without a terminal (a script, CI) show the records; with one, open the app.
if [ ! -t 0 ] || [ ! -t 1 ]; then
	echo "Demo workspace: $dir"
	"$bin" -C "$dir" list
	exit 0
fi
exec "$bin" -C "$dir"
