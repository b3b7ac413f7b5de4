# Helpers for the guest jobs (sourced by /init).
#
# Results channel protocol (ttyS1, parsed by tests/vm/verdict on the host):
#   @@taihu begin NAME          a group of TAP lines ("ok N desc" / "not ok N desc")
#   @@taihu end NAME rc=N       its end and the exit code of the program that printed it
#   @@taihu dmesg-begin / @@taihu dmesg-end     the whole kernel log
#   @@taihu tainted N           /proc/sys/kernel/tainted at the end
#   @@taihu done                the job ran to its end
# Everything written to the channel is echoed on the console as well.

say() { echo "taihu-vm: $*"; }

# cmdline_arg KEY: value of KEY=value on the kernel command line
cmdline_arg() {
	for a in $(cat /proc/cmdline); do
		case "$a" in "$1="*) echo "${a#*=}" ;; esac
	done
}

results_open() {
	RESULTS_DEV=/dev/null
	if [ -c /dev/ttyS1 ]; then
		RESULTS_DEV=/dev/ttyS1
		stty -F $RESULTS_DEV raw -echo 2>/dev/null
	fi
	exec 3>$RESULTS_DEV
}

# emit LINE...: write to the results channel and the console
emit() { echo "$*" >&3; echo "$*"; }

section_begin() { T_NUM=0; echo "@@taihu begin $1" >&3; }
section_end() { echo "@@taihu end $1 rc=${2:-0}" >&3; }

t_ok() { T_NUM=$((T_NUM + 1)); emit "ok $T_NUM $*"; }
t_fail() { T_NUM=$((T_NUM + 1)); emit "not ok $T_NUM $*"; }
t_skip() { T_NUM=$((T_NUM + 1)); emit "ok $T_NUM $1 # SKIP $2"; }
# t_check DESC 'SHELL CONDITION': ok when the condition (eval'd) succeeds;
# returns 1 after a failure, so that `t_check ... || show-why` works
t_check() {
	if eval "$2"; then t_ok "$1"; else t_fail "$1"; return 1; fi
}

# run_tap NAME PROGRAM [ARGS...]: run a TAP-printing program as one section,
# killed after $TAP_TIMEOUT seconds (taihu_vm.tap_timeout=, default 300) so that
# one hung program still leaves the others and the kernel log to look at
run_tap() {
	name=$1; shift
	tmo=$(cmdline_arg taihu_vm.tap_timeout)
	t0=$(cut -d' ' -f1 /proc/uptime)
	echo "@@taihu begin $name" >&3
	# tee keeps the live console view; the exit code comes back through a file
	( timeout -s KILL "${tmo:-300}" "$@"; echo $? >/tmp/.rc ) 2>&1 |
		tee -a "$RESULTS_DEV"
	rc=$(cat /tmp/.rc 2>/dev/null || echo 255)
	[ "$rc" != 137 ] || emit "# $name killed after ${tmo:-300}s"
	# how long it ran, for people trimming make check (the verdict ignores it)
	echo "@@taihu end $name rc=$rc secs=$(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime)" >&3
}

# load_driver: modprobe taihu once, remembering how it went for the job
load_driver() {
	MODPROBE_RC=255
	MODPROBE_SECS=0
	if [ "$(cmdline_arg taihu_vm.nomodule)" = 1 ]; then
		say "not loading taihu (taihu_vm.nomodule=1)"
		return
	fi
	t0=$(cut -d. -f1 /proc/uptime)
	modprobe taihu
	MODPROBE_RC=$?
	MODPROBE_SECS=$(($(cut -d. -f1 /proc/uptime) - t0))
	say "modprobe taihu: rc=$MODPROBE_RC after ${MODPROBE_SECS}s"
}

# accel_nodes: number of /dev/accel/accel* nodes
accel_nodes() { ls /dev/accel/accel* 2>/dev/null | wc -l; }

# taihu_bound: PCI addresses bound to the taihu driver, one a line
taihu_bound() {
	for d in /sys/bus/pci/drivers/taihu/0000:*; do
		[ -e "$d" ] && basename "$d"
	done
}

# ivshmem_devices: PCI addresses of all ivshmem functions (1af4:1110)
ivshmem_devices() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1af4:0x1110 ] && basename "$d"
	done
}

report_kernel_state() {
	echo "@@taihu dmesg-begin" >&3
	dmesg >&3
	echo "@@taihu dmesg-end" >&3
	tainted=$(cat /proc/sys/kernel/tainted)
	echo "@@taihu tainted $tainted" >&3
	echo "@@taihu done" >&3
	say "job done, kernel tainted=$tainted"
}
