// SPDX-License-Identifier: GPL-2.0-only
/*
 * Daxlite device drivers: what dax_blk and dax_chardev share.
 *
 * A driver's devices come from the ranges of its module parameter and
 * from NVDIMM namespaces.  dax_core keeps the table of them and does the
 * namespace plumbing; the driver only creates, retires and removes its
 * own devices (struct daxl_driver_ops).
 *
 * Namespaces, and dax bus devices (devdax.c), are served only when
 * asked: the user names one, daxl_driver_attach() binds it, and the
 * driver's probe accepts no other, so a daxlite driver never races nd_pmem
 * or device_dax for new ones.  The drivers' sysfs bind/unbind files are
 * suppressed, because an unbind cannot be refused and would pull memory
 * from under a mounted file system; daxl_driver_detach() is refused while
 * a device is in use.
 *
 * A bus device can still go away on its own: "ndctl disable-namespace" of
 * a devdax namespace deletes the dax bus device, and disabling a region
 * deletes its namespaces.  The kernel calls remove then, and remove waits
 * until the device's users have closed, unmapped and unmounted it, saying
 * so in the kernel log, because the memory must not be unmapped under
 * them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/file.h>
#include <linux/nd.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

#include "dax_core_internal.h"

/* Woken, and daxl_users_gone counted, whenever a device loses a user. */
static DECLARE_WAIT_QUEUE_HEAD(daxl_users_wq);
static atomic_t daxl_users_gone = ATOMIC_INIT(0);

/**
 * daxl_user_gone() - a user of a daxlite device has gone
 *
 * Called after a user of a device went: the last close of a file, the
 * unmap of a raw mapping, a holder's release, the last close of a disk.
 * A removal waiting for the device to be idle (daxl_driver_remove_device())
 * then asks the driver to retire it again.  Drivers call it for the users
 * they count themselves; dax_core calls it for raw users and holders.
 *
 * Context: any context that may take a spinlock.
 */
void daxl_user_gone(void)
{
	/* Fully ordered: a waiter that sees the count sees the user gone. */
	atomic_inc_return(&daxl_users_gone);
	wake_up_all(&daxl_users_wq);
}
EXPORT_SYMBOL_NS_GPL(daxl_user_gone, DAXL_NS);

static struct daxl_driver *to_daxl_driver(struct device_driver *drv)
{
	return container_of(to_nd_device_driver(drv), struct daxl_driver, nd);
}

/* The first free slot, or -ENOSPC. */
static int daxl_driver_slot(struct daxl_driver *drv)
{
	unsigned int index;

	lockdep_assert_held(&drv->lock);
	for (index = 0; index < DAXL_MAX_RANGES; index++)
		if (!drv->devices[index])
			return index;
	return -ENOSPC;
}

/* Add a device in the first free slot. */
static int daxl_driver_add(struct daxl_driver *drv, const struct daxl_phys *phys,
			   enum daxl_backing backing, struct device *ns)
{
	int index = daxl_driver_slot(drv);
	void *dev;

	if (index < 0)
		return index;
	dev = drv->ops->add(phys, backing, ns, index);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	drv->devices[index] = dev;
	drv->namespaces[index] = ns;
	return index;
}

/* Add a device on the memory of a DAX block device. */
static int daxl_driver_add_borrowed(struct daxl_driver *drv, dev_t devt)
{
	int index = daxl_driver_slot(drv);
	void *dev;

	if (index < 0)
		return index;
	dev = drv->ops->add_borrowed(devt, index);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	drv->devices[index] = dev;
	drv->borrowed[index] = true;
	return 0;
}

static void daxl_driver_remove(struct daxl_driver *drv, unsigned int index)
{
	lockdep_assert_held(&drv->lock);
	drv->ops->remove(drv->devices[index]);
	drv->devices[index] = NULL;
	drv->namespaces[index] = NULL;
	drv->borrowed[index] = false;
	drv->retired[index] = false;
}

