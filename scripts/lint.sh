#!/bin/bash
# `make lint` (and the `lint` suite of `make check`): static analysis.
#   driver/ and uapi/:
#   - checkpatch.pl --strict on every .c/.h file
#   - kernel-doc comments well formed (scripts/kernel-doc -none)
#   - sparse through the module build (C=2 checks every file, built or not)
#   - the kernel's Coccinelle rules, report mode (scripts/lint/coccinelle.sh)
#   userspace/ and firmware/, with the compile commands of their Makefiles
#   (scripts/lint/compile-db.py):
#   - clang-tidy: clang-analyzer-* and bugprone-* (scripts/lint/clang-tidy.yaml)
#   - cppcheck (scripts/lint/cppcheck.supp)
#   and the generated netlink code is current, docs/ABI valid and complete
#   (scripts/check-generated.sh; `make check` runs it as its own suite).
# Prints one TAP line per check, the findings as "# " lines; exits non-zero if
# any check finds anything.
#
# A clean result is cached in $TAIHU_LINT_CACHE (default ~/.cache/taihu-lint),
# keyed by the tools' versions and configuration and the content of what they
# read, never by a path or a time: a clone of the same sources hits it, any
# change to a file misses it (clang-tidy and cppcheck: per translation unit).
# Without a writable cache directory the results are kept in $BUILD/lint/cache.
# Usage: scripts/lint.sh [--no-generated]   (`make check` passes --no-generated:
# scripts/check-generated.sh is a suite of its own there)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
src=/usr/src/linux-source-6.12
kver=${KVER:-$("$top/scripts/kver.sh")} || exit 1
cache=${TAIHU_LINT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/taihu-lint}
generated=1
[ "${1:-}" != --no-generated ] || generated=0
cd "$top" || exit 1
mkdir -p "$build/lint"
# The cache is optional: without a writable one, results stay in the build tree.
if ! mkdir -p "$cache" 2>/dev/null || ! [ -w "$cache" ]; then
	echo "# lint: cache $cache not writable, using $build/lint/cache"
	cache=$build/lint/cache
	mkdir -p "$cache"
fi

files=$(find driver uapi -name '*.[ch]' | LC_ALL=C sort)
n=0
status=0

tap() {	# tap ok|not-ok DESC
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		status=1
	fi
}

# sources_key WHAT...: a key for the kernel-side checks: the content (and
# relative name) of every driver/uapi file and Kbuild, plus WHAT.
sources_key() {
	{
		printf '%s\n' "$@"
		# shellcheck disable=SC2086 # one word per file
		for f in Kbuild $files; do
			printf '%s\n' "$f"
			cat "$f"
		done
	} | sha256sum | cut -c1-40
}

# check NAME DESC KEY COMMAND...: run COMMAND unless NAME passed with KEY
# before; report it; show its output as comments when it fails.
check() {
	local name=$1 desc=$2 key=$3 log=$build/lint/$1.log stamp
	shift 3
	stamp=$cache/$name-$key
	if [ -e "$stamp" ]; then
		tap ok "$desc (cached)"
		return
	fi
	if "$@" >"$log" 2>&1; then
		tap ok "$desc: $(tail -n 1 "$log")"
		: >"$stamp"
	else
		sed 's/^/# /' "$log"
		tap not-ok "$desc (see $log)"
	fi
}

run_checkpatch() {
	# shellcheck disable=SC2086
	perl "$src/scripts/checkpatch.pl" --no-tree --strict --quiet --show-types \
		-f $files && echo "$(wc -w <<<"$files") files clean"
}

run_kernel_doc() {
	local out
	# shellcheck disable=SC2086
	out=$(perl "$src/scripts/kernel-doc" -none $files 2>&1)
	[ -z "$out" ] || { echo "$out"; return 1; }
	echo "$(wc -w <<<"$files") files clean"
}

run_sparse() {
	local log=$build/lint-sparse.log
	make -C "/usr/src/linux-headers-$kver" M="$top" C=2 modules >"$log" 2>&1
	local rc=$?
	if [ $rc -ne 0 ] || grep -Eq 'warning:|error:' "$log"; then
		grep -E 'warning:|error:' "$log" || tail -n 20 "$log"
		return 1
	fi
	echo "$(grep -c ' CHECK ' "$log") files clean"
}

tool_version() { "$@" 2>&1 | head -n 1; }

check checkpatch "checkpatch --strict on driver/ and uapi/" \
	"$(sources_key "$(sha256sum "$src/scripts/checkpatch.pl")" \
		"$(sha256sum "$src/scripts/spelling.txt" 2>/dev/null)")" run_checkpatch
check kernel-doc "kernel-doc on driver/ and uapi/" \
	"$(sources_key "$(sha256sum "$src/scripts/kernel-doc")")" run_kernel_doc
check sparse "sparse (C=2) on driver/" \
	"$(sources_key "$kver" "$(tool_version sparse --version)")" run_sparse
check coccinelle "the kernel's Coccinelle rules on driver/" \
	"$(sources_key "$(tool_version spatch --version)" \
		"$(cat "$top/scripts/lint/coccinelle.sh" "$top/scripts/lint/coccinelle.skip")" \
		"$(find "$src/scripts/coccinelle" -name '*.cocci' | LC_ALL=C sort | xargs cat | sha256sum)")" \
	"$top/scripts/lint/coccinelle.sh" "$top"

# userspace/ and firmware/: compiled as `make all` compiles them (the
# generated ONNX headers must exist: make all first).
db=$build/lint/compile_commands.json
if "$top/scripts/lint/compile-db.py" "$top" "$build" "$db" >/dev/null; then
	for tool in clang-tidy cppcheck; do
		if "$top/scripts/lint/c-analysis.py" "$tool" "$top" "$db" "$cache" \
			>"$build/lint/$tool.log" 2>&1; then
			tap ok "$tool on userspace/ and firmware/: $(tail -n 1 "$build/lint/$tool.log")"
		else
			sed 's/^/# /' "$build/lint/$tool.log"
			tap not-ok "$tool on userspace/ and firmware/ (see $build/lint/$tool.log)"
		fi
	done
else
	tap not-ok "compile commands of userspace/ and firmware/ (make -n failed)"
fi

if [ $generated -eq 1 ]; then
	if "$top/scripts/check-generated.sh" >"$build/lint/generated.log" 2>&1; then
		tap ok "generated code and ABI document current"
	else
		sed 's/^/# /' "$build/lint/generated.log"
		tap not-ok "generated code and ABI document (see $build/lint/generated.log)"
	fi
fi

if [ $status -eq 0 ]; then
	echo "# lint: clean"
else
	echo "# lint: problems found (see above)"
fi
exit $status
