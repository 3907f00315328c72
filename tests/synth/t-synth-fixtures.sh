#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The committed fixtures never drift from kx-synth: regenerate every
# tests/fixtures/*.scn (outputs + known answer) and compare byte for byte.
. "$(dirname "$0")/../lib.sh"

for scn in "$FIXTURES"/*.scn; do
	name=$(basename "$scn" .scn)
	run "$SYNTH" -p "$TMP/$name" -a "$TMP/$name.answer.json" "$scn"
	is "$RC" 0 "$name: kx-synth generates it"
	for f in "$TMP/$name".*; do
		ext=${f#"$TMP/$name"}
		same_files "$FIXTURES/$name$ext" "$f" "$name$ext is what the generator writes"
	done
done
done_testing
