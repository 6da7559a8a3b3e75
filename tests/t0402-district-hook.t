#!/bin/sh
# dieutra hook install: the district repository's pre-receive hook lets the
# laptops' syncs and the district's merges through (over git daemon, where
# hooks run) and refuses, through `git push`, what district merge refuses,
# pushes to main that are not district merges, other refs and deletions.
. "$SRC/tests/lib.sh"

uses_libgit2

census=$SRC/tests/census
binh="Đặng Văn Bình <binh@example.vn>"
dieutra district init --schema "$SRC/schemas/child-census.yaml" district.git >/dev/null
district_key district.git

start_git_daemon --enable=receive-pack || exit 1
url=git://127.0.0.1:$port/district.git

laptop() {
	code=$1 dev=$2
	shift 2
	dieutra init --commune "$code" --enumerator "Người $dev <$code$dev@example.vn>" \
		--device "$dev" --remote "$url" "w$code$dev" >/dev/null || return 1
	for f in "$@"; do
		sed "s/commune: \"04630\"/commune: \"$code\"/" "$census/$f"-*.yaml |
			dieutra -C "w$code$dev" add - >/dev/null 2>&1 || return 1
	done
	dieutra -C "w$code$dev" sync >/dev/null
}

# attempt CODE MESSAGE COMMANDS: a git CLI checkout of communes/CODE, where
# COMMANDS run, then a commit pushed by git to the local path (hooks run).
attempt() {
	rm -rf t && git clone -q -b "communes/$1" district.git t &&
	(cd t && eval "$3" && git -c advice.addEmbeddedRepo=false add -A &&
	 git -c user.name=Mallory -c user.email=m@example.vn commit -q -m "$2" &&
	 git push origin HEAD) >push.out 2>&1
}

expect_success 'hook install puts a pre-receive hook calling this program' '
	dieutra hook install district.git >out &&
	contains out "pre-receive" &&
	test -x district.git/hooks/pre-receive &&
	contains district.git/hooks/pre-receive "$DIEUTRA" &&
	dieutra hook install district.git >/dev/null &&
	expect_code 2 dieutra hook install nowhere.git 2>err &&
	contains err "bare repository"
'

expect_success 'another pre-receive hook is left alone' '
	git init -q --bare other.git &&
	printf "#!/bin/sh\nexit 0\n" >other.git/hooks/pre-receive &&
	expect_code 2 dieutra hook install other.git 2>err &&
	contains err "a pre-receive hook is there already" &&
	contains other.git/hooks/pre-receive "exit 0"
'

expect_success 'laptops sync through the hook over git daemon' '
	laptop 04630 A 01 02 && laptop 04630 B 03 && laptop 04633 A 06 &&
	git -C district.git rev-parse communes/04630 communes/04633 >/dev/null
'

expect_success 'the district merge is pushed to main through the hook' '
	dieutra district clone --enumerator "$binh" "$url" dist >/dev/null &&
	dieutra -C dist district merge >out &&
	contains out "pushed main" &&
	test "$(git -C district.git rev-parse main)" = "$(git -C dist/repo.git rev-parse main)" &&
	git -C district.git log --first-parent --format=%s main >log &&
	test "$(grep -c "^Merge commune" log)" -eq 2
'

expect_success 'a push changing a file outside the commune folder is refused, changing nothing' '
	git -C district.git rev-parse communes/04630 >before &&
	attempt 04630 "outside" "echo x >>schema/child-census.yaml" || true &&
	contains push.out "changes schema/child-census.yaml, outside communes/04630/" &&
	contains push.out "pre-receive hook declined" &&
	git -C district.git rev-parse communes/04630 | cmp - before
'