static void daxl_driver_remove_ranges(struct daxl_driver *drv)
{
	unsigned int index;

	mutex_lock(&drv->lock);
	for (index = DAXL_MAX_RANGES; index-- > 0;)
		if (drv->devices[index] && !drv->namespaces[index])
			daxl_driver_remove(drv, index);
	mutex_unlock(&drv->lock);
}

/**
 * daxl_driver_probe_device() - create the device for a bus device
 * @drv: the driver
 * @dev: the namespace or dax bus device being probed
 * @phys: the memory it has
 * @backing: what the memory is
 *
 * Context: the probe of @dev's bus, under @dev's lock.
 * Return: 0 or the error of creating the device.
 */
int daxl_driver_probe_device(struct daxl_driver *drv, struct device *dev,
			     const struct daxl_phys *phys,
			     enum daxl_backing backing)
{
	int index;

	mutex_lock(&drv->lock);
	index = daxl_driver_add(drv, phys, backing, dev);
	if (index >= 0) {
		dev_set_drvdata(dev, (void *)(unsigned long)index);
		dev_info(dev, "attached as %s\n",
			 drv->ops->name(drv->devices[index]));
	}
	mutex_unlock(&drv->lock);
	return index < 0 ? index : 0;
}

/*
 * Retire a device that is going away, waiting as long as it is in use.
 * A detach retired it already; otherwise the bus device is being deleted.
 * The wait is idle (no load, no hung-task report) and uninterruptible: the
 * deletion cannot be refused.  Each daxl_user_gone() retries the retire,
 * and so does each second (a held page going idle is not a user gone).
 */
static void daxl_driver_retire_wait(struct daxl_driver *drv, struct device *dev,
				    unsigned int index)
{
	bool warned = false;
	int gone;
	void *d;

	mutex_lock(&drv->lock);
	d = drv->retired[index] ? NULL : drv->devices[index];
	mutex_unlock(&drv->lock);
	if (!d)
		return;
	for (;;) {
		/* Read before retire looks, so no user can go unnoticed. */
		gone = atomic_read_acquire(&daxl_users_gone);
		if (drv->ops->retire(d) != -EBUSY)
			break;
		if (!warned)
			dev_warn(dev, "is going away while %s is in use; waiting until it is closed, unmapped and unmounted\n",
				 drv->ops->name(d));
		warned = true;
		/* A held page going idle wakes no one: look again each second. */
		wait_event_idle_timeout(daxl_users_wq,
					atomic_read(&daxl_users_gone) != gone, HZ);
	}
	if (warned)
		dev_info(dev, "%s is no longer in use\n", drv->ops->name(d));
}

/**
 * daxl_driver_remove_device() - remove the device of a bus device
 * @drv: the driver
 * @dev: the namespace or dax bus device being released
 *
 * Context: the remove of @dev's bus, under @dev's lock; may wait for the
 * device's users (see the top of this file).
 */
void daxl_driver_remove_device(struct daxl_driver *drv, struct device *dev)
{
	unsigned int index = (unsigned long)dev_get_drvdata(dev);

	daxl_driver_retire_wait(drv, dev, index);
	mutex_lock(&drv->lock);
	dev_info(dev, "detached from %s\n", drv->ops->name(drv->devices[index]));
	daxl_driver_remove(drv, index);
	mutex_unlock(&drv->lock);
}

/* Runs from device_driver_attach() in daxl_driver_attach(), under the namespace's lock. */
static int daxl_nd_probe(struct device *ndev)
{
	struct daxl_driver *drv = to_daxl_driver(ndev->driver);
	struct nd_namespace_common *ndns;
	struct nd_namespace_io *nsio;
	struct daxl_phys phys;
	u64 start, end;

	if (ndev != READ_ONCE(drv->wanted))
		return -ENODEV;
	ndns = nvdimm_namespace_common_probe(ndev);
	if (IS_ERR(ndns))
		return PTR_ERR(ndns);
	nsio = to_nd_namespace_io(&ndns->dev);
	/*
	 * Only whole 2 MiB pages are served: QEMU, for one, puts the label
	 * area at the end of an NVDIMM, which leaves the last page partial.
	 */
	start = round_up(nsio->res.start, DAXL_REGION_ALIGN);
	end = round_down(nsio->res.end + 1, DAXL_REGION_ALIGN);
	if (end <= start) {
		dev_err(ndev, "no whole 2 MiB page in %pR\n", &nsio->res);
		return -EINVAL;
	}
	phys.start = start;
	phys.size = end - start;
	phys.source = ndev;
	phys.map_dev = READ_ONCE(drv->wanted_map_dev);
	return daxl_driver_probe_device(drv, ndev, &phys, DAXL_PERSISTENT);
}

