#!/bin/bash
# SPDX-License-Identifier: MIT
# DKMS builds taihu.ko from what the taihu-dkms package ships (dkms.conf,
# Kbuild, driver/, uapi/: its /usr/src/taihu-VERSION as tests/pkg/deb.sh
# unpacked it, or the tree's files when no package was built) for the
# guest's kernel (scripts/kver.sh), with the real dkms in private trees under
# $BUILD/dkms (the host's /var/lib/dkms and /lib/modules are not touched). The module is left as $BUILD/dkms/taihu.ko
# for the install guest scenario, which loads it. TAP lines.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
kver=${KVER:-$("$top/scripts/kver.sh")} || exit 1
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
d=$build/dkms
log=$d/dkms.log
n=0 failed=0

tap() {	# tap 0|1 DESC
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - dkms: $2"
	else echo "not ok $n - dkms: $2"; failed=1; fi
}

pkgsrc=$build/deb/root/usr/src/taihu-$ver
rm -rf "$d"
mkdir -p "$d/src/taihu-$ver" "$d/tree"
if [ -f "$pkgsrc/dkms.conf" ]; then
	echo "# the source: taihu-dkms's /usr/src/taihu-$ver"
	cp -r "$pkgsrc/." "$d/src/taihu-$ver/"
else
	echo "# no unpacked taihu-dkms ($pkgsrc): the tree's files"
	cp -r "$top/dkms.conf" "$top/Kbuild" "$top/driver" "$top/uapi" "$d/src/taihu-$ver/"
	find "$d/src" \( -name '*.o' -o -name '*.cmd' -o -name '*.mod*' -o -name '*.ko' \) -delete
fi
dk=(dkms --dkmstree "$d/tree" --sourcetree "$d/src")

"${dk[@]}" add -m taihu -v "$ver" >"$log" 2>&1
tap $? "dkms add taihu/$ver"
"${dk[@]}" build -m taihu -v "$ver" -k "$kver" >>"$log" 2>&1
rc=$?
tap $rc "dkms build taihu/$ver for $kver (log: $log)"
[ $rc -eq 0 ] || { tail -n 20 "$log" | sed 's/^/# /'; exit 1; }
"${dk[@]}" status -m taihu -v "$ver" -k "$kver" >"$d/status" 2>/dev/null
grep -q "taihu/$ver, $kver, x86_64: built" "$d/status"
tap $? "dkms status says built ($(cat "$d/status"))"

ko=$(find "$d/tree/taihu/$ver/$kver" -name 'taihu.ko*' -path '*/module/*' | head -n 1)
case "$ko" in
*.ko.xz) xz -dc "$ko" >"$d/taihu.ko" ;;
*.ko.zst) zstd -qdc "$ko" >"$d/taihu.ko" ;;
*.ko) cp "$ko" "$d/taihu.ko" ;;
esac
[ -s "$d/taihu.ko" ]
tap $? "the module DKMS built is there (${ko#"$d"/})"
vm=$(modinfo -F vermagic "$d/taihu.ko" 2>/dev/null)
[ "${vm%% *}" = "$kver" ]
tap $? "its vermagic names $kver"
# another kernel series is refused, not built wrongly
"${dk[@]}" build -m taihu -v "$ver" -k 6.1.0-99-amd64 >"$d/other.log" 2>&1
[ $? -ne 0 ] && ! [ -d "$d/tree/taihu/$ver/6.1.0-99-amd64/x86_64/module" ]
tap $? "dkms refuses a kernel that is not 6.12"
exit $failed
