#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The text reader against the binary readers: every text dump in the corpus
# that has its binary twin (the same recording, printed by trace-cmd report
# or perf script) must give the same record count, kvm event counts, lost
# counts and delivered events as the binary file (the VMX host's: the same
# report). The text is fed through
# stdin, so reading a non-seekable input is checked on the way. Then every
# text dump's kvm event counts are checked against grep on the text itself.
. "$(dirname "$0")/../lib.sh"

C=$CORPUS

# fields that must agree between a text dump and its binary twin
summary() {
	grep -E '^(records|lost_events|lost_markers|lost_unknown|events|buffers): |^event kvm' "$1" | sort
}

twin() {	# twin TEXT.gz BINARY
	if [ ! -f "$1" ] || [ ! -f "$2" ]; then
		skip "${1##*/} vs ${2##*/}" "corpus file missing"
		return
	fi
	zcat "$1" | "$KX" info - >"$TMP/text" 2>"$TMP/err"
	is "$?" 0 "${1##*/}: info from stdin exits 0"
	"$KX" info "$2" >"$TMP/bin" 2>>"$TMP/err"
	is "$?" 0 "${2##*/}: info exits 0"
	summary "$TMP/text" >"$TMP/text.s"
	summary "$TMP/bin" >"$TMP/bin.s"
	grep -q '^events: [1-9]' "$TMP/text.s"
	ok $? "${1##*/}: delivers events"
	same_files "$TMP/text.s" "$TMP/bin.s" "${1##*/} = ${2##*/}: records, kvm event counts, lost, events"
}

twin "$C/local/report-v6-missed.txt.gz" "$C/local/trace-v6-missed.dat"
twin "$C/local/report-v7-zstd-kvm.txt.gz" "$C/local/trace-v7-zstd-kvm.dat"
twin "$C/local/report-v7-zlib-kvm-2inst.txt.gz" "$C/local/trace-v7-zlib-kvm.dat"
twin "$C/local/perf-script-kvm.txt.gz" "$C/local/perf-kvm.data"
twin "$C/local/perf-script-kvm-pipe.txt.gz" "$C/local/perf-kvm-pipe.data"
twin "$C/vmx-host/ma-host-2vcpu.report-t.txt.gz" "$C/vmx-host/ma-host-2vcpu.dat"
twin "$C/emulated/xapic.v7-zstd.report.txt.gz" "$C/emulated/xapic.v7-zstd.dat"
twin "$C/emulated/x2apic.v7-zstd.report.txt.gz" "$C/emulated/x2apic.v7-zstd.dat"

# The report itself: trace-cmd's -t text of the real VMX host, which prints
# every field the analysis reads (ns times, reasons, info words, guest rip),
# gives its binary twin's report byte for byte, per vCPU thread too.
T=$C/vmx-host/ma-host-2vcpu.report-t.txt.gz B=$C/vmx-host/ma-host-2vcpu.dat
if [ -f "$T" ] && [ -f "$B" ]; then
	zcat "$T" | "$KX" report --csv --by vcpu - >"$TMP/text.csv" 2>"$TMP/err"
	"$KX" report --csv --by vcpu "$B" >"$TMP/bin.csv" 2>>"$TMP/err"
	[ "$(wc -l <"$TMP/bin.csv")" -gt 20 ]
	ok $? "${B##*/}: report --csv --by vcpu has its rows"
	same_files "$TMP/text.csv" "$TMP/bin.csv" "${T##*/} = ${B##*/}: report --csv --by vcpu, byte for byte"
else
	skip "${T##*/} vs ${B##*/}: report" "corpus file missing"
fi

# Per-kvm-event counts of every text dump against grep on its own lines.
for f in "$C"/local/*.txt.gz "$C"/emulated/*apic*.report.txt.gz "$C"/vmx-host/*.txt.gz; do
	[ -f "$f" ] || continue
	zcat "$f" >"$TMP/dump"
	run "$KX" info "$TMP/dump"
	is "$RC" 0 "${f##*/}: info exits 0"
	sed -n 's/.*[0-9]: *\(kvm:\)\{0,1\}\(kvm_[a-z_0-9]*\): .*/\2/p' "$TMP/dump" | sort | uniq -c |
		awk '{ print "event " $2 ": " $1 }' >"$TMP/want"
	grep '^event kvm_' "$TMP/out" | sort >"$TMP/got"
	same_files "$TMP/got" "$TMP/want" "${f##*/}: kvm event counts equal grep's"
	want=$(($(grep -Ec '[0-9]\.[0-9]+: ' "$TMP/dump") - $(grep -c 'PERF_RECORD_' "$TMP/dump")))
	is "$(sed -n 's/^records: //p' "$TMP/out")" "$want" "${f##*/}: records equal grep's event lines"
done

# The -t report has ns timestamps: the reader says so, exact to the ns.
zcat "$C/vmx-host/ma-host-2vcpu.report-t.txt.gz" >"$TMP/dump"
run "$KX" info "$TMP/dump"
first=$(sed -n '2s/.*\] *\([0-9]*\)\.\([0-9]*\): .*/\1\2/p' "$TMP/dump")
last=$(tail -n 1 "$TMP/dump" | sed -n 's/.*\] *\([0-9]*\)\.\([0-9]*\): .*/\1\2/p')
is "$(sed -n 's/^first_ts: //p' "$TMP/out")" "$first" "ns report: first timestamp exact to the ns"
is "$(sed -n 's/^last_ts: //p' "$TMP/out")" "$last" "ns report: last timestamp exact to the ns"
grep -q '^format: trace-cmd report text (ns)' "$TMP/out"
ok $? "ns report: format name says ns"
# a us report: timestamps are the printed microseconds times 1000
zcat "$C/local/report-v7-zstd-kvm.txt.gz" >"$TMP/dump"
run "$KX" info "$TMP/dump"
first=$(grep -m1 ' kvm_pio: ' "$TMP/dump" | sed -n 's/.*\] *\([0-9]*\)\.\([0-9]*\): .*/\1\2000/p')
is "$(sed -n 's/^first_ts: //p' "$TMP/out")" "$first" "us report: first kvm_pio at the printed us"
grep -q '^format: trace-cmd report text (us)' "$TMP/out"
ok $? "us report: format name says us"

done_testing
