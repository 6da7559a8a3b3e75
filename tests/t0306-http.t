#!/bin/sh
# Sync over http and https with basic auth: `git http-backend` behind nginx
# and fcgiwrap on 127.0.0.1, started and stopped by this test; the same
# scenario over a local path first.  Credentials come from the environment
# or git's credential helper and never show in the output.
. "$SRC/tests/lib.sh"
. "$SRC/tests/transport.sh"

uses_libgit2

web=$TEST_DIR/web
pw=tule-s3cret-4630
mkdir -p "$web/tmp"
# The servers' ids are kept in the shell too: their files may be gone by the end.
fcgi_pid= nginx_pid=
at_exit 'kill $nginx_pid $fcgi_pid 2>/dev/null'

# Starts fcgiwrap and nginx (http on $port, https on $tls); says why when
# they cannot be started.
start_web() {
	dieutra district init --schema "$SRC/schemas/child-census.yaml" "$web/district.git" &&
	district_key "$web/district.git" &&
	echo "hoa:$(openssl passwd -apr1 "$pw")" >"$web/htpasswd" &&
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
		-addext subjectAltName=DNS:localhost -keyout "$web/key.pem" \
		-out "$web/cert.pem" 2>&1 || return 1
	fcgiwrap -s "unix:$web/fcgi.sock" &
	fcgi_pid=$!
	for try in 1 2 3 4 5; do
		free_port
		port=$free_port
		free_port
		tls=$free_port
		{
			[ "$(id -u)" = 0 ] && echo "user root root;"
			cat <<-EOF
			worker_processes 1;
			daemon off;
			pid $web/nginx.pid;
			error_log $web/error.log;
			events { worker_connections 64; }
			http {
				access_log off;
				client_body_temp_path $web/tmp/body;
				fastcgi_temp_path $web/tmp/fastcgi;
				proxy_temp_path $web/tmp/proxy;
				uwsgi_temp_path $web/tmp/uwsgi;
				scgi_temp_path $web/tmp/scgi;
				client_max_body_size 0;
				server {
					listen 127.0.0.1:$port;
					listen 127.0.0.1:$tls ssl;
					ssl_certificate $web/cert.pem;
					ssl_certificate_key $web/key.pem;
					location / {
						auth_basic "district";
						auth_basic_user_file $web/htpasswd;
						include /etc/nginx/fastcgi_params;
						fastcgi_param SCRIPT_FILENAME $(git --exec-path)/git-http-backend;
						fastcgi_param GIT_PROJECT_ROOT $web;
						fastcgi_param GIT_HTTP_EXPORT_ALL "";
						fastcgi_param PATH_INFO \$uri;
						fastcgi_param REMOTE_USER \$remote_user;
						fastcgi_pass unix:$web/fcgi.sock;
					}
				}
			}
			EOF
		} >"$web/nginx.conf"
		nginx -p "$web" -c "$web/nginx.conf" -e "$web/error.log" &
		nginx_pid=$!
		if wait_for $nginx_pid 30 git ls-remote "http://hoa:$pw@127.0.0.1:$port/district.git"
		then
			return 0
		fi
		kill $nginx_pid 2>/dev/null
		wait $nginx_pid 2>/dev/null
		nginx_pid=
	done
	echo "nginx did not serve the repository:"
	cat "$web/error.log"
	return 1
}

start_web >"$web/start.log" 2>&1 && touch "$web/ready"

expect_success 'nginx and fcgiwrap serve the district repository on 127.0.0.1' '
	test -e "$web/ready" || { cat "$web/start.log"; false; }
'

dieutra district init --schema "$SRC/schemas/child-census.yaml" local.git >/dev/null
district_key local.git
two_laptops path local.git local.git

DIEUTRA_USERNAME=hoa DIEUTRA_PASSWORD=$pw
export DIEUTRA_USERNAME DIEUTRA_PASSWORD
two_laptops http "http://127.0.0.1:$port/district.git" "$web/district.git"
unset DIEUTRA_USERNAME DIEUTRA_PASSWORD

expect_success 'a wrong password: exit 3, says so, never shows it; nothing is lost' '
	dieutra -C http-a add "$census/06-ban-van-hung.yaml" >/dev/null 2>&1 &&
	expect_code 3 env DIEUTRA_USERNAME=hoa DIEUTRA_PASSWORD=not-it-9431 \
		"$DIEUTRA" -C http-a sync >out 2>err &&
	contains err "refused the user name and password of user hoa" &&
	contains err "DIEUTRA_PASSWORD" &&
	lacks err not-it-9431 &&
	lacks out not-it-9431 &&
	env DIEUTRA_USERNAME=hoa DIEUTRA_PASSWORD=$pw "$DIEUTRA" -C http-a sync >out &&
	test "$(cat out)" = "sent 1 new, 0 updated; received 0"
