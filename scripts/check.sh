#!/bin/bash
# `make check`: run every test suite, print one numbered line per test, and end
# with "N passed, N failed[, N skipped]" as the last line.
#
# A suite is a command that prints TAP-style lines ("ok ..." / "not ok ...",
# "# SKIP" marks a skipped test, "# ..." lines are comments). Its complete output
# goes to build/check/SUITE.log. A suite that exits non-zero without a failing
# test line, or that prints no test at all, counts as one failed test.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
make=${MAKE:-make}
logs=$build/check
mkdir -p "$logs"

passed=0
failed=0
skipped=0
n=0
failures=()	# the failed tests' lines, repeated before the summary

report() {	# report ok|not-ok DESC
	n=$((n + 1))
	if [ "$1" = ok ]; then
		case "$2" in
		*"# SKIP"* | *"# skip"*) skipped=$((skipped + 1)) ;;
		*) passed=$((passed + 1)) ;;
		esac
		echo "ok $n $2"
	else
		failed=$((failed + 1))
		failures+=("not ok $n $2")
		echo "not ok $n $2"
	fi
}

# suite LABEL COMMAND...: run one suite and report its tests as "LABEL: ..."
suite() {
	local label=$1 log=$logs/$1.log rc tests=0 fails=0 line desc start=$SECONDS
	shift
	echo "# $label: $*"
	rm -f "$log.rc"
	while IFS= read -r line; do
		line=${line%$'\r'}
		case "$line" in
		"ok "* | "not ok "*)
			desc=$(sed -E 's/^(not )?ok( [0-9]+)?( -)? //' <<<"$line")
			tests=$((tests + 1))
			if [[ $line == ok* ]]; then
				report ok "$label: $desc"
			else
				fails=$((fails + 1))
				report not-ok "$label: $desc"
			fi
			;;
		"# "*) [ "$label" != vm ] || echo "$line" ;;
		esac
	done < <({ "$@"; echo $? >"$log.rc"; } 2>&1 </dev/null | tee "$log")
	rc=$(cat "$log.rc" 2>/dev/null || echo 255)
	rm -f "$log.rc"
	echo "# $label: $tests tests in $((SECONDS - start))s"
	if [ $tests -eq 0 ]; then
		report not-ok "$label: no test ran (exit code $rc, see $log)"
	elif [ $rc -ne 0 ] && [ $fails -eq 0 ]; then
		report not-ok "$label: exited with code $rc (see $log)"
	fi
}

# The VM scenarios, started in the background once the packages (which the
# install scenario boots) are built: QEMU runs the guest on one host thread
# (TCG), so the host suites meanwhile take the other core instead of adding
# their minutes to the run. Their output is reported after the host suites'.
vm_live=$logs/vm.live
vm_start() {
	rm -f "$vm_live" "$vm_live.rc"
	{ "$top/tests/vm/check" >"$vm_live" 2>&1 </dev/null; echo $? >"$vm_live.rc"; } &
	vm_pid=$!
	trap 'kill "$vm_pid" 2>/dev/null' INT TERM
}
vm_result() {
	while [ ! -f "$vm_live.rc" ]; do sleep 1; done
	cat "$vm_live"
	return "$(cat "$vm_live.rc")"
}

export BUILD=$build
suite generated "$top/scripts/check-generated.sh"
suite pkg "$top/tests/pkg/check"
vm_start
suite host $make -C "$top/tests/host" O="$build" check
suite userspace $make -C "$top/userspace" O="$build" check
suite abi "$top/scripts/abi-check.sh"
suite kbuild "$top/scripts/kbuild-alone.sh"
# static analysis (make lint); the generated-code check is its own suite above
suite lint "$top/scripts/lint.sh" --no-generated
suite onnx $make -C "$top/userspace" O="$build" onnx-check
suite vm vm_result

# Again at the end: a CI log that keeps only its head and tail still shows them.
if [ $failed -gt 0 ]; then
	echo "# the failed tests:"
	printf '# %s\n' "${failures[@]}"
fi
summary="$passed passed, $failed failed"
[ $skipped -eq 0 ] || summary+=", $skipped skipped"
echo "$summary"
[ $failed -eq 0 ]
