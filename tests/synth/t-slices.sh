#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# report, cycles and info cut a trace.dat into time slices, one per thread
# (compressed data from three threads on), and a perf.data file too
# (rounds read 20 us apart per CPU, so they overlap in time as perf's do).
# On a trace built to cross every slice edge (vCPUs migrating between CPUs,
# lost-events markers on every CPU, userspace exits, idle exits lasting
# milliseconds, orphan entries, an exit open at the end, two buffers) the
# report and the cycles totals must equal kx-synth's known answer for any
# --threads, and they and info be byte for byte the same as --threads 1 in
# every form and with filters (cycles --list reads in one pass).
. "$(dirname "$0")/../lib.sh"
D=$(dirname "$0")
. "$D/synth-lib.sh"

cat >"$TMP/slices.scn" <<'SCN'
kernel 6.18
isa vmx
clock local
cpus 6
buffer second
seed 11
vcpu tid=9001 vcpu=0 vm=9000 cpu=0 {
	entry
	repeat 3000 {
		guest lognormal median=4us sigma=0.8
		choose {
			4: exit APIC_ACCESS apic write EOI lognormal median=2us sigma=0.5
			3: exit APIC_WRITE apic write TMICT val=0x2710 lognormal median=1us sigma=0.3
			2: exit MSR_WRITE msr write 0x830 val=0x2000000fd lognormal median=1500ns sigma=0.3
			2: exit MSR_WRITE msr write 0x6e0 lognormal median=1us sigma=0.3
			1: exit EPT_MISCONFIG mmio write 0xfebd1000 len=4 lognormal median=6us sigma=0.4
			1: exit IO_INSTRUCTION pio out 0x3f8 userspace 2us lognormal median=20us sigma=1
			1: exit HLT lognormal median=200us sigma=2
			1: exit HLT lost 3 lognormal median=50us sigma=1
			1: { migrate cpu 1 ; exit EXTERNAL_INTERRUPT 900ns }
			1: { migrate cpu 0 ; exit EXTERNAL_INTERRUPT 900ns }
		}
	}
	exit HLT unfinished 5us
}
vcpu tid=9002 vcpu=1 vm=9000 cpu=2 start=3us {
	entry
	repeat 3000 {
		guest lognormal median=3us sigma=0.8
		choose {
			4: exit APIC_ACCESS apic write EOI lognormal median=2us sigma=0.5
			3: exit MSR_WRITE msr write 0x830 val=0x2000000fd lognormal median=1500ns sigma=0.3
			1: exit HLT lognormal median=500us sigma=2
			1: { lost cpu 2 count 5 ; exit CPUID 700ns }
			1: { migrate cpu 3 ; exit EXTERNAL_INTERRUPT 900ns }
			1: { migrate cpu 2 ; exit EXTERNAL_INTERRUPT 900ns }
			1: { entry ; exit CPUID 1us }
		}
	}
}
vcpu tid=9003 vcpu=2 vm=9000 cpu=4 start=7us {
	entry
	repeat 2000 {
		guest lognormal median=10us sigma=1
		exit HLT lognormal median=2ms sigma=1.5
		guest 1us
		exit APIC_WRITE apic write TMICT val=0x100 1us
	}
}
vcpu tid=9101 vcpu=0 vm=9100 cpu=5 buffer=second start=1us {
	entry
	repeat 4000 {
		guest lognormal median=5us sigma=0.6
		choose {
			2: exit APIC_ACCESS apic write EOI 2us
			1: exit MSR_WRITE msr write 0x6e0 1us
			1: exit HLT lognormal median=100us sigma=1
		}
	}
}
SCN
kinds="-o v7-zlib=$TMP/s.zlib.dat"
"$SYNTH" -o v7-zstd="$TMP/probe.dat" "$FIXTURES/seed-xapic.scn" 2>/dev/null &&
	kinds="$kinds -o v7-zstd=$TMP/s.zst.dat"
# shellcheck disable=SC2086
run "$SYNTH" -o v6="$TMP/s.dat" -o v7-none="$TMP/s.v7.dat" $kinds -a "$TMP/answer.json" \
	"$TMP/slices.scn"
is "$RC" 0 "kx-synth writes the slices trace (v6, v7 none, zlib, zstd) and its answer"
files="s.dat s.v7.dat s.zlib.dat"
[ -f "$TMP/s.zst.dat" ] && files="$files s.zst.dat"
{ echo "perf-stagger 20us"; cat "$TMP/slices.scn"; } >"$TMP/perf.scn"
run "$SYNTH" -o perf="$TMP/s.perf.data" "$TMP/perf.scn"
is "$RC" 0 "kx-synth writes it as perf.data"
files="$files s.perf.data"

