// SPDX-License-Identifier: GPL-2.0-only
/*
 * Borrowed regions: memory another driver already serves as a DAX block
 * device, such as the /dev/pmemN of an fsdax NVDIMM namespace.
 *
 * dax_core opens the block device exclusively (so nothing mounts it
 * meanwhile), becomes the holder of its dax_device, and learns the
 * physical span from direct_access.  The lender keeps its mapping and
 * its struct pages; dax_core enters the span in its registry, so no
 * daxlite device can serve it twice, and hands out the lender's
 * dax_device.  The span must start on a 2 MiB boundary (fsdax namespaces
 * do by default); only its whole 2 MiB pages are used.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/dax.h>
#include <linux/kdev_t.h>
#include <linux/slab.h>
#include <linux/srcu.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

#include "dax_core_internal.h"

/*
 * The lender may call the notify below (kill_dax() runs it inside its own
 * SRCU read side) while a detach gives the region back: fs_put_dax() does
 * not wait for it, so the region is freed only after this SRCU's grace
 * period, and the notify takes the region inside a read side.
 */
DEFINE_STATIC_SRCU(daxl_borrow_srcu);

/*
 * The lender reports a memory failure to us: pass it to our holder.  A
 * failure of the whole device is how the lender says it is going away
 * (kill_dax(), when nd_pmem is unbound): the memory is unmapped right
 * after we return, and this cannot be refused.  So the region is marked
 * dead first (every later use fails, raw mappings are taken away), then
 * the holder is told, and it stops using the memory, waiting for pages
 * still held, before we return; then the region is marked gone.
 */
static int daxl_borrowed_notify_failure(struct dax_device *dax_dev, u64 offset,
					u64 len, int mf_flags)
{
	bool whole = !offset && len == DAXL_WHOLE_REGION;
	struct daxl_region *region;
	int rc = -EOPNOTSUPP, idx;

	idx = srcu_read_lock(&daxl_borrow_srcu);
	region = dax_holder(dax_dev);
	if (!region) {
		srcu_read_unlock(&daxl_borrow_srcu, idx);
		return -ENXIO;	/* given back meanwhile */
	}
	if (whole)
		daxl_region_mark_dead(region);
	mutex_lock(&region->claim_lock);
	if (region->holder_ops && region->holder_ops->notify_failure)
		rc = region->holder_ops->notify_failure(region->holder, offset,
							len, mf_flags);
	mutex_unlock(&region->claim_lock);
	if (whole)
		daxl_region_mark_gone(region);
	srcu_read_unlock(&daxl_borrow_srcu, idx);
	return whole ? 0 : rc;
}

static const struct dax_holder_operations daxl_borrowed_holder_ops = {
	.notify_failure	= daxl_borrowed_notify_failure,
};

/**
 * daxl_lookup_bdev() - the block device a path or "MAJOR:MINOR" names
 * @spec: "/dev/pmem0" or "259:0"; a trailing newline is ignored
 * @devt: receives the device number
 *
 * Context: process context; may sleep.
 * Return: 0, or the error of the path lookup (-ENOTBLK if not a block
 * device).
 */
int daxl_lookup_bdev(const char *spec, dev_t *devt)
{
	unsigned int major, minor;
	char path[64];
	int n = 0;

	if (sscanf(spec, "%u:%u%n", &major, &minor, &n) == 2 &&
	    !spec[n + strspn(spec + n, "\n")]) {
		*devt = MKDEV(major, minor);
		return 0;
	}
	strscpy(path, spec, sizeof(path));
	return lookup_bdev(strim(path), devt);
}
EXPORT_SYMBOL_NS_GPL(daxl_lookup_bdev, DAXL_NS);

/**
 * daxl_region_borrow() - serve the memory of a DAX block device
 * @devt: the block device, such as an fsdax namespace's /dev/pmemN
 * @owner: name of the device that will serve it, for messages
 *
 * Context: process context; may sleep.
 * Return: the region (persistent, with the lender's dax_device), or an
 * ERR_PTR: -EBUSY if the block device is open elsewhere or its memory is
 * served already, -EOPNOTSUPP if it has no DAX with struct pages, -EINVAL
 * for a partition or a span not 2 MiB aligned, or a lookup error.
 */
