#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/run.sh - runs every test: the unit test binaries, then the shell
# tests under tests/cli and tests/corpus. Each prints TAP; this script
# counts the results and ends with "N passed, N failed".
# KX_BUILD selects the build directory (build, or build-asan/build-tsan for
# the sanitizer passes). With arguments it runs only those shell tests.

cd "$(dirname "$0")/.." || exit 2
KX_BUILD=${KX_BUILD:-build}
export KX_BUILD
out=$(mktemp "${TMPDIR:-/tmp}/kx-run.XXXXXX")
trap 'rm -f "$out"' EXIT
pass=0
fail=0
skipped=0
bad_scripts=""

run_one() {
	name=$1
	shift
	"$@" >"$out" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$out")
	s=$(grep -c '^ok .*# SKIP' "$out")
	f=$(grep -c '^not ok ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# crashed or failed outside an assertion
		echo "not ok - $name exited $rc" >>"$out"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name ran no assertion" >>"$out"
	fi
	pass=$((pass + p - s))
	skipped=$((skipped + s))
	fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $name"
		grep -v '^ok ' "$out" | sed 's/^/    /' | head -60
		bad_scripts="$bad_scripts $name"
	else
		echo "ok   $name ($p)"
	fi
}

if [ $# -gt 0 ]; then
	for t in "$@"; do
		run_one "$t" sh "$t"
	done
else
	for t in "$KX_BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		run_one "unit/${t##*/}" "$t"
	done
	for t in tests/cli/t*.sh tests/corpus/t*.sh tests/synth/t*.sh; do
		[ -f "$t" ] || continue
		run_one "$t" sh "$t"
	done
fi

[ -z "$bad_scripts" ] || echo "failed:$bad_scripts"
echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
