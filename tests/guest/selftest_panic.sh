# SPDX-License-Identifier: GPL-2.0-only
# Harness self-test: the kernel panics mid-suite; the host must fail the boot.
. /tests/lib.sh
echo c > /proc/sysrq-trigger
