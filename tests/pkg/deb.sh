#!/bin/bash
# SPDX-License-Identifier: MIT
# The Debian packages (issue 14): `make deb`'s scripts/deb.sh builds them
# with dpkg-buildpackage from a copy of the tree; lintian reports no error and
# no warning; their files are unpacked (dpkg -x) into $BUILD/deb/root, where
# the DKMS check and the install guest scenario take the stack from; an
# example program builds against the unpacked libtaihu-dev with nothing but
# `pkg-config --cflags --libs taihu` (shared and --static) and runs; the
# exporter's systemd unit passes systemd-analyze verify. The host is left
# as it was (no dpkg -i). TAP lines.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
d=$build/deb
root=$d/root
ex=$build/pkg-example
n=0 failed=0

tap() {	# tap 0|1 DESC
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - deb: $2"
	else echo "not ok $n - deb: $2"; failed=1; fi
}
comment() { sed 's/^/# /' "$@"; }

packages=$(sed -n 's/^Package: //p' "$top/debian/control")
mkdir -p "$build"
start=$(date +%s)
nice -n 10 "$top/scripts/deb.sh" >"$build/deb.log" 2>&1
rc=$?
missing=""
for p in $packages; do
	compgen -G "$d/${p}_*.deb" >/dev/null || missing+=" $p"
done
[ $rc -eq 0 ] && [ -z "$missing" ]
tap $? "dpkg-buildpackage -b builds $(wc -w <<<"$packages") packages in $(($(date +%s) - start))s (log: $build/deb.log)"
if [ $rc -ne 0 ] || [ -n "$missing" ]; then
	echo "# missing:$missing"
	tail -n 20 "$build/deb.log" | comment
	exit 1
fi

dver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
pver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
[ "$dver" = "$pver" ]
tap $? "dkms.conf's PACKAGE_VERSION ($dver) is the package version ($pver)"

# every tag lintian emits is shown; errors and warnings fail
lintian --fail-on error,warning --info "$d"/*.changes >"$d/lintian.log" 2>&1
rc=$?
grep -v 'running with root privileges' "$d/lintian.log" | comment
tap $rc "lintian: no error, no warning ($(grep -c '^[EWIPX]:' "$d/lintian.log") tags of lower severity)"

rm -rf "$root" "$ex"
mkdir -p "$root" "$ex"
rc=0
for f in "$d"/*.deb; do dpkg-deb -x "$f" "$root" || rc=1; done
tap $rc "dpkg -x of every package into ${root#"$build"/}"

# The example against the unpacked libtaihu-dev: its taihu.pc is found in
# the root and the root is the sysroot. The packages libtaihu-dev depends on
# (libdrm-dev, ...) are the host's: the root sees the host's headers beside
# its own. The compiler's dependency list and ldd show the root's files were used.
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for f in /usr/include/*; do
	[ -e "$root$f" ] || ln -s "$f" "$root$f"
done
export PKG_CONFIG_SYSROOT_DIR=$root
export PKG_CONFIG_LIBDIR=$root/usr/lib/$multiarch/pkgconfig:/usr/lib/$multiarch/pkgconfig:/usr/share/pkgconfig
flags=$(pkg-config --cflags --libs taihu 2>"$ex/pc.err")
tap $? "pkg-config --cflags --libs taihu: $flags"
# shellcheck disable=SC2086 # pkg-config's output is words
cc -std=c11 -Wall -Wextra -Werror -MD -MF "$ex/example.d" -o "$ex/example" \
	"$here/example.c" $flags -lm >"$ex/cc.log" 2>&1
rc=$?
comment "$ex/cc.log"
read_hdr() { tr ' \\' '\n\n' <"$ex/example.d" | grep -qx "$root/usr/include/taihu/$1"; }
[ $rc -eq 0 ] && read_hdr taihu.h && read_hdr taihu_accel.h
tap $? "the example compiles with them, with the packaged taihu.h and taihu_accel.h"
LD_LIBRARY_PATH=$root/usr/lib/$multiarch ldd "$ex/example" >"$ex/ldd" 2>&1
LD_LIBRARY_PATH=$root/usr/lib/$multiarch "$ex/example" >"$ex/out" 2>&1
rc=$?
comment "$ex/out"
[ $rc -eq 0 ] && grep -q "libtaihu.so.1 => $root/usr/lib/$multiarch/libtaihu.so.1 " "$ex/ldd" &&
	grep -q '^taihu-example: 0 card(s)$' "$ex/out"
tap $? "it runs on the packaged libtaihu.so.1 and finds no card on the host"
flags=$(pkg-config --static --cflags --libs taihu)
# libtaihu.a first (libudev has no static library: the rest stays shared)
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror -o "$ex/example-static" "$here/example.c" \
	-Wl,-Bstatic -ltaihu -Wl,-Bdynamic $flags -lm >"$ex/cc-static.log" 2>&1 &&
	! ldd "$ex/example-static" | grep -q libtaihu && "$ex/example-static" >/dev/null
tap $? "and linked with the static libtaihu.a (pkg-config --static: $flags)"
unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR

# the unit as systemd reads it (its ExecStart must exist: in the root)
unit=$root/lib/systemd/system/taihu-exporter.service
sed "s|^ExecStart=/|ExecStart=$root/|" "$unit" >"$ex/taihu-exporter.service"
# (and its Documentation=, man:taihu-exporter(8), must be a page man finds)
MANPATH=$root/usr/share/man SYSTEMD_LOG_LEVEL=warning systemd-analyze verify "$ex/taihu-exporter.service" >"$ex/verify" 2>&1
rc=$?
comment "$ex/verify"
[ $rc -eq 0 ] && ! grep -q . "$ex/verify" &&
	grep -qx 'Restart=on-failure' "$unit" && grep -qx 'DynamicUser=yes' "$unit" &&
	grep -qx 'SupplementaryGroups=render' "$unit"
tap $? "systemd-analyze verify taihu-exporter.service (restarts on failure; dynamic user in group render)"
exit $failed
