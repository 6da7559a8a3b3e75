#!/bin/sh
# make run: a demo of commune 04630 (Xã Tú Lệ), made once through the real
# commands: DIR/district.git, the district's repository, and DIR/tule, the
# workspace of collaborator Lò Thị Hoa's laptop A, with three households
# already entered and synced.  Then the app opens on the workspace.
set -e
bin=$1
dir=$2
src=$(cd "$(dirname "$0")/.." && pwd)
ws=$dir/tule

if [ ! -f "$ws/dieutra.db" ]; then
	mkdir -p "$dir"
	"$bin" district init --schema "$src/tests/forms/demo/household.yaml" "$dir/district.git"
	"$bin" init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
		--device A --remote "$dir/district.git" "$ws"
	"$bin" -C "$ws" add "$src"/tests/forms/demo/records/*.yaml >/dev/null
	"$bin" -C "$ws" sync
fi
# Without a terminal (a script, CI) show the records; with one, open the app.
if [ ! -t 0 ] || [ ! -t 1 ]; then
	echo "Demo workspace: $ws (district repository: $dir/district.git)"
	"$bin" -C "$ws" list
	exit 0
fi
exec "$bin" -C "$ws"
