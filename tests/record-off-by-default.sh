#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# dax_core's store recording (dax_core/record.c) is for tests only: the
# default and DKMS builds must not have it.  Checks dkms.conf and the
# Makefile, and the modules built the default way (and by DKMS, where
# tests/dkms-test.sh left them).
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
cd "$DAXLITE_ROOT"

rc=0
# Any mention, comments included: none is needed there.
if grep -n 'DAXL_RECORD' dkms.conf Makefile Kbuild; then
	echo "DAXL_RECORD is named where the default or DKMS build reads it"
	rc=1
fi
# Only dax_core/Kbuild may look at it, and only behind ifeq ... 1.
grep -q '^ifeq ($(DAXL_RECORD),1)$' dax_core/Kbuild || { echo "dax_core/Kbuild: no DAXL_RECORD guard"; rc=1; }
shopt -s nullglob
for ko in dax_core/dax_core.ko "$DAXLITE_BUILD"/dkms-modules/dax_core.ko*; do
	case $ko in
	*.xz) parm=$(xz -dc "$ko" | strings | grep -c 'record_max_mb') ;;
	*) parm=$(/sbin/modinfo -F parm "$ko" | grep -c '^record_max_mb') ;;
	esac
	if [ "$parm" != 0 ]; then
		echo "$ko was built with the store recording"
		rc=1
	else
		echo "$ko: no store recording"
	fi
done
[ -e dax_core/dax_core.ko ] || { echo "build the modules first (make)"; rc=1; }
exit $rc