# against_answer CMD [--cycles]: CMD --json on every file of $files in 1,
# 2, 4 and 8 slices equals the known answer $answer (report: with its 20
# longest exits; with --cycles: the cycles totals)
answer=answer.json
against_answer() {
	_pairs=""
	for f in $files; do
		for n in 1 2 4 8; do
			# shellcheck disable=SC2046
			"$KX" $1 $([ "$1" = report ] && echo --longest 20) --json --threads $n "$TMP/$f" \
				>"$TMP/$f.$n.$1.json" 2>"$TMP/err"
			_pairs="$_pairs $TMP/$answer=$TMP/$f.$n.$1.json"
		done
	done
	# shellcheck disable=SC2086
	python3 "$D/answer_cmp.py" ${2:-} $_pairs >"$TMP/res"
	tap_results "$TMP/res" "$1 --json in 1, 2, 4 and 8 slices equals the known answer"
}
against_answer report
against_answer cycles --cycles

for f in $files; do
	for cmd in "report --json" "report --by vcpu --keys" "report --csv --by vcpu" \
		"report --json --vcpu 1 --by vcpu" "report --pid 9101 --json" \
		"report --buffer second --json" "report --top 9" "report --longest 50 --by vcpu" \
		"report --csv --longest 30" "report --json --longest 20 --time 1003.5,1009.25" \
		"cycles --json --time 1003.5,1009.25" "cycles" "cycles --json" \
		"cycles --csv --vcpu 2" "cycles --pid 9000 --json" "cycles --lvtt" \
		"cycles --buffer second --csv" "cycles --worst 4 --json" "cycles --worst 9000 --by-host" \
		"cycles --list --csv" "info" "info --buffer second"; do
		# perf.data has one buffer
		case "$f $cmd" in *.perf.data*--buffer*) continue ;; esac
		# shellcheck disable=SC2086
		"$KX" $cmd --threads 1 "$TMP/$f" >"$TMP/one" 2>&1
		echo "status $?" >>"$TMP/one"
		# a real report, not a usage error
		grep -q '^status 0$' "$TMP/one" &&
			grep -q 'APIC EOI write\|APIC TMICT write\|TSC_DEADLINE write\|^exit \|PIO 0x3f8' "$TMP/one"
		same=$?
		for n in 2 3 5 8; do
			# shellcheck disable=SC2086
			"$KX" $cmd --threads $n "$TMP/$f" >"$TMP/many" 2>&1
			echo "status $?" >>"$TMP/many"
			cmp -s "$TMP/one" "$TMP/many" || same=1
		done
		ok $same "$f: $cmd identical for --threads 1, 2, 3, 5, 8"
	done
done

# The guard's child process (kx_guard.h) parses the formats once: the
# probe that cuts the slices starts it, and every slice after it parses
# the same texts without one. Counted with strace: clone() without
# CLONE_THREAD is a process, with it a slice's thread.
if command -v strace >/dev/null 2>&1 && [ -z "${KX_SANITIZED:-}" ]; then
	for f in s.dat s.perf.data; do
		strace -f -qq -e trace=clone,clone3 -o "$TMP/strace" "$KX" report --threads 4 "$TMP/$f" \
			>/dev/null 2>&1
		processes=$(grep -c 'clone.*SIGCHLD' "$TMP/strace")
		threads=$(grep -c 'CLONE_THREAD' "$TMP/strace")
		[ "$processes" = 1 ] && [ "$threads" -ge 3 ]
		ok $? "$f in 4 slices: one guard process ($processes), slices on threads ($threads)"
	done
else
	for f in s.dat s.perf.data; do
		skip "$f in 4 slices: one guard process" \
			"strace is not installed, or ASan's runtime traces this process"
	done
fi

# Lost markers of both buffers on one CPU, deferred one after the other at
# a slice's start: the second buffer's marker must still break the exit
# its thread left open in the slice before (only repeats of one buffer's
# markers on a CPU are dropped). trace.dat only: perf.data has no buffers.
cat >"$TMP/twobuf.scn" <<'SCN'
kernel 6.18
isa vmx
clock local
cpus 2
buffer second
seed 5
vcpu tid=9201 vcpu=0 vm=9200 cpu=0 {
	entry
	repeat 20000 {
		guest 3us
		exit CPUID lost 1 1us
	}
}
vcpu tid=9301 vcpu=0 vm=9300 cpu=0 buffer=second start=2us {
	entry
	repeat 40 {
		guest 2us
		exit HLT lost 1 2ms
	}
}
SCN
run "$SYNTH" -o v6="$TMP/twobuf.dat" -a "$TMP/twobuf.json" "$TMP/twobuf.scn"
is "$RC" 0 "kx-synth writes the two-buffer lost-markers trace"
files=twobuf.dat
answer=twobuf.json
against_answer report
done_testing
