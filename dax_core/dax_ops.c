// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dax_device of a region: its dax_operations, its flush policy and the
 * version-neutral direct_access entry point.
 *
 * Every daxlite device, block or character, gets its dax_device here, so
 * fs/dax.c sees one implementation of direct_access, zero_page_range and
 * recovery_write whatever the device type.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dax.h>
#include <linux/libnvdimm.h>
#include <linux/mm.h>
#include <linux/uio.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

#include "dax_core_internal.h"

/*
 * ->direct_access: the whole region is one virtually and physically
 * contiguous extent, so the answer is always "from @pgoff to the end".
 * Never sleeps: fs/dax.c calls this from fault paths.
 */
static long daxl_dax_direct_access(struct dax_device *dax_dev, pgoff_t pgoff,
				   long nr_pages, enum dax_access_mode mode,
				   void **kaddr, daxl_pfn_t *pfn)
{
	struct daxl_region *region = dax_get_private(dax_dev);
	u64 offset = PFN_PHYS(pgoff);

	if (!region || offset >= region->size)
		return -ERANGE;
	if (kaddr)
		*kaddr = region->kaddr + offset;
	if (pfn)
		*pfn = daxl_compat_dev_pfn(region->start + offset);
	return PHYS_PFN(region->size - offset);
}

/* ->zero_page_range: fs/dax.c only ever asks for whole pages. */
static int daxl_dax_zero_page_range(struct dax_device *dax_dev, pgoff_t pgoff,
				    size_t nr_pages)
{
	struct daxl_region *region = dax_get_private(dax_dev);
	int rc;

	if (!region)
		return -ENXIO;
	rc = daxl_region_zero(region, PFN_PHYS(pgoff), PFN_PHYS(nr_pages));
	daxl_region_flush(region);
	return rc;
}

/*
 * ->recovery_write: fs/dax.c calls this after ->direct_access reported
 * poison.  daxlite keeps no bad-block list, so the write just goes to the
 * media, bypassing the cache on persistent memory as pmem does.
 */
static size_t daxl_dax_recovery_write(struct dax_device *dax_dev,
				      pgoff_t pgoff, void *addr, size_t bytes,
				      struct iov_iter *iter)
{
	struct daxl_region *region = dax_get_private(dax_dev);
	size_t done;

	if (!region || addr < region->kaddr ||
	    daxl_check_span(addr - region->kaddr, bytes, region->size))
		return 0;
	if (region->backing == DAXL_VOLATILE)
		done = _copy_from_iter(addr, bytes, iter);
	else
		done = _copy_from_iter_flushcache(addr, bytes, iter);
	daxl_record_store(region, addr - region->kaddr, addr, done);
	return done;
}

static const struct dax_operations daxl_dax_ops = {
	.direct_access		= daxl_dax_direct_access,
	.zero_page_range	= daxl_dax_zero_page_range,
	.recovery_write		= daxl_dax_recovery_write,
};

/**
 * daxl_region_alloc_dax() - create the dax_device of a region
 * @region: a mapped region without a dax_device
 *
 * The dax_device carries dax_core's dax_operations and the flush policy of
 * the region's backing: persistent memory gets cache-bypassing writes,
 * machine-check-safe reads and a write-back cache to flush on fsync;
 * volatile memory gets plain copies and nothing to flush.  Both are
 * synchronous (MAP_SYNC is accepted), since a store that reached the CPU
 * cache is as durable as the backing allows, except on an NVDIMM region
 * whose flush is asynchronous (virtio-pmem: a store is durable only after
 * the host flushes its file), as drivers/nvdimm/pmem.c decides.  The
 * caller registers the
 * device with the block layer (dax_add_host()) or holds it for a
 * character device.
 *
 * Context: process context; may sleep.
 * Return: the dax_device (also stored in @region->dax_dev) or an ERR_PTR.
 */
struct dax_device *daxl_region_alloc_dax(struct daxl_region *region)
{
	struct dax_device *dax_dev;
	int rc;

	dax_dev = alloc_dax(region, &daxl_dax_ops);
	if (IS_ERR(dax_dev))
		return dax_dev;
	rc = daxl_region_raw_init(region);
	if (rc) {
		kill_dax(dax_dev);
		put_dax(dax_dev);
		return ERR_PTR(rc);
	}

	if (region->backing == DAXL_PERSISTENT) {
		set_dax_nocache(dax_dev);
		set_dax_nomc(dax_dev);
	}
	if (!region->nd_region || is_nvdimm_sync(region->nd_region))
		set_dax_synchronous(dax_dev);
	dax_write_cache(dax_dev, region->backing == DAXL_PERSISTENT);
	region->dax_dev = dax_dev;
	return dax_dev;
}
EXPORT_SYMBOL_NS_GPL(daxl_region_alloc_dax, DAXL_NS);

/**
 * daxl_region_kill_dax() - tear down the dax_device of a region
 * @region: a region whose dax_device was made by daxl_region_alloc_dax()
 *
 * Kills the device, which tells its holder (a filesystem such as XFS)
 * that the whole device is gone, waits for running direct_access calls to
 * finish, and drops the last reference.
 *
 * Context: process context; may sleep.
 */
void daxl_region_kill_dax(struct daxl_region *region)
{
	struct dax_device *dax_dev = region->dax_dev;

	/* A memory failure looks the device up under claim_lock. */
	mutex_lock(&region->claim_lock);
	region->dax_dev = NULL;
	mutex_unlock(&region->claim_lock);
	kill_dax(dax_dev);
	put_dax(dax_dev);
	daxl_region_raw_exit(region);
}
EXPORT_SYMBOL_NS_GPL(daxl_region_kill_dax, DAXL_NS);

/**
 * daxl_direct_access() - translate a page offset of a dax_device to memory
 * @dax_dev: any dax_device, daxlite's or another driver's
 * @pgoff: page offset in the device
 * @nr_pages: number of pages wanted
 * @kaddr: receives the kernel address of @pgoff
 *
 * One call with the same meaning on every supported kernel version.
 *
 * Context: the caller holds dax_read_lock() and keeps holding it while it
 * uses *@kaddr.
 * Return: the number of contiguous pages available at @pgoff (at most
 * @nr_pages), -ERANGE past the end, -ENXIO if the device is dead, or
 * another negative errno from the driver.
 */
long daxl_direct_access(struct dax_device *dax_dev, pgoff_t pgoff,
			long nr_pages, void **kaddr)
{
	return daxl_compat_direct_access(dax_dev, pgoff, nr_pages, kaddr);
}
EXPORT_SYMBOL_NS_GPL(daxl_direct_access, DAXL_NS);
