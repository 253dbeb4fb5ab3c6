#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Every exported function has a complete kernel-doc comment: for each
# EXPORT_SYMBOL*() in the given files, the kernel's scripts/kernel-doc (from
# the 6.1 headers) must find the comment and warn about nothing in it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kd=$(daxlite_kdir)/scripts/kernel-doc
rc=0 n=0
for f in "$@"; do
	for sym in $(sed -n 's/^EXPORT_SYMBOL[A-Z_]*(\([A-Za-z_0-9]*\).*/\1/p' "$f"); do
		n=$((n + 1))
		out=$(perl "$kd" -rst -sphinx-version 3.0 -function "$sym" "$f" 2>&1)
		if grep -q 'warning:' <<< "$out" || ! grep -q '^.. c:function::' <<< "$out"; then
			grep 'warning:' <<< "$out" || echo "$f: $sym: no kernel-doc comment"
			rc=1
		fi
	done
done
echo "kernel-doc: $n exported functions checked"
exit $rc
