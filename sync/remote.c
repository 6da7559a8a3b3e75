/*
 * remote.c - what one connection to the district repository needs beyond
 * libgit2's defaults: credentials (http(s) user and password, ssh keys)
 * from the environment or git's credential helper, the server's host key
 * or certificate checked, and messages that say what to do and never show
 * a password.
 */
#include <errno.h>
#include <fcntl.h>
#include <libssh2.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sync_priv.h"
#include "util.h"

/* The key files ssh itself tries, in its order, when DIEUTRA_SSH_KEY is unset. */
static const char *const ssh_default_keys[] = { "id_ed25519", "id_ecdsa", "id_rsa" };

void sync_link_init(struct sync_link *link, const char *url, void *data)
{
	memset(link, 0, sizeof(*link));
	link->url = xstrdup(url);
	link->data = data;
}

static void forget_secret(char **s)
{
	if (*s)
		explicit_bzero(*s, strlen(*s));
	free(*s);
	*s = NULL;
}

/*
 * Runs `git credential ACTION` with input on its standard input; *output
 * (may be NULL) gets what it prints.  Its prompts go to the terminal
 * (/dev/tty), its messages nowhere: ours say what went wrong.  Returns
 * git's exit status, or -1 when it could not be run.
 */
static int run_git_credential(const char *action, const char *input, char **output)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, status = -1;
	struct sbuf got = SBUF_INIT;
	struct sigaction ign, old;
	size_t len = strlen(input), done = 0;
	char buf[512];
	ssize_t n;
	pid_t pid;

	if (output)
		*output = NULL;
	if (pipe(in) || pipe(out))
		goto out;
	pid = fork();
	if (pid < 0)
		goto out;
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		close(in[1]);
		close(out[0]);
		execlp("git", "git", "credential", action, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	in[0] = out[1] = -1;
	/* git may exit before reading all: a closed pipe is not a reason to die. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	while (done < len && ((n = write(in[1], input + done, len - done)) > 0 || errno == EINTR))
		if (n > 0)
			done += (size_t)n;
	close(in[1]);
	in[1] = -1;
	while ((n = read(out[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			sbuf_add(&got, buf, (size_t)n);
	sigaction(SIGPIPE, &old, NULL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (output && !status)
		*output = sbuf_detach(&got);
out:
	if (got.buf)
		explicit_bzero(got.buf, got.len);
	sbuf_release(&got);
	for (n = 0; n < 2; n++) {
		if (in[n] >= 0)
			close(in[n]);
		if (out[n] >= 0)
			close(out[n]);
	}
	return status;
}

/* The value of "key=value" in git credential's output, a new string, or NULL. */
static char *credential_field(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *p;

	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == '=')
			return xstrndup(p + n + 1, strcspn(p + n + 1, "\n"));
	return NULL;
}

/* Asks git's credential helper (which may ask on the terminal). */
static int helper_credentials(struct sync_link *l, git_credential **out, const char *user)
{
	char *input, *pass = NULL;
	int ret = GIT_EUSER;

	input = user ? xasprintf("url=%s\nusername=%s\n\n", l->url, user)
		     : xasprintf("url=%s\n\n", l->url);
	if (run_git_credential("fill", input, &l->helper) || !l->helper)
		goto out;
	free(l->user);
	l->user = credential_field(l->helper, "username");
	pass = credential_field(l->helper, "password");
	if (!l->user || !pass)
		goto out;
	l->source = SYNC_CRED_HELPER;
	ret = git_credential_userpass_plaintext_new(out, l->user, pass);
out:
	if (ret && !l->why)
		l->why = xstrdup("it asks for a user name and password: set DIEUTRA_USERNAME and "
				 "DIEUTRA_PASSWORD, or set up git's credential helper (see "
				 "`git help credential`)");
	forget_secret(&pass);
	free(input);
	return ret;
}

