// SPDX-License-Identifier: GPL-2.0-only
/*
 * daxl_holder: a test module that holds daxlite character devices the way
 * a filesystem does, through dax_core's claim interface.  Built only for
 * the tests.
 *
 *   insmod daxl_holder.ko devs=/dev/dax0[,/dev/dax1...]
 *
 * Claims each device in order and keeps them until rmmod.  If a claim
 * fails, the ones before it are released and insmod fails with its error.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/string.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

static char *devs;
module_param(devs, charp, 0444);
MODULE_PARM_DESC(devs, "Comma-separated device paths to hold");

static struct daxl_region *held[DAXL_MAX_RANGES];
static unsigned int nheld;

static void daxl_holder_release_all(void)
{
	while (nheld) {
		nheld--;
		daxl_region_release(held[nheld], &held[nheld]);
	}
}

static int __init daxl_holder_init(void)
{
	char *list, *cur, *path;
	dev_t devt;
	int rc = 0;

	if (!devs)
		return -EINVAL;
	list = kstrdup(devs, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = list;
	while ((path = strsep(&cur, ",")) && nheld < DAXL_MAX_RANGES) {
		struct daxl_region *region;

		rc = daxl_lookup_devt(path, &devt);
		if (rc) {
			pr_err("%s: not a character device: %d\n", path, rc);
			break;
		}
		region = daxl_region_claim(devt, &held[nheld], KBUILD_MODNAME,
					   NULL);
		if (IS_ERR(region)) {
			rc = PTR_ERR(region);
			pr_err("%s: cannot hold: %d\n", path, rc);
			break;
		}
		held[nheld++] = region;
	}
	kfree(list);
	if (rc)
		daxl_holder_release_all();
	return rc;
}

static void __exit daxl_holder_exit(void)
{
	daxl_holder_release_all();
}

module_init(daxl_holder_init);
module_exit(daxl_holder_exit);

MODULE_AUTHOR("daxlite maintainers");
MODULE_DESCRIPTION("daxlite test module: holds /dev/daxN devices");
MODULE_LICENSE("GPL");
MODULE_VERSION(DAXLITE_VERSION);
MODULE_IMPORT_NS(DAXL_NS);
