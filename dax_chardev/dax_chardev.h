/* SPDX-License-Identifier: GPL-2.0-only */
/* Declarations shared by the files of dax_chardev.ko. */
#ifndef _DAX_CHARDEV_H
#define _DAX_CHARDEV_H

#include <linux/types.h>

ssize_t daxcdev_io_len(loff_t pos, size_t count, u64 size, bool write);
bool daxcdev_pmd_fits(unsigned long vm_start, unsigned long vm_end,
		      unsigned long pmd_addr, pgoff_t pgoff, u64 size);

#endif /* _DAX_CHARDEV_H */
