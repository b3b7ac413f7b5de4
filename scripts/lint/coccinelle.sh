#!/bin/bash
# The kernel's Coccinelle rules (scripts/coccinelle of linux-source-6.12) in
# report mode on driver/, as `make coccicheck MODE=report M=driver` runs them
# (each rule's "Options:" and "Requires:" lines honoured), less the rules of
# scripts/lint/coccinelle.skip, each skipped for the reason given there.
# Prints the reports (paths relative to the top) and a summary line; exits 1
# when a rule reports anything or fails.
# usage: scripts/lint/coccinelle.sh TOP
set -uo pipefail

top=$(cd "$1" && pwd)
rules=/usr/src/linux-source-6.12/scripts/coccinelle
skip=$(dirname "$0")/coccinelle.skip
hdrs=$(ls -d /usr/src/linux-headers-*-common 2>/dev/null | sort -V | tail -n 1)
[ -d "$rules" ] || { echo "coccinelle: $rules missing (scripts/deps.sh)"; exit 1; }
version=$(spatch --version | awk 'NR == 1 { print $3 }')

one_rule() {	# one_rule RULE: its reports, or why it failed
	local rule=$1 opt req out
	opt=$(sed -n 's/^\/\/ *Options: *//p' "$rule")
	req=$(sed -n 's/^\/\/ *Requires: *//p' "$rule")
	if [ -n "$req" ] && ! printf '%s\n%s\n' "$req" "$version" | sort -CV; then
		return 0	# needs a newer spatch, as coccicheck skips it
	fi
	# shellcheck disable=SC2086 # the rule's options are words
	if ! out=$(cd "$top" && spatch -D report --no-show-diff --very-quiet \
		--cocci-file "$rule" $opt --dir driver -I uapi -I driver \
		${hdrs:+-I "$hdrs/include"} 2>&1); then
		echo "${rule#"$rules"/}: spatch failed: $(tail -n 3 <<<"$out")"
		return 1
	fi
	# Reports name a file of the tree; everything else is spatch's chatter.
	grep -E '^(\./)?driver/[^ :]+:[0-9]+' <<<"$out" | sed "s|^|${rule#"$rules"/}: |"
}
export -f one_rule
export top rules version hdrs

mapfile -t all < <(find "$rules" -name '*.cocci' -type f | LC_ALL=C sort)
todo=()
for r in "${all[@]}"; do
	grep -q "^${r#"$rules"/}[[:space:]]" "$skip" || todo+=("$r")
done
out=$(printf '%s\n' "${todo[@]}" | xargs -P 2 -I{} bash -c 'one_rule "$1"' _ {})
rc=$?
[ -z "$out" ] || echo "$out"
n=$(grep -c . <<<"$out")
echo "coccinelle: ${#todo[@]} rules of ${#all[@]} on driver/, $n reports"
[ $rc -eq 0 ] && [ "$n" -eq 0 ]
