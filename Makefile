# SPDX-License-Identifier: GPL-2.0-only
#
# daxlite: DAX on memory-like storage for stock Linux kernels.
#
#   make                 build the four modules against KDIR
#   make KDIR=...        build against another kernel tree or headers
#   make W=1 / C=1       extra warnings / sparse, passed to Kbuild
#   make test-modules    also build the test-only modules in tests/kmod
#   make check           every test: style, build, guest tests in QEMU
#   make demo            the user path, run in QEMU
#   make clean

# The running kernel's build tree, else the newest Debian amd64 headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1))

MODULES := dax_core dax_blk dax_chardev famfs_lite

.PHONY: all modules test-modules clean check demo

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no kernel headers found: install linux-headers-amd64 or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# Modules only the tests use (tests/kmod); they link against dax_core.
test-modules: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/kmod \
		KBUILD_EXTRA_SYMBOLS=$(CURDIR)/Module.symvers modules

clean:
	@test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	@test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR)/tests/kmod clean
	rm -rf build

check:
	tests/run-all.sh

demo:
	scripts/demo.sh
