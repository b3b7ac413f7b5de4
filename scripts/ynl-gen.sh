#!/bin/bash
# Generate the netlink code of the `taihu` family from its YNL spec with the
# kernel's own ynl-gen-c.py (from linux-source-6.12), as upstream does:
#   docs/netlink/specs/taihu.yaml -> driver/taihu_nl_gen.c, driver/taihu_nl_gen.h,
#                                    uapi/drm/taihu_netlink.h
# The generated files are committed.
#   scripts/ynl-gen.sh           regenerate them
#   scripts/ynl-gen.sh --check   exit 1 (with a diff) if they are not current
#
# 6.12's ynl-gen-c.py walks up from the spec looking for a MAINTAINERS file
# (the kernel root) and loops forever without one, and it validates the spec
# against ../genetlink.yaml next to the spec directory: so it runs on a copy
# of the spec in a scratch tree that has both. Needs python3-yaml and
# python3-jsonschema.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ynl=${YNL_DIR:-/usr/src/linux-source-6.12/tools/net/ynl}
schema=${YNL_SCHEMA:-$(dirname "$ynl")/../../Documentation/netlink/genetlink.yaml}
spec=docs/netlink/specs/taihu.yaml
check=0
# Debian's python3, where deps.sh installs python3-yaml and python3-jsonschema
python=${PYTHON:-/usr/bin/python3}
[ "${1:-}" = --check ] && check=1

for f in "$ynl/ynl-gen-c.py" "$schema"; do
	[ -f "$f" ] || { echo "ynl-gen.sh: $f not found (linux-source-6.12, see scripts/deps.sh)" >&2; exit 2; }
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/taihu-ynl.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/$(dirname "$spec")"
touch "$scratch/MAINTAINERS"
cp "$top/$spec" "$scratch/$spec"
cp "$schema" "$scratch/docs/netlink/genetlink.yaml"

# gen MODE KIND OUTPUT: run in the scratch tree, so the banner names the spec
# by its path in this repository
gen() {
	(cd "$scratch" && timeout 120 "$python" "$ynl/ynl-gen-c.py" --mode "$1" "--$2" \
		--spec "$spec" -o "$scratch/out/$(basename "$3")") || {
		echo "ynl-gen.sh: ynl-gen-c.py --mode $1 --$2 failed" >&2
		exit 1
	}
}
mkdir -p "$scratch/out"
outputs=(driver/taihu_nl_gen.h driver/taihu_nl_gen.c uapi/drm/taihu_netlink.h)
gen kernel header driver/taihu_nl_gen.h
gen kernel source driver/taihu_nl_gen.c
gen uapi header uapi/drm/taihu_netlink.h

rc=0
for f in "${outputs[@]}"; do
	new=$scratch/out/$(basename "$f")
	if [ $check = 1 ]; then
		if ! diff -u "$top/$f" "$new" >&2; then
			echo "ynl-gen.sh: $f is not what $spec generates; run scripts/ynl-gen.sh" >&2
			rc=1
		fi
	elif ! cmp -s "$new" "$top/$f"; then
		cp "$new" "$top/$f"
		echo "ynl-gen.sh: wrote $f"
	fi
done
exit $rc
