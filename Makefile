# SPDX-License-Identifier: (GPL-2.0 OR MIT)
# Taihu: one make for everything.
#
#   make            build the module (Kbuild), card + firmware, userspace, tests
#   make run        boot a guest with one card; taihu list / info / diag
#   make check      host tests, lint, ABI, packages + VM scenarios; last line "N passed, N failed"
#   make bench      boot a guest with one card and run the copy and submission benchmarks
#   make fuzz       the guest ioctl fuzzer for DURATION seconds (default 600; SEED=N re-runs a seed)
#   make shell      interactive guest on the serial console (Ctrl-A X quits)
#   make deb        the Debian packages (debian/, dpkg-buildpackage) into build/deb/
#   make lint       checkpatch --strict, kernel-doc, sparse (C=2), Coccinelle on driver/ and uapi/;
#                   clang-tidy and cppcheck on userspace/ and firmware/ (scripts/lint.sh)
#   make clean
#
# run, check, bench and shell first install missing Debian packages (scripts/deps.sh).
# Variables: KVER (guest/build kernel, default: scripts/kver.sh), BUILD, CARDS
# (cards for run/shell, default 1), BENCH_ONLY (copy, submit, kernels or onnx: make bench
# runs only that part).

BUILD ?= $(CURDIR)/build
override BUILD := $(abspath $(BUILD))
CARDS ?= 1

# The newest installed Debian 6.12 kernel with headers; empty until deps.sh ran.
ifeq ($(strip $(KVER)),)
KVER := $(shell $(CURDIR)/scripts/kver.sh 2>/dev/null)
endif
KDIR = /usr/src/linux-headers-$(KVER)
export KVER BUILD

.PHONY: all module firmware userspace kselftest benchmarks host-tests models \
	deps run check bench fuzz shell lint clean help man deb

all: module firmware userspace kselftest benchmarks host-tests models man

module:
	@test -n "$(KVER)" || { $(CURDIR)/scripts/kver.sh; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

firmware:
	$(MAKE) -C firmware O=$(BUILD)

userspace:
	$(MAKE) -C userspace O=$(BUILD)

kselftest: userspace
	$(MAKE) -C tests/kselftest O=$(BUILD)

benchmarks: userspace
	$(MAKE) -C tests/bench O=$(BUILD)

host-tests: firmware userspace
	$(MAKE) -C tests/host O=$(BUILD)

# The man pages (docs/man, mdoc) rendered by mandoc into $(BUILD)/man/.
man:
	$(MAKE) -C docs/man O=$(BUILD)

# The example models (ONNX), made by scripts with Debian's PyTorch: trained or
# initialised with fixed seeds, so every build makes the same files.
PYTHON ?= /usr/bin/python3
MODEL_SCRIPTS := $(wildcard userspace/onnx/models/*.py)
models: $(BUILD)/models/.stamp

$(BUILD)/models/.stamp: $(MODEL_SCRIPTS)
	@mkdir -p $(BUILD)/models
	cd userspace/onnx/models && PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -W ignore digits_cnn.py --out $(BUILD)/models
	cd userspace/onnx/models && PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -W ignore encoder_block.py --out $(BUILD)/models
	cd userspace/onnx/models && PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -W ignore bad_models.py --out $(BUILD)/models
	@touch $@

deps:
	scripts/deps.sh

# The recipes below re-enter make after deps.sh so that KVER is found again.
run:
	scripts/deps.sh
	$(MAKE) all
	tests/vm/run --cards $(CARDS)

check:
	scripts/deps.sh
	$(MAKE) all
	MAKE="$(MAKE)" scripts/check.sh

# The figures are the "# " lines of the bench sections of the results channel.
# PyTorch's figures on the host come from the same run, just before the boot.
bench:
	scripts/deps.sh
	$(MAKE) all
	cd userspace/onnx/models && PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -W ignore \
		bench_torch.py --models $(BUILD)/models > $(BUILD)/models/torch-bench.json
	tests/vm/mkinitramfs
	tests/vm/run-vm --job bench --cards 1 --timeout 900 --out $(BUILD)/vm/bench \
		$(if $(BENCH_ONLY),--append taihu_vm.bench_only=$(BENCH_ONLY))
	@tr -d '\r' <$(BUILD)/vm/bench/results.log | \
		sed -En '/^@@taihu begin bench(-(submit|kernels|recovery))?$$/,/^@@taihu end bench(-(submit|kernels|recovery))? /{/^@@/!p}'
	@$(PYTHON) userspace/onnx/models/bench_report.py $(BUILD)/vm/bench/results.log \
		$(BUILD)/models/torch-bench.json
	tests/vm/verdict $(BUILD)/vm/bench bench

# The fuzzer's figures are the "# " lines of its section of the results channel.
DURATION ?= 600
fuzz:
	scripts/deps.sh
	$(MAKE) all
	tests/vm/mkinitramfs
	tests/vm/run-vm --job check-fuzz --cards 1 --timeout $$(($(DURATION) + 600)) \
		--append "taihu_vm.fuzz_duration=$(DURATION) taihu_vm.tap_timeout=$$(($(DURATION) + 300))$(if $(SEED), taihu_vm.fuzz_seed=$(SEED))" \
		--out $(BUILD)/vm/fuzz-long
	@tr -d '\r' <$(BUILD)/vm/fuzz-long/results.log | \
		sed -n '/^@@taihu begin taihu_ioctl_fuzz$$/,/^@@taihu end taihu_ioctl_fuzz /p' | grep -v '^@@'
	tests/vm/verdict $(BUILD)/vm/fuzz-long fuzz

shell:
	scripts/deps.sh
	$(MAKE) all
	tests/vm/mkinitramfs
	tests/vm/run-vm --job shell --tools --interactive --timeout 0 --cards $(CARDS)

# From a copy of the tree, built from scratch (scripts/deb.sh).
deb:
	scripts/deps.sh
	scripts/deb.sh

# clang-tidy and cppcheck take the compile commands of a built tree.
lint:
	scripts/deps.sh
	$(MAKE) firmware userspace
	scripts/lint.sh

clean:
	-test -z "$(KVER)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)

help:
	@sed -n '2,18s/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST))
