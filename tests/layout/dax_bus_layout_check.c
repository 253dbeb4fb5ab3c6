// SPDX-License-Identifier: GPL-2.0-only
/*
 * Build-only check: the dax bus layouts dax_core copies
 * (dax_core/dax_bus_layout.h) against the kernel's own drivers/dax/bus.h
 * and dax-private.h from that kernel's own source package
 * (linux-source-6.1, -6.12 or -7.3; the Kbuild picks the copy by the
 * version of the kernel built against).  Every field of each copy must
 * have the kernel's offset and size, and each struct the kernel's size;
 * a difference stops the build.  tests/layout-check.sh builds it; the
 * module is never loaded.
 */
#include <linux/build_bug.h>
#include <linux/mm.h>
#include <linux/memremap.h>
#include <linux/module.h>
#include <linux/stddef.h>

#include "bus.h"
#include "dax-private.h"
#include "dax_bus_layout.h"

/* Offset and size of a field, each argument used once. */
#define OFF(type, field)	__builtin_offsetof(struct type, field)
#define SIZE(type, field)	sizeof_field(struct type, field)

/* One assertion per field: the same offset and the same size. */

static_assert(OFF(daxl_dax_bus_driver, drv) == OFF(dax_device_driver, drv) &&
	      SIZE(daxl_dax_bus_driver, drv) == SIZE(dax_device_driver, drv));
static_assert(OFF(daxl_dax_bus_driver, ids) == OFF(dax_device_driver, ids) &&
	      SIZE(daxl_dax_bus_driver, ids) == SIZE(dax_device_driver, ids));
#ifdef DAXL_DAX_BUS_LAYOUT_6_1
static_assert(OFF(daxl_dax_bus_driver, match_always) == OFF(dax_device_driver, match_always) &&
	      SIZE(daxl_dax_bus_driver, match_always) == SIZE(dax_device_driver, match_always));
#else
static_assert(OFF(daxl_dax_bus_driver, type) == OFF(dax_device_driver, type) &&
	      SIZE(daxl_dax_bus_driver, type) == SIZE(dax_device_driver, type));
#endif
static_assert(OFF(daxl_dax_bus_driver, probe) == OFF(dax_device_driver, probe) &&
	      SIZE(daxl_dax_bus_driver, probe) == SIZE(dax_device_driver, probe));
static_assert(OFF(daxl_dax_bus_driver, remove) == OFF(dax_device_driver, remove) &&
	      SIZE(daxl_dax_bus_driver, remove) == SIZE(dax_device_driver, remove));
static_assert(sizeof(struct daxl_dax_bus_driver) == sizeof(struct dax_device_driver));

static_assert(OFF(daxl_dev_dax_range, pgoff) == OFF(dev_dax_range, pgoff) &&
	      SIZE(daxl_dev_dax_range, pgoff) == SIZE(dev_dax_range, pgoff));
static_assert(OFF(daxl_dev_dax_range, range) == OFF(dev_dax_range, range) &&
	      SIZE(daxl_dev_dax_range, range) == SIZE(dev_dax_range, range));
static_assert(OFF(daxl_dev_dax_range, mapping) == OFF(dev_dax_range, mapping) &&
	      SIZE(daxl_dev_dax_range, mapping) == SIZE(dev_dax_range, mapping));
static_assert(sizeof(struct daxl_dev_dax_range) == sizeof(struct dev_dax_range));

static_assert(OFF(daxl_dev_dax, region) == OFF(dev_dax, region) &&
	      SIZE(daxl_dev_dax, region) == SIZE(dev_dax, region));
static_assert(OFF(daxl_dev_dax, dax_dev) == OFF(dev_dax, dax_dev) &&
	      SIZE(daxl_dev_dax, dax_dev) == SIZE(dev_dax, dax_dev));
#ifdef DAXL_DAX_BUS_LAYOUT_7_3
static_assert(OFF(daxl_dev_dax, cached_size) == OFF(dev_dax, cached_size) &&
	      SIZE(daxl_dev_dax, cached_size) == SIZE(dev_dax, cached_size));
#endif
static_assert(OFF(daxl_dev_dax, align) == OFF(dev_dax, align) &&
	      SIZE(daxl_dev_dax, align) == SIZE(dev_dax, align));
static_assert(OFF(daxl_dev_dax, target_node) == OFF(dev_dax, target_node) &&
	      SIZE(daxl_dev_dax, target_node) == SIZE(dev_dax, target_node));
static_assert(OFF(daxl_dev_dax, dyn_id) == OFF(dev_dax, dyn_id) &&
	      SIZE(daxl_dev_dax, dyn_id) == SIZE(dev_dax, dyn_id));
static_assert(OFF(daxl_dev_dax, id) == OFF(dev_dax, id) &&
	      SIZE(daxl_dev_dax, id) == SIZE(dev_dax, id));
static_assert(OFF(daxl_dev_dax, ida) == OFF(dev_dax, ida) &&
	      SIZE(daxl_dev_dax, ida) == SIZE(dev_dax, ida));
static_assert(OFF(daxl_dev_dax, dev) == OFF(dev_dax, dev) &&
	      SIZE(daxl_dev_dax, dev) == SIZE(dev_dax, dev));
static_assert(OFF(daxl_dev_dax, pgmap) == OFF(dev_dax, pgmap) &&
	      SIZE(daxl_dev_dax, pgmap) == SIZE(dev_dax, pgmap));
#ifndef DAXL_DAX_BUS_LAYOUT_6_1
static_assert(OFF(daxl_dev_dax, memmap_on_memory) == OFF(dev_dax, memmap_on_memory) &&
	      SIZE(daxl_dev_dax, memmap_on_memory) == SIZE(dev_dax, memmap_on_memory));
#endif
static_assert(OFF(daxl_dev_dax, nr_range) == OFF(dev_dax, nr_range) &&
	      SIZE(daxl_dev_dax, nr_range) == SIZE(dev_dax, nr_range));
static_assert(OFF(daxl_dev_dax, ranges) == OFF(dev_dax, ranges) &&
	      SIZE(daxl_dev_dax, ranges) == SIZE(dev_dax, ranges));
static_assert(sizeof(struct daxl_dev_dax) == sizeof(struct dev_dax));

MODULE_DESCRIPTION("daxlite build-only check of the copied dax bus layouts");
MODULE_LICENSE("GPL");
