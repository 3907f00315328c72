# SPDX-License-Identifier: GPL-2.0-or-later
# tests/lib.sh - sourced by every shell test: paths to the binaries under
# test, TAP output helpers, a scratch directory. A test script prints TAP
# ("ok N - ...", "not ok N - ...") and finishes with done_testing.

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KX_BUILD=${KX_BUILD:-build}
case "$KX_BUILD" in /*) ;; *) KX_BUILD=$ROOT/$KX_BUILD ;; esac
KX=$KX_BUILD/kvmexit-stat
SYNTH=$KX_BUILD/kx-synth
CORPUS=$ROOT/../shared/corpus
FIXTURES=$ROOT/tests/fixtures
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kx-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

_tap_n=0
_tap_fail=0

ok() {	# ok CONDITION-STATUS DESCRIPTION  (use: cmp ...; ok $? "desc")
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_fail=$((_tap_fail + 1))
	fi
}

is() {	# is GOT WANT DESCRIPTION
	_tap_n=$((_tap_n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $_tap_n - $3"
	else
		echo "not ok $_tap_n - $3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2" | head -40
		_tap_fail=$((_tap_fail + 1))
	fi
}

skip() {	# skip DESCRIPTION REASON
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP $2"
}

diag() { printf '# %s\n' "$@"; }

# run CMD...: stdout to $TMP/out, stderr to $TMP/err, status to $RC
run() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
}

# same_files A B DESCRIPTION: compare, show a diff on failure
same_files() {
	if cmp -s "$1" "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diff -u "$1" "$2" | head -40 | sed 's/^/#   /'
	fi
}

# rejected FILE DESCRIPTION: the last run() read FILE as bad input: exit 3,
# one line "kvmexit-stat: FILE: ..." on stderr, nothing on stdout
rejected() {
	is "$RC" 3 "$2: exit 3"
	is "$(wc -l <"$TMP/err" | tr -d ' ')" 1 "$2: one line on stderr"
	case "$(cat "$TMP/err")" in
	"kvmexit-stat: $1: "?*) ok 0 "$2: the message names the file" ;;
	*) ok 1 "$2: the message names the file"; sed 's/^/#   /' "$TMP/err" ;;
	esac
	is "$(wc -c <"$TMP/out" | tr -d ' ')" 0 "$2: nothing on stdout"
}

# file_shim: build tests/cli/file-shim.c into $SHIM (LD_PRELOAD it); status
# non-zero with the compiler's first line in $SHIM_ERR when it cannot
file_shim() {
	SHIM=$TMP/file-shim.so
	SHIM_ERR=$(${CC:-cc} -shared -fPIC -o "$SHIM" "$ROOT/tests/cli/file-shim.c" -ldl 2>&1 |
		head -n 1)
	[ -f "$SHIM" ] || return 1
	# under ASan the sanitizer runtime need not come first: the shim only wraps libc calls
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
	export ASAN_OPTIONS
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_fail" -eq 0 ]
}
