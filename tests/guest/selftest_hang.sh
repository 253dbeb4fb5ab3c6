# SPDX-License-Identifier: GPL-2.0-only
# Harness self-test: the suite never ends; the watchdog must fail the boot.
. /tests/lib.sh
sleep 100000
