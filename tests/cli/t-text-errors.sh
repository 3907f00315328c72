#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad text input: a text that is no trace, a binary blob, a dump cut in
# the middle of a line, lines with garbage numbers, disorder beyond the
# reorder window. Unusable input gives one clean error line naming the file
# and exit 3; usable input with bad lines is read with a note; never a crash
# (this script also runs under ASan).
. "$(dirname "$0")/../lib.sh"

val() {
	sed -n "s/^$1: //p" "$TMP/out"
}

# fails FILE LABEL: exit 3, one stderr line "kvmexit-stat: FILE: ...", nothing on stdout
fails() {
	run "$KX" info "$1"
	is "$RC" 3 "$2: exit 3"
	is "$(wc -l <"$TMP/err" | tr -d ' ')" 1 "$2: one error line"
	grep -q "^kvmexit-stat: $1: ." "$TMP/err"
	ok $? "$2: the error names the file"
	[ ! -s "$TMP/out" ]
	ok $? "$2: nothing on stdout"
}

# A text that is no trace: this script itself, and the corpus README.
cp "$0" "$TMP/script.txt"
fails "$TMP/script.txt" "shell script"
if [ -f "$CORPUS/README.md" ]; then
	cp "$CORPUS/README.md" "$TMP/readme.md"
	fails "$TMP/readme.md" "README"
else
	skip "README" "corpus README missing"
fi

# A binary blob (deterministic bytes, includes NULs).
awk 'BEGIN { for (i = 0; i < 6000; i++) printf "%c", (i * 7919) % 251 + 1; printf "%c", 0 }' \
	>"$TMP/blob.bin"
fails "$TMP/blob.bin" "binary blob"

# A real dump cut in the middle of its 50th line: the 48 complete event lines count.
zcat "$CORPUS/vmx-host/ma-host-2vcpu.report-t.txt.gz" | head -n 50 >"$TMP/head50.txt"
head -c $(($(wc -c <"$TMP/head50.txt") - 30)) "$TMP/head50.txt" >"$TMP/cut.txt"
run "$KX" info "$TMP/cut.txt"
is "$RC" 0 "cut mid-line: still readable"
is "$(val records)" 48 "cut mid-line: complete lines only"
val note | grep -q 'truncated'
ok $? "cut mid-line: the note says the last line was truncated"
# cut inside the first event line: no event at all
head -c 40 "$TMP/head50.txt" >"$TMP/cut1.txt"
fails "$TMP/cut1.txt" "cut inside the first event line"
# the same through stdin
head -c 40 "$TMP/head50.txt" | "$KX" info - >"$TMP/out" 2>"$TMP/err"
is "$?" 3 "cut inside the first event line, stdin: exit 3"
grep -q '^kvmexit-stat: (stdin): ' "$TMP/err"
ok $? "stdin: the error names (stdin), as every command's"

# Garbage numbers in some lines: they are skipped and counted in the note.
cat >"$TMP/garbage.txt" <<'TXT'
cpus=2
       CPU 0/KVM-60250 [007] 25135.606831953: kvm_entry:             vcpu 0 rip 0xffffffffbb51c00b
       CPU 0/KVM-60250 [007] 25135.606865339: kvm_exit:             reason EXTERNAL_INTERRUPT rip 0xfffffffzbb533d40 info 0 0
       CPU 0/KVM-60250 [007] 25135.6068x1536: kvm_entry:             vcpu 0 rip 0xffffffffbb533d40
       CPU 0/KVM-60250 [0x7] 25135.606984523: kvm_exit:             reason PREEMPTION_TIMER rip 0xffffffffbb600ba0 info 0 0
       CPU 0/KVM-60250 [007] 99999999999999999999.000000000: kvm_entry:             vcpu 0 rip 0xffffffffbb600ba0
       CPU 0/KVM-60250 [007] 25135.606994128: kvm_exit:             reason MSR_WRITE rip 0xffffffffba4bb564 info 0 0
       CPU 0/KVM-60250 [007] 25135.606995357: kvm_entry:             vcpu 99999999999 rip 0xffffffffba4bb566
TXT
run "$KX" info "$TMP/garbage.txt"
is "$RC" 0 "garbage numbers in some lines: readable"
is "$(val events)" 2 "garbage numbers: only the two good kvm lines delivered"
val note | grep -q '^5 line(s) .*did not parse'
ok $? "garbage numbers: the note counts the 5 bad lines"

# Only garbage: unusable.
grep -v '25135.60683\|25135.606994' "$TMP/garbage.txt" | sed 's/\[007\]/[x]/' >"$TMP/allbad.txt"
fails "$TMP/allbad.txt" "only garbage lines"

# Disorder: a small swap is restored; going back beyond the window is an error.
awk 'BEGIN { print "cpus=1";
	for (i = 0; i < 3000; i++) {
		t = (i == 11) ? 12 : (i == 12) ? 11 : i;
		printf "            vm-7     [000]   %d.%06d: kvm_exit:             reason HLT rip 0x1 info 0 0\n", 100 + int(t / 1000), t % 1000
	} }' >"$TMP/swap.txt"
run "$KX" info "$TMP/swap.txt"
is "$RC" 0 "adjacent lines swapped: readable"
is "$(val events)" 3000 "adjacent lines swapped: every event"
awk 'BEGIN { print "cpus=1";
	for (i = 0; i < 3000; i++)
		printf "            vm-7     [000]   %d.%06d: kvm_exit:             reason HLT rip 0x1 info 0 0\n", 100 + int(i / 1000), i % 1000;
	print "            vm-7     [000]   100.000000: kvm_exit:             reason HLT rip 0x1 info 0 0" }' \
	>"$TMP/back.txt"
fails "$TMP/back.txt" "timestamp going back beyond the reorder window"
grep -q 'reorder window' "$TMP/err"
ok $? "disorder: the error says why"

done_testing
