#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what kvmexit-stat needs to build and to run its tests, on Debian
# and Ubuntu (apt) or Fedora (dnf). Uses sudo only when not already root.
set -e

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

if command -v apt-get >/dev/null 2>&1; then
	$SUDO apt-get update -qq
	# the library headers, then the peers the tests compare against
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
		gcc make pkg-config libtraceevent-dev libtracefs-dev zlib1g-dev libzstd-dev \
		python3 trace-cmd zstd >/dev/null
	# perf: Debian ships linux-perf, Ubuntu linux-tools-<kernel>; tests skip perf checks without it
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq linux-perf >/dev/null 2>&1 ||
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq linux-tools-common \
			"linux-tools-$(uname -r)" >/dev/null 2>&1 ||
		echo "install-deps: perf not installed; tests that compare with perf will be skipped" >&2
elif command -v dnf >/dev/null 2>&1; then
	$SUDO dnf install -y gcc make pkgconf libtraceevent-devel libtracefs-devel zlib-devel \
		libzstd-devel python3 trace-cmd zstd perf
else
	echo "install-deps: no apt-get or dnf; install libtraceevent, libtracefs, zlib (and libzstd) development files by hand" >&2
	exit 1
fi
