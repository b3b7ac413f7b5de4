#!/bin/bash
# SPDX-License-Identifier: MIT
# bash completion of taihu: loads with bash-completion, registers _taihu, and
# completes commands, options (the same long options taihu.1 lists for each
# command), query fields and option values. Completion is simulated by
# setting COMP_WORDS/COMP_CWORD as bash does (it splits words at '=' and ':')
# and calling the function. TAP lines.
# usage: completion.sh COMPLETION-FILE BINDIR MANDIR
set -o pipefail
comp=$1 bindir=$2 mandir=$3
here=$(cd "$(dirname "$0")" && pwd)
n=0 failed=0

tap() {	# tap 0|1 DESC
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - completion: $2"
	else echo "not ok $n - completion: $2"; failed=1; fi
}

# The completion runs in this shell, as in an interactive one: bash-completion
# first, then the file, with the built taihu first on PATH.
# shellcheck disable=SC1091
source /usr/share/bash-completion/bash_completion
# shellcheck disable=SC1090
source "$comp"
PATH=$bindir:$PATH

# complete_words WORD...: COMPREPLY, one a line, for the words (the last is
# the one being completed; "" for a new word), in a subshell
complete_words() (
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	# the line as typed: no blanks around the word-break characters
	COMP_LINE=${COMP_WORDS[0]}
	for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
		case ${COMP_WORDS[i]}:${COMP_WORDS[i - 1]} in
		=:* | ::* | *:= | *::) COMP_LINE+=${COMP_WORDS[i]} ;;
		*) COMP_LINE+=" ${COMP_WORDS[i]}" ;;
		esac
	done
	COMP_POINT=${#COMP_LINE}
	_taihu taihu "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
	printf "%s\n" "${COMPREPLY[@]}"
)

# expect DESC "EXPECTED WORDS" WORD...: the completion is exactly these words
expect() {
	local desc=$1 want got
	want=$(tr ' ' '\n' <<<"$2" | sed '/^$/d' | sort)
	shift 2
	got=$(complete_words "$@" | sed '/^$/d' | sort)
	[ "$got" = "$want" ]
	tap $? "$desc"
	[ "$got" = "$want" ] || echo "# got: $(echo $got); want: $(echo $want)"
}

reg=$(complete -p taihu 2>&1)
[ "$reg" = "complete -F _taihu taihu" ]
tap $? "complete -p taihu says: complete -F _taihu taihu (got: $reg)"

cmds=$("$bindir/taihu" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' | tr '\n' ' ')
expect "taihu <TAB> offers every command" "$cmds" taihu ""
expect "taihu qu<TAB> is query" "query" taihu qu
expect "taihu help q<TAB> is query" "query" taihu help q
expect "taihu --v<TAB> is --version" "--version" taihu --v

# every command: its long options are the ones its man page section lists
declare -A man_opts=()
while read -r c opts; do
	man_opts[$c]=$opts
done < <(python3 "$here/man_options.py" --list-commands "$mandir/taihu.1")
for c in $cmds; do
	[ "$c" = help ] && continue
	want=$(tr ' ' '\n' <<<"${man_opts[$c]-}" | grep -- '^--' | tr '\n' ' ')
	expect "taihu $c --<TAB> offers the long options of taihu.1's $c" "$want" taihu "$c" --
done

fields=$("$bindir/taihu" query --help-query | sed -n 's/^  \([a-z][a-z0-9._]*\).*/\1/p')
temp=$(grep '^temperature' <<<"$fields" | tr '\n' ' ')
[ -n "$temp" ]
tap $? "taihu query --help-query lists temperature fields"
expect "taihu query --query=temp<TAB> offers the temperature fields" "$temp" \
	taihu query --query = temp
expect "taihu query --query=serial,power.dr<TAB> keeps the list" \
	"serial,power.draw serial,power.draw.average" taihu query --query = serial,power.dr
expect "taihu query -q <TAB> offers every field" "$(echo $fields)" taihu query -q ""
expect "taihu query --format=csv,no<TAB>" "csv,noheader csv,nounits" \
	taihu query --format = csv,no
expect "taihu run --priority <TAB>" "low normal high" taihu run --priority ""
expect "taihu run --dst <TAB>" "vram host" taihu run --dst ""
expect "taihu infer --precision <TAB>" "fp32 bf16 fp16" taihu infer --precision ""
expect "taihu infer --no-u<TAB> is --no-user-queue" "--no-user-queue" taihu infer --no-u
expect "taihu run fi<TAB> is a step" "fill=" taihu run fi
expect "taihu diag --timeout <TAB> offers nothing" "" taihu diag --timeout ""
exit $failed
