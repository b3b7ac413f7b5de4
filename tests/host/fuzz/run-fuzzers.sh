#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0 OR MIT)
# Run each fuzzer for a bounded time over its seeds and print one TAP line per
# fuzzer: "ok N fuzz NAME - R runs, E exec/s", "not ok N fuzz NAME" (with the
# crashing input kept in DIR/artifacts/NAME/), or "ok N fuzz NAME # SKIP" when
# clang/libFuzzer was not available to build it.
#
#   run-fuzzers.sh DIR SECONDS NAME[:EXTRA_SEED_DIR...]...
#
# DIR holds the fuzzers (fuzz_NAME), the generated seeds (seeds/NAME/) and
# receives the growing corpora (corpus/NAME/) and crash artifacts. The
# fuzzers run concurrently: SECONDS is the wall-clock cost of the whole run.
set -u

dir=$1 secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
names=()
pids=()

for spec in "$@"; do
	IFS=: read -r -a parts <<<"$spec"
	name=${parts[0]}
	names+=("$name")
	bin=$dir/fuzz_$name
	log=$dir/$name.log
	rm -f "$log"
	[ -x "$bin" ] || continue
	seeds=()
	for s in "$dir/seeds/$name" "$here/seeds/$name" "${parts[@]:1}"; do
		[ -d "$s" ] && seeds+=("$s")
	done
	mkdir -p "$dir/corpus/$name" "$dir/artifacts/$name"
	# No leaks, no UB, no timeout (a hang) and no OOM either.
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$dir/artifacts/$name/" \
		"$dir/corpus/$name" "${seeds[@]}" >"$log" 2>&1 &
	pids+=("$name:$!")
done

declare -A rc
for p in "${pids[@]}"; do
	wait "${p#*:}"
	rc[${p%%:*}]=$?
done

n=0 failed=0
for name in "${names[@]}"; do
	n=$((n + 1))
	log=$dir/$name.log
	if [ ! -x "$dir/fuzz_$name" ]; then
		echo "ok $n fuzz $name # SKIP clang with libFuzzer (clang, libclang-rt-dev) not available"
		continue
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
	if [ "${rc[$name]}" -eq 0 ]; then
		echo "ok $n fuzz $name - ${runs:-?} runs, ${speed:-?} exec/s"
	else
		failed=$((failed + 1))
		echo "not ok $n fuzz $name - exit ${rc[$name]} after ${runs:-?} runs (log $log)"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' \
			"$log" | head -n 8 | sed 's/^/# /'
	fi
done
echo "1..$n"
[ $failed -eq 0 ]
