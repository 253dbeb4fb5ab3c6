/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The parts of the dax bus that 6.1 keeps private, copied for devdax.c.
 *
 * The kernel declares struct dax_device_driver in drivers/dax/bus.h and
 * struct dev_dax in drivers/dax/dax-private.h; neither header is shipped
 * in linux-headers, and modversions does not cover either layout.  These
 * are copies of the 6.1 layouts under daxlite's own names.  They keep
 * every field, so that sizes and offsets match, but devdax.c reads only
 * dax_dev, align, id, nr_range and the ranges of a dev_dax, and fills in
 * only drv, probe and remove of its driver.
 * tests/layout-check.sh compiles them beside the kernel's own headers from
 * linux-source-6.1 and fails if any offset differs, and devdax.c checks
 * at run time that what it reads is sane before it trusts it.
 *
 * Later kernels change both: 6.3 replaced match_always with a driver
 * type, and 6.8 added memmap_on_memory to struct dev_dax.  A port needs
 * its own copies here.
 */
#ifndef _DAX_BUS_LAYOUT_H
#define _DAX_BUS_LAYOUT_H

#include <linux/device.h>
#include <linux/idr.h>
#include <linux/range.h>

/* dax_core/Kbuild defines this only when it builds for Linux 6.1. */
#ifndef DAXL_DAX_BUS_LAYOUT_6_1
#error "dax_bus_layout.h holds the Linux 6.1 layouts only"
#endif

struct daxl_dev_dax;
struct dax_device;
struct dax_mapping;
struct dax_region;
struct dev_pagemap;

/* struct dax_device_driver of 6.1 drivers/dax/bus.h */
struct daxl_dax_bus_driver {
	struct device_driver drv;
	struct list_head ids;
	int match_always;
	int (*probe)(struct daxl_dev_dax *dev_dax);
	void (*remove)(struct daxl_dev_dax *dev_dax);
};

/* struct dev_dax_range of 6.1 drivers/dax/dax-private.h */
struct daxl_dev_dax_range {
	unsigned long pgoff;
	struct range range;
	struct dax_mapping *mapping;
};

/* struct dev_dax of 6.1 drivers/dax/dax-private.h */
struct daxl_dev_dax {
	struct dax_region *region;
	struct dax_device *dax_dev;
	unsigned int align;
	int target_node;
	bool dyn_id;
	int id;
	struct ida ida;
	struct device dev;
	struct dev_pagemap *pgmap;
	int nr_range;
	struct daxl_dev_dax_range *ranges;
};

/*
 * __dax_driver_register() and dax_driver_unregister(), exported GPL.  The
 * layout check includes the kernel's own declarations instead.
 */
#ifndef DAXL_DAX_BUS_LAYOUT_CHECK
int __dax_driver_register(struct daxl_dax_bus_driver *dax_drv,
			  struct module *module, const char *mod_name);
void dax_driver_unregister(struct daxl_dax_bus_driver *dax_drv);
#endif

#endif /* _DAX_BUS_LAYOUT_H */
