#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench-synth.sh [MILLIONS-OF-REPEATS] - kx-synth speed: events per second
# written to a trace.dat v6 on one core, and its peak memory (which must not
# grow with the length). Not part of make check. Output goes to $TMPDIR.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SYNTH=${SYNTH:-$ROOT/build/kx-synth}
M=${1:-5}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/kx-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT

for reps in $((M * 100000)) $((M * 1000000)); do
	cat >"$DIR/bench.scn" <<EOS
kernel 6.18
isa vmx
clock local
cpus 2
seed 1
vcpu tid=100 comm="CPU 0/KVM" vcpu=0 vm=99 cpu=0 {
	entry
	repeat $reps {
		guest 2us
		exit APIC_ACCESS apic write EOI 11us
		guest 9us
		exit MSR_WRITE msr write 0x838 val=0x186a0 uniform 1us 2us
		migrate cpu 1
		guest 3us
		exit HLT 50us
		migrate cpu 0
	}
}
EOS
	events=$((reps * 9 + 1))
	/usr/bin/time -f '%e %M' -o "$DIR/time" "$SYNTH" -o v6="$DIR/bench.dat" "$DIR/bench.scn" || exit 1
	read -r secs kb <"$DIR/time"
	size=$(stat -c %s "$DIR/bench.dat")
	awk -v e="$events" -v s="$secs" -v kb="$kb" -v sz="$size" 'BEGIN {
		printf "%d events in %.2f s = %.1f M events/s, file %.0f MB, peak RSS %d KB\n",
		       e, s, (s > 0 ? e / s / 1e6 : 0), sz / 1e6, kb }'
	rm -f "$DIR/bench.dat"
done
