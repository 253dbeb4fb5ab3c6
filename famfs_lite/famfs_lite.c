// SPDX-License-Identifier: GPL-2.0-only
/*
 * famfs_lite: a minimal DAX filesystem for /dev/daxN.
 *
 * Not implemented yet: this module loads and registers nothing, so that
 * the module set, its build and its packaging are complete.  The
 * filesystem comes with the famfs_lite issue; README.md says what works
 * today.
 */
#include <linux/module.h>

#include <daxlite/compat.h>

static int __init famfs_lite_init(void)
{
	return 0;
}

static void __exit famfs_lite_exit(void)
{
}

module_init(famfs_lite_init);
module_exit(famfs_lite_exit);

MODULE_AUTHOR("daxlite maintainers");
MODULE_DESCRIPTION("daxlite famfs_lite filesystem (not implemented yet)");
MODULE_LICENSE("GPL");
MODULE_VERSION(DAXLITE_VERSION);
