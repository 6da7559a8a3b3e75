#!/bin/sh
# Resources: a disk that fills up under add and sync, and a district that
# takes no pushes.  A clear error (exit 3), nothing lost, the database and
# the repository sound, and the next sync after the fix finishes the job.
. "$SRC/tests/lib.sh"

uses_libgit2

census=$SRC/tests/census
dieutra district init --schema "$SRC/schemas/child-census.yaml" district.git >/dev/null
district_key district.git

# The workspace lives on a small filesystem of its own when one can be
# mounted (a 4 MB tmpfs, as root); otherwise a file size limit (in 512-byte
# blocks) stands in for a full disk: with SIGXFSZ ignored, a write past it
# fails with EFBIG.
mkdir disk
if mount -t tmpfs -o size=4m dieutra-test disk 2>/dev/null; then
	at_exit 'umount "$TEST_DIR/disk" 2>/dev/null'
	echo "# a 4 MB tmpfs"
	disk=tmpfs
	tight() {
		fill=$(($(stat -f -c "%a * %S" disk) - $1 * 1024)) &&
		head -c "$fill" /dev/zero >disk/filler 2>/dev/null || true
	}
	room() {
		rm -f disk/filler
	}
	limited() {
		"$@"
	}
else
	echo "# no tmpfs: ulimit -f (SQLite then says only \"disk I/O error\")"
	disk=ulimit
	tight() {
		echo "$1" >limit
	}
	room() {
		rm -f limit
	}
	# The limit would stop the command's output to files as well: it goes
	# out through pipes.
	limited() {
		if [ -f limit ]; then
			{ { (trap "" XFSZ && ulimit -f $(($(cat limit) * 2)) && exec "$@")
			    echo $? >status; } 2>&1 1>&3 | cat >&2; } 3>&1 | cat
			return "$(cat status)"
		else
			"$@"
		fi
	}
fi

intact() {
	test "$(sqlite3 disk/ws/dieutra.db "PRAGMA integrity_check")" = ok &&
	git -C disk/ws/repo.git fsck --strict
}

# household N: a complete household of the census, number N.
household() {
	sed "s/household_no: .*/household_no: \"$1\"/" "$census/01-lo-van-pang.yaml"
}

expect_success 'a workspace on the small disk, with records sent' '
	dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" --device A \
		--remote "$TEST_DIR/district.git" disk/ws >/dev/null &&
	household 1 >h.yaml && dieutra -C disk/ws add h.yaml >/dev/null &&
	dieutra -C disk/ws sync >/dev/null
'

expect_success 'add on a full disk: exit 3, the disk named, nothing stored half' '
	dieutra -C disk/ws list >before &&
	tight 0 &&
	i=0 && while [ $i -lt 30 ]; do
		i=$((i + 1)) && household $((i + 100)) >h.yaml &&
		if ! limited "$DIEUTRA" -C disk/ws add h.yaml >out 2>err; then break; fi
	done &&
	expect_code 3 limited "$DIEUTRA" -C disk/ws add h.yaml 2>err &&
	contains err "dieutra.db: cannot " &&
	if [ "$disk" = tmpfs ]; then
		contains err "the disk is full" &&
		contains err "free some space, then run the command again"
	fi &&
	room &&
	intact &&
	dieutra -C disk/ws add h.yaml >/dev/null &&
	dieutra -C disk/ws list | cut -d" " -f1 >after &&
	for id in $(cut -d" " -f1 before); do grep -qx "$id" after || exit 1; done
'

expect_success 'sync on a full disk: exit 3, nothing lost; with room again it finishes' '
	i=200 && while [ $i -lt 210 ]; do
		i=$((i + 1)) && household $i >h.yaml && dieutra -C disk/ws add h.yaml >/dev/null || exit 1
	done &&
	tight 0 &&
	expect_code 3 limited "$DIEUTRA" -C disk/ws sync >out 2>err &&
	test -s err &&
	room &&
	intact &&
	dieutra -C disk/ws sync >/dev/null &&
	dieutra -C disk/ws list --status complete | cut -d" " -f1 | sort >ids &&
	git -C district.git ls-tree -r --name-only communes/04630 |
		sed -n "s|^communes/04630/A/\(.*\)\.yaml$|\1|p" | sort >files &&
	cmp ids files &&
	git -C district.git fsck --strict
'

# A district that takes no pushes: served by git daemon without receive-pack.
start_git_daemon || exit 1

expect_success 'a read-only district: a clear error, the records kept; the next sync sends them' '
	household 300 >h.yaml && dieutra -C disk/ws add h.yaml >/dev/null &&
	id=$(dieutra -C disk/ws list | cut -d" " -f1 | sort | tail -1) &&
	expect_code 3 dieutra -C disk/ws sync --remote "git://127.0.0.1:$port/district.git" \
		>out 2>err &&
	contains err "cannot send to the district repository" &&
	dieutra -C disk/ws show "$id" >/dev/null &&
	dieutra -C disk/ws sync --remote "$TEST_DIR/district.git" >out &&
	contains out "sent 1 new" &&
	git -C district.git cat-file -e "communes/04630:communes/04630/A/$id.yaml"
'

done_testing