static int userpass(struct sync_link *l, git_credential **out, const char *url_user)
{
	const char *user = getenv("DIEUTRA_USERNAME"), *pass = getenv("DIEUTRA_PASSWORD");

	if (!user || !*user)
		user = url_user;
	if (l->asked > 1) {
		if (l->source == SYNC_CRED_HELPER) {
			run_git_credential("reject", l->helper, NULL);
			l->why = xasprintf("it refused the user name and password of user %s from "
					   "git's credential helper, which forgets them: run the "
					   "sync again to give the right ones", l->user);
		} else {
			l->why = xasprintf("it refused the user name and password of user %s from "
					   "DIEUTRA_USERNAME and DIEUTRA_PASSWORD: check them with "
					   "the district office", l->user);
		}
		return GIT_EUSER;
	}
	if (!pass || !*pass)
		return helper_credentials(l, out, user);
	if (!user || !*user) {
		l->why = xstrdup("DIEUTRA_PASSWORD is set but no user name: set DIEUTRA_USERNAME "
				 "too (or put the user in the URL, as https://USER@host/...)");
		return GIT_EUSER;
	}
	l->source = SYNC_CRED_ENV;
	free(l->user);
	l->user = xstrdup(user);
	return git_credential_userpass_plaintext_new(out, user, pass);
}

static char *home_file(const char *name)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (!home || !*home) {
		pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : "/";
	}
	return xasprintf("%s/%s", home, name);
}

static void note_tried(struct sync_link *l, const char *what)
{
	sbuf_addf(&l->tried, "%s%s", l->tried.len ? ", " : "", what);
}

/*
 * The next ssh key to offer: the one in DIEUTRA_SSH_KEY alone, else
 * ssh-agent's keys, then the default key files that exist.
 */
static int ssh_key(struct sync_link *l, git_credential **out, const char *user)
{
	const char *chosen = getenv("DIEUTRA_SSH_KEY"), *sock = getenv("SSH_AUTH_SOCK");
	const char *phrase = getenv("DIEUTRA_SSH_PASSPHRASE");
	char *key = NULL, *pub = NULL;
	unsigned step;
	int ret;

	while (!key) {
		step = l->ssh_step++;
		if (chosen && *chosen) {
			if (step)
				break;
			if (access(chosen, R_OK)) {
				l->why = xasprintf("DIEUTRA_SSH_KEY names %s: %s", chosen,
						   strerror(errno));
				return GIT_EUSER;
			}
			key = xstrdup(chosen);
		} else if (!step) {
			if (sock && *sock && !access(sock, W_OK)) {
				note_tried(l, "the keys of ssh-agent");
				return git_credential_ssh_key_from_agent(out, user);
			}
		} else if (step - 1 < sizeof(ssh_default_keys) / sizeof(*ssh_default_keys)) {
			char *name = xasprintf(".ssh/%s", ssh_default_keys[step - 1]);

			key = home_file(name);
			free(name);
			if (access(key, R_OK)) {
				free(key);
				key = NULL;
			}
		} else {
			break;
		}
	}
	if (!key) {
		l->why = xasprintf("it refused this laptop's ssh keys for user %s (tried: %s): give "
				   "the key the district office knows with DIEUTRA_SSH_KEY=FILE%s, "
				   "or send them your public key (FILE.pub)", user,
				   l->tried.len ? sbuf_str(&l->tried) : "none found in ~/.ssh",
				   phrase ? "" : " (and its passphrase in DIEUTRA_SSH_PASSPHRASE)");
		return GIT_EUSER;
	}
	note_tried(l, key);
	pub = xasprintf("%s.pub", key);
	ret = git_credential_ssh_key_new(out, user, access(pub, R_OK) ? NULL : pub, key, phrase);
	free(pub);
	free(key);
	return ret;
}

