// SPDX-License-Identifier: GPL-2.0-only
/*
 * Devdax takeover: a dax bus device (/dev/daxX.Y of a devdax namespace,
 * served by device_dax) served by a daxlite driver instead.
 *
 * The stock /dev/daxX.Y has a dax_device without operations, so no file
 * system can run on it.  A daxlite driver that asks for it registers a
 * driver on the dax bus.  Attaching a device releases it from device_dax
 * and binds it to that driver, whose probe checks the device, reads its
 * physical range and creates a daxlite device there like any other range:
 * dax_core claims and maps the memory with its own page map.  Detaching
 * does the reverse and hands the device back to device_dax.
 *
 * The dax bus keeps its driver and device structures private, so this
 * file reads them through copies (dax_bus_layout.h).  Before it trusts a
 * device it checks what it reads against what it can learn otherwise:
 * the device's name and id, its dax_device's dev_t, the range count and
 * the ranges.  A device that fails the check is refused, never guessed
 * at.  The driver takes only the device it is asked to attach: a probe
 * through the bus's new_id file is refused.
 *
 * This file is built only for the kernel series whose layouts were copied
 * from their source packages and checked (dax_core/Kbuild): Debian's 6.1,
 * 6.12 and 7.3.  Modversions does not cover those layouts, and DKMS
 * rebuilds for every kernel update, so a layout that changed in an update
 * would be misread by a module that still loads.  Takeover is therefore off unless the
 * administrator turns it on (dax_core.devdax_takeover=1) after checking the
 * layouts against the running kernel's source (tests/layout-check.sh).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

#include "dax_bus_layout.h"
#include "dax_core_internal.h"

static bool devdax_takeover;
module_param(devdax_takeover, bool, 0644);
MODULE_PARM_DESC(devdax_takeover,
		 "Allow attaching dax bus devices (/dev/daxX.Y) taken from device_dax; reads private kernel structures, check them first with tests/layout-check.sh (default: off)");

/* The dax bus driver name of the driver a device is taken from. */
#define DAXL_DEVICE_DAX_DRIVER	"device_dax"

/* More ranges than this in a dev_dax means the layout is not the one read. */
#define DAXL_DEVDAX_SANE_RANGES	1024

/**
 * struct daxl_devdax_driver - a daxlite driver's driver on the dax bus
 * @dax: registered with the dax bus; its name is the module's
 * @owner: the daxlite driver whose devices it creates
 */
struct daxl_devdax_driver {
	struct daxl_dax_bus_driver dax;
	struct daxl_driver *owner;
};

static struct daxl_devdax_driver *to_devdax_driver(struct device_driver *drv)
{
	return container_of(drv, struct daxl_devdax_driver, dax.drv);
}

static struct daxl_dev_dax *to_daxl_dev_dax(struct device *dev)
{
	return container_of(dev, struct daxl_dev_dax, dev);
}

static int daxl_devdax_insane(struct device *dev, const char *what)
{
	dev_err(dev, "does not look like a Linux %s dax device (%s); refusing it\n",
		DAXL_DAX_BUS_LAYOUT_NAME, what);
	return -EOPNOTSUPP;
}

/**
 * daxl_devdax_check() - judge a dax bus device before using it
 * @dev_dax: the device, read through the copied layout
 * @phys: receives the range to serve
 *
 * First the layout: the name must be "daxR.N" with N the device's id, its
 * dax_device must be the one whose dev_t the device carries, and the
 * range count, ranges and alignment must be plausible.  Then the use:
 * one range, starting on a 2 MiB boundary; its whole 2 MiB pages are
 * served.  Every refusal is logged.
 *
 * Context: process context, under the device's lock.
 * Return: 0, -EOPNOTSUPP if the layout looks wrong or the device has
 * several ranges, -EINVAL if its range cannot be served.
 */
VISIBLE_IF_KUNIT int daxl_devdax_check(struct daxl_dev_dax *dev_dax,
				       struct daxl_phys *phys)
{
	struct device *dev = &dev_dax->dev;
	unsigned int region_id, id, align = dev_dax->align;
	const struct range *range;
	char tail;
	int i;

