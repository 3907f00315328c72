# SPDX-License-Identifier: GPL-2.0-or-later
# synth-lib.sh - sourced by the tests/synth/t-*.sh scripts after ../lib.sh:
# turn a comparer's "PASS FILE" / "FAIL FILE" lines (one Python run checks
# many files) into TAP results. The label is the file's base name without
# its last extension, then TEXT. peak_rss: a command's peak memory as the
# kernel counts it (getrusage of the child), not as the command reports it.

tap_results() {	# tap_results RESULTS TEXT
	_last=PASS
	while IFS= read -r _line; do
		case $_line in
		"PASS "*|"FAIL "*)
			_f=${_line#* }
			_f=$(basename "$_f")
			_last=${_line%% *}
			[ "$_last" = PASS ]
			ok $? "${_f%.*}: $2"
			;;
		"#"*)
			[ "$_last" = FAIL ] && printf '%s\n' "$_line"
			;;
		esac
	done <"$1"
}

peak_rss() {	# peak_rss OUT CMD...: run CMD (stdout to OUT), print "STATUS PEAK_KIB"
	python3 - "$@" <<'EOF'
import resource, subprocess, sys
with open(sys.argv[1], "w") as out:
    rc = subprocess.call(sys.argv[2:], stdout=out)
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
EOF
}

# under_64mib PEAK_KIB WHAT: the memory target (sanitizer builds keep shadow memory: skipped)
under_64mib() {
	if [ -n "$KX_SANITIZED" ]; then
		skip "$2: peak RSS under 64 MiB" "sanitizer build"
	else
		[ "$1" -lt 65536 ]
		ok $? "$2: peak RSS under 64 MiB ($1 KiB)"
	fi
}