'

expect_success 'no credentials at all: exit 3, and where to give them' '
	expect_code 3 dieutra -C http-a sync 2>err &&
	contains err "http://127.0.0.1:$port/district.git" &&
	contains err "set DIEUTRA_USERNAME and DIEUTRA_PASSWORD, or set up git'"'"'s credential helper"
'

expect_success 'a password in the URL is refused, neither kept nor shown' '
	expect_code 2 dieutra -C http-a sync --remote "http://hoa:$pw@127.0.0.1:$port/district.git" \
		>out 2>err &&
	contains err "put no password in the district repository'"'"'s URL" &&
	lacks err "$pw" &&
	lacks out "$pw" &&
	git -C http-a/repo.git config remote.district.url >url &&
	lacks url "$pw"
'

# A credential helper that logs what git asks of it (get, store, erase)
# and answers with the password in $TEST_DIR/helper.pw.
cat >"$HOME/.gitconfig" <<EOF
[credential]
	helper = "!f() { echo \"\$1\" >>'$TEST_DIR/helper.log'; \
if [ \"\$1\" = get ]; then echo username=hoa; echo password=\$(cat '$TEST_DIR/helper.pw'); fi; }; f"
EOF

expect_success "git's credential helper: asked, and told to keep what worked" '
	echo "$pw" >helper.pw &&
	rm -f helper.log &&
	dieutra -C http-b add "$census/07-nguyen-van-minh.yaml" >/dev/null 2>&1 &&
	dieutra -C http-b sync >out &&
	test "$(cat out)" = "sent 1 new, 0 updated; received 1" &&
	contains helper.log get &&
	contains helper.log store &&
	lacks helper.log erase
'

expect_success "git's credential helper: a refused password is erased from it" '
	echo wrong-pw-5521 >helper.pw &&
	rm -f helper.log &&
	expect_code 3 dieutra -C http-b sync >out 2>err &&
	contains err "from git'"'"'s credential helper, which forgets them" &&
	lacks err wrong-pw-5521 &&
	contains helper.log erase &&
	lacks helper.log store
'
rm -f "$HOME/.gitconfig"

expect_success 'the district office clones its workspace over http' '
	env DIEUTRA_USERNAME=hoa DIEUTRA_PASSWORD=$pw "$DIEUTRA" district clone \
		--enumerator "Đặng Văn Bình <binh@example.vn>" \
		"http://127.0.0.1:$port/district.git" office >out 2>err || { cat err; false; } &&
	lacks out "$pw" &&
	test -e office/schema/child-census.yaml &&
	git -C office/repo.git rev-parse --verify -q refs/remotes/district/communes/04630 &&
	expect_code 3 dieutra district clone --enumerator "Đặng Văn Bình <binh@example.vn>" \
		"http://127.0.0.1:$port/district.git" office2 2>err &&
	contains err "DIEUTRA_USERNAME"
'

expect_success 'https with a certificate this laptop does not trust: refused, exit 3' '
	expect_code 3 env DIEUTRA_USERNAME=hoa DIEUTRA_PASSWORD=$pw "$DIEUTRA" init \
		--commune 04630 --enumerator "$hoa" --device C --remote "https://localhost:$tls/district.git" \
		https-c 2>err &&
	contains err "https certificate of localhost is not one this laptop trusts" &&
	contains err GIT_SSL_CAINFO
'

expect_success 'https with the district certificate in GIT_SSL_CAINFO' '
	rm -rf https-c &&
	export GIT_SSL_CAINFO="$web/cert.pem" DIEUTRA_USERNAME=hoa DIEUTRA_PASSWORD=$pw &&
	dieutra init --commune 04630 --enumerator "$hoa" --device C \
		--remote "https://localhost:$tls/district.git" https-c >/dev/null &&
	dieutra -C https-c add "$census/10-sung-a-vang.yaml" >/dev/null 2>&1 &&
	dieutra -C https-c sync >out &&
	test "$(cat out)" = "sent 1 new, 0 updated; received 4" &&
	git -C "$web/district.git" ls-tree -r --name-only communes/04630 >files &&
	contains files communes/04630/C/04630-C-0001.yaml &&
	git -C "$web/district.git" fsck --strict
'

done_testing
