#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Two guests at once on one NVDIMM backing file (share=on), as two hosts
# on one memory: the writer makes a famfs_lite and adds files, the reader
# mounts it read-only and sees them by remounting.  The host checksums the
# backing file when the writer is done and again when the reader is: the
# reader's mount, remounts and reads must not change a byte.
#   two-hosts.sh [RUN-GUEST OPTIONS]   e.g. -k/-K/-M/-T for the debug kernel
set -uo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
cd "$DAXLITE_ROOT"

# With -V NAME (another stock kernel), the result is named two-hosts@NAME.
label=two-hosts
args=("$@")
for ((i = 0; i < ${#args[@]} - 1; i++)); do
	[ "${args[i]}" = -V ] && label=two-hosts@${args[i + 1]}
done

img=$DAXLITE_BUILD/nv-shared.img
rm -f "$img"
truncate -s 512M "$img"

tests/vm/run-guest.sh -q -m 2G -n "$img:512M" "$@" -g writer nvdimm_share &
writer=$!
tests/vm/run-guest.sh -q -m 2G -n "$img:512M" "$@" -g reader nvdimm_share &
reader=$!
wait $writer
after_writer=$(md5sum < "$img")
wait $reader
after_reader=$(md5sum < "$img")

if [ "$after_writer" = "$after_reader" ]; then
	verdict=PASS
else
	verdict=FAIL
fi
echo "$verdict $label/reader-leaves-media-unchanged"
[ -n "${DAXLITE_RESULTS:-}" ] &&
	echo "$verdict $label/reader-leaves-media-unchanged" >> "$DAXLITE_RESULTS"
exit 0
