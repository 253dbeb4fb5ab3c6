#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run the kernel's checkpatch.pl --strict on the given files.  checkpatch
# comes from Debian's linux-source-6.1 and is unpacked once into the cache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cp_dir=$DAXLITE_CACHE/checkpatch
if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
	tarball=$(ls /usr/src/linux-source-6.1.tar.* | head -n 1)
	mkdir -p "$cp_dir"
	tar -xf "$tarball" -C "$cp_dir" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi
rc=0
for f in "$@"; do
	# checkpatch exits non-zero on findings; judge by what it prints.
	out=$("$cp_dir/scripts/checkpatch.pl" --no-tree --strict --terse --show-types -f "$f" || true)
	if grep -E ': (ERROR|WARNING|CHECK):' <<< "$out"; then
		rc=1
	fi
done
exit $rc
