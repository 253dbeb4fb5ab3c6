# SPDX-License-Identifier: GPL-2.0-only
#
# daxlite: DAX on memory-like storage for stock Linux kernels.
#
#   make                 build the four modules against KDIR, and the tools
#   make KDIR=...        build against another kernel tree or headers
#   make W=1 / C=1       extra warnings / sparse, passed to Kbuild
#   make test-modules    also build the test-only modules in tests/kmod
#   make test-helpers    build the static programs the guest tests use
#   make check           every test: style, build, guest tests in QEMU
#   make demo            the user path, run in QEMU
#   make kunit           the KUnit suites, on a KUnit kernel built once and cached
#   make check-debug     the guest suites on a debug kernel (KASAN, lockdep,
#                        kmemleak, ...), built once and cached
#   make bench           each daxlite path against its stock peer, in one QEMU boot
#   make check-fresh     the README's commands in a fresh minimal Debian 12 root (slow; root)
#   make fuzz            the famfs_lite image fuzzer: 10,000 images (FUZZ_IMAGES, FUZZ_SEED)
#   make crash           crash points of the famfs_lite log (modules built with
#                        dax_core's test-only store recording) and 50 power cuts (POWERCUT_N)
#   make install         tools, man pages, udev rules, examples (PREFIX, DESTDIR)
#   make uninstall       remove what make install put there
#   make dkms-install    dkms add, build and install, for KVER (default: running)
#   make dkms-remove     dkms remove, for every kernel
#   make clean

# The running kernel's build tree, else the newest Debian amd64 headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1))

MODULES := dax_core dax_blk dax_chardev famfs_lite

.PHONY: all modules tools test-modules test-helpers clean check check-debug demo kunit bench check-fresh fuzz crash \
	install uninstall dkms-install dkms-remove

# make install: tools, man pages, udev rules and configuration examples.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/daxlite
UDEVDIR ?= /etc/udev/rules.d
INSTALLED := $(SBINDIR)/mkfs.famfs_lite $(SBINDIR)/fsck.famfs_lite $(SBINDIR)/daxlite-ctl \
	$(MANDIR)/man8/mkfs.famfs_lite.8 $(MANDIR)/man8/fsck.famfs_lite.8 \
	$(UDEVDIR)/60-daxlite.rules \
	$(DOCDIR)/examples/modprobe.d/daxlite.conf \
	$(DOCDIR)/examples/modules-load.d/daxlite.conf

all: modules tools

modules:
	@test -n "$(KDIR)" || { echo "no kernel headers found: install linux-headers-amd64 or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools

# Modules only the tests use (tests/kmod); they link against dax_core.
test-modules: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/kmod \
		KBUILD_EXTRA_SYMBOLS=$(CURDIR)/Module.symvers modules

# Static programs the guest tests run (build/).
test-helpers: tools
	mkdir -p build
	$(CC) -O2 -Wall -Wextra -Werror -static -o build/daxtest tests/helpers/daxtest.c
	$(CC) -O2 -Wall -Wextra -Werror -static -o build/daxbench tests/helpers/daxbench.c
	$(CC) -O2 -Wall -Wextra -Werror -static -Iinclude -Itools \
		-o build/famfsl_poke tests/helpers/famfsl_poke.c \
		tools/famfsl_tool.c famfs_lite/format.c
	$(CC) -O2 -Wall -Wextra -Werror -static -Iinclude -Itools \
		-o build/famfsl_fuzz tests/helpers/famfsl_fuzz.c \
		tools/famfsl_tool.c famfs_lite/format.c
	$(CC) -O2 -Wall -Wextra -Werror -static -Iinclude -Itools \
		-o build/famfsl_crash tests/helpers/famfsl_crash.c

clean:
	@test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	@test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR)/tests/kmod clean
	$(MAKE) -C tools clean
	rm -rf build

check:
	tests/run-all.sh

demo:
	scripts/demo.sh

kunit:
	scripts/kunit.sh

check-debug:
	scripts/check-debug.sh

bench:
	scripts/bench.sh

# Not part of make check: it takes the better part of an hour.
check-fresh:
	scripts/check-fresh.sh

fuzz:
	scripts/fuzz.sh

crash:
	scripts/crash.sh

install: tools
	install -D -m 0755 tools/mkfs.famfs_lite $(DESTDIR)$(SBINDIR)/mkfs.famfs_lite
	install -D -m 0755 tools/fsck.famfs_lite $(DESTDIR)$(SBINDIR)/fsck.famfs_lite
	install -D -m 0755 tools/daxlite-ctl $(DESTDIR)$(SBINDIR)/daxlite-ctl
	install -D -m 0644 docs/man/mkfs.famfs_lite.8 $(DESTDIR)$(MANDIR)/man8/mkfs.famfs_lite.8
	install -D -m 0644 docs/man/fsck.famfs_lite.8 $(DESTDIR)$(MANDIR)/man8/fsck.famfs_lite.8
	install -D -m 0644 packaging/60-daxlite.rules $(DESTDIR)$(UDEVDIR)/60-daxlite.rules
	install -D -m 0644 packaging/daxlite-modprobe.conf \
		$(DESTDIR)$(DOCDIR)/examples/modprobe.d/daxlite.conf
	install -D -m 0644 packaging/daxlite-modules-load.conf \
		$(DESTDIR)$(DOCDIR)/examples/modules-load.d/daxlite.conf

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir -p --ignore-fail-on-non-empty $(DESTDIR)$(DOCDIR)/examples/modprobe.d \
		$(DESTDIR)$(DOCDIR)/examples/modules-load.d

dkms-install:
	scripts/dkms.sh install $(KVER)

dkms-remove:
	scripts/dkms.sh remove
