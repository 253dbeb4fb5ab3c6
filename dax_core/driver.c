// SPDX-License-Identifier: GPL-2.0-only
/*
 * Daxlite device drivers: what dax_blk and dax_chardev share.
 *
 * A driver's devices come from the ranges of its module parameter and
 * from NVDIMM namespaces.  dax_core keeps the table of them and does the
 * namespace plumbing; the driver only creates, retires and removes its
 * own devices (struct daxl_driver_ops).
 *
 * Namespaces are served only when asked: the user names one,
 * daxl_driver_attach() binds it, and the driver's probe accepts no other
 * namespace, so a daxlite driver never races nd_pmem for new ones.  The
 * nd drivers' sysfs bind/unbind files are suppressed, because an unbind
 * cannot be refused and would pull memory from under a mounted file
 * system; daxl_driver_detach() is refused while a device is in use.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/nd.h>
#include <linux/string.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

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

/*
 * probe and remove run under the namespace's device lock, called from
 * daxl_driver_attach() and daxl_driver_detach() (which hold drv->lock) or
 * at driver unregistration (which holds it too).
 */
static int daxl_nd_probe(struct device *ndev)
{
	struct daxl_driver *drv = to_daxl_driver(ndev->driver);
	struct nd_namespace_common *ndns;
	struct nd_namespace_io *nsio;
	struct daxl_phys phys;
	u64 start, end;
	int index;

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

	index = daxl_driver_add(drv, &phys, DAXL_PERSISTENT, ndev);
	if (index < 0)
		return index;
	dev_set_drvdata(ndev, (void *)(unsigned long)index);
	dev_info(ndev, "attached as %s\n", drv->ops->name(drv->devices[index]));
	return 0;
}

static void daxl_nd_remove(struct device *ndev)
{
	struct daxl_driver *drv = to_daxl_driver(ndev->driver);
	unsigned int index = (unsigned long)dev_get_drvdata(ndev);

	dev_info(ndev, "detached from %s\n", drv->ops->name(drv->devices[index]));
	daxl_driver_remove(drv, index);
}

/**
 * daxl_driver_register() - start a daxlite device driver
 * @drv: the driver; its nd.drv.name (the module name), nd.drv.groups and
 *	ops are set, the rest is dax_core's
 * @ranges: the ranges of its module parameter
 * @nr_ranges: how many
 * @backing: what the ranges are
 *
 * Creates a device for each range, in order, then registers the driver on
 * the nd bus for namespaces.  On failure everything is undone.
 *
 * Context: process context, at module init.
 * Return: 0 or the first error.
 */
int daxl_driver_register(struct daxl_driver *drv, const struct daxl_phys *ranges,
			 int nr_ranges, enum daxl_backing backing)
{
	int i, rc = 0;

	mutex_init(&drv->lock);
	drv->nd.probe = daxl_nd_probe;
	drv->nd.remove = daxl_nd_remove;
	drv->nd.type = ND_DRIVER_NAMESPACE_IO | ND_DRIVER_NAMESPACE_PMEM;
	drv->nd.drv.suppress_bind_attrs = true;

	mutex_lock(&drv->lock);
	for (i = 0; i < nr_ranges && rc >= 0; i++)
		rc = daxl_driver_add(drv, &ranges[i], backing, NULL);
	mutex_unlock(&drv->lock);
	if (rc >= 0)
		rc = __nd_driver_register(&drv->nd, drv->nd.drv.owner,
					  drv->nd.drv.name);
	if (rc < 0) {
		daxl_driver_remove_ranges(drv);
		return rc;
	}
	return 0;
}
EXPORT_SYMBOL_NS_GPL(daxl_driver_register, DAXL_NS);

/**
 * daxl_driver_unregister() - undo daxl_driver_register()
 * @drv: the driver
 *
 * Its module cannot be unloaded while a device is in use, so this
 * detaches idle namespaces and removes idle range devices.
 *
 * Context: process context, at module exit.
 */