struct daxl_region *daxl_region_borrow(dev_t devt, const char *owner)
{
	struct daxl_region *region;
	struct block_device *bdev;
	void *kaddr;
	u64 start_off;
	long nr;
	daxl_pfn_t pfn;
	int rc, id;

	region = kzalloc(sizeof(*region), GFP_KERNEL);
	if (!region)
		return ERR_PTR(-ENOMEM);
	strscpy(region->owner, owner, sizeof(region->owner));
	mutex_init(&region->claim_lock);
	region->backing = DAXL_PERSISTENT;

	region->bdev_handle = daxl_compat_bdev_open(devt, region, &bdev);
	if (IS_ERR(region->bdev_handle)) {
		rc = PTR_ERR(region->bdev_handle);
		pr_err("%s: cannot open block device %u:%u exclusively (%d)\n",
		       owner, MAJOR(devt), MINOR(devt), rc);
		goto out_free;
	}
	region->bdev = bdev;

	region->dax_dev = fs_dax_get_by_bdev(bdev, &start_off, region,
					     &daxl_borrowed_holder_ops);
	if (!region->dax_dev) {
		pr_err("%s: %pg has no DAX, or it is held already\n", owner, bdev);
		rc = -EOPNOTSUPP;
		goto out_put_bdev;
	}
	if (start_off) {
		pr_err("%s: %pg is a partition; use the whole device\n", owner, bdev);
		rc = -EINVAL;
		goto out_put_dax;
	}

	id = dax_read_lock();
	nr = dax_direct_access(region->dax_dev, 0, PHYS_PFN(bdev_nr_bytes(bdev)),
			       DAX_ACCESS, &kaddr, &pfn);
	dax_read_unlock(id);
	if (nr <= 0 || !daxl_compat_pfn_has_page(pfn)) {
		pr_err("%s: %pg does not map its memory with struct pages (%ld)\n",
		       owner, bdev, nr);
		rc = -EOPNOTSUPP;
		goto out_put_dax;
	}
	region->start = daxl_compat_pfn_phys(pfn);
	region->kaddr = kaddr;
	region->size = round_down(min_t(u64, PFN_PHYS(nr), bdev_nr_bytes(bdev)),
				  DAXL_REGION_ALIGN);
	if (!IS_ALIGNED(region->start, DAXL_REGION_ALIGN) || !region->size) {
		pr_err("%s: %pg's memory at %#llx is not 2 MiB aligned\n", owner,
		       bdev, (u64)region->start);
		rc = -EINVAL;
		goto out_put_dax;
	}

	rc = daxl_region_raw_init(region);
	if (rc)
		goto out_put_dax;
	rc = daxl_regions_insert(region);
	if (rc)
		goto out_raw_exit;
	daxl_region_set_nd_region(region, disk_to_dev(bdev->bd_disk)->parent);
	pr_info("%s: serving %pg at [%#llx-%#llx] (%llu MiB, persistent)\n",
		owner, bdev, (u64)region->start,
		region->start + region->size - 1, region->size >> 20);
	return region;

out_raw_exit:
	daxl_region_raw_exit(region);
out_put_dax:
	fs_put_dax(region->dax_dev, region);
out_put_bdev:
	daxl_compat_bdev_close(region->bdev_handle);
out_free:
	kfree(region);
	return ERR_PTR(rc);
}
EXPORT_SYMBOL_NS_GPL(daxl_region_borrow, DAXL_NS);

/**
 * daxl_region_return() - undo daxl_region_borrow()
 * @region: a borrowed region, no longer published
 *
 * Context: process context; may sleep.
 */
void daxl_region_return(struct daxl_region *region)
{
	daxl_regions_remove(region);
	fs_put_dax(region->dax_dev, region);
	/* a notify in progress may still zap the raw mappings */
	synchronize_srcu(&daxl_borrow_srcu);
	daxl_region_raw_exit(region);
	daxl_region_put_nd_region(region);
	daxl_compat_bdev_close(region->bdev_handle);
	kfree(region);
}
EXPORT_SYMBOL_NS_GPL(daxl_region_return, DAXL_NS);
