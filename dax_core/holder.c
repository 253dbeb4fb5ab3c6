// SPDX-License-Identifier: GPL-2.0-only
/*
 * Holders: who may use a region's dax_device, and how.
 *
 * On 6.1 only a dax_device registered with a block device can have a
 * holder, so dax_core keeps its own for regions served as character
 * devices.  A driver publishes a region under the dev_t of its character
 * device; a filesystem looks the device up by path or dev_t and claims the
 * region as its exclusive holder.  Raw access through the character device
 * (mappings and writes) and a holder exclude each other: whichever comes
 * second gets -EBUSY.  A holder pins the publishing module, so the device
 * cannot go away under it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/module.h>
#include <linux/namei.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

#include "dax_core_internal.h"

/**
 * daxl_region_publish() - make a region findable by its character device
 * @region: a mapped region with a dax_device
 * @devt: the dev_t of the character device that serves it
 * @provider: the module that serves it; a holder pins this module
 *
 * Context: process context; may sleep.
 */
void daxl_region_publish(struct daxl_region *region, dev_t devt,
			 struct module *provider)
{
	daxl_regions_lock();
	region->devt = devt;
	region->provider = provider;
	daxl_regions_unlock();
}
EXPORT_SYMBOL_NS_GPL(daxl_region_publish, DAXL_NS);

/**
 * daxl_region_unpublish() - undo daxl_region_publish()
 * @region: a published region without a holder
 *
 * Context: process context; may sleep.
 */
void daxl_region_unpublish(struct daxl_region *region)
{
	daxl_regions_lock();
	WARN_ON(region->holder);
	region->devt = 0;
	region->provider = NULL;
	daxl_regions_unlock();
}
EXPORT_SYMBOL_NS_GPL(daxl_region_unpublish, DAXL_NS);

/**
 * daxl_region_retire() - unpublish a region, unless it is in use
 * @region: a published region
 *
 * For a driver that is asked to give a device up while it is loaded: the
 * region stops being findable only if nothing holds it and nothing maps
 * or writes it raw, atomically with those checks.  Afterwards no new
 * holder can claim it.
 *
 * Context: process context; may sleep.
 * Return: 0, or -EBUSY if the region is held or in raw use.
 */
int daxl_region_retire(struct daxl_region *region)
{
	int rc = 0;

	daxl_regions_lock();
	mutex_lock(&region->claim_lock);
	if (region->holder || region->raw_users)
		rc = -EBUSY;
	else
		region->devt = 0;
	mutex_unlock(&region->claim_lock);
	daxl_regions_unlock();
	return rc;
}
EXPORT_SYMBOL_NS_GPL(daxl_region_retire, DAXL_NS);

/**
 * daxl_lookup_devt() - find the character device a path names
 * @path: a path such as "/dev/dax0"
 * @devt: receives the device number
 *
 * Context: process context; may sleep.
 * Return: 0, -ENOTBLK if @path is not a character device, or the error of
 * the path lookup.
 */
int daxl_lookup_devt(const char *path, dev_t *devt)
{
	struct inode *inode;
	struct path p;
	int rc;

	rc = kern_path(path, LOOKUP_FOLLOW, &p);
	if (rc)
		return rc;
	inode = d_backing_inode(p.dentry);
	if (S_ISCHR(inode->i_mode))
		*devt = inode->i_rdev;
	else
		rc = -ENOTBLK;
	path_put(&p);
	return rc;
}
EXPORT_SYMBOL_NS_GPL(daxl_lookup_devt, DAXL_NS);

/**
 * daxl_region_claim() - become the exclusive holder of a published region
 * @devt: the character device that serves the region
 * @holder: the holder's cookie, passed back to @ops and to release
 * @holder_name: the holder's name, for messages
 * @ops: callbacks for memory failures, or NULL
 *
 * Refused while another holder exists or while the device is mapped or
 * written raw.  On success the module serving the device is pinned until
 * daxl_region_release().
 *
 * Context: process context; may sleep.
 * Return: the region, or an ERR_PTR: -ENODEV if no daxlite device has
 * @devt, -EBUSY if it is held or in raw use.
 */