	if (sscanf(dev_name(dev), "dax%u.%u%c", &region_id, &id, &tail) != 2 ||
	    dev_dax->id < 0 || id != dev_dax->id)
		return daxl_devdax_insane(dev, "name and id disagree");
	if (!virt_addr_valid(dev_dax->dax_dev) ||
	    dax_inode(dev_dax->dax_dev)->i_rdev != dev->devt)
		return daxl_devdax_insane(dev, "its dax_device is not its own");
	if (dev_dax->nr_range < 1 || dev_dax->nr_range > DAXL_DEVDAX_SANE_RANGES ||
	    !virt_addr_valid(dev_dax->ranges))
		return daxl_devdax_insane(dev, "range count");
	for (i = 0; i < dev_dax->nr_range; i++) {
		range = &dev_dax->ranges[i].range;
		if (range->end < range->start ||
		    !PAGE_ALIGNED(range->start) ||
		    !PAGE_ALIGNED(range_len(range)))
			return daxl_devdax_insane(dev, "ranges");
	}
	if (align != PAGE_SIZE && align != PMD_SIZE && align != PUD_SIZE)
		return daxl_devdax_insane(dev, "alignment");

	if (dev_dax->nr_range != 1) {
		dev_err(dev, "has %d ranges; only a device of one range can be served\n",
			dev_dax->nr_range);
		return -EOPNOTSUPP;
	}
	range = &dev_dax->ranges[0].range;
	phys->source = dev;
	phys->map_dev = false;
	phys->start = range->start;
	phys->size = round_down(range_len(range), DAXL_REGION_ALIGN);
	if (!IS_ALIGNED(range->start, DAXL_REGION_ALIGN) || !phys->size) {
		dev_err(dev, "range [%#llx-%#llx] has no whole 2 MiB page at its start\n",
			range->start, range->end);
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(daxl_devdax_check);

static enum daxl_backing daxl_devdax_backing(const struct daxl_phys *phys)
{
	if (region_intersects(phys->start, phys->size, IORESOURCE_MEM,
			      IORES_DESC_PERSISTENT_MEMORY) == REGION_INTERSECTS ||
	    region_intersects(phys->start, phys->size, IORESOURCE_MEM,
			      IORES_DESC_PERSISTENT_MEMORY_LEGACY) == REGION_INTERSECTS)
		return DAXL_PERSISTENT;
	return DAXL_VOLATILE;
}

/* Runs from device_driver_attach() in daxl_devdax_take(), under the device lock. */
static int daxl_devdax_probe(struct daxl_dev_dax *dev_dax)
{
	struct device *dev = &dev_dax->dev;
	struct daxl_driver *drv = to_devdax_driver(dev->driver)->owner;
	struct daxl_phys phys;
	int rc;

	if (dev != READ_ONCE(drv->wanted)) {
		dev_err(dev, "%s takes a dax device only through its attach file\n",
			drv->nd.drv.name);
		return -ENODEV;
	}
	rc = daxl_devdax_check(dev_dax, &phys);
	if (rc)
		return rc;
	phys.map_dev = READ_ONCE(drv->wanted_map_dev);
	return daxl_driver_probe_device(drv, dev, &phys,
					daxl_devdax_backing(&phys));
}

static void daxl_devdax_remove(struct daxl_dev_dax *dev_dax)
{
	struct device *dev = &dev_dax->dev;

	daxl_driver_remove_device(to_devdax_driver(dev->driver)->owner, dev);
}

/**
 * daxl_devdax_register() - give a daxlite driver a driver on the dax bus
 * @drv: the daxlite driver; its nd.drv names the module
 *
 * Context: process context, at module init.
 * Return: 0 or a registration error.
 */
int daxl_devdax_register(struct daxl_driver *drv)
{
	struct daxl_devdax_driver *devdax;
	int rc;

	devdax = kzalloc(sizeof(*devdax), GFP_KERNEL);
	if (!devdax)
		return -ENOMEM;
	devdax->owner = drv;
	devdax->dax.probe = daxl_devdax_probe;
	devdax->dax.remove = daxl_devdax_remove;
	daxl_dax_bus_driver_match_none(&devdax->dax);
	/* An unbind cannot be refused; detach can. */
	devdax->dax.drv.suppress_bind_attrs = true;
	rc = __dax_driver_register(&devdax->dax, drv->nd.drv.owner,
				   drv->nd.drv.name);
	if (rc) {
		kfree(devdax);
		return rc;
	}
	drv->devdax = devdax;
	return 0;
}

/**
 * daxl_devdax_unregister() - undo daxl_devdax_register()
 * @drv: the daxlite driver
 *
 * Detaches every device still bound; the caller gives them back.
 *
 * Context: process context, at module exit.
 */
void daxl_devdax_unregister(struct daxl_driver *drv)
{
	if (!drv->devdax)
		return;
	dax_driver_unregister(&drv->devdax->dax);
	kfree(drv->devdax);
	drv->devdax = NULL;
}

/**
 * daxl_devdax_is() - whether a device is a dax bus device
 * @drv: a daxlite driver with a dax bus driver
 * @dev: any device
 *
 * Return: true if @dev is on the dax bus.
 */
bool daxl_devdax_is(struct daxl_driver *drv, struct device *dev)
{
	return drv->devdax && dev->bus == drv->devdax->dax.drv.bus;
}

/**
 * daxl_devdax_find() - the dax bus device a name or path names
 * @drv: a daxlite driver with a dax bus driver
 * @name: "daxR.N", or a path such as "/dev/daxR.N"
 *
 * Context: process context; may sleep.
 * Return: the device with a reference held, or NULL.
 */
struct device *daxl_devdax_find(struct daxl_driver *drv, const char *name)
{
	dev_t devt;

	if (!drv->devdax)
		return NULL;
	/* The bus pointer is const from 6.4: used as the driver holds it. */
	if (name[0] != '/')
		return bus_find_device_by_name(drv->devdax->dax.drv.bus, NULL,
					       name);
	if (daxl_lookup_devt(name, &devt))
		return NULL;
	return bus_find_device_by_devt(drv->devdax->dax.drv.bus, devt);
}

/**
 * daxl_devdax_take() - release a dax bus device from device_dax and attach it
 * @drv: a daxlite driver with a dax bus driver
 * @dev: a dax bus device, bound to device_dax or to nothing
 *
 * Refused if the device is bound to another driver (kmem, or a daxlite
 * driver already), if its /dev/daxR.N is mapped, or if it fails the
 * check.  If the attach fails, the device goes back to device_dax.
 *
 * Context: process context, under drv->bind_lock.
 * Return: 0 or a negative errno, explained in the kernel log.
 */
int daxl_devdax_take(struct daxl_driver *drv, struct device *dev)
{
	struct daxl_dev_dax *dev_dax = to_daxl_dev_dax(dev);
	const char *bound = NULL;
	struct daxl_phys phys;
	int rc;

	lockdep_assert_held(&drv->bind_lock);
	if (!READ_ONCE(devdax_takeover)) {
		dev_err(dev, "devdax takeover is off: it reads the dax bus's private structures; after checking them against this kernel, load dax_core with devdax_takeover=1\n");
		return -EPERM;
	}
	device_lock(dev);
	rc = daxl_devdax_check(dev_dax, &phys);
	if (!rc && dev->driver) {
		bound = dev->driver->name;
		if (strcmp(bound, DAXL_DEVICE_DAX_DRIVER)) {
			dev_err(dev, "is bound to %s; only a device of %s can be attached\n",
				bound, DAXL_DEVICE_DAX_DRIVER);
			rc = -EBUSY;
		} else if (mapping_mapped(dax_inode(dev_dax->dax_dev)->i_mapping)) {
			dev_err(dev, "is mapped through /dev/%s; unmap it first\n",
				dev_name(dev));
			rc = -EBUSY;
		}
	}
	device_unlock(dev);
	if (rc)
		return rc;

	if (bound)
		device_release_driver(dev);
	WRITE_ONCE(drv->wanted, dev);
	rc = device_driver_attach(&drv->devdax->dax.drv, dev);
	WRITE_ONCE(drv->wanted, NULL);
	if (rc && bound)
		daxl_devdax_give_back(dev);
	return rc;
}

/**
 * daxl_devdax_give_back() - bind a released dax bus device to device_dax
 * @dev: a dax bus device bound to no driver
 *
 * Context: process context; may sleep.
 */
void daxl_devdax_give_back(struct device *dev)
{
	int rc = device_attach(dev);

	if (rc == 1)
		dev_info(dev, "given back to %s\n", dev->driver->name);
	else
		dev_warn(dev, "no driver took it back (%d); is device_dax loaded?\n",
			 rc);
}