void daxl_driver_unregister(struct daxl_driver *drv)
{
	mutex_lock(&drv->lock);
	driver_unregister(&drv->nd.drv);
	mutex_unlock(&drv->lock);
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
		pr_err("%s: attach: '%s' is neither an NVDIMM namespace nor a block device\n",
		       drv->nd.drv.name, name);
		return rc == -ENOTBLK ? -ENODEV : rc;
	}
	mutex_lock(&drv->lock);
	rc = daxl_driver_add_borrowed(drv, devt);
	mutex_unlock(&drv->lock);
	return rc;
}

/**
 * daxl_driver_attach() - serve a namespace, or a DAX block device
 * @drv: the driver
 * @buf: as written to a sysfs file: a namespace's name ("namespace0.0"),
 *	or, if the driver borrows, a block device as a path ("/dev/pmem0")
 *	or "MAJOR:MINOR"
 *
 * A namespace must be bound to no driver; a block device must be
 * DAX-capable and not open elsewhere.
 *
 * Context: process context.
 * Return: 0, -ENODEV if there is no such namespace or device, -EBUSY if it
 * is in use, or the error of creating the device.
 */
int daxl_driver_attach(struct daxl_driver *drv, const char *buf)
{
	struct device *ndev;
	char name[64];
	int rc;

	strscpy(name, buf, sizeof(name));
	strim(name);
	ndev = bus_find_device_by_name(drv->nd.drv.bus, NULL, name);
	if (!ndev && drv->ops->add_borrowed)
		return daxl_driver_attach_bdev(drv, name);
	if (!ndev) {
		pr_err("%s: attach: no NVDIMM namespace named '%s'\n",
		       drv->nd.drv.name, name);
		return -ENODEV;
	}
	mutex_lock(&drv->lock);
	if (ndev->driver) {
		pr_err("%s: attach: %s is bound to %s; unbind it first\n",
		       drv->nd.drv.name, name, ndev->driver->name);
		rc = -EBUSY;
	} else {
		WRITE_ONCE(drv->wanted, ndev);
		rc = device_driver_attach(&drv->nd.drv, ndev);
		WRITE_ONCE(drv->wanted, NULL);
	}
	mutex_unlock(&drv->lock);
	put_device(ndev);
	return rc;
}
EXPORT_SYMBOL_NS_GPL(daxl_driver_attach, DAXL_NS);

/**
 * daxl_driver_detach() - give an attached device back
 * @drv: the driver
 * @buf: the device's name, as written to a sysfs file ("dax0")
 *
 * Context: process context.
 * Return: 0, -ENODEV if no device of that name came from a namespace, or
 * -EBUSY if the device is in use.
 */
int daxl_driver_detach(struct daxl_driver *drv, const char *buf)
{
	unsigned int index;
	char name[32];
	int rc = -ENODEV;

	strscpy(name, buf, sizeof(name));
	strim(name);
	mutex_lock(&drv->lock);
	for (index = 0; index < DAXL_MAX_RANGES; index++)
		if ((drv->namespaces[index] || drv->borrowed[index]) &&
		    !strcmp(drv->ops->name(drv->devices[index]), name))
			break;
	if (index == DAXL_MAX_RANGES) {
		pr_err("%s: detach: no device '%s' was attached\n",
		       drv->nd.drv.name, name);
	} else if (drv->ops->retire(drv->devices[index])) {
		pr_err("%s: detach: %s is open, mapped or mounted\n",
		       drv->nd.drv.name, name);
		rc = -EBUSY;
	} else {
		if (drv->namespaces[index])
			device_release_driver(drv->namespaces[index]);
		else
			daxl_driver_remove(drv, index);
		rc = 0;
	}
	mutex_unlock(&drv->lock);
	return rc;
}
EXPORT_SYMBOL_NS_GPL(daxl_driver_detach, DAXL_NS);
