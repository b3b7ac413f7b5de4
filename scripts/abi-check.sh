#!/bin/bash
# The ABI check of libtaihu (a `make check` suite; prints TAP lines):
#   - only taihu_* symbols are exported, each with a TAIHU_* version node;
#   - the SONAME is libtaihu.so.SOVERSION;
#   - abidiff (abigail-tools) against the committed baseline
#     userspace/abi/libtaihu.abi finds no change but added functions and
#     size-prefixed structures that grew at their end.
#   - the check itself fails on a swap of two members and passes a growth
#     at the end (on a scratch copy of the tree: it must be able to fail).
# usage: scripts/abi-check.sh            check build/lib/libtaihu.so
#        scripts/abi-check.sh --update   rewrite the baseline (a deliberate
#                                        ABI change: say why in the commit)
#        scripts/abi-check.sh --quick    without the self-test
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
abi=$top/userspace/abi
baseline=$abi/libtaihu.abi
soversion=$(sed -n 's/^SOVERSION := //p' "$top/userspace/Makefile")
lib=$build/lib/libtaihu.so.$soversion
hdrs=(--headers-dir "$top/userspace/include/taihu" --headers-dir "$top/uapi/drm")

dump() {	# dump OUT: the library's ABI as abidw XML, checkout-independent
	abidw --no-corpus-path --no-comp-dir-path --drop-private-types \
		"${hdrs[@]}" --out-file "$1" "$lib"
}

n=0
failed=0
tap() {	# tap ok|not-ok DESC
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}

if [ ! -e "$lib" ]; then
	echo "not ok 1 - abi: $lib not built (make userspace)"
	exit 1
fi

if [ "${1:-}" = --update ]; then
	dump "$baseline" && echo "abi-check: wrote $baseline"
	exit
fi

syms=$(nm -D --defined-only "$lib" | awk '$2 != "A" { print $3 }')
bad=$(grep -v '^taihu_[a-z0-9_]*@@\?TAIHU_[0-9.]*$' <<<"$syms")
if [ -z "$bad" ] && [ -n "$syms" ]; then
	tap ok "abi: $(wc -l <<<"$syms") exported symbols, all taihu_* with a TAIHU_* version"
else
	tap not-ok "abi: symbols that are not taihu_* with a version: $(echo $bad)"
fi

soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [ "$soname" = "libtaihu.so.$soversion" ]; then
	tap ok "abi: SONAME $soname"
else
	tap not-ok "abi: SONAME '$soname', want libtaihu.so.$soversion"
fi

# Size-prefixed structures (first member "uint32_t size") may grow at the
# end: the library reads an old caller's missing fields as zero and never
# writes past its size. abidiff's suppressions cannot say "grew at the end
# and nothing else" (libabigail 2.2 suppresses every change of a type whose
# suppression has has_data_member_inserted_at), so its leaf report is
# judged here: a size-prefixed structure may only have grown, with members
# inserted at or after its old end; any other change is incompatible.
sized=$(awk '/^struct [a-z_0-9]+ \{$/ { name = $2; getline;
		if ($0 ~ /^\tuint32_t size;$/) print name }' \
	"$top/userspace/include/taihu/taihu.h" | tr '\n' ' ')
judge() {	# judge < abidiff -l report: print what is incompatible
	awk -v sized=" $sized " '
	function bad(why) { print why; nbad++ }
	/^(Leaf changes summary|Changed leaf types summary):/ { next }
	/^Removed\/Changed\/Added (functions|variables) summary:/ {
		if ($0 !~ / 0 Removed, 0 Changed,/) bad($0)
		next
	}
	/^$/ { next }
	/^'\''struct [a-z_0-9]+ at .*'\'' changed:$/ {
		name = $2
		sub(/^'\''/, "", name)
		insec = index(sized, " " name " ") ? 1 : 0
		if (!insec) bad("changed: " name)
		oldsize = -1
		next
	}
	insec && /^  type size changed from [0-9]+ to [0-9]+ \(in bits\)$/ {
		oldsize = $5 + 0
		if ($7 + 0 <= oldsize) bad(name " shrank")
		next
	}
	insec && /^  [0-9]+ data member insertions?:$/ { next }
	insec && /^    '\''.*'\'', at offset [0-9]+ \(in bits\)/ {
		match($0, /at offset [0-9]+/)
		off = substr($0, RSTART + 10, RLENGTH - 10) + 0
		if (oldsize < 0 || off < oldsize)
			bad(name ": member inserted before its old end: " $0)
		next
	}
	{ bad("incompatible: " $0) }
	END { exit nbad > 0 }'
}