static void daxl_nd_remove(struct device *ndev)
{
	daxl_driver_remove_device(to_daxl_driver(ndev->driver), ndev);
}

/* The devices of a module parameter's ranges, made by a worker. */
struct daxl_add_ranges {
	struct work_struct work;
	struct daxl_driver *drv;
	const struct daxl_phys *ranges;
	int nr_ranges;
	enum daxl_backing backing;
	int rc;
};

static void daxl_add_ranges_work(struct work_struct *work)
{
	struct daxl_add_ranges *add = container_of(work, struct daxl_add_ranges,
						   work);
	int i, rc = 0;

	mutex_lock(&add->drv->lock);
	for (i = 0; i < add->nr_ranges && rc >= 0; i++)
		rc = daxl_driver_add(add->drv, &add->ranges[i], add->backing,
				     NULL);
	mutex_unlock(&add->drv->lock);
	add->rc = rc;
}

/*
 * Create the devices of @ranges, in order.  A block device is opened and
 * closed while it is added (its partition scan), and from 6.9 that close
 * is deferred: for a user task to its return to user space, when a module
 * whose init failed is gone already.  So a worker adds the devices: its
 * closes are deferred to a list that flush_delayed_fput() runs, here,
 * while the module is still there.
 */
static int daxl_driver_add_ranges(struct daxl_driver *drv,
				  const struct daxl_phys *ranges,
				  int nr_ranges, enum daxl_backing backing)
{
	struct daxl_add_ranges add = {
		.drv = drv,
		.ranges = ranges,
		.nr_ranges = nr_ranges,
		.backing = backing,
	};

	if (!nr_ranges)
		return 0;
	INIT_WORK_ONSTACK(&add.work, daxl_add_ranges_work);
	queue_work(daxl_unbound_wq, &add.work);
	flush_work(&add.work);
	destroy_work_on_stack(&add.work);
	flush_delayed_fput();
	return add.rc;
}

/**
 * daxl_driver_register() - start a daxlite device driver
 * @drv: the driver; its nd.drv.name (the module name), nd.drv.owner,
 *	ops and takes_devdax are set, the rest is dax_core's
 * @ranges: the ranges of its module parameter
 * @nr_ranges: how many
 * @backing: what the ranges are
 *
 * Creates a device for each range, in order, then registers the driver on
 * the nd bus for namespaces and, if it takes devdax, on the dax bus.  On
 * failure everything is undone.
 *
 * Context: process context, at module init.
 * Return: 0 or the first error.
 */
int daxl_driver_register(struct daxl_driver *drv, const struct daxl_phys *ranges,
			 int nr_ranges, enum daxl_backing backing)
{
	int rc;

	mutex_init(&drv->bind_lock);
	mutex_init(&drv->lock);
	drv->nd.probe = daxl_nd_probe;
	drv->nd.remove = daxl_nd_remove;
	drv->nd.type = ND_DRIVER_NAMESPACE_IO | ND_DRIVER_NAMESPACE_PMEM;
	drv->nd.drv.suppress_bind_attrs = true;

	rc = daxl_driver_add_ranges(drv, ranges, nr_ranges, backing);
	if (rc < 0)
		goto out_remove_ranges;
	rc = __nd_driver_register(&drv->nd, drv->nd.drv.owner,
				  drv->nd.drv.name);
	if (rc)
		goto out_remove_ranges;
	if (drv->takes_devdax) {
		rc = daxl_devdax_register(drv);
		if (rc)
			goto out_nd_unregister;
	}
	return 0;

out_nd_unregister:
	driver_unregister(&drv->nd.drv);
out_remove_ranges:
	daxl_driver_remove_ranges(drv);
	return rc;
}
EXPORT_SYMBOL_NS_GPL(daxl_driver_register, DAXL_NS);

