#!/bin/bash
# SPDX-License-Identifier: MIT
# `make deb`: build the Debian packages (debian/) with dpkg-buildpackage -b
# from a copy of the tree in $BUILD/deb/src (the tracked and the untracked,
# not ignored files: what is being worked on, without build/), so that the
# .debs, .buildinfo and .changes land in $BUILD/deb/ and the checkout stays
# clean. Nothing of build/ is reused: the packages are built from scratch.
# Lean: no tests (they need a card), no -dbgsym packages, $JOBS (default 2)
# parallel jobs; DEB_BUILD_OPTIONS from the environment come on top.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
out=$build/deb

rm -rf "$out"
mkdir -p "$out/src"
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# --ignore-failed-read: tracked files deleted in the work tree are gone
	(cd "$top" && git ls-files -z --cached --others --exclude-standard) |
		tar -C "$top" --null --ignore-failed-read -T - -cf - 2>/dev/null |
		tar -C "$out/src" -xf -
else
	tar -C "$top" --exclude=./build -cf - . | tar -C "$out/src" -xf -
fi
cd "$out/src"
DEB_BUILD_OPTIONS="nocheck noautodbgsym parallel=${JOBS:-2} ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -b -us -uc
ls "$out"/*.deb
