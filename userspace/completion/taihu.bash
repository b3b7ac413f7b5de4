# SPDX-License-Identifier: MIT
# bash completion for taihu(1): subcommands, their options, query field names
# and option values. Commands, options and fields are read from the program
# itself (taihu --help, taihu help CMD, taihu query --help-query), so the
# completion cannot fall behind it. Installed as
# /usr/share/bash-completion/completions/taihu (loaded by bash-completion).

# The subcommands, from the "Commands:" block of taihu --help.
_taihu_commands()
{
	"$1" --help 2>/dev/null |
		sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}

# The options COMMAND's help names (short and long; --opt=VALUE as --opt).
_taihu_options()
{
	"$1" help "$2" 2>/dev/null |
		grep -oE "(^|[[:space:]([,|'])--?[A-Za-z0-9][A-Za-z0-9-]*" |
		sed 's/^[^-]*//' | sort -u
}

# The fields of taihu query (--help-query: "  name [unit]" lines).
_taihu_query_fields()
{
	"$1" query --help-query 2>/dev/null |
		sed -n 's/^  \([a-z][a-z0-9._]*\)\( .*\)\{0,1\}$/\1/p'
}

# Device names -d accepts: index, node, serial and PCI address, from sysfs.
_taihu_devices()
{
	local n=0 node dev
	for node in /sys/class/accel/accel*; do
		[ -e "$node/device/serial" ] || continue
		dev=$(readlink -f "$node/device")
		echo "$n"
		echo "/dev/accel/${node##*/}"
		cat "$node/device/serial" 2>/dev/null
		echo "${dev##*/}"
		n=$((n + 1))
	done
}

# Complete a comma-separated list: the items already typed stay, the last
# one is completed from the words in $2.
_taihu_list()
{
	local cur=$1 head=""
	[[ $cur == *,* ]] && head=${cur%,*},
	local IFS=$'\n'
	COMPREPLY=($(compgen -P "$head" -W "$2" -- "${cur##*,}"))
	compopt -o nospace 2>/dev/null	# (not in a test harness)
}

_taihu()
{
	local cur prev words cword split
	_init_completion -s -n : || return

	local prog=${words[0]} cmd="" i
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '--help --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_taihu_commands "$prog")" -- "$cur"))
		fi
		return
	fi

	case $cmd in
	help)
		[ "$i" -eq $((cword - 1)) ] &&
			COMPREPLY=($(compgen -W "$(_taihu_commands "$prog")" -- "$cur"))
		return ;;
	esac

	case $prev in
	-d | --device)
		if [ "$cmd" != top ]; then
			COMPREPLY=($(compgen -W "$(_taihu_devices)" -- "$cur"))
			__ltrim_colon_completions "$cur"
			return
		fi ;;
	-i)
		if [ "$cmd" = query ]; then
			COMPREPLY=($(compgen -W "$(_taihu_devices)" -- "$cur"))
			__ltrim_colon_completions "$cur"
			return
		fi ;;
	esac
	case $cmd:$prev in
	query:-q | query:--query | query:--query-gpu)
		_taihu_list "$cur" "$(_taihu_query_fields "$prog")"
		return ;;
	query:-f | query:--format)
		_taihu_list "$cur" $'csv\nnoheader\nnounits'
		return ;;
	run:-p | run:--priority)
		COMPREPLY=($(compgen -W 'low normal high' -- "$cur"))
		return ;;
	run:--src | run:--dst)
		COMPREPLY=($(compgen -W 'vram host' -- "$cur"))
		return ;;
	infer:-p | infer:--precision)
		COMPREPLY=($(compgen -W 'fp32 bf16 fp16' -- "$cur"))
		return ;;
	infer:-i | infer:--input | infer:--expect | infer:--labels | cdi:-o | cdi:--output | \
	dump:-o | dump:--output)
		_filedir
		return ;;
	infer:-o | infer:--output-dir)
		_filedir -d
		return ;;
	infer:-t | infer:-r) ;;	# --test and --random take no value
	*:-t | *:--timeout | *:-q | *:--queue | *:-r | *:--repeat | run:-b | run:--batch | *:-n | \
	*:--iterations | *:-c | *:--count | *:-l | *:--loop | *:--seed | \
	*:--shape | *:--rtol | *:--atol | top:-d | top:--delay)
		return ;;	# a number or a free value
	esac
	[[ $split == true ]] && return

	if [[ $cur == -* ]]; then
		local opts
		opts=$(_taihu_options "$prog" "$cmd")
		# a lone "-" offers the long options only
		[[ $cur == - ]] && opts=$(grep -- '^--' <<<"$opts")
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	case $cmd in
	run) COMPREPLY=($(compgen -W 'nop nop= fill= copy= timestamp barrier' -- "$cur"))
		[[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace ;;
	infer) _filedir '@(onnx|ONNX)'
		# with --test the arguments are directories
		[[ " ${words[*]} " == *" --test "* || " ${words[*]} " == *" -t "* ]] &&
			{ COMPREPLY=(); _filedir -d; } ;;
	dump) _filedir ;;	# a saved dump
	cdi) [ "$i" -eq $((cword - 1)) ] &&
		COMPREPLY=($(compgen -W 'generate' -- "$cur")) ;;
	esac
}
complete -F _taihu taihu
