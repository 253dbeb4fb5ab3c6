// SPDX-License-Identifier: GPL-2.0-only
/*
 * Devdax takeover on a kernel whose dax bus layouts are not verified.
 *
 * Taking a dax bus device (/dev/daxX.Y) from device_dax reads the dax
 * bus's private structures through copies of their layouts
 * (dax_bus_layout.h, devdax.c).  dax_core/Kbuild builds devdax.c only
 * for the kernels whose layouts were copied and checked against their
 * source (tests/layout-check.sh); for any other, this file stands in: it
 * registers nothing on the dax bus, and an attach of a dax bus device is
 * refused with a message that says why.  Namespaces and block devices
 * are served as everywhere else.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/utsname.h>

#include <daxlite/dax_core.h>

#include "dax_core_internal.h"

/* Kept so that dax_core takes the same parameters on every kernel. */
static bool devdax_takeover;
module_param(devdax_takeover, bool, 0644);
MODULE_PARM_DESC(devdax_takeover,
		 "Allow attaching dax bus devices (/dev/daxX.Y); has no effect on this kernel, whose dax bus layouts are not verified");

int daxl_devdax_register(struct daxl_driver *drv)
{
	return 0;
}

void daxl_devdax_unregister(struct daxl_driver *drv)
{
}

bool daxl_devdax_is(struct daxl_driver *drv, struct device *dev)
{
	return false;
}

/* "daxR.N" or "/dev/daxR.N": the name of a dax bus device. */
static bool daxl_devdax_name(const char *name)
{
	unsigned int region, id;
	int n = 0;

	if (str_has_prefix(name, "/dev/"))
		name += strlen("/dev/");
	return sscanf(name, "dax%u.%u%n", &region, &id, &n) == 2 && !name[n];
}

/*
 * Return: ERR_PTR(-EOPNOTSUPP) for the name of a dax bus device, which
 * cannot be taken over here; NULL for any other name.
 */
struct device *daxl_devdax_find(struct daxl_driver *drv, const char *name)
{
	if (!daxl_devdax_name(name))
		return NULL;
	pr_err("%s: attach: %s is a dax bus device; devdax takeover is not verified for this kernel (%s), so it is refused\n",
	       drv->nd.drv.name, name, init_utsname()->release);
	return ERR_PTR(-EOPNOTSUPP);
}

int daxl_devdax_take(struct daxl_driver *drv, struct device *dev)
{
	return -EOPNOTSUPP;
}

void daxl_devdax_give_back(struct device *dev)
{
}
