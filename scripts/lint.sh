#!/bin/bash
# `make lint`: the kernel's own checks on driver/ and uapi/
#   - checkpatch.pl --strict on every .c/.h file
#   - kernel-doc comments well formed (scripts/kernel-doc -none)
#   - sparse through the module build (C=2 checks every file, built or not)
#   - the generated netlink code is current, docs/ABI is valid and complete
#     (scripts/check-generated.sh)
# Exits non-zero if any of them reports anything.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
src=/usr/src/linux-source-6.12
kver=${KVER:-$("$top/scripts/kver.sh")} || exit 1
cd "$top" || exit 1
mkdir -p "$build"

files=$(find driver uapi -name '*.[ch]' | LC_ALL=C sort)
status=0

echo "== checkpatch --strict"
# shellcheck disable=SC2086 # one word per file
if perl "$src/scripts/checkpatch.pl" --no-tree --strict --quiet --show-types \
	-f $files; then
	echo "checkpatch: clean"
else
	status=1
fi

echo "== kernel-doc"
# shellcheck disable=SC2086
out=$(perl "$src/scripts/kernel-doc" -none $files 2>&1)
if [ -n "$out" ]; then
	echo "$out"
	status=1
else
	echo "kernel-doc: clean"
fi

echo "== sparse (make C=2)"
log=$build/lint-sparse.log
make -C "/usr/src/linux-headers-$kver" M="$top" C=2 modules >"$log" 2>&1
rc=$?
if [ $rc -ne 0 ] || grep -Eq 'warning:|error:' "$log"; then
	grep -E 'warning:|error:' "$log" || tail -n 20 "$log"
	status=1
else
	echo "sparse: clean ($(grep -c ' CHECK ' "$log") files checked)"
fi

echo "== generated code and ABI document"
if "$top/scripts/check-generated.sh"; then
	echo "generated: clean"
else
	status=1
fi

if [ $status -eq 0 ]; then
	echo "lint: clean ($(echo "$files" | wc -w) files)"
else
	echo "lint: problems found (see above; sparse log: $log)"
fi
exit $status