static int credentials(git_credential **out, const char *url, const char *url_user,
		       unsigned int allowed, void *payload)
{
	struct sync_link *l = payload;
	struct passwd *pw;

	(void)url;
	if (l->why)
		return GIT_EUSER;
	if (allowed & GIT_CREDENTIAL_USERNAME) {
		const char *user = getenv("USER");

		if (!user || !*user) {
			pw = getpwuid(getuid());
			user = pw ? pw->pw_name : "";
		}
		return git_credential_username_new(out, user);
	}
	l->asked++;
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return ssh_key(l, out, url_user);
	if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && strncmp(l->url, "ssh", 3) &&
	    strstr(l->url, "://"))
		return userpass(l, out, url_user);
	l->why = xstrdup("it asks for a kind of login dieutra does not do (ssh logs in with "
			 "keys; http(s) with a user name and password)");
	return GIT_EUSER;
}

/* host:port of an ssh URL (ssh://[user@]host[:port]/path or [user@]host:path). */
static void ssh_host_port(const char *url, const char *host, char **where, int *port)
{
	const char *p = strstr(url, "://"), *end, *at, *colon;

	*port = 22;
	if (p) {
		p += 3;
		end = p + strcspn(p, "/");
		at = memchr(p, '@', (size_t)(end - p));
		if (at)
			p = at + 1;
		colon = memchr(p, ':', (size_t)(end - p));
		if (colon)
			*port = atoi(colon + 1);
	}
	*where = *port == 22 ? xstrdup(host) : xasprintf("[%s]:%d", host, *port);
}

/*
 * How known_hosts sees the key: LIBSSH2_KNOWNHOST_CHECK_MATCH, _MISMATCH
 * (the host is known with another key) or _NOTFOUND (or _FAILURE).
 */
static int known_host(const char *file, const char *host, int port, const git_cert_hostkey *k)
{
	LIBSSH2_SESSION *session = libssh2_session_init();
	LIBSSH2_KNOWNHOSTS *known = session ? libssh2_knownhost_init(session) : NULL;
	struct libssh2_knownhost *entry = NULL;
	int check = LIBSSH2_KNOWNHOST_CHECK_FAILURE;

	if (known && libssh2_knownhost_readfile(known, file, LIBSSH2_KNOWNHOST_FILE_OPENSSH) >= 0)
		check = libssh2_knownhost_checkp(known, host, port, k->hostkey, k->hostkey_len,
						 LIBSSH2_KNOWNHOST_TYPE_PLAIN |
							 LIBSSH2_KNOWNHOST_KEYENC_RAW,
						 &entry);
	if (known)
		libssh2_knownhost_free(known);
	if (session)
		libssh2_session_free(session);
	return check;
}

