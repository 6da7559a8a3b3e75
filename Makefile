# dieutra - a plain, strict Makefile (models: git's config.mak.dev, cmark).
#
#   make              build ./dieutra
#   make run          open the app on a demo workspace (demo/)
#   make check        all tests: C unit tests (cmocka) and shell tests (prove)
#   make check SAN=1  the same under AddressSanitizer + UBSan
#   make soak         the crash tests at length: 500 rounds, random crash points
#   make fuzz         each libFuzzer target for FUZZ_SECONDS (clang)
#   make valgrind     the command-line shell tests under valgrind (memcheck)
#   make deps         install the Debian 12 packages the build and tests need
#   make bench        time the program at commune, district and province scale
#                     (tests/bench/BENCHMARKS.md); QUICK=1: a smaller run
#
# Objects go to .build/<compiler>[-san]/ so that gcc, clang and sanitizer
# builds never mix.

CC ?= cc
PKGS = ncursesw sqlite3 libgit2 libssh2 yaml-0.1 libutf8proc libsodium
DEBS = build-essential pkg-config clang libncurses-dev libsqlite3-dev libgit2-dev libssh2-1-dev \
       libyaml-dev libutf8proc-dev libsodium-dev libcmocka-dev sqlite3 tmux git perl \
       time nginx fcgiwrap openssh-server openssh-client openssl valgrind

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
TOOLS = pkg-config clang prove tmux sqlite3 git
HAVE_PKGS := $(shell pkg-config --exists $(PKGS) cmocka 2>/dev/null && \
	       for t in $(TOOLS); do command -v $$t || exit 1; done >/dev/null && echo yes)

BUILD := .build/$(notdir $(CC))$(if $(SAN),-san)
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
CFLAGS ?= -O2 -g
SAN_ON = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SANFLAGS = $(if $(SAN),$(SAN_ON))
PKG_CFLAGS = $(filter-out -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=%,$(shell pkg-config --cflags $(PKGS) cmocka 2>/dev/null))
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) $(SANFLAGS) -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 \
	     -D_XOPEN_SOURCE_EXTENDED -Iforms -Isync -Itui $(PKG_CFLAGS) -MMD -MP
LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
LDFLAGS += $(SANFLAGS)

