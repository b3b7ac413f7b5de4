#!/bin/bash
# Checks that need no device, as TAP lines (a suite of `make check`, and part of
# `make lint`):
#   - the netlink code generated from docs/netlink/specs/taihu.yaml is current
#     (scripts/ynl-gen.sh --check; ynl-gen-c.py also validates the spec against
#     the kernel's genetlink.yaml schema)
#   - docs/ABI passes the kernel's scripts/get_abi.pl validate
#   - every sysfs attribute defined in driver/taihu_sysfs.c is documented there
# The guest checks the ABI document against the attributes that really appear
# (tests/vm/guest/jobs/check-telemetry).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=/usr/src/linux-source-6.12
abi=$top/docs/ABI/testing/sysfs-driver-taihu
n=0
failed=0

result() {	# result 0|1 DESC
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=1
	fi
}

out=$("$top/scripts/ynl-gen.sh" --check 2>&1)
rc=$?
[ $rc = 0 ] || echo "$out" | sed 's/^/# /'
result $rc "generated netlink code is current with docs/netlink/specs/taihu.yaml"

out=$(perl "$src/scripts/get_abi.pl" --dir "$top/docs/ABI" validate 2>&1)
[ -z "$out" ] || echo "$out" | sed 's/^/# /'
result "$([ -z "$out" ] && echo 0 || echo 1)" "docs/ABI passes get_abi.pl validate"

missing=""
for a in $(sed -n 's/^static DEVICE_ATTR_R[OW]\{1,2\}(\([a-z0-9_]*\));/\1/p' "$top/driver/taihu_sysfs.c"); do
	grep -q "^What:.*/<dev>/$a\$" "$abi" || missing="$missing $a"
done
grep -q 'engine##n##_busy_ns' "$top/driver/taihu_sysfs.c" &&
	! grep -q '^What:.*/<dev>/engine<N>_busy_ns$' "$abi" && missing="$missing engine<N>_busy_ns"
[ -z "$missing" ] || echo "# undocumented:$missing"
result "$([ -z "$missing" ] && echo 0 || echo 1)" "every sysfs attribute of driver/taihu_sysfs.c is in docs/ABI"
exit $failed
