// SPDX-License-Identifier: GPL-2.0-only
/*
 * Regions: the physical ranges daxlite serves.
 *
 * dax_core keeps one registry of every range a daxlite driver serves, so a
 * range can never be served twice, even by two different modules.  A range
 * is accepted only if it is 2 MiB aligned, lies wholly in memory that the
 * firmware or the kernel command line reserved (memmap=SIZE$START, legacy
 * or ACPI persistent memory), and touches no System RAM.  It is then
 * claimed in the iomem tree and mapped with ZONE_DEVICE pages of type
 * MEMORY_DEVICE_FS_DAX, which is what fs-dax needs for mmap, get_user_pages
 * and PMD faults on 6.1.
 *
 * The memory access helpers at the end are how drivers move bytes in and
 * out of a region; they apply the region's flush policy.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/libnvdimm.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#ifdef CONFIG_X86
#include <asm/e820/api.h>
#endif

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

#include "dax_core_internal.h"

/* Every mapped region, in no particular order; protected by daxl_lock. */
static LIST_HEAD(daxl_regions);
static DEFINE_MUTEX(daxl_lock);

/*
 * Readers of a region's memory hold this around each use (daxl_region_enter),
 * so daxl_region_mark_dead() can wait for them before the memory goes.
 */
DEFINE_STATIC_SRCU(daxl_srcu);

/* Zero and scan memory in steps of this many bytes, with a resched between. */
#define DAXL_STEP	SZ_2M

/* The iomem descriptors of memory a region may be made from. */
static const unsigned long daxl_reserved_descs[] = {
	IORES_DESC_RESERVED,
	IORES_DESC_PERSISTENT_MEMORY_LEGACY,
	IORES_DESC_PERSISTENT_MEMORY,
};

static int daxl_add_covered(struct resource *res, void *arg)
{
	u64 *covered = arg;

	*covered += resource_size(res);
	return 0;
}

/* How many bytes of [start, start + size) iomem resources of @desc cover. */
static u64 daxl_range_covered(u64 start, u64 size, unsigned long desc)
{
	u64 covered = 0;

	walk_iomem_res_desc(desc, IORESOURCE_MEM, start, start + size - 1,
			    &covered, daxl_add_covered);
	return covered;
}

/* Is every byte of [start, start + size) in reserved or persistent memory? */
static bool daxl_range_is_reserved(u64 start, u64 size)
{
	u64 covered = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(daxl_reserved_descs); i++)
		covered += daxl_range_covered(start, size,
					      daxl_reserved_descs[i]);
	return covered == size;
}

/* The first byte of the whole range a region takes, carve-out included. */
static u64 daxl_region_first(struct daxl_region *region)
{
	return region->start - region->memmap_size;
}

/* The last byte of the whole range a region takes. */
static u64 daxl_region_last(struct daxl_region *region)
{
	return region->start + region->size - 1;
}

/* The registered region that overlaps [first, last], if any. */
static struct daxl_region *daxl_find_overlap(u64 first, u64 last)
{
	struct daxl_region *region;

	lockdep_assert_held(&daxl_lock);
	list_for_each_entry(region, &daxl_regions, node)
		if (first <= daxl_region_last(region) &&
		    daxl_region_first(region) <= last)
			return region;
	return NULL;
}

/* Refuse a region that overlaps one already served, naming both owners. */
static int daxl_refuse_overlap(struct daxl_region *region)
{
	struct daxl_region *other;

	other = daxl_find_overlap(daxl_region_first(region),
				  daxl_region_last(region));
	if (!other)
		return 0;
	pr_err("%s: range [%#llx-%#llx] overlaps [%#llx-%#llx] served by %s\n",
	       region->owner, daxl_region_first(region),
	       daxl_region_last(region), daxl_region_first(other),
	       daxl_region_last(other), other->owner);
	return -EBUSY;
}

/* Enter a region mapped by another driver in the registry (borrow.c). */
int daxl_regions_insert(struct daxl_region *region)
{
	int rc;

	mutex_lock(&daxl_lock);
	rc = daxl_refuse_overlap(region);
	if (!rc)
		list_add(&region->node, &daxl_regions);
	mutex_unlock(&daxl_lock);
	return rc;
}

