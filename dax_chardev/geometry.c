// SPDX-License-Identifier: GPL-2.0-only
/*
 * Offset and length arithmetic of dax_chardev, kept apart from the driver
 * so that it can be tested on plain values.
 */
#include <kunit/visibility.h>
#include <linux/mm.h>
#include <linux/pgtable.h>

#include "dax_chardev.h"

/**
 * daxcdev_io_len() - how much of a read or write fits in the device
 * @pos: file position
 * @count: bytes asked for
 * @size: device size in bytes
 * @write: the request is a write
 *
 * As on a block device: a read at or past the end reads nothing, a write
 * there fails, and a request that crosses the end is cut short.
 *
 * Return: the number of bytes to transfer, 0, or -ENOSPC for a write at
 * or past the end.
 */
ssize_t daxcdev_io_len(loff_t pos, size_t count, u64 size, bool write)
{
	if (!count)
		return 0;
	if (pos < 0 || (u64)pos >= size)
		return write ? -ENOSPC : 0;
	return min_t(u64, count, min_t(u64, size - pos, MAX_RW_COUNT));
}
EXPORT_SYMBOL_IF_KUNIT(daxcdev_io_len);

/**
 * daxcdev_pmd_fits() - can a fault be served with one 2 MiB mapping
 * @vm_start: start of the mapping
 * @vm_end: end of the mapping
 * @pmd_addr: the faulting address rounded down to PMD_SIZE
 * @pgoff: the device page offset that @pmd_addr maps
 * @size: device size in bytes
 *
 * The whole PMD must lie inside the mapping and inside the device, and
 * the device offset must be 2 MiB aligned like the address, so that one
 * PMD maps 2 MiB of contiguous, aligned memory (the device itself starts
 * on a 2 MiB boundary).
 */
bool daxcdev_pmd_fits(unsigned long vm_start, unsigned long vm_end,
		      unsigned long pmd_addr, pgoff_t pgoff, u64 size)
{
	if (pmd_addr < vm_start || pmd_addr + PMD_SIZE > vm_end)
		return false;
	if (!IS_ALIGNED(pgoff, PMD_SIZE >> PAGE_SHIFT) || size < PMD_SIZE)
		return false;
	return (u64)pgoff <= (size - PMD_SIZE) >> PAGE_SHIFT;
}
EXPORT_SYMBOL_IF_KUNIT(daxcdev_pmd_fits);
