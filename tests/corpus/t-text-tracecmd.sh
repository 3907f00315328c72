#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Text printed here by trace-cmd itself in each of its forms (default us,
# -t ns, --raw-ts integer, -R field lists, -l latency columns) from the
# corpus trace.dat files it can read: the text reader must give the same
# records, kvm event counts, lost counts and delivered events as the
# trace.dat reader, and
# timestamps equal to the binary's (exact for -t and --raw-ts, rounded to
# the us as trace-cmd prints them otherwise).
. "$(dirname "$0")/../lib.sh"

if ! command -v trace-cmd >/dev/null 2>&1; then
	skip "trace-cmd report forms" "trace-cmd not installed"
	done_testing
	exit
fi

summary() {
	grep -E '^(records|lost_events|lost_markers|lost_unknown|events): |^event kvm' "$1" | sort
}

val() {	# val FILE KEY
	sed -n "s/^$2: //p" "$1"
}

for f in "$CORPUS/local/trace-v6-kvm.dat" "$CORPUS/local/trace-v7-zstd-kvm.dat" \
	 "$CORPUS/emulated/xapic.v7-zstd.dat" "$CORPUS/emulated/x2apic.v7-zstd.dat"; do
	name=${f##*/}
	if [ ! -f "$f" ]; then
		skip "$name" "corpus file missing"
		continue
	fi
	"$KX" info "$f" >"$TMP/bin" 2>"$TMP/err"
	is "$?" 0 "$name: binary info exits 0"
	summary "$TMP/bin" >"$TMP/bin.s"
	bfirst=$(val "$TMP/bin" first_ts)
	blast=$(val "$TMP/bin" last_ts)
	for opt in "" -t --raw-ts -R -l; do
		label="$name report${opt:+ $opt}"
		trace-cmd report $opt "$f" >"$TMP/report.txt" 2>/dev/null
		run "$KX" info "$TMP/report.txt"
		is "$RC" 0 "$label: info exits 0"
		summary "$TMP/out" >"$TMP/text.s"
		same_files "$TMP/text.s" "$TMP/bin.s" "$label: records, kvm event counts, lost, events"
		case $opt in
		-t|--raw-ts)
			is "$(val "$TMP/out" first_ts)/$(val "$TMP/out" last_ts)" "$bfirst/$blast" \
				"$label: first and last timestamps exact"
			;;
		*)
			is "$(val "$TMP/out" first_ts)/$(val "$TMP/out" last_ts)" \
				"$(((bfirst + 500) / 1000 * 1000))/$(((blast + 500) / 1000 * 1000))" \
				"$label: timestamps are the binary's rounded to the us"
			;;
		esac
	done
done

done_testing
