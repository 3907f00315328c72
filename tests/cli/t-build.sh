#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# configure: a missing library is named with its Debian/Ubuntu and Fedora
# packages; unknown flags are refused; --without-zstd builds a tool that
# explains how to read a zstd trace.dat; make install honours DESTDIR/PREFIX.
. "$(dirname "$0")/../lib.sh"

if [ -n "${KX_SANITIZED:-}" ]; then
	skip "build checks" "run once, in the plain pass"
	done_testing
	exit
fi

# a pkg-config that knows every library but libtraceevent
cat >"$TMP/fake-pkg-config" <<'SH'
#!/bin/sh
for a in "$@"; do case $a in libtraceevent) exit 1 ;; esac; done
exec pkg-config "$@"
SH
chmod +x "$TMP/fake-pkg-config"
mkdir "$TMP/src"
cp -r "$ROOT/configure" "$ROOT/Makefile" "$ROOT/src" "$ROOT/include" "$ROOT/man" "$TMP/src/"
mkdir -p "$TMP/src/tests/unit" && cp "$ROOT/tests/unit/tap.h" "$TMP/src/tests/unit/"
cd "$TMP/src" || exit 1

PKG_CONFIG=$TMP/fake-pkg-config ./configure >"$TMP/out" 2>"$TMP/err"
is "$?" 1 "configure fails when libtraceevent is missing"
grep -q 'libtraceevent >= 1.7: install libtraceevent-dev (Debian/Ubuntu) or libtraceevent-devel (Fedora)' "$TMP/err"
ok $? "the message names the library and both package names"

./configure --frobnicate >/dev/null 2>"$TMP/err"
is "$?" 2 "unknown configure option refused"

./configure --without-zstd --prefix=/opt/kx >"$TMP/out" 2>&1
ok $? "configure --without-zstd"
grep -q 'HAVE_ZSTD = 0' config.mk
ok $? "config.mk has zstd off"
make -s -j2 kvmexit-stat >"$TMP/build.log" 2>&1
ok $? "builds without libzstd"
./kvmexit-stat "$CORPUS/local/trace-v7-zstd-kvm.dat" >"$TMP/out" 2>"$TMP/err"
is "$?" 3 "a zstd trace.dat without libzstd: exit 3"
grep -q "trace-cmd convert" "$TMP/err" && [ "$(wc -l <"$TMP/err")" -eq 1 ]
ok $? "one line saying how to read it (rebuild or trace-cmd convert)"
./kvmexit-stat report --allow-empty "$CORPUS/local/trace-v7-zlib-kvm.dat" >/dev/null 2>&1
is "$?" 0 "zlib files still read"

make -s install DESTDIR="$TMP/root" >/dev/null 2>&1
ok $? "make install"
[ -x "$TMP/root/opt/kx/bin/kvmexit-stat" ] && [ -f "$TMP/root/opt/kx/share/man/man1/kvmexit-stat.1" ]
ok $? "installed under DESTDIR/PREFIX: binary and man page"
make -s distclean >/dev/null 2>&1
[ ! -e config.mk ] && [ ! -e build ]
ok $? "distclean removes config.mk and the build"
done_testing
