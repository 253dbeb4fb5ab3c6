// SPDX-License-Identifier: GPL-2.0-only
/*
 * dax_core.ko: the shared layer of daxlite.  It owns the physical ranges
 * daxlite serves and their dax_devices; dax_blk, dax_chardev and
 * famfs_lite use it through <daxlite/dax_core.h>.
 */
#include <linux/module.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

#include "dax_core_internal.h"

static int __init daxl_core_init(void)
{
	int rc;

	daxl_fwmap_init();
	rc = daxl_raw_fs_init();
	if (rc) {
		daxl_fwmap_exit();
		return rc;
	}
	daxl_record_init();
	return 0;
}

static void __exit daxl_core_exit(void)
{
	daxl_record_exit();
	daxl_regions_exit();
	daxl_raw_fs_exit();
	daxl_fwmap_exit();
}

module_init(daxl_core_init);
module_exit(daxl_core_exit);

MODULE_AUTHOR("daxlite maintainers");
MODULE_DESCRIPTION("daxlite shared layer: DAX ranges, dax_operations, flush helpers");
MODULE_LICENSE("GPL");
MODULE_VERSION(DAXLITE_VERSION);