/**
 * daxl_driver_unregister() - undo daxl_driver_register()
 * @drv: the driver
 *
 * Its module cannot be unloaded while a device is in use, so this
 * detaches idle bus devices, hands dax bus devices back to device_dax and
 * removes idle range devices.  It holds bind_lock throughout, so the
 * driver's attach and detach files must be removed first: removing a file
 * waits for its writers, and they may be waiting for bind_lock.
 *
 * Context: process context, at module exit.
 */
void daxl_driver_unregister(struct daxl_driver *drv)
{
	struct device *give_back[DAXL_MAX_RANGES];
	unsigned int index, n = 0;

	mutex_lock(&drv->bind_lock);
	mutex_lock(&drv->lock);
	for (index = 0; index < DAXL_MAX_RANGES; index++)
		if (drv->namespaces[index] &&
		    daxl_devdax_is(drv, drv->namespaces[index]))
			give_back[n++] = get_device(drv->namespaces[index]);
	mutex_unlock(&drv->lock);

	daxl_devdax_unregister(drv);
	driver_unregister(&drv->nd.drv);
	while (n--) {
		daxl_devdax_give_back(give_back[n]);
		put_device(give_back[n]);
	}
	mutex_unlock(&drv->bind_lock);
	daxl_driver_remove_ranges(drv);
}
EXPORT_SYMBOL_NS_GPL(daxl_driver_unregister, DAXL_NS);

/* Attach the DAX block device that @name (a path or MAJOR:MINOR) names. */
static int daxl_driver_attach_bdev(struct daxl_driver *drv, const char *name)
{
	dev_t devt;
	int rc;

	rc = daxl_lookup_bdev(name, &devt);
	if (rc) {
		pr_err("%s: attach: '%s' is no NVDIMM namespace,%s nor a block device\n",
		       drv->nd.drv.name, name, drv->devdax ? " dax device" : "");
		return rc == -ENOTBLK ? -ENODEV : rc;
	}
	mutex_lock(&drv->lock);
	rc = daxl_driver_add_borrowed(drv, devt);
	mutex_unlock(&drv->lock);
	return rc;
}

/* Attach the NVDIMM namespace @ndev, which must be bound to no driver. */
static int daxl_driver_attach_namespace(struct daxl_driver *drv,
					struct device *ndev)
{
	int rc;

	lockdep_assert_held(&drv->bind_lock);
	if (ndev->driver) {
		pr_err("%s: attach: %s is bound to %s; unbind it first\n",
		       drv->nd.drv.name, dev_name(ndev), ndev->driver->name);
		return -EBUSY;
	}
	WRITE_ONCE(drv->wanted, ndev);
	rc = device_driver_attach(&drv->nd.drv, ndev);
	WRITE_ONCE(drv->wanted, NULL);
	return rc;
}

/**
 * daxl_driver_attach() - serve a namespace, a dax device or a DAX block device
 * @drv: the driver
 * @buf: as written to a sysfs file: a namespace's name ("namespace0.0");
 *	if the driver takes devdax, a dax bus device's name or path ("dax0.0",
 *	"/dev/dax0.0"); if the driver borrows, a block device as a path
 *	("/dev/pmem0") or "MAJOR:MINOR".  A namespace or dax device may be
 *	followed by " map=dev" (its struct pages at its own start) or
 *	" map=mem" (in RAM, the default).
 *
 * A namespace must be bound to no driver; a dax bus device to device_dax
 * or to none, and not be mapped; a block device must be DAX-capable and
 * not open elsewhere.
 *
 * Context: process context.
 * Return: 0, -ENODEV if there is no such namespace or device, -EBUSY if it
 * is in use, or the error of checking it or creating the device.
 */
