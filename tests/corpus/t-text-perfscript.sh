#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Text printed here by perf script itself in its forms (default us, --ns,
# -F with pid/tid, --show-lost-events) from the corpus perf.data files:
# the text reader must give the same records, kvm event counts, lost
# counts and delivered events as the perf.data reader, and timestamps
# equal to the binary's (exact with --ns, cut to the us as perf prints
# them otherwise).
. "$(dirname "$0")/../lib.sh"

if ! command -v perf >/dev/null 2>&1; then
	skip "perf script forms" "perf not installed"
	done_testing
	exit
fi

summary() {
	grep -E '^(records|lost_events|lost_markers|lost_unknown|events): |^event kvm' "$1" | sort
}

val() {	# val FILE KEY
	sed -n "s/^$2: //p" "$1"
}

for f in "$CORPUS/local/perf-kvm.data" "$CORPUS/local/perf-kvm-pipe.data" \
	 "$CORPUS/emulated/perf-xapic.data" "$CORPUS/emulated/perf-x2apic.data" \
	 "$CORPUS/local/perf-lost.data"; do
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
	for opt in "--show-lost-events" "--ns --show-lost-events" \
		   "-F comm,pid,tid,cpu,time,event,trace --show-lost-events"; do
		label="$name perf script $opt"
		perf script -i "$f" $opt >"$TMP/script.txt" 2>/dev/null
		run "$KX" info "$TMP/script.txt"
		is "$RC" 0 "$label: info exits 0"
		summary "$TMP/out" >"$TMP/text.s"
		same_files "$TMP/text.s" "$TMP/bin.s" "$label: records, kvm event counts, lost, events"
		case $opt in
		--ns*)
			is "$(val "$TMP/out" first_ts)/$(val "$TMP/out" last_ts)" "$bfirst/$blast" \
				"$label: first and last timestamps exact"
			;;
		*)
			is "$(val "$TMP/out" first_ts)/$(val "$TMP/out" last_ts)" \
				"$((bfirst / 1000 * 1000))/$((blast / 1000 * 1000))" \
				"$label: timestamps are the binary's cut to the us"
			;;
		esac
	done
done

done_testing
