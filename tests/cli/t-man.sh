#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every long option a command's --help lists is documented in its man page
# section, and every option the section documents exists in --help; the
# man pages are lint-clean.
. "$(dirname "$0")/../lib.sh"

help_opts() {	# help_opts CMD: long options in 'kvmexit-stat CMD --help'
	"$KX" "$1" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u
}

man_opts() {	# man_opts PAGE SECTION: long options in .SH SECTION of PAGE
	awk -v sec="$2" '/^\.SH /{ on = ($0 == ".SH " sec) } on' "$1" |
		grep -E '^\.(B|BI|BR) ' | sed 's/\\-/-/g' | grep -o -- '--[a-z][a-z0-9-]*' | sort -u
}

check_cmd() {	# check_cmd CMD PAGE SECTION
	if [ ! -f "$2" ]; then
		ok 1 "$1: man page $2 exists"
		return
	fi
	help_opts "$1" >"$TMP/help"
	man_opts "$2" "$3" >"$TMP/man"
	[ -s "$TMP/help" ]
	ok $? "$1 --help lists options"
	same_files "$TMP/help" "$TMP/man" "$1: --help and $2 ($3) list the same options"
}

MAN=$ROOT/man
check_cmd report "$MAN/kvmexit-stat.1" "REPORT OPTIONS"
check_cmd info "$MAN/kvmexit-stat.1" "INFO OPTIONS"
for cmd in cycles compare check; do
	if "$KX" --help | grep -q "^  $cmd "; then
		case $cmd in
		cycles) check_cmd cycles "$MAN/kvmexit-stat.1" "CYCLES OPTIONS" ;;
		*) check_cmd "$cmd" "$MAN/kvmexit-stat-$cmd.1" "OPTIONS" ;;
		esac
	fi
done

if command -v man >/dev/null 2>&1; then
	for page in "$MAN"/*.1; do
		man --warnings -l "$page" >/dev/null 2>"$TMP/warn"
		[ ! -s "$TMP/warn" ]
		ok $? "$(basename "$page") formats without warnings"
		sed 's/^/# /' "$TMP/warn"
	done
else
	skip "man page lint" "man not installed"
fi
done_testing