static int check_host_key(struct sync_link *l, const git_cert_hostkey *k, int valid,
			  const char *host)
{
	char fp[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
	char *file, *where;
	int port, check;

	if (valid)
		return 0;
	strcpy(fp, "(unknown)");
	if (k->type & GIT_CERT_SSH_SHA256)
		sodium_bin2base64(fp, sizeof(fp), k->hash_sha256, 32,
				  sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	file = home_file(".ssh/known_hosts");
	ssh_host_port(l->url, host, &where, &port);
	check = (k->type & GIT_CERT_SSH_RAW) ? known_host(file, host, port, k)
					       : LIBSSH2_KNOWNHOST_CHECK_NOTFOUND;
	if (check == LIBSSH2_KNOWNHOST_CHECK_MISMATCH)
		l->why = xasprintf("the ssh server's host key CHANGED since %s was recorded in %s "
				   "(it now shows SHA256:%s): refused, since someone may be "
				   "posing as the district; if the district office confirms the new "
				   "key, run `ssh-keygen -R '%s'` and add the new one",
				   where, file, fp, where);
	else
		l->why = xasprintf("the ssh server %s is not in %s (its host key is SHA256:%s): "
				   "check that fingerprint with the district office, then add "
				   "the key (`ssh-keyscan -p %d %s >> %s`) and sync again",
				   where, file, fp, port, host, file);
	free(where);
	free(file);
	return GIT_ECERTIFICATE;
}

static int certificate_check(git_cert *cert, int valid, const char *host, void *payload)
{
	struct sync_link *l = payload;

	if (cert->cert_type == GIT_CERT_HOSTKEY_LIBSSH2)
		return check_host_key(l, (const git_cert_hostkey *)cert, valid, host);
	if (cert->cert_type != GIT_CERT_X509)
		return GIT_PASSTHROUGH;
	if (valid)
		return 0;
	l->why = xasprintf("the https certificate of %s is not one this laptop trusts "
			   "(self-signed, expired, or made for another name): refused; if the "
			   "district has its own certificate authority, give its certificate "
			   "file with GIT_SSL_CAINFO=FILE", host);
	return GIT_ECERTIFICATE;
}

void sync_link_callbacks(struct sync_link *link, git_remote_callbacks *cb)
{
	cb->credentials = credentials;
	cb->certificate_check = certificate_check;
	cb->payload = link;
}

int sync_link_error(struct sync_link *link, struct error *err, int code, const char *what)
{
	const git_error *e = git_error_last();
	char *url = sync_url_shown(link->url);
	int ret;

	if (link->why)
		ret = error_add(err, code, "%s %s: %s", what, url, link->why);
	else if (link->tried.len)
		ret = error_add(err, code, "%s %s: %s (ssh keys offered: %s; a key with a "
				"passphrase needs DIEUTRA_SSH_PASSPHRASE)", what, url,
				e && e->message ? e->message : "unknown error", sbuf_str(&link->tried));
	else
		ret = error_add(err, code, "%s %s: %s", what, url,
				e && e->message ? e->message : "unknown error");
	free(url);
	return ret;
}

void sync_link_end(struct sync_link *link, bool worked)
{
	if (worked && link->source == SYNC_CRED_HELPER && link->helper)
		run_git_credential("approve", link->helper, NULL);
	forget_secret(&link->helper);
	free(link->url);
	free(link->user);
	free(link->why);
	sbuf_release(&link->tried);
	memset(link, 0, sizeof(*link));
}

bool sync_link_transient(const struct sync_link *link, int rc)
{
	static const int dropped[] = { ECONNRESET, ECONNREFUSED, ECONNABORTED, EPIPE, ETIMEDOUT };
	const git_error *e = git_error_last();
	size_t i;

	if (link->why || rc == GIT_EAUTH || rc == GIT_ECERTIFICATE || rc == GIT_EUSER || !e ||
	    !e->message || e->klass != GIT_ERROR_NET)
		return false;
	if (strstr(e->message, "early EOF"))
		return true;
	/* libgit2 appends strerror(errno) to its socket errors, in the process's locale. */
	for (i = 0; i < sizeof(dropped) / sizeof(*dropped); i++)
		if (strstr(e->message, strerror(dropped[i])))
			return true;
	return false;
}

void sync_link_pause(int tried)
{
	struct timespec t = { tried, 0 };

	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

/* Where "user:password@" would be in url, and its length; 0 when it has no password. */
static size_t password_span(const char *url, const char **start)
{
	const char *p = strstr(url, "://"), *at, *colon, *slash;

	if (!p)
		return 0;
	p += 3;
	slash = p + strcspn(p, "/");
	at = memchr(p, '@', (size_t)(slash - p));
	colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
	if (!colon)
		return 0;
	*start = p;
	return (size_t)(at + 1 - p);
}

bool sync_url_has_password(const char *url)
{
	const char *start;

	return password_span(url, &start) != 0;
}

char *sync_url_shown(const char *url)
{
	const char *start;
	size_t n = password_span(url, &start);

	if (!n)
		return xstrdup(url);
	return xasprintf("%.*s%s", (int)(start - url), url, start + n);
}

int sync_tls_setup(struct error *err)
{
	const char *file = getenv("GIT_SSL_CAINFO"), *var = "GIT_SSL_CAINFO";

	if (!file || !*file) {
		file = getenv("SSL_CERT_FILE");
		var = "SSL_CERT_FILE";
	}
	if (!file || !*file)
		return 0;
	if (git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, NULL))
		return error_add(err, ERR_ENV, "%s=%s: %s", var, file,
				 git_error_last() ? git_error_last()->message
						  : "cannot read the certificates");
	return 0;
}
