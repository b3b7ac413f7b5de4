#!/bin/bash
# Install the Debian 12 packages that building, running and checking Taihu need.
#
# Nothing happens (and no network is used) when everything is present. Otherwise,
# as root: one `apt-get update`, then `apt-get install -y` of what is missing. The
# guest/build kernel is the newest linux-image-6.12.*+deb12-amd64 that apt offers
# together with its matching linux-headers; it is only installed when no such pair
# is installed yet (scripts/kver.sh then picks the newest installed pair).
# Finally the linux-source-6.12 tarball is extracted (checkpatch.pl, the kselftest
# harness header).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

packages=(
	build-essential pkg-config
	qemu-system-x86 busybox-static cpio kmod xz-utils zstd
	libdrm-dev libudev-dev libnl-genl-3-dev libmicrohttpd-dev libssl-dev libjson-c-dev
	sparse linux-source-6.12 flex bison bc libelf-dev
	clang libclang-rt-14-dev
	abigail-tools coccinelle cppcheck clang-tidy
	libprotobuf-c-dev protobuf-c-compiler libonnx-dev libonnx-testdata
	python3-torch python3-onnx python3-sklearn python3-numpy
	libdnnl-dev
	libncurses-dev prometheus lm-sensors python3-yaml python3-jsonschema
	mandoc bash-completion dkms dh-dkms debhelper lintian fakeroot udev
)
src_tar=/usr/src/linux-source-6.12.tar.xz
src_dir=/usr/src/linux-source-6.12

say() { echo "deps.sh: $*" >&2; }

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=()
for p in "${packages[@]}"; do
	installed "$p" || missing+=("$p")
done

need_kernel=0
"$here/kver.sh" >/dev/null 2>&1 || need_kernel=1

src_ok() {
	[ -f "$src_dir/scripts/checkpatch.pl" ] &&
		[ -f "$src_dir/tools/testing/selftests/kselftest_harness.h" ]
}

if [ ${#missing[@]} -eq 0 ] && [ $need_kernel -eq 0 ] && src_ok; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	[ ${#missing[@]} -eq 0 ] || say "missing packages: ${missing[*]}"
	[ $need_kernel -eq 0 ] ||
		say "missing: linux-image-6.12.*+deb12-amd64 with matching linux-headers"
	src_ok || say "missing: $src_dir (extracted from $src_tar)"
	say "not root: run 'sudo scripts/deps.sh' (or make run/check as root) to install them"
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# Newest 6.12 kernel version for which apt offers both the image and the headers.
newest_kernel() {
	local v
	apt-cache search --names-only '^linux-image-6\.12\.[0-9.]+\+deb12-amd64$' |
		sed -n 's/^linux-image-\(6\.12\.[0-9.]*+deb12-amd64\) .*/\1/p' |
		sort -V -r |
		while read -r v; do
			if apt-cache policy "linux-image-$v" "linux-headers-$v" |
				grep -q 'Candidate: (none)'; then
				continue
			fi
			# both packages must be known to apt at all
			[ "$(apt-cache policy "linux-image-$v" "linux-headers-$v" |
				grep -c 'Candidate:')" -eq 2 ] || continue
			echo "$v"
			break
		done
}

if [ ${#missing[@]} -gt 0 ] || [ $need_kernel -eq 1 ]; then
	say "apt-get update"
	if ! apt-get -o DPkg::Lock::Timeout=900 update -q; then
		say "apt-get update failed; still missing: ${missing[*]}" \
			"$([ $need_kernel -eq 1 ] && echo 'linux-image/headers-6.12.*+deb12-amd64')"
		exit 1
	fi
	if [ $need_kernel -eq 1 ]; then
		kv=$(newest_kernel)
		if [ -z "$kv" ]; then
			say "apt offers no linux-image-6.12.*+deb12-amd64 with matching headers" \
				"(is bookworm-security or bookworm-backports in the apt sources?)"
			exit 1
		fi
		say "kernel: $kv"
		missing+=("linux-image-$kv" "linux-headers-$kv")
	fi
	say "apt-get install -y ${missing[*]}"
	if ! apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends "${missing[@]}"; then
		say "apt-get install failed; missing: ${missing[*]}"
		exit 1
	fi
fi

if ! src_ok; then
	if [ ! -f "$src_tar" ]; then
		say "$src_tar not found although linux-source-6.12 is installed"
		exit 1
	fi
	say "extracting $src_tar into /usr/src"
	tar -C /usr/src -xf "$src_tar"
	src_ok || { say "$src_dir incomplete after extraction"; exit 1; }
fi

"$here/kver.sh" >/dev/null