FORMS_SRC = $(wildcard forms/*.c)
SYNC_SRC = $(wildcard sync/*.c)
TUI_SRC = $(wildcard tui/*.c)
FORMS_OBJ = $(FORMS_SRC:%.c=$(BUILD)/%.o)
SYNC_OBJ = $(SYNC_SRC:%.c=$(BUILD)/%.o)
TUI_OBJ = $(TUI_SRC:%.c=$(BUILD)/%.o)

UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:%.c=$(BUILD)/%)
SHELL_TESTS = $(sort $(wildcard tests/t[0-9]*.t))
# The benchmarks' programs (make bench), also used by a test of the generator.
BENCH_SRC = $(wildcard tests/bench/*.c)
BENCH_BIN = $(BENCH_SRC:%.c=$(BUILD)/%)

# Each unit test links only the modules it exercises, so that one module
# can be tested while another is being written.
o = $(addprefix $(BUILD)/forms/,$(addsuffix .o,$(1)))
# A module is forms/NAME.c plus any forms/NAME_*.c it was split into.
m = $(call o,$(foreach x,$(1),$(basename $(notdir $(wildcard forms/$(x).c forms/$(x)_*.c)))))
UNIT_DEPS_expr = $(call m,util expr)
UNIT_DEPS_text = $(call m,util text)
UNIT_DEPS_util = $(call m,util)
UNIT_DEPS_record = $(call m,util text record)
UNIT_DEPS_record_canon = $(call m,util text record)
UNIT_DEPS_form = $(call m,util text record expr form)
UNIT_DEPS_validate = $(call m,util text record expr form validate)
UNIT_DEPS_store = $(call m,util text record store)
UNIT_DEPS_merge = $(call m,util text record expr form validate store workspace seal) \
		  $(BUILD)/sync/merge.o
UNIT_DEPS_seal = $(call m,util text record expr form validate seal)
tuio = $(addprefix $(BUILD)/tui/,$(addsuffix .o,$(1)))
UNIT_DEPS_telex = $(call m,util text) $(call tuio,telex)
UNIT_DEPS_lineedit = $(call m,util text) $(call tuio,telex lineedit)
UNIT_DEPS_app_date = $(call m,util) $(call tuio,app_date)
UNIT_DEPS_remote = $(call m,util) $(BUILD)/sync/remote.o
UNIT_DEPS_home_list = $(call m,util text record store) $(call tuio,home_list lineedit telex)

.PHONY: all check unit shell-tests soak run deps clean fuzz fuzz-run regress valgrind lint bench \
	FORCE
.DELETE_ON_ERROR:
.SECONDARY:

ifneq ($(HAVE_PKGS),yes)
ifdef DEPS_TRIED
$(error the build's packages are still missing after `make deps`: $(DEBS))
endif
# The libraries are missing: install them, then start again with pkg-config
# able to find them.
all check unit shell-tests soak run fuzz valgrind lint bench dieutra:
	$(MAKE) deps
	$(MAKE) DEPS_TRIED=1 $@
else

all: dieutra

dieutra: $(BUILD)/dieutra FORCE
	@cmp -s $< $@ || cp $< $@

$(BUILD)/dieutra: $(TUI_OBJ) $(SYNC_OBJ) $(FORMS_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

.SECONDEXPANSION:
$(BUILD)/tests/unit/test_%: $(BUILD)/tests/unit/test_%.o $$(UNIT_DEPS_$$*)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) -lcmocka

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do $$t; done

# The shell tests find the binary and the sources through these variables.
# Tests that run libgit2 add its one known leak's suppression (uses_libgit2).
TEST_ENV = DIEUTRA="$(CURDIR)/$(BUILD)/dieutra" SRC="$(CURDIR)" \
	   BENCH_BIN="$(CURDIR)/$(BUILD)/tests/bench" \
	   ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	   LSAN_OPTIONS=print_suppressions=0

shell-tests: $(BUILD)/dieutra $(BENCH_BIN)
	$(TEST_ENV) prove -j2 $(SHELL_TESTS)

check: dieutra unit shell-tests

# CRASH_SEED=N repeats a soak's random choice of crash points.
CRASH_ROUNDS ?= 500
soak: $(BUILD)/dieutra
	$(TEST_ENV) CRASH_ROUNDS=$(CRASH_ROUNDS) CRASH_SEED=$${CRASH_SEED:-$$(date +%s)} \
		prove -v tests/t0310-crash.t tests/t0315-crash-district.t

# The command-line tests under valgrind: tests/valgrind.sh stands in for the
# binary.  The app's tests (tmux), the 60 laptops and the memory-bounded
# hostile forms and branches are left out: too slow, or bounded below
# valgrind's needs.
VALGRIND_TESTS = $(filter-out tests/t02%.t tests/t0311-%.t tests/t0312-%.t tests/t0313-%.t \
		 tests/t0404-%.t tests/t09%.t,$(SHELL_TESTS))
valgrind: $(BUILD)/dieutra
	$(TEST_ENV) DIEUTRA="$(CURDIR)/tests/valgrind.sh" \
		VALGRIND_DIEUTRA="$(CURDIR)/$(BUILD)/dieutra" prove -j2 $(VALGRIND_TESTS)

run: dieutra
	@sh tests/demo.sh "$(CURDIR)/dieutra" "$(CURDIR)/demo"

# Benchmarks: each tests/bench/NAME.c is a program linked with the
# program's modules (from an archive, so that it pulls in only what it
# uses); tests/bench/run.sh runs the tests/bench/bNN-*.sh scripts.
LIB_OBJ = $(filter-out $(BUILD)/tui/main.o,$(TUI_OBJ)) $(SYNC_OBJ) $(FORMS_OBJ)

$(BUILD)/libdieutra.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BENCH_BIN): $(BUILD)/tests/bench/%: $(BUILD)/tests/bench/%.o $(BUILD)/libdieutra.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

bench: $(BUILD)/dieutra $(BENCH_BIN)
	DIEUTRA="$(CURDIR)/$(BUILD)/dieutra" BENCH_BIN="$(CURDIR)/$(BUILD)/tests/bench" \
		SRC="$(CURDIR)" CC="$(CC)" QUICK="$(QUICK)" sh tests/bench/run.sh

# Fuzzing (libFuzzer, clang): every parser, seeded with the project's own
# forms, records and expressions (and those of the forms' relevant,
# constraint and calculation keys), and with every input that once crashed
# it.  Crashes land in .build/fuzz/artifacts/: each goes into
# tests/fuzz/regress/TARGET/, which `make unit` replays.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS = expr record record_canon form
FUZZ_BIN = $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/fuzz_%)
FUZZ_SEEDS_expr = tests/fuzz/expr.seeds tests/fuzz/regress/expr/*
FUZZ_SEEDS_record = tests/census/*.yaml tests/forms/demo/records/*.yaml tests/fuzz/regress/record/*
FUZZ_SEEDS_record_canon = $(FUZZ_SEEDS_record) tests/fuzz/regress/record_canon/*
FUZZ_SEEDS_form = tests/forms/*/*.yaml schemas/*.yaml tests/fuzz/regress/form/*

$(BUILD)/tests/fuzz/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $$(UNIT_DEPS_$$*)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

# The same entry points without libFuzzer, any compiler: the regressions.
REGRESS_BIN = $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/regress_%)
$(BUILD)/tests/fuzz/regress_%: $(BUILD)/tests/fuzz/regress.o $(BUILD)/tests/fuzz/fuzz_%.o \
			       $$(UNIT_DEPS_$$*)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

regress: $(REGRESS_BIN)
	@set -e; for t in $(FUZZ_TARGETS); do \
		printf "fuzz regressions of %s: " $$t; \
		$(BUILD)/tests/fuzz/regress_$$t tests/fuzz/regress/$$t/*; \
	done

unit: regress

# With clang at hand, a plain `make check` fuzzes each target too (CI's
# clang and SAN=1 runs of the same checks leave it to the first).
check: $(if $(SAN)$(filter clang%,$(notdir $(CC))),,$(if $(shell command -v clang),fuzz))

fuzz:
	$(MAKE) CC=clang BUILD=.build/fuzz SAN_ON='-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all' SAN=1 fuzz-run

fuzz-run: $(FUZZ_BIN)
	@set -e; for t in $(FUZZ_TARGETS); do \
		corpus=$(BUILD)/corpus/$$t; mkdir -p $$corpus $(BUILD)/artifacts; \
		case $$t in \
		expr) split -l 1 tests/fuzz/expr.seeds $$corpus/seed-; \
		      cp tests/fuzz/regress/expr/* $$corpus/; \
		      sed -n "s/^ *\(relevant\|constraint\|calculation\|choice_filter\): //p" \
			      schemas/*.yaml tests/forms/*/*.yaml | sed "s/^\"\(.*\)\"$$/\1/" | \
			      split -l 1 - $$corpus/form- ;; \
		record) for f in $(FUZZ_SEEDS_record); do cp $$f $$corpus/$$(echo $$f | tr / _); done ;; \
		record_canon) for f in $(FUZZ_SEEDS_record_canon); do \
			cp $$f $$corpus/$$(echo $$f | tr / _); done ;; \
		form) for f in $(FUZZ_SEEDS_form); do cp $$f $$corpus/$$(echo $$f | tr / _); done ;; \
		esac; \
		echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
		$(BUILD)/tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			-artifact_prefix=$(BUILD)/artifacts/$$t- -print_final_stats=1 $$corpus 2>&1 | \
			grep -E "^(stat::number_of_executed_units|==|SUMMARY|.*ERROR)" ; \
		test ! -e "$$(ls $(BUILD)/artifacts/$$t-* 2>/dev/null | head -1)"; \
	done

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
		--suppress=missingIncludeSystem -Iforms -Isync -Itui forms sync tui

endif

deps:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(DEBS)

clean:
	rm -rf .build dieutra demo

FORCE:

-include $(shell find .build -name '*.d' 2>/dev/null)
