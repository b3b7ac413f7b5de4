#!/bin/bash
# Print the guest/build kernel version: the newest Debian 6.12.*+deb12-amd64
# kernel whose image and headers are both installed (never a hard-coded one).
set -euo pipefail

best=""
for img in /boot/vmlinuz-6.12.*+deb12-amd64; do
	[ -e "$img" ] || continue
	v=${img#/boot/vmlinuz-}
	[ -d "/usr/src/linux-headers-$v" ] || continue
	best=$(printf '%s\n%s\n' "$best" "$v" | sed '/^$/d' | sort -V | tail -n 1)
done

if [ -z "$best" ]; then
	echo "kver.sh: no Debian 6.12.*+deb12-amd64 kernel with both /boot/vmlinuz-<v> and" \
		"/usr/src/linux-headers-<v> installed; run scripts/deps.sh as root" >&2
	exit 1
fi
echo "$best"