expect_success 'git push of what district merge refuses is refused by the hook' '
	main=$(git -C district.git rev-parse main) &&
	! attempt 04630 "bad dob" "sed -i \"s/dob: 2014-05-02/dob: 2026-11-20/\" \
		communes/04630/A/04630-A-0001.yaml" &&
	contains push.out "communes/04630/A/04630-A-0001.yaml:" &&
	contains push.out "children[1].dob:" &&
	! attempt 04633 "link" "ln -s ../../../schema/child-census.yaml \
		communes/04633/A/04633-A-0002.yaml" &&
	contains push.out "is a symbolic link" &&
	! attempt 04633 "big" "head -c 2000000 /dev/zero | tr \"\\\\0\" a \
		>communes/04633/A/04633-A-0002.yaml" &&
	contains push.out "more than the limit of 1048576 bytes" &&
	! attempt 04633 "id" "git mv communes/04633/A/04633-A-0001.yaml \
		communes/04633/A/04633-A-0009.yaml" &&
	contains push.out "should be filed as communes/04633/A/04633-A-0001.yaml" &&
	! attempt 04633 "copy" "git show origin/main:communes/04630/A/04630-A-0001.yaml \
		>communes/04633/A/04630-A-0001.yaml" &&
	contains push.out "id 04630-A-0001 is already the district" &&
	! attempt 04633 "submodule" "git init -q communes/04633/A/sub &&
		git -C communes/04633/A/sub -c user.name=M -c user.email=m@x commit -q \
		--allow-empty -m sub" &&
	contains push.out "is a submodule" &&
	test "$(git -C district.git rev-parse main)" = "$main"
'

expect_success 'main takes only district merges' '
	main=$(git -C district.git rev-parse main) &&
	rm -rf m && git clone -q -b main district.git m && cd m &&
	git -c user.name=M -c user.email=m@x commit -q --allow-empty -m direct &&
	! git push origin main 2>../push.out &&
	contains ../push.out "is not a district merge" &&
	git reset -q --hard origin/main &&
	echo x >>schema/child-census.yaml && git add -A &&
	git -c user.name=M -c user.email=m@x commit -q -m "Merge commune 04630" &&
	tree=$(git rev-parse HEAD^{tree}) &&
	forged=$(printf "Merge commune 04630\n\nCommune: 04630\nCommune-Commit: %s\n" \
		"$(git rev-parse origin/communes/04630)" |
		git -c user.name=M -c user.email=m@x commit-tree "$tree" -p origin/main \
		-p origin/communes/04630) &&
	! git push origin "$forged:refs/heads/main" 2>../push.out &&
	contains ../push.out "changes schema/child-census.yaml, outside communes/04630/" &&
	! git push origin HEAD:refs/heads/other 2>../push.out &&
	contains ../push.out "holds only main and communes/CODE" &&
	! git push origin :refs/heads/communes/04630 2>../push.out &&
	contains ../push.out "never deleted" &&
	cd .. &&
	test "$(git -C district.git rev-parse main)" = "$main" &&
	git -C district.git rev-parse -q --verify refs/heads/other >/dev/null && exit 1;
	git -C district.git rev-parse -q --verify communes/04630 >/dev/null
'

expect_success 'a district merge of a bad branch pushed by git is refused too' '
	main=$(git -C district.git rev-parse main) &&
	rm -rf m && git clone -q district.git m && cd m &&
	git checkout -q -b bad origin/communes/04633 &&
	echo "id: x" >communes/04633/A/04633-A-0005.yaml && git add -A &&
	git -c user.name=M -c user.email=m@x commit -q -m bad &&
	git checkout -q -b main2 origin/main &&
	git -c user.name=M -c user.email=m@x merge -q --no-ff -m "Merge commune 04633

Commune: 04633
Commune-Commit: $(git rev-parse bad)" bad &&
	! git push origin main2:main 2>../push.out &&
	contains ../push.out "communes/04633/A/04633-A-0005.yaml" &&
	cd .. &&
	test "$(git -C district.git rev-parse main)" = "$main"
'

expect_success 'new records still flow through the hook after the refusals' '
	sed "s/commune: \"04630\"/commune: \"04633\"/" "$census/07-nguyen-van-minh.yaml" |
		dieutra -C w04633A add - >/dev/null 2>&1 &&
	dieutra -C w04633A sync >out &&
	contains out "sent 1 new" &&
	dieutra -C dist district merge >out &&
	contains out "merged commune 04633" &&
	git -C district.git fsck --strict
'

done_testing
