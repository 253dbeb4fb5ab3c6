# SPDX-License-Identifier: GPL-2.0-only
# Harness self-test: every case passes, but the kernel log gets a warning
# splat, so the host must fail the boot.
. /tests/lib.sh
case_passes() {
	true
}
run_case passes case_passes
echo "WARNING: CPU: 0 PID: 1 at selftest: injected by the harness self-test" > /dev/kmsg