# abidiff's exit code is a bit mask: 1 error, 2 usage, 4 change, 8
# incompatible change. Added functions are compatible (--no-added-syms
# keeps them out of the report). The baseline (XML) is compared with the
# library itself: libabigail 2.2 asserts when it filters private types of
# an XML corpus (--hd1).
hd2=(--hd2 "$top/userspace/include/taihu" --hd2 "$top/uapi/drm")
report=$(abidiff -l --no-added-syms --drop-private-types "${hd2[@]}" \
	"$baseline" "$lib" 2>&1)
rc=$?
if [ $rc -eq 4 ] && why=$(judge <<<"$report"); then
	rc=0	# only growth of size-prefixed structures
else
	report+=$'\n'"${why:-}"
fi
added=$(abidiff --drop-private-types "${hd2[@]}" "$baseline" "$lib" 2>/dev/null |
	sed -n 's/^Functions changes summary:.* \([0-9]*\) Added.*/\1/p')
if [ $rc -eq 0 ]; then
	tap ok "abi: compatible with userspace/abi/libtaihu.abi (${added:-0} functions added)"
else
	sed 's/^/# /' <<<"$report"
	tap not-ok "abi: abidiff against userspace/abi/libtaihu.abi: exit $rc (an incompatible change; if deliberate, bump SOVERSION and run scripts/abi-check.sh --update)"
fi
# self_test DESC WANT SED: apply SED to a scratch copy's taihu.h, build
# its library and expect the check to say WANT (ok / not-ok).
self_test() {
	local tmp got
	tmp=$(mktemp -d)
	cp -r "$top/userspace" "$top/uapi" "$top/scripts" "$tmp/"
	mkdir -p "$tmp/driver" "$tmp/firmware"
	cp -r "$top/driver/"*.h "$tmp/driver/"
	cp -r "$top/firmware/include" "$top/firmware/common" "$top/firmware/card" "$tmp/firmware/"
	sed -i "$3" "$tmp/userspace/include/taihu/taihu.h"
	if cmp -s "$tmp/userspace/include/taihu/taihu.h" \
		"$top/userspace/include/taihu/taihu.h" ||
		! make -s -C "$tmp/userspace" O="$tmp/build" lib >/dev/null 2>&1; then
		tap not-ok "abi: self-test '$1' could not be set up"
	else
		got=not-ok
		BUILD=$tmp/build "$tmp/scripts/abi-check.sh" --quick |
			grep -q '^ok 3 ' && got=ok
		if [ "$got" = "$2" ]; then
			tap ok "abi: the check says $2 to $1"
		else
			tap not-ok "abi: the check says $got to $1 (want $2)"
		fi
	fi
	rm -rf "$tmp"
}

if [ "${1:-}" != --quick ]; then
	self_test "two members of taihu_job_result swapped" not-ok \
		'/^struct taihu_job_result {/,/^};/{s/^\tuint32_t status;/\tuint32_t error_offset_;/;s/^\tuint32_t error_offset;/\tuint32_t status;/;s/error_offset_;/error_offset;/}'
	self_test "taihu_job_result grown at its end" ok \
		'/^struct taihu_job_result {/,/^};/s/^\tuint64_t error_addr;/&\n\tuint64_t newer;/'
fi
exit $failed