void daxl_regions_remove(struct daxl_region *region)
{
	mutex_lock(&daxl_lock);
	list_del(&region->node);
	daxl_record_forget(region);
	mutex_unlock(&daxl_lock);
}

#ifdef CONFIG_X86
/* What the firmware's own memory map (before memmap=) may call the memory. */
static bool daxl_firmware_memory_ok(u64 start, u64 end)
{
	static const enum e820_type bad[] = {
		E820_TYPE_RESERVED, E820_TYPE_ACPI, E820_TYPE_NVS,
		E820_TYPE_UNUSABLE, E820_TYPE_SOFT_RESERVED,
	};
	unsigned int i;
	u64 at;

	/* A map that cannot be read (< 0) refuses the range too. */
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (daxl_compat_firmware_map_any(start, end, bad[i]))
			return false;
	/* Every 2 MiB must hold some RAM or persistent memory. */
	for (at = start; at < end; at += DAXL_REGION_ALIGN) {
		if (daxl_compat_firmware_map_any(at, at + DAXL_REGION_ALIGN,
						 E820_TYPE_RAM) <= 0 &&
		    daxl_compat_firmware_map_any(at, at + DAXL_REGION_ALIGN,
						 E820_TYPE_PMEM) <= 0 &&
		    daxl_compat_firmware_map_any(at, at + DAXL_REGION_ALIGN,
						 E820_TYPE_PRAM) <= 0)
			return false;
		if (!(at % SZ_1G))
			cond_resched();
	}
	return true;
}
#else
/* Other architectures have no firmware map to ask; the user must know. */
static bool daxl_firmware_memory_ok(u64 start, u64 end)
{
	return true;
}
#endif

/*
 * The NVDIMM region that @dev (a namespace, a pfn or dax device of one, a
 * dax bus device made from one, a pmem disk's parent) belongs to, with a
 * reference, or NULL.  libnvdimm does not export is_nd_region(); a pmem
 * region is the one ancestor whose device type is "nd_pmem".
 */
static struct nd_region *daxl_find_nd_region(struct device *dev)
{
	for (; dev; dev = dev->parent)
		if (dev->type && dev->type->name &&
		    !strcmp(dev->type->name, "nd_pmem")) {
			get_device(dev);
			return to_nd_region(dev);
		}
	return NULL;
}

/**
 * daxl_region_set_nd_region() - flush a region through its NVDIMM region
 * @region: the region, not yet in use
 * @dev: the device its memory comes from, or NULL
 */
void daxl_region_set_nd_region(struct daxl_region *region, struct device *dev)
{
	region->nd_region = daxl_find_nd_region(dev);
}

/* Drop what daxl_region_set_nd_region() took. */
void daxl_region_put_nd_region(struct daxl_region *region)
{
	if (region->nd_region)
		put_device(nd_region_dev(region->nd_region));
	region->nd_region = NULL;
}

/*
 * Judge a range before anything is claimed.  Each refusal says why, naming
 * the range and the device that asked for it.
 */
