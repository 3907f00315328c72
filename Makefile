# SPDX-License-Identifier: GPL-2.0-or-later
# kvmexit-stat: single non-recursive Makefile (the ASan pass re-invokes it
# with another build directory). Run ./configure first.

-include config.mk

VERSION := 0.1.0
BUILD ?= build
SANITIZE ?= 0
V ?= 0
DESTDIR ?=
PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man

ifeq ($(V),1)
Q :=
else
Q := @
endif

WFLAGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	  -Wmissing-declarations -Wold-style-definition -Wformat=2 -Wno-unused-parameter
ifeq ($(WERROR),1)
WFLAGS += -Werror
endif
OPT ?= -O2 -g
ifeq ($(SANITIZE),1)
OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
ifeq ($(SANITIZE),thread)
OPT := -O1 -g -fsanitize=thread
endif

KX_CFLAGS := -std=gnu11 $(OPT) $(WFLAGS) -Iinclude -DKX_VERSION='"$(VERSION)"' \
	     -DKX_HAVE_ZSTD=$(HAVE_ZSTD) -D_FILE_OFFSET_BITS=64 -MMD -MP $(CFG_CFLAGS) $(CFLAGS)
KX_LDFLAGS := $(OPT) $(LDFLAGS)
KX_LIBS := $(CFG_LIBS) -lm -lpthread

CMD_SRCS := src/main.c $(wildcard src/cmd_*.c)
LIB_SRCS := $(filter-out $(CMD_SRCS),$(wildcard src/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CMD_OBJS := $(CMD_SRCS:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libkx.a
BIN := $(BUILD)/kvmexit-stat

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

# The fixture synthesizer is deliberately independent of libkx: it is the
# oracle the reader is tested against, so it shares no code with it.
SYNTH_SRCS := $(wildcard tests/synth/*.c)
SYNTH_OBJS := $(SYNTH_SRCS:%.c=$(BUILD)/%.o)
SYNTH := $(BUILD)/kx-synth

all: kvmexit-stat $(if $(SYNTH_SRCS),$(SYNTH))

config.mk: configure
	@if [ -f config.mk ]; then echo "configure is newer than config.mk: rerun ./configure" >&2; else echo "run ./configure first" >&2; fi; exit 1

kvmexit-stat: $(BIN)
ifeq ($(BUILD),build)
	$(Q)cp $(BIN) $@
endif

$(BIN): $(CMD_OBJS) $(LIB)
	@echo "  LINK    $@"
	$(Q)$(CC) $(KX_LDFLAGS) -o $@ $(CMD_OBJS) $(LIB) $(KX_LIBS)

$(LIB): $(LIB_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c config.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KX_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KX_CFLAGS) -Itests/unit -o $@ $< $(LIB) $(KX_LIBS)

$(SYNTH): $(SYNTH_OBJS)
	@echo "  LINK    $@"
	$(Q)$(CC) $(KX_LDFLAGS) -o $@ $(SYNTH_OBJS) $(KX_LIBS)

unit: $(UNIT_BINS)

# make check: the whole suite, then the same suite under ASan+UBSan, then
# the reading threads' test under ThreadSanitizer.
check: all unit
	$(Q)KX_BUILD=$(BUILD) sh tests/run.sh
ifeq ($(BUILD),build)
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=1 check-asan
	$(Q)$(MAKE) --no-print-directory BUILD=build-tsan SANITIZE=thread check-tsan
endif

check-asan: $(BIN) $(if $(SYNTH_SRCS),$(SYNTH)) unit
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		KX_BUILD=$(BUILD) KX_SANITIZED=1 sh tests/run.sh

# threads live in the readers and the time slices: t-threads.sh, t-slices.sh
# and t-windows.sh (the walk on workers, delivered in time windows) drive them
check-tsan: $(BIN) $(if $(SYNTH_SRCS),$(SYNTH)) unit
	$(Q)TSAN_OPTIONS=halt_on_error=1:exitcode=66 KX_BUILD=$(BUILD) sh tests/run.sh tests/cli/t-threads.sh \
		tests/synth/t-slices.sh tests/synth/t-windows.sh

bench: all
	$(Q)sh bench/run.sh

install: kvmexit-stat
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1
	install -m 0755 kvmexit-stat $(DESTDIR)$(PREFIX)/bin/kvmexit-stat
	install -m 0644 man/*.1 $(DESTDIR)$(MANDIR)/man1/

clean:
	rm -rf build build-asan build-tsan kvmexit-stat tests/out

distclean: clean
	rm -f config.mk

help:
	@echo "targets: all check check-asan check-tsan bench install clean distclean (V=1 for full commands)"

.PHONY: all check check-asan check-tsan unit bench install clean distclean help kvmexit-stat

-include $(LIB_OBJS:.o=.d) $(CMD_OBJS:.o=.d) $(SYNTH_OBJS:.o=.d)
