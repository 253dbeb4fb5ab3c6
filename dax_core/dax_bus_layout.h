/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The parts of the dax bus that the kernel keeps private, copied for
 * devdax.c, one copy per kernel series whose layouts were checked.
 *
 * The kernel declares struct dax_device_driver in drivers/dax/bus.h and
 * struct dev_dax in drivers/dax/dax-private.h; neither header is shipped
 * in linux-headers, and modversions does not cover either layout.  These
 * are copies of those layouts, from Debian's linux-source-6.1,
 * linux-source-6.12 and linux-source-7.3, under daxlite's own names.  They
 * keep every field, so that sizes and offsets match, but devdax.c reads
 * only dax_dev, align, id, nr_range and the ranges of a dev_dax, and
 * fills in only drv, the driver type, probe and remove of its driver.
 * tests/layout-check.sh compiles each copy beside the kernel's own headers
 * from that kernel's source package and fails if any offset differs, and
 * devdax.c checks at run time that what it reads is sane before it trusts
 * it.
 *
 * dax_core/Kbuild defines DAXL_DAX_BUS_LAYOUT_<VERSION>_<PATCHLEVEL> and
 * builds devdax.c only for the series below; any other kernel gets
 * devdax_unverified.c, which refuses takeover.  What changed: 6.3 replaced
 * 6.1's match_always with a driver type, 6.8 added memmap_on_memory to
 * struct dev_dax, 7.x added cached_size (for its own fsdev_dax) and a
 * third driver type.
 */
#ifndef _DAX_BUS_LAYOUT_H
#define _DAX_BUS_LAYOUT_H

#include <linux/device.h>
#include <linux/idr.h>
#include <linux/range.h>

struct daxl_dev_dax;
struct dax_device;
struct dax_mapping;
struct dax_region;
struct dev_pagemap;

#if defined(DAXL_DAX_BUS_LAYOUT_6_1)

#define DAXL_DAX_BUS_LAYOUT_NAME	"6.1"

/* struct dax_device_driver of 6.1 drivers/dax/bus.h */
struct daxl_dax_bus_driver {
	struct device_driver drv;
	struct list_head ids;
	int match_always;
	int (*probe)(struct daxl_dev_dax *dev_dax);
	void (*remove)(struct daxl_dev_dax *dev_dax);
};

/*
 * A driver that the bus matches with no device on its own: one that does
 * not match always (6.1), whose ids list is empty.
 */
static inline void daxl_dax_bus_driver_match_none(struct daxl_dax_bus_driver *d)
{
	d->match_always = 0;
}

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

#elif defined(DAXL_DAX_BUS_LAYOUT_6_12) || defined(DAXL_DAX_BUS_LAYOUT_7_3)

#ifdef DAXL_DAX_BUS_LAYOUT_7_3
#define DAXL_DAX_BUS_LAYOUT_NAME	"7.3"
#else
#define DAXL_DAX_BUS_LAYOUT_NAME	"6.12"
#endif

/*
 * struct dax_device_driver of 6.12 and 7.3 drivers/dax/bus.h.  type is
 * an enum dax_driver_type there (KMEM 0, DEVICE 1, and from 7.x FSDEV 2),
 * an int in size.
 */
struct daxl_dax_bus_driver {
	struct device_driver drv;
	struct list_head ids;
	int type;
	int (*probe)(struct daxl_dev_dax *dev_dax);
	void (*remove)(struct daxl_dev_dax *dev_dax);
};

/*
 * A driver that the bus matches with no device on its own: the bus's
 * dax_match_type() matches a driver whose type equals the device's
 * (KMEM or DEVICE), and, without CONFIG_DEV_DAX_KMEM, a DEVICE driver
 * with any device.  -1 is no type, so only the ids list (empty but for
 * new_id, which the probe refuses) matches.  Nor does 7.x's fs_dax_get()
 * take a device of this driver for its fsdev_dax.
 */
static inline void daxl_dax_bus_driver_match_none(struct daxl_dax_bus_driver *d)
{
	d->type = -1;
}

/* struct dev_dax_range of drivers/dax/dax-private.h */
struct daxl_dev_dax_range {
	unsigned long pgoff;
	struct range range;
	struct dax_mapping *mapping;
};

/* struct dev_dax of 6.12 and 7.3 drivers/dax/dax-private.h */
struct daxl_dev_dax {
	struct dax_region *region;
	struct dax_device *dax_dev;
#ifdef DAXL_DAX_BUS_LAYOUT_7_3
	u64 cached_size;
#endif
	unsigned int align;
	int target_node;
	bool dyn_id;
	int id;
	struct ida ida;
	struct device dev;
	struct dev_pagemap *pgmap;
	bool memmap_on_memory;
	int nr_range;
	struct daxl_dev_dax_range *ranges;
};

#else
#error "dax_bus_layout.h holds the dax bus layouts of Linux 6.1, 6.12 and 7.3 only"
#endif

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
