#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Peak memory must stay under 64 MiB whatever --threads says (its default
# is the online CPUs: 64 on a 64-CPU host). Each time slice reads with its
# own buffers for every CPU stream, so a 64-CPU trace read by 64 slices
# once took 106 MiB (v6) and 256 MiB (zstd chunks); the slices are now as
# many as the memory budget holds (perf.data slices too, each with its
# orderer holding about two rounds; with --by vcpu, each vCPU thread's
# histograms in every slice). The report must stay the one of
# --threads 1. Peak RSS is measured by the kernel (getrusage of the child),
# not by kvmexit-stat; sanitizer builds keep shadow memory, so they only
# check the report.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/synth-lib.sh"

# 32 vCPUs on 64 CPUs, vCPU v alternating between CPUs v and v + 32
python3 "$ROOT/bench/wide-host.py" "$ROOT/bench/busy-host.scn.in" 600 >"$TMP/wide.scn"
"$SYNTH" -o v6="$TMP/wide.dat" -o v7-zstd="$TMP/wide.zst.dat" -o perf="$TMP/wide.perf.data" \
	"$TMP/wide.scn" >/dev/null 2>&1
ok $? "kx-synth writes a 64-CPU trace: 32 vCPUs x (1 + 21 x 600) events"
is "$(grep -c 'migrate cpu' "$TMP/wide.scn")" 64 "every vCPU moves between two CPUs"

# with --by vcpu every slice holds the histograms of all 32 vCPUs
for f in wide.dat wide.zst.dat wide.perf.data; do
	for by in "" "--by vcpu"; do
		what="$f${by:+ $by}"
		# shellcheck disable=SC2086
		"$KX" report --json $by --threads 1 "$TMP/$f" >"$TMP/$f.1"
		is $? 0 "$what --threads 1"
		for n in 16 64; do
			# shellcheck disable=SC2086,SC2046
			set -- $(peak_rss "$TMP/$f.$n" "$KX" report --json $by --threads $n "$TMP/$f")
			is "$1" 0 "$what --threads $n"
			same_files "$TMP/$f.1" "$TMP/$f.$n" "$what --threads $n: the report of --threads 1"
			under_64mib "$2" "$what --threads $n"
		done
	done
done
events=$(python3 -c '
import json, sys
ev = json.load(open(sys.argv[1]))["input"]["events"]
print(sum(ev.get(k, 0) for k in ("kvm_exit", "kvm_entry", "kvm_apic", "kvm_msr", "kvm_mmio", "kvm_eoi")))' "$TMP/wide.zst.dat.64")
is "$events" $((32 * (1 + 21 * 600))) "every event of the scenario read"

# 192 vCPUs on the 64 CPUs: --by vcpu holds ~65-70 KiB for each in every
# slice, so the split counts the vCPU threads its samples show (it assumed
# ~28 and peaked at 99-101 MiB)
python3 "$ROOT/bench/wide-host.py" "$ROOT/bench/busy-host.scn.in" 100 192 >"$TMP/many.scn"
"$SYNTH" -o v6="$TMP/many.dat" -o v7-zstd="$TMP/many.zst.dat" -o perf="$TMP/many.perf.data" \
	"$TMP/many.scn" >/dev/null 2>&1
ok $? "kx-synth writes 192 vCPUs on 64 CPUs"
for f in many.dat many.zst.dat many.perf.data; do
	"$KX" report --json --by vcpu --threads 1 "$TMP/$f" >"$TMP/$f.1"
	is $? 0 "$f --by vcpu --threads 1"
	for n in 16 64; do
		# shellcheck disable=SC2046
		set -- $(peak_rss "$TMP/$f.$n" "$KX" report --json --by vcpu --threads $n "$TMP/$f")
		is "$1" 0 "$f --by vcpu --threads $n"
		same_files "$TMP/$f.1" "$TMP/$f.$n" "$f --by vcpu --threads $n: the report of --threads 1"
		under_64mib "$2" "$f --by vcpu --threads $n"
	done
done
done_testing
