#!/bin/bash
# `make check` suite: the module builds from a tree that holds only Kbuild,
# driver/ and uapi/ (what a DKMS package or a kernel tree import would take),
# so the driver reaches into no other directory. Prints TAP lines.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
kver=${KVER:-$("$top/scripts/kver.sh")} || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=$build/check/kbuild-alone.log
mkdir -p "$(dirname "$log")"

cp "$top/Kbuild" "$tmp/"
cp -r "$top/driver" "$top/uapi" "$tmp/"
# Only sources: no objects of an earlier in-tree build.
find "$tmp" -name '*.o' -o -name '*.cmd' -o -name '*.mod*' -o -name '*.ko' |
	xargs -r rm -f
if make -C "/usr/src/linux-headers-$kver" M="$tmp" -j2 modules >"$log" 2>&1 &&
	[ -f "$tmp/taihu.ko" ]; then
	echo "ok 1 - kbuild: taihu.ko builds from Kbuild, driver/ and uapi/ alone"
else
	grep -E 'error|No such file' "$log" | head -n 5 | sed 's/^/# /'
	echo "not ok 1 - kbuild: the module does not build from Kbuild, driver/ and uapi/ alone (see $log)"
	exit 1
fi
vermagic=$(modinfo -F vermagic "$tmp/taihu.ko" 2>/dev/null)
if [ "${vermagic%% *}" = "$kver" ]; then
	echo "ok 2 - kbuild: its vermagic names $kver"
else
	echo "not ok 2 - kbuild: vermagic '$vermagic', want $kver"
	exit 1
fi
