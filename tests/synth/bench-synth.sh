#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench-synth.sh [MILLIONS-OF-REPEATS] [CPUS] - kx-synth speed: events per
# second written to a trace.dat v6 by one thread (per elapsed second, per
# user-CPU second, per user+system CPU second: on a shared machine elapsed
# time includes waiting for a core), and its peak memory (which must not grow
# with the length). With CPUS 1 all events go to CPU 0, which is written
# straight into place; with 2 half of them go through a scratch file.
# Not part of make check. Output goes to $TMPDIR (e.g. TMPDIR=/dev/shm).
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SYNTH=${SYNTH:-$ROOT/build/kx-synth}
M=${1:-5}
NCPU=${2:-1}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/kx-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT

for reps in $((M * 100000)) $((M * 1000000)); do
	cat >"$DIR/bench.scn" <<EOS
kernel 6.18
isa vmx
clock local
cpus $NCPU
seed 1
vcpu tid=100 comm="CPU 0/KVM" vcpu=0 vm=99 cpu=0 {
	entry
	repeat $reps {
		guest 2us
		exit APIC_ACCESS apic write EOI 11us
		guest 9us
		exit MSR_WRITE msr write 0x838 val=0x186a0 uniform 1us 2us
		migrate cpu $((NCPU - 1))
		guest 3us
		exit HLT 50us
		migrate cpu 0
	}
}
EOS
	# the count kx-synth wrote (10 per pass: exit, kvm_apic, kvm_eoi, entry; exit,
	# kvm_apic, kvm_msr, entry; exit, entry; and the first lone entry)
	/usr/bin/time -f '%e %U %S %M' -o "$DIR/time" "$SYNTH" -v -o v6="$DIR/bench.dat" \
		"$DIR/bench.scn" 2>"$DIR/count" || { cat "$DIR/count" >&2; exit 1; }
	events=$(awk '/events$/ { print $2 }' "$DIR/count")
	if [ "$events" != $((reps * 10 + 1)) ]; then
		echo "unexpected event count: $(cat "$DIR/count")" >&2
		exit 1
	fi
	read -r secs user sys kb <"$DIR/time"
	size=$(stat -c %s "$DIR/bench.dat")
	awk -v e="$events" -v s="$secs" -v u="$user" -v k="$sys" -v kb="$kb" -v sz="$size" '
	function rate(t) { return t > 0 ? e / t / 1e6 : 0 }
	BEGIN {
		printf "%d events, %.0f MB: %.2f s elapsed = %.1f M/s; %.2f s user = %.1f M/s; " \
		       "%.2f s user+sys = %.1f M/s; peak RSS %d KB\n",
		       e, sz / 1e6, s, rate(s), u, rate(u), u + k, rate(u + k), kb }'
	# the ceiling: the same number of bytes written with no work at all
	mb=$(( (size + 1048575) / 1048576 ))
	/usr/bin/time -f '%e' -o "$DIR/time" dd if=/dev/zero of="$DIR/bench.dat" bs=1M \
		count="$mb" status=none
	awk -v e="$events" -v s="$(cat "$DIR/time")" -v mb="$mb" 'BEGIN {
		printf "  write limit: dd of %d MB takes %.2f s = %.1f M events/s at this event size\n",
		       mb, s, (s > 0 ? e / s / 1e6 : 0) }'
	rm -f "$DIR/bench.dat"
done
