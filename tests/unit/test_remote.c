/*
 * test_remote.c - the district repository's URL as messages show it: never
 * a password, and no port or path taken for one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "sync_priv.h"

static void shown(const char *url, const char *want, bool has_password)
{
	char *got = sync_url_shown(url);

	assert_string_equal(got, want);
	assert_int_equal(sync_url_has_password(url), has_password);
	free(got);
}

static void test_password_dropped(void **state)
{
	(void)state;
	shown("https://hoa:s3cret@git.example/district.git", "https://git.example/district.git",
	      true);
	shown("http://hoa:@127.0.0.1:8080/d.git", "http://127.0.0.1:8080/d.git", true);
	shown("ssh://hoa:pw@host:2222/srv/d.git", "ssh://host:2222/srv/d.git", true);
}

static void test_no_password_kept_whole(void **state)
{
	(void)state;
	shown("https://hoa@git.example/district.git", "https://hoa@git.example/district.git",
	      false);
	shown("ssh://census@host:2222/srv/d.git", "ssh://census@host:2222/srv/d.git", false);
	shown("ssh://host:2222/srv/d.git", "ssh://host:2222/srv/d.git", false);
	shown("census@host:srv/d.git", "census@host:srv/d.git", false);
	shown("/media/usb/a:b@c.git", "/media/usb/a:b@c.git", false);
	shown("https://git.example/x:y@z.git", "https://git.example/x:y@z.git", false);
	shown("file:///srv/district.git", "file:///srv/district.git", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_dropped),
		cmocka_unit_test(test_no_password_kept_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