static int daxl_check_range(const struct daxl_phys *phys, const char *owner)
{
	u64 start = phys->start, size = phys->size, last;

	if (!size) {
		pr_err("%s: empty range at %#llx\n", owner, start);
		return -EINVAL;
	}
	if (check_add_overflow(start, size - 1, &last)) {
		pr_err("%s: range %#llx+%#llx overflows the physical address space\n",
		       owner, start, size);
		return -EINVAL;
	}
	if (!IS_ALIGNED(start, DAXL_REGION_ALIGN) ||
	    !IS_ALIGNED(size, DAXL_REGION_ALIGN)) {
		pr_err("%s: range [%#llx-%#llx] is not 2 MiB aligned in start and size\n",
		       owner, start, last);
		return -EINVAL;
	}
	if (region_intersects(start, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("%s: range [%#llx-%#llx] intersects System RAM; reserve it at boot with memmap=SIZE$START\n",
		       owner, start, last);
		return -EINVAL;
	}
	if (!daxl_range_is_reserved(start, size)) {
		pr_err("%s: range [%#llx-%#llx] is not wholly reserved or persistent memory; reserve it at boot with memmap=SIZE$START\n",
		       owner, start, last);
		return -EINVAL;
	}
	/*
	 * memmap=SIZE$START reserves whatever the user names, and firmware
	 * reserves its own areas (ACPI tables, MMIO windows) the same way,
	 * so being reserved proves nothing.  Unless the firmware described
	 * the range as persistent memory itself (NFIT), its own memory map,
	 * as it was before the command line changed it, must call every
	 * part RAM or persistent memory.  A hole in that map smaller than
	 * 2 MiB cannot be seen this way.
	 */
	if (daxl_range_covered(start, size, IORES_DESC_PERSISTENT_MEMORY) != size &&
	    !daxl_firmware_memory_ok(start, start + size)) {
		pr_err("%s: range [%#llx-%#llx] is not all RAM or persistent memory in the firmware's memory map (/sys/firmware/memmap)\n",
		       owner, start, last);
		return -EINVAL;
	}
	return 0;
}

/*
 * A memory failure in a region goes to whoever holds its dax_device: a
 * daxlite holder (a filesystem on /dev/daxN) through dax_core's own holder
 * ops, or a block filesystem such as XFS through the kernel's.
 */
static int daxl_pagemap_memory_failure(struct dev_pagemap *pgmap,
				       unsigned long pfn,
				       unsigned long nr_pages, int mf_flags)
{
	struct daxl_region *region =
		container_of(pgmap, struct daxl_region, pgmap);
	u64 offset = PFN_PHYS(pfn) - region->start;
	u64 len = PFN_PHYS(nr_pages);
	int rc = -EOPNOTSUPP;

	/* The carve-out holds struct pages, no one's data. */
	if (PFN_PHYS(pfn) < region->start)
		return rc;

	mutex_lock(&region->claim_lock);
	if (region->holder_ops && region->holder_ops->notify_failure)
		rc = region->holder_ops->notify_failure(region->holder, offset,
							len, mf_flags);
	else if (region->dax_dev)
		rc = dax_holder_notify_failure(region->dax_dev, offset, len,
					       mf_flags);
	mutex_unlock(&region->claim_lock);
	return rc;
}

static const struct dev_pagemap_ops daxl_pagemap_ops = {
	.memory_failure		= daxl_pagemap_memory_failure,
};

/*
 * Put the struct pages of @phys in its own first memmap_size bytes, after
 * the info block's DAXL_MEMMAP_INFO_SIZE: an altmap from which
 * memremap_pages() takes the memory of the memmap.
 */
static void daxl_region_set_altmap(struct daxl_region *region,
				   const struct daxl_phys *phys)
{
	struct vmem_altmap altmap = {
		.base_pfn = PHYS_PFN(phys->start),
		.end_pfn = PHYS_PFN(phys->start + phys->size) - 1,
		.reserve = PHYS_PFN(DAXL_MEMMAP_INFO_SIZE),
		.free = PHYS_PFN(region->memmap_size - DAXL_MEMMAP_INFO_SIZE),
	};

	memcpy(&region->pgmap.altmap, &altmap, sizeof(altmap));
	region->pgmap.flags |= PGMAP_ALTMAP_VALID;
}

/**
 * daxl_region_map() - claim a physical range and map it for DAX
 * @phys: the range
 * @backing: whether the memory is volatile or persistent
 * @owner: name of the device that will serve the range, such as
 *	"daxblk0"; it names the iomem resource and appears in messages
 *
 * Checks @phys (see the top of this file), refuses it with -EBUSY if it
 * overlaps a range already served, claims it in the iomem tree and maps
 * it with MEMORY_DEVICE_FS_DAX pages.  With @phys->map_dev the range
 * starts with a carve-out of daxl_memmap_carve_size() bytes: an info block
 * that records it, then the struct pages (an altmap, as pmem's map=dev),
 * and the region served starts after them.  The info block is checked
 * before anything is mapped (daxl_memmap_info_claim()) and, at a first
 * map=dev attach, written only once nothing else can fail
 * (daxl_memmap_info_write()), so a failed attach leaves it unwritten.
 * Every refusal is explained in the kernel log.
 *
 * Context: process context; may sleep.
 * Return: the new region, or an ERR_PTR: -EINVAL for a range that may not
 * be used, -EBUSY if it is already served or claimed, -ENOMEM.
 */
struct daxl_region *daxl_region_map(const struct daxl_phys *phys,
				    enum daxl_backing backing,
				    const char *owner)
{
	struct daxl_region *region;
	bool fresh;
	void *kaddr;
	int rc;

	u64 memmap = phys->map_dev ? daxl_memmap_carve_size(phys->size) : 0;

	rc = daxl_check_range(phys, owner);
	if (rc)
		return ERR_PTR(rc);
	if (phys->map_dev && sizeof(struct page) > DAXL_MEMMAP_PER_PAGE) {
		pr_err("%s: this kernel's struct page (%zu bytes) does not fit map=dev's %d\n",
		       owner, sizeof(struct page), DAXL_MEMMAP_PER_PAGE);
		return ERR_PTR(-EOPNOTSUPP);
	}
	if (memmap >= phys->size) {
		pr_err("%s: range [%#llx-%#llx] is too small for map=dev\n",
		       owner, phys->start, phys->start + phys->size - 1);
		return ERR_PTR(-EINVAL);
	}

	region = kzalloc(sizeof(*region), GFP_KERNEL);
	if (!region)
		return ERR_PTR(-ENOMEM);
	region->start = phys->start + memmap;
	region->size = phys->size - memmap;
	region->memmap_size = memmap;
	region->backing = backing;
	strscpy(region->owner, owner, sizeof(region->owner));
	mutex_init(&region->claim_lock);

	mutex_lock(&daxl_lock);
	rc = daxl_refuse_overlap(region);
	if (rc)
		goto out_unlock;

	region->res = request_mem_region(phys->start, phys->size,
					 region->owner);
	if (!region->res) {
		pr_err("%s: range [%#llx-%#llx] is claimed by another driver (see /proc/iomem)\n",
		       owner, phys->start, phys->start + phys->size - 1);
		rc = -EBUSY;
		goto out_unlock;
	}
	rc = daxl_memmap_info_claim(phys, owner, memmap, &fresh);
	if (rc)
		goto out_release;

	region->pgmap.type = MEMORY_DEVICE_FS_DAX;
	region->pgmap.range.start = phys->start;
	region->pgmap.range.end = phys->start + phys->size - 1;
	region->pgmap.nr_range = 1;
	region->pgmap.vmemmap_shift = 0;
	region->pgmap.ops = &daxl_pagemap_ops;
	region->pgmap.owner = region;
	if (memmap)
		daxl_region_set_altmap(region, phys);
	kaddr = memremap_pages(&region->pgmap, NUMA_NO_NODE);
	if (IS_ERR(kaddr)) {
		rc = PTR_ERR(kaddr);
		pr_err("%s: cannot map range [%#llx-%#llx] with struct pages: %d\n",
		       owner, phys->start, phys->start + phys->size - 1, rc);
		goto out_release;
	}
	region->kaddr = kaddr + memmap;
	daxl_region_set_nd_region(region, phys->source);
	if (fresh)
		daxl_memmap_info_write(region);

	list_add(&region->node, &daxl_regions);
	mutex_unlock(&daxl_lock);
	if (memmap)
		pr_info("%s: serving [%#llx-%#llx] (%llu MiB, %s), its info block and struct pages in the %llu MiB before it\n",
			owner, (u64)region->start, daxl_region_last(region),
			region->size >> 20,
			backing == DAXL_PERSISTENT ? "persistent" : "volatile",
			memmap >> 20);
	else
		pr_info("%s: serving [%#llx-%#llx] (%llu MiB, %s)\n", owner,
			phys->start, phys->start + phys->size - 1,
			phys->size >> 20,
			backing == DAXL_PERSISTENT ? "persistent" : "volatile");
	return region;

out_release:
	release_mem_region(phys->start, phys->size);
out_unlock:
	mutex_unlock(&daxl_lock);
	kfree(region);
	return ERR_PTR(rc);
}
EXPORT_SYMBOL_NS_GPL(daxl_region_map, DAXL_NS);

/*
 * Wait until no page of @region is held: a page a file system mapped can
 * be held past its mapping and past the umount (a pipe it was vmspliced
 * into; 6.1's ext4 and xfs do not wait for it), and its struct page must
 * not be unmapped under its holder.
 */
static void daxl_region_wait_idle(struct daxl_region *region)
{
	struct page *page;
	u64 offset = 0;
	bool warned = false;

	while ((page = daxl_region_busy_page(region, offset,
					     region->size - offset))) {
		if (!warned)
			pr_warn("%s: a page of [%#llx-%#llx] is still held (pinned); waiting until it is let go\n",
				region->owner, (u64)region->start,
				region->start + region->size - 1);
		warned = true;
		daxl_wait_page_idle(region, page);
		offset = PFN_PHYS(page_to_pfn(page)) - region->start;
	}
	if (warned)
		pr_info("%s: no page is held any more\n", region->owner);
}

/**
 * daxl_region_unmap() - undo daxl_region_map()
 * @region: the region; its dax_device must already be killed
 *
 * Waits until no page of the region is held (a pipe a page was vmspliced
 * into) and for the last reference to its dev_pagemap, so the caller must
 * make sure nothing can still map them (nothing mounted, no open device).
 *
 * Context: process context; may sleep.
 */
void daxl_region_unmap(struct daxl_region *region)
{
	WARN_ON(region->dax_dev);

	daxl_region_wait_idle(region);
	mutex_lock(&daxl_lock);
	list_del(&region->node);
	daxl_record_forget(region);
	memunmap_pages(&region->pgmap);
	release_mem_region(daxl_region_first(region),
			   daxl_region_last(region) - daxl_region_first(region) + 1);
	mutex_unlock(&daxl_lock);
	daxl_region_put_nd_region(region);
	kfree(region);
}
EXPORT_SYMBOL_NS_GPL(daxl_region_unmap, DAXL_NS);

/**
 * daxl_region_read() - copy bytes out of a region
 * @region: the region
 * @offset: byte offset in the region
 * @buf: destination
 * @len: number of bytes
 *
 * Persistent regions are read with machine-check-safe copies, so poisoned
 * media reports -EIO instead of crashing.
 *
 * Return: 0, -ERANGE if the span leaves the region, -EIO on poison or if
 * the memory is gone.
 */
int daxl_region_read(struct daxl_region *region, u64 offset, void *buf,
		     size_t len)
{
	void *src = region->kaddr + offset;
	int idx, rc = 0;

	if (daxl_check_span(offset, len, region->size))
		return -ERANGE;
	idx = daxl_region_enter(region);
	if (!daxl_region_alive(region))
		rc = -EIO;
	else if (region->backing == DAXL_VOLATILE)
		memcpy(buf, src, len);
	else if (copy_mc_to_kernel(buf, src, len))
		rc = -EIO;
	daxl_region_exit(idx);
	return rc;
}
EXPORT_SYMBOL_NS_GPL(daxl_region_read, DAXL_NS);

/**
 * daxl_region_write() - copy bytes into a region
 * @region: the region
 * @offset: byte offset in the region
 * @buf: source
 * @len: number of bytes
 *
 * Writes to persistent regions bypass the CPU cache; they are durable
 * after the next daxl_region_flush().
 *
 * Return: 0, -ERANGE if the span leaves the region, or -EIO if the memory
 * is gone.
 */
int daxl_region_write(struct daxl_region *region, u64 offset,
		      const void *buf, size_t len)
{
	void *dst = region->kaddr + offset;
	int idx, rc = 0;

	if (daxl_check_span(offset, len, region->size))
		return -ERANGE;
	idx = daxl_region_enter(region);
	if (!daxl_region_alive(region))
		rc = -EIO;
	else if (region->backing == DAXL_VOLATILE)
		memcpy(dst, buf, len);
	else
		memcpy_flushcache(dst, buf, len);
	if (!rc)
		daxl_record_store(region, offset, buf, len);
	daxl_region_exit(idx);
	return rc;
}
EXPORT_SYMBOL_NS_GPL(daxl_region_write, DAXL_NS);

/**
 * daxl_region_write_u64() - store one aligned 8-byte word into a region
 * @region: the region
 * @offset: byte offset in the region, a multiple of 8
 * @val: the word, stored as it is in memory
 *
 * One single store, so that a reader of the shared memory sees the old
 * word or the new one, never a mix (memcpy() may copy bytewise).  On
 * persistent regions it bypasses the CPU cache and is durable after the
 * next daxl_region_flush().
 *
 * Return: 0, -ERANGE if the word leaves the region or is not aligned, or
 * -EIO if the memory is gone.
 */
int daxl_region_write_u64(struct daxl_region *region, u64 offset, u64 val)
{
	u64 *dst = region->kaddr + offset;
	int idx, rc = 0;

	if (daxl_check_span(offset, sizeof(val), region->size) ||
	    !IS_ALIGNED(offset, sizeof(val)))
		return -ERANGE;
	idx = daxl_region_enter(region);
	if (!daxl_region_alive(region))
		rc = -EIO;
	else if (region->backing == DAXL_VOLATILE)
		WRITE_ONCE(*dst, val);
	else
		/* a constant 8 aligned bytes: one non-temporal store */
		memcpy_flushcache(dst, &val, sizeof(val));
	if (!rc)
		daxl_record_store(region, offset, &val, sizeof(val));
	daxl_region_exit(idx);
	return rc;
}
EXPORT_SYMBOL_NS_GPL(daxl_region_write_u64, DAXL_NS);

/**
 * daxl_region_zero() - zero bytes of a region
 * @region: the region
 * @offset: byte offset in the region
 * @len: number of bytes
 *
 * On persistent regions the zeroes are written back from the CPU cache
 * and are durable after the next daxl_region_flush().  Large spans are
 * zeroed 2 MiB at a time, with a chance to reschedule between steps.
 *
 * Context: may sleep.
 * Return: 0, -ERANGE if the span leaves the region, or -EIO if the memory
 * is gone.
 */
int daxl_region_zero(struct daxl_region *region, u64 offset, u64 len)
{
	u64 done, step;
	int idx, rc = 0;
	void *dst;

	if (daxl_check_span(offset, len, region->size))
		return -ERANGE;
	for (done = 0; done < len && !rc; done += step) {
		step = min_t(u64, len - done, DAXL_STEP);
		dst = region->kaddr + offset + done;
		idx = daxl_region_enter(region);
		if (!daxl_region_alive(region)) {
			rc = -EIO;
		} else {
			memset(dst, 0, step);
			if (region->backing == DAXL_PERSISTENT)
				arch_wb_cache_pmem(dst, step);
			daxl_record_zero(region, offset + done, step);
		}
		daxl_region_exit(idx);
		cond_resched();
	}
	return rc;
}
EXPORT_SYMBOL_NS_GPL(daxl_region_zero, DAXL_NS);

/**
 * daxl_region_flush() - make earlier writes to a region durable
 * @region: the region
 *
 * Orders the non-temporal stores and cache write-backs issued by
 * daxl_region_write() and daxl_region_zero() before whatever follows and,
 * for memory of an NVDIMM region, flushes the region's write queues
 * (nvdimm_flush(), flush hints), as pmem does for REQ_PREFLUSH and FUA, so
 * the writes are durable on platforms without ADR too.  A no-op on
 * volatile regions.
 *
 * Context: may sleep (a virtio-pmem flush waits for the host).
 */
void daxl_region_flush(struct daxl_region *region)
{
	int idx;

	daxl_record_flush(region);
	if (region->backing != DAXL_PERSISTENT)
		return;
	wmb();	/* order non-temporal stores first, as pmem does */
	if (!region->nd_region)
		return;
	idx = daxl_region_enter(region);
	if (daxl_region_alive(region))
		nvdimm_flush(region->nd_region, NULL);
	daxl_region_exit(idx);
}
EXPORT_SYMBOL_NS_GPL(daxl_region_flush, DAXL_NS);

/**
 * daxl_region_invalidate() - drop cached copies of a span of a region
 * @region: the region
 * @offset: byte offset in the region
 * @len: number of bytes
 *
 * For memory that another host writes (shared persistent memory): the
 * next read of the span comes from the media, not from a stale CPU cache
 * line.  A no-op on volatile regions, which only this host writes.
 *
 * Return: 0, -ERANGE if the span leaves the region, or -EIO if the memory
 * is gone.
 */
int daxl_region_invalidate(struct daxl_region *region, u64 offset, u64 len)
{
	int idx, rc = 0;

	if (daxl_check_span(offset, len, region->size))
		return -ERANGE;
	idx = daxl_region_enter(region);
	if (!daxl_region_alive(region))
		rc = -EIO;
	else if (region->backing == DAXL_PERSISTENT)
		arch_invalidate_pmem(region->kaddr + offset, len);
	daxl_region_exit(idx);
	return rc;
}
EXPORT_SYMBOL_NS_GPL(daxl_region_invalidate, DAXL_NS);

/**
 * daxl_region_copy_to_iter() - copy bytes of a region to an iov_iter
 * @region: the region
 * @offset: byte offset in the region
 * @len: number of bytes; the span must lie inside the region
 * @iter: destination
 *
 * Persistent regions are read with machine-check-safe copies, which stop
 * short at poisoned memory.
 *
 * Return: the number of bytes copied, short on a fault or on poison; 0 if
 * the span leaves the region; -EIO if the memory is gone.
 */
ssize_t daxl_region_copy_to_iter(struct daxl_region *region, u64 offset,
				 size_t len, struct iov_iter *iter)
{
	void *src = region->kaddr + offset;
	ssize_t done;
	int idx;

	if (daxl_check_span(offset, len, region->size))
		return 0;
	idx = daxl_region_enter(region);
	if (!daxl_region_alive(region))
		done = -EIO;
	else if (region->backing == DAXL_VOLATILE)
		done = _copy_to_iter(src, len, iter);
	else
		done = _copy_mc_to_iter(src, len, iter);
	daxl_region_exit(idx);
	return done;
}
EXPORT_SYMBOL_NS_GPL(daxl_region_copy_to_iter, DAXL_NS);

/**
 * daxl_region_copy_from_iter() - copy bytes from an iov_iter into a region
 * @region: the region
 * @offset: byte offset in the region
 * @len: number of bytes; the span must lie inside the region
 * @iter: source
 *
 * Writes to persistent regions bypass the CPU cache; they are durable
 * after the next daxl_region_flush().
 *
 * Return: the number of bytes copied, short on a fault; 0 if the span
 * leaves the region; -EIO if the memory is gone.
 */
ssize_t daxl_region_copy_from_iter(struct daxl_region *region, u64 offset,
				   size_t len, struct iov_iter *iter)
{
	void *dst = region->kaddr + offset;
	ssize_t done;
	int idx;

	if (daxl_check_span(offset, len, region->size))
		return 0;
	idx = daxl_region_enter(region);
	if (!daxl_region_alive(region))
		done = -EIO;
	else if (region->backing == DAXL_VOLATILE)
		done = _copy_from_iter(dst, len, iter);
	else
		done = _copy_from_iter_flushcache(dst, len, iter);
	if (done > 0)
		daxl_record_store(region, offset, dst, done);
	daxl_region_exit(idx);
	return done;
}
EXPORT_SYMBOL_NS_GPL(daxl_region_copy_from_iter, DAXL_NS);

/**
 * daxl_region_enter() - start a use of a region's memory
 * @region: the region
 *
 * Every access to the memory through @region->kaddr, and every mapping of
 * it made on a page fault, happens between this and daxl_region_exit(),
 * and only if daxl_region_alive() says so in between, so that a region
 * whose memory goes away (daxl_region_mark_dead()) is never touched
 * afterwards.  The pair nests and never sleeps itself.
 *
 * Return: an index for daxl_region_exit().
 */
int daxl_region_enter(struct daxl_region *region) __acquires(daxl_srcu)
{
	return srcu_read_lock(&daxl_srcu);
}
EXPORT_SYMBOL_NS_GPL(daxl_region_enter, DAXL_NS);

/**
 * daxl_region_alive() - whether a region still has its memory
 * @region: the region, inside daxl_region_enter()
 *
 * Return: false once the memory went away.
 */
bool daxl_region_alive(struct daxl_region *region)
{
	return !READ_ONCE(region->dead);
}
EXPORT_SYMBOL_NS_GPL(daxl_region_alive, DAXL_NS);

/**
 * daxl_region_exit() - end a use started by daxl_region_enter()
 * @idx: what daxl_region_enter() returned
 */
void daxl_region_exit(int idx) __releases(daxl_srcu)
{
	srcu_read_unlock(&daxl_srcu, idx);
}
EXPORT_SYMBOL_NS_GPL(daxl_region_exit, DAXL_NS);

/*
 * The memory of @region is going away and cannot be kept (its lender is
 * being removed): fail every later use, wait for the uses in progress,
 * and take away raw mappings.  Raw mappings are made through the
 * dax_device's inode (dax_chardev points each file's f_mapping there).
 */
void daxl_region_mark_dead(struct daxl_region *region)
{
	WRITE_ONCE(region->dead, true);
	synchronize_srcu(&daxl_srcu);
	unmap_mapping_range(daxl_region_raw_mapping(region), 0, 0, 1);
	pr_err("%s: its memory [%#llx-%#llx] went away; uses now fail with EIO\n",
	       region->owner, (u64)region->start,
	       region->start + region->size - 1);
}

/*
 * After its holder stopped using it, the memory of a dead region is
 * unmapped, struct pages included: wait for the page scans and waits in
 * progress, which may go on until the holder's shutdown made the pages
 * idle, and let no new one start.
 */
void daxl_region_mark_gone(struct daxl_region *region)
{
	WRITE_ONCE(region->gone, true);
	synchronize_srcu(&daxl_srcu);
}

/**
 * daxl_region_busy_page() - a page of a span that someone still holds
 * @region: the region
 * @offset: byte offset of the span, a multiple of PAGE_SIZE
 * @len: its length in bytes, a multiple of PAGE_SIZE
 *
 * A page that was mapped can be held beyond its mapping: by a pipe it was
 * vmspliced into, or by direct I/O in flight into it.  Its memory must not
 * be given to anyone else until it is idle.  The caller makes sure no new
 * mapping of the span can appear meanwhile.  Pages of a dead region are
 * still looked at until its memory is unmapped (daxl_region_mark_gone()):
 * its holder's shutdown must wait for them; after that none is reported.
 *
 * Context: may sleep.
 * Return: the first such page, or NULL if the whole span is idle.
 */
struct page *daxl_region_busy_page(struct daxl_region *region, u64 offset,
				   u64 len)
{
	struct page *page = NULL;
	unsigned long pfn, end;
	int idx;

	if (daxl_check_span(offset, len, region->size))
		return NULL;
	pfn = PHYS_PFN(region->start + offset);
	end = pfn + PHYS_PFN(len);
	idx = daxl_region_enter(region);
	for (; pfn < end && !READ_ONCE(region->gone); pfn++) {
		page = pfn_to_page(pfn);
		if (!daxl_compat_page_idle(page))
			break;
		page = NULL;
		if (!(pfn % (DAXL_STEP >> PAGE_SHIFT))) {
			daxl_region_exit(idx);
			cond_resched();
			idx = daxl_region_enter(region);
		}
	}
	daxl_region_exit(idx);
	return page;
}
EXPORT_SYMBOL_NS_GPL(daxl_region_busy_page, DAXL_NS);

/**
 * daxl_wait_page_idle() - wait until a page daxl_region_busy_page() found is idle
 * @region: the region of the page
 * @page: the page
 *
 * Sleeps without counting as a hung task: a pipe can hold a page for as
 * long as its owner likes.  The region's memory stays while it waits
 * (daxl_region_mark_gone() waits for it); if it was unmapped before,
 * there is nothing to wait for.
 *
 * Context: may sleep.
 */
void daxl_wait_page_idle(struct daxl_region *region, struct page *page)
{
	int idx = daxl_region_enter(region);

	if (!READ_ONCE(region->gone))
		daxl_compat_wait_page_idle(page);
	daxl_region_exit(idx);
}
EXPORT_SYMBOL_NS_GPL(daxl_wait_page_idle, DAXL_NS);

void daxl_regions_lock(void)
{
	mutex_lock(&daxl_lock);
}

void daxl_regions_unlock(void)
{
	mutex_unlock(&daxl_lock);
}

/* The region published under @devt; the caller holds daxl_regions_lock(). */
struct daxl_region *daxl_region_find_devt(dev_t devt)
{
	struct daxl_region *region;

	lockdep_assert_held(&daxl_lock);
	list_for_each_entry(region, &daxl_regions, node)
		if (devt && region->devt == devt)
			return region;
	return NULL;
}

#ifdef DAXL_RECORD
/* The registered region named @owner; the caller holds daxl_regions_lock(). */
struct daxl_region *daxl_region_find_owner(const char *owner)
{
	struct daxl_region *region;

	lockdep_assert_held(&daxl_lock);
	list_for_each_entry(region, &daxl_regions, node)
		if (!strcmp(region->owner, owner))
			return region;
	return NULL;
}
#endif

/* Called at module exit: every driver that mapped a region depends on us. */
void daxl_regions_exit(void)
{
	WARN_ON(!list_empty(&daxl_regions));
}
