// SPDX-License-Identifier: GPL-2.0-only
/*
 * dax_chardev: character devices /dev/daxN that carry dax_operations.
 *
 * Not implemented yet: this module loads and does nothing, so that the
 * module set, its build and its packaging are complete.  The devices come
 * with the dax_chardev issue; README.md says what works today.
 */
#include <linux/module.h>

#include <daxlite/compat.h>

static int __init daxcdev_init(void)
{
	return 0;
}

static void __exit daxcdev_exit(void)
{
}

module_init(daxcdev_init);
module_exit(daxcdev_exit);

MODULE_AUTHOR("daxlite maintainers");
MODULE_DESCRIPTION("daxlite DAX character devices (not implemented yet)");
MODULE_LICENSE("GPL");
MODULE_VERSION(DAXLITE_VERSION);
