// SPDX-License-Identifier: GPL-2.0-only
/*
 * NVDIMM namespaces for daxlite drivers.
 *
 * A daxlite driver serves a namespace only when asked: the user names it,
 * daxl_nd_attach() binds it to the driver, and the driver's probe accepts
 * no other namespace (so a daxlite driver never races nd_pmem for new
 * ones).  Drivers suppress their sysfs bind/unbind files, because an
 * unbind cannot be refused; they offer a detach that can.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/nd.h>
#include <linux/string.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

/**
 * daxl_nd_namespace_span() - the memory a namespace can serve
 * @ndev: a namespace device, during its driver's probe
 * @phys: receives the namespace's whole 2 MiB pages
 *
 * Only whole 2 MiB pages are served: QEMU, for one, puts the label area
 * at the end of an NVDIMM, which leaves the last page partial.
 *
 * Return: 0, the error of nvdimm_namespace_common_probe() (-ENXIO when
 * another personality such as fsdax or devdax claims the namespace), or
 * -EINVAL if no whole 2 MiB page is left.
 */
int daxl_nd_namespace_span(struct device *ndev, struct daxl_phys *phys)
{
	struct nd_namespace_common *ndns;
	struct nd_namespace_io *nsio;
	u64 start, end;

	ndns = nvdimm_namespace_common_probe(ndev);
	if (IS_ERR(ndns))
		return PTR_ERR(ndns);
	nsio = to_nd_namespace_io(&ndns->dev);
	start = round_up(nsio->res.start, DAXL_REGION_ALIGN);
	end = round_down(nsio->res.end + 1, DAXL_REGION_ALIGN);
	if (end <= start) {
		dev_err(ndev, "no whole 2 MiB page in %pR\n", &nsio->res);
		return -EINVAL;
	}
	phys->start = start;
	phys->size = end - start;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(daxl_nd_namespace_span, DAXL_NS);

/**
 * daxl_nd_attach() - bind a namespace that no driver holds to @drv
 * @drv: the daxlite driver's nd driver, registered
 * @buf: the namespace's name, as written to a sysfs file ("namespace0.0")
 * @wanted: the driver's note of the namespace being attached; its probe
 *	must refuse any other device
 *
 * Context: process context; the caller serializes attaches to @drv.
 * Return: 0, -ENODEV if there is no such namespace, -EBUSY if a driver is
 * bound to it, or the error of the driver's probe.
 */
int daxl_nd_attach(struct nd_device_driver *drv, const char *buf,
		   struct device **wanted)
{
	struct device *ndev;
	char name[32];
	int rc;

	strscpy(name, buf, sizeof(name));
	strim(name);
	ndev = bus_find_device_by_name(drv->drv.bus, NULL, name);
	if (!ndev) {
		pr_err("%s: attach: no NVDIMM namespace named '%s'\n",
		       drv->drv.name, name);
		return -ENODEV;
	}
	if (ndev->driver) {
		pr_err("%s: attach: %s is bound to %s; unbind it first\n",
		       drv->drv.name, name, ndev->driver->name);
		rc = -EBUSY;
	} else {
		WRITE_ONCE(*wanted, ndev);
		rc = device_driver_attach(&drv->drv, ndev);
		WRITE_ONCE(*wanted, NULL);
	}
	put_device(ndev);
	return rc;
}
EXPORT_SYMBOL_NS_GPL(daxl_nd_attach, DAXL_NS);
