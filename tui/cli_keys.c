/*
 * cli_keys.c - the district's private keys on the command line: `--key
 * FILE` options, and the passphrase that unlocks them, asked on the
 * terminal with echo off (or DIEUTRA_PASSPHRASE for scripts), never taken
 * from the command line, where other users and the shell history see it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "seal.h"

#define PASSPHRASE_MAX 1024

/* Reads one line from the terminal fd with echo off into buf; false when it cannot. */
static bool read_hidden(int fd, const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	size_t n = 0;
	bool ok = true;
	char c;

	if (tcgetattr(fd, &old))
		return false;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSAFLUSH, &quiet))
		return false;
	if (write(fd, prompt, strlen(prompt)) < 0)
		ok = false;
	while (ok) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (n + 1 < size)
			buf[n++] = c;
	}
	buf[n] = '\0';
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0)
		ok = false;
	return ok;
}

int cli_passphrase(struct cli *cli, const char *prompt, bool confirm, char **out)
{
	const char *env = getenv("DIEUTRA_PASSPHRASE");
	char *a = NULL, *b = NULL;
	int fd = -1, ret;

	*out = NULL;
	if (env) {
		*out = xstrdup(env);
		return 0;
	}
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = error_add(&cli->err, ERR_USAGE, "%s: no terminal to ask the passphrase on: "
				"run it on a terminal, or give it in DIEUTRA_PASSPHRASE (never on "
				"the command line)", cli->name);
		goto out;
	}
	a = sodium_malloc(PASSPHRASE_MAX);
	b = sodium_malloc(PASSPHRASE_MAX);
	if (!a || !b)
		die("out of memory (passphrase)");
	if (!read_hidden(fd, prompt, a, PASSPHRASE_MAX) ||
	    (confirm && !read_hidden(fd, "Again, to be sure: ", b, PASSPHRASE_MAX))) {
		ret = error_add(&cli->err, ERR_ENV, "%s: cannot read the passphrase from the "
				"terminal", cli->name);
		goto out;
	}
	if (confirm && strcmp(a, b)) {
		ret = error_add(&cli->err, ERR_USAGE, "%s: the two passphrases differ: nothing "
				"was done", cli->name);
		goto out;
	}
	*out = xstrdup(a);
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	sodium_free(a);
	sodium_free(b);
	return ret;
}

void cli_passphrase_free(char *p)
{
	if (!p)
		return;
	sodium_memzero(p, strlen(p));
	free(p);
}

int cli_keyring(struct cli *cli, char *const *files, size_t n, struct seal_keyring *ring)
{
	struct seal_key k;
	char *prompt, *pass = NULL;
	size_t i;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		prompt = xasprintf("Passphrase of %s: ", files[i]);
		ret = cli_passphrase(cli, prompt, false, &pass);
		free(prompt);
		if (!ret)
			ret = seal_key_load(files[i], pass, &k, &cli->err);
		if (!ret)
			seal_keyring_add(ring, &k);
		seal_key_wipe(&k);
		cli_passphrase_free(pass);
		pass = NULL;
	}
	return ret;
}
