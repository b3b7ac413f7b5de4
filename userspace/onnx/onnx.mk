# SPDX-License-Identifier: MIT
#
# libtaihu-onnx (included by userspace/Makefile): the ONNX runtime, its C
# code generated at build time by protoc-c from the onnx.proto that Debian's
# libonnx-dev installs, its host tests and its libFuzzer harness.

ONNX_DIR := $(SRC)/onnx
ONNX_NODE_DIR ?= /usr/share/libonnx-testdata/data/node
ONNX_GEN := $(O)/gen/onnx
ONNX_PROTO ?= /usr/include/onnx/onnx.proto
PROTOC_C ?= protoc-c
PROTOBUF_CFLAGS := $(shell $(PKG_CONFIG) --cflags libprotobuf-c 2>/dev/null)
PROTOBUF_LIBS := $(or $(shell $(PKG_CONFIG) --libs libprotobuf-c 2>/dev/null),-lprotobuf-c)

ONNX_SRCS := $(wildcard $(ONNX_DIR)/src/*.c)
ONNX_TEST_SRCS := $(filter-out %/nodelist.c,$(wildcard $(ONNX_DIR)/tests/*.c))
ONNX_HDRS := $(wildcard $(ONNX_DIR)/src/*.h $(ONNX_DIR)/include/taihu/*.h $(ONNX_DIR)/tests/*.h) \
	$(ONNX_GEN)/onnx.pb-c.h
ONNX_CFLAGS := -D_GNU_SOURCE -I$(ONNX_GEN) -I$(ONNX_DIR)/src $(PROTOBUF_CFLAGS)

ONNX_OBJS := $(patsubst $(SRC)/%.c,$(OBJ)/%.o,$(ONNX_SRCS)) $(OBJ)/gen/onnx.pb-c.o
ONNX_SAN_OBJS := $(patsubst $(SRC)/%.c,$(OBJ)/san/%.o,$(ONNX_SRCS)) $(OBJ)/san/gen/onnx.pb-c.o
ONNX_TEST_OBJS := $(patsubst $(SRC)/%.c,$(OBJ)/san/%.o,$(ONNX_TEST_SRCS))
ONNX_LIB := $(O)/lib/libtaihu-onnx.a
ONNX_TEST := $(CHECK_DIR)/onnx_host_test
ONNX_NODELIST := $(O)/onnx/node-tests.list

$(ONNX_OBJS) $(ONNX_SAN_OBJS) $(ONNX_TEST_OBJS): CFLAGS += $(ONNX_CFLAGS)
$(ONNX_OBJS) $(ONNX_SAN_OBJS) $(ONNX_TEST_OBJS) $(CLI_OBJS) $(SAN_CLI_OBJS): $(ONNX_HDRS)

# Generated once per onnx.proto; the generated code builds with our warnings.
$(ONNX_GEN)/onnx.pb-c.c: $(ONNX_PROTO)
	@mkdir -p $(dir $@)
	$(PROTOC_C) --proto_path=$(dir $(ONNX_PROTO)) --c_out=$(ONNX_GEN) $(ONNX_PROTO)
$(ONNX_GEN)/onnx.pb-c.h: $(ONNX_GEN)/onnx.pb-c.c

$(OBJ)/gen/onnx.pb-c.o: $(ONNX_GEN)/onnx.pb-c.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(OBJ)/san/gen/onnx.pb-c.o: $(ONNX_GEN)/onnx.pb-c.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(SAN) -O1 -c -o $@ $<

$(ONNX_LIB): $(ONNX_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(ONNX_TEST): $(ONNX_TEST_OBJS) $(filter-out %/session.o %/uqueue.o,$(ONNX_SAN_OBJS)) $(OBJ)/san/tests/tap.o
	@mkdir -p $(dir $@)
	$(CC) $(SAN) $(LDFLAGS) -o $@ $^ $(PROTOBUF_LIBS) -lm

# The node tests of the supported operators, staged into the test guest.
$(O)/obj/userspace/onnx/onnx_nodelist: $(ONNX_DIR)/tests/nodelist.c $(ONNX_LIB) $(ONNX_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(ONNX_CFLAGS) -o $@ $< $(ONNX_LIB) $(O)/lib/libtaihu.a $(DRM_LIBS) \
		$(PROTOBUF_LIBS) -lm -pthread

$(ONNX_NODELIST): $(O)/obj/userspace/onnx/onnx_nodelist
	@mkdir -p $(dir $@)
	if [ -d $(ONNX_NODE_DIR) ]; then $< $(ONNX_NODE_DIR) > $@.tmp && mv $@.tmp $@; \
	else : > $@; fi

# The libFuzzer harness of the loader and the graph checks (clang).
FUZZ_CC ?= clang
ONNX_FUZZ_DIR := $(O)/onnx-fuzz
ONNX_FUZZ := $(ONNX_FUZZ_DIR)/fuzz_onnx_load
ONNX_FUZZ_SRCS := $(ONNX_DIR)/fuzz/fuzz_onnx_load.c $(filter-out %/session.c %/uqueue.c,$(ONNX_SRCS)) \
	$(ONNX_GEN)/onnx.pb-c.c
ONNX_FUZZ_TIME ?= 10

$(ONNX_FUZZ): $(ONNX_FUZZ_SRCS) $(ONNX_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -I$(SRC)/include -I$(SRC)/onnx/include -I$(TOP)/uapi/drm \
		-I$(TOP)/firmware/include $(DEPS_CFLAGS) $(ONNX_CFLAGS) -DOX_NO_DEVICE \
		-o $@ $(filter %.c,$^) $(PROTOBUF_LIBS) -lm

.PHONY: onnx onnx-check onnx-fuzz
onnx: $(ONNX_LIB) $(ONNX_NODELIST)

# Host tests of the runtime (TAP), then the fuzzer for ONNX_FUZZ_TIME seconds,
# seeded with the ONNX node tests.
onnx-check: $(ONNX_TEST)
	@fail=0; \
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(ONNX_TEST) $(ONNX_NODE_DIR) $(O)/models || fail=1; \
	$(MAKE) --no-print-directory -f $(SRC)/Makefile onnx-fuzz-run || fail=1; \
	exit $$fail

onnx-fuzz-run:
	@if printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' | \
	    $(FUZZ_CC) -fsanitize=fuzzer,address,undefined -x c - -o $(O)/.onnx-fuzz-probe >/dev/null 2>&1; then \
		rm -f $(O)/.onnx-fuzz-probe; \
		$(MAKE) --no-print-directory -f $(SRC)/Makefile $(ONNX_FUZZ) >$(ONNX_FUZZ_DIR).build.log 2>&1 || \
			{ echo "not ok 1 fuzz onnx_load - build failed (see $(ONNX_FUZZ_DIR).build.log)"; exit 1; }; \
		mkdir -p $(ONNX_FUZZ_DIR)/seeds/onnx_load; \
		for d in $(ONNX_NODE_DIR)/*/; do cp "$$d/model.onnx" "$(ONNX_FUZZ_DIR)/seeds/onnx_load/$$(basename $$d).onnx"; done; \
		for f in $(O)/models/*.onnx; do [ -f "$$f" ] && cp "$$f" $(ONNX_FUZZ_DIR)/seeds/onnx_load/; done; \
		$(TOP)/tests/host/fuzz/run-fuzzers.sh $(ONNX_FUZZ_DIR) $(ONNX_FUZZ_TIME) onnx_load; \
	else \
		echo "ok 1 fuzz onnx_load # SKIP clang with libFuzzer not available"; \
	fi