int daxl_driver_attach(struct daxl_driver *drv, const char *buf)
{
	char name[64], *opt, *cur;
	bool map_dev = false;
	struct device *dev;
	int rc;

	strscpy(name, buf, sizeof(name));
	cur = strim(name);
	opt = strpbrk(cur, " \t");
	if (opt) {
		*opt++ = '\0';
		opt = skip_spaces(opt);
		if (!strcmp(opt, "map=dev")) {
			map_dev = true;
		} else if (strcmp(opt, "map=mem")) {
			pr_err("%s: attach: unknown option '%s'; expected map=dev or map=mem\n",
			       drv->nd.drv.name, opt);
			return -EINVAL;
		}
	}
	memmove(name, cur, strlen(cur) + 1);
	dev = daxl_devdax_find(drv, name);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	if (!dev && str_has_prefix(name, "namespace"))
		dev = bus_find_device_by_name(drv->nd.drv.bus, NULL, name);
	if (!dev && drv->ops->add_borrowed) {
		if (map_dev) {
			pr_err("%s: attach: a block device keeps its own memmap; map=dev applies to namespaces and dax devices\n",
			       drv->nd.drv.name);
			return -EINVAL;
		}
		return daxl_driver_attach_bdev(drv, name);
	}
	if (!dev) {
		pr_err("%s: attach: no NVDIMM namespace named '%s'\n",
		       drv->nd.drv.name, name);
		return -ENODEV;
	}

	mutex_lock(&drv->bind_lock);
	WRITE_ONCE(drv->wanted_map_dev, map_dev);
	if (daxl_devdax_is(drv, dev))
		rc = daxl_devdax_take(drv, dev);
	else
		rc = daxl_driver_attach_namespace(drv, dev);
	WRITE_ONCE(drv->wanted_map_dev, false);
	mutex_unlock(&drv->bind_lock);
	put_device(dev);
	return rc;
}
EXPORT_SYMBOL_NS_GPL(daxl_driver_attach, DAXL_NS);

/**
 * daxl_driver_detach() - give an attached device back
 * @drv: the driver
 * @buf: the device's name, as written to a sysfs file ("dax0")
 *
 * A namespace is left bound to no driver; a dax bus device goes back to
 * device_dax; a borrowed block device is closed.
 *
 * Context: process context.
 * Return: 0, -ENODEV if no device of that name was attached, or -EBUSY if
 * the device is in use.
 */
int daxl_driver_detach(struct daxl_driver *drv, const char *buf)
{
	struct device *busdev = NULL;
	unsigned int index;
	char name[32];
	int rc = 0;

	strscpy(name, buf, sizeof(name));
	strim(name);
	mutex_lock(&drv->bind_lock);
	mutex_lock(&drv->lock);
	for (index = 0; index < DAXL_MAX_RANGES; index++)
		if ((drv->namespaces[index] || drv->borrowed[index]) &&
		    !strcmp(drv->ops->name(drv->devices[index]), name))
			break;
	if (index == DAXL_MAX_RANGES) {
		pr_err("%s: detach: no device '%s' was attached\n",
		       drv->nd.drv.name, name);
		rc = -ENODEV;
	} else if (drv->ops->retire(drv->devices[index])) {
		pr_err("%s: detach: %s is open, mapped or mounted\n",
		       drv->nd.drv.name, name);
		rc = -EBUSY;
	} else if (drv->namespaces[index]) {
		drv->retired[index] = true;
		busdev = get_device(drv->namespaces[index]);
	} else {
		daxl_driver_remove(drv, index);
	}
	mutex_unlock(&drv->lock);

	if (busdev) {
		device_release_driver(busdev);
		if (daxl_devdax_is(drv, busdev))
			daxl_devdax_give_back(busdev);
		put_device(busdev);
	}
	mutex_unlock(&drv->bind_lock);
	return rc;
}
EXPORT_SYMBOL_NS_GPL(daxl_driver_detach, DAXL_NS);