struct daxl_region *daxl_region_claim(dev_t devt, void *holder,
				      const char *holder_name,
				      const struct daxl_holder_ops *ops)
{
	struct daxl_region *region;
	int rc = 0;

	daxl_regions_lock();
	region = daxl_region_find_devt(devt);
	if (!region || !try_module_get(region->provider)) {
		daxl_regions_unlock();
		return ERR_PTR(-ENODEV);
	}

	mutex_lock(&region->claim_lock);
	if (region->holder) {
		pr_err("%s: held by %s, refusing %s\n", region->owner,
		       region->holder_name, holder_name);
		rc = -EBUSY;
	} else if (region->raw_users) {
		pr_err("%s: mapped or being written through the device, refusing %s\n",
		       region->owner, holder_name);
		rc = -EBUSY;
	} else {
		region->holder = holder;
		region->holder_name = holder_name;
		region->holder_ops = ops;
	}
	mutex_unlock(&region->claim_lock);
	if (rc)
		module_put(region->provider);
	daxl_regions_unlock();
	return rc ? ERR_PTR(rc) : region;
}
EXPORT_SYMBOL_NS_GPL(daxl_region_claim, DAXL_NS);

/**
 * daxl_region_release() - undo daxl_region_claim()
 * @region: the region
 * @holder: the cookie given to daxl_region_claim()
 *
 * Context: process context; may sleep.
 */
void daxl_region_release(struct daxl_region *region, void *holder)
{
	struct module *provider = region->provider;

	mutex_lock(&region->claim_lock);
	if (!WARN_ON(region->holder != holder)) {
		region->holder = NULL;
		region->holder_name = NULL;
		region->holder_ops = NULL;
	}
	mutex_unlock(&region->claim_lock);
	daxl_user_gone();
	module_put(provider);
}
EXPORT_SYMBOL_NS_GPL(daxl_region_release, DAXL_NS);

/**
 * daxl_region_raw_get() - start raw access to a region
 * @region: the region
 *
 * A driver calls this before it maps the region to user space or writes
 * it on a user's behalf, and daxl_region_raw_put() when done.
 *
 * Context: process context; may sleep.
 * Return: 0, or -EBUSY if the region has a holder.
 */
int daxl_region_raw_get(struct daxl_region *region)
{
	int rc = 0;

	mutex_lock(&region->claim_lock);
	if (region->holder)
		rc = -EBUSY;
	else
		region->raw_users++;
	mutex_unlock(&region->claim_lock);
	return rc;
}
EXPORT_SYMBOL_NS_GPL(daxl_region_raw_get, DAXL_NS);

/**
 * daxl_region_raw_dup() - take one more raw reference
 * @region: a region with raw users, so it cannot have a holder
 *
 * For a mapping being copied or split (vm_operations_struct.open).
 *
 * Context: process context; may sleep.
 */
void daxl_region_raw_dup(struct daxl_region *region)
{
	mutex_lock(&region->claim_lock);
	WARN_ON(!region->raw_users);
	region->raw_users++;
	mutex_unlock(&region->claim_lock);
}
EXPORT_SYMBOL_NS_GPL(daxl_region_raw_dup, DAXL_NS);

/**
 * daxl_region_raw_put() - end raw access started by daxl_region_raw_get()
 * @region: the region
 *
 * Context: process context; may sleep.
 */
void daxl_region_raw_put(struct daxl_region *region)
{
	mutex_lock(&region->claim_lock);
	if (!WARN_ON(!region->raw_users))
		region->raw_users--;
	mutex_unlock(&region->claim_lock);
	daxl_user_gone();
}
EXPORT_SYMBOL_NS_GPL(daxl_region_raw_put, DAXL_NS);
