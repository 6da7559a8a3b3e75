#!/bin/sh
# The binary under valgrind (memcheck), for `make valgrind`: the shell
# tests call this script as $DIEUTRA.  An error, or memory definitely
# lost, makes the command exit 99, which the test then reports.
exec valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite --track-origins=yes --child-silent-after-fork=yes \
	--suppressions="$SRC/tests/valgrind.supp" "$VALGRIND_DIEUTRA" "$@"
