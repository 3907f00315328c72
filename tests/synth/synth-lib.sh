# SPDX-License-Identifier: GPL-2.0-or-later
# synth-lib.sh - sourced by the tests/synth/t-*.sh scripts after ../lib.sh:
# turn a comparer's "PASS FILE" / "FAIL FILE" lines (one Python run checks
# many files) into TAP results. The label is the file's base name without
# its last extension, then TEXT.

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
