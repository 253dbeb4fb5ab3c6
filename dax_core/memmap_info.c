// SPDX-License-Identifier: GPL-2.0-only
/*
 * The map=dev info block: what a range served with its struct pages on
 * itself records about its carve-out.
 *
 * A map=dev range starts with a carve-out: DAXL_MEMMAP_INFO_SIZE bytes
 * whose first bytes hold this block, then the memmap (daxl_memmap_size()),
 * then the memory served.  The first attach with map=dev writes the block
 * once nothing else in the attach can fail; every attach reads it first,
 * before anything is mapped, so the carve-out's size is recorded rather
 * than assumed:
 *
 * - map=dev, a block for this range's size: the recorded carve-out is
 *   used (it must be the one this dax_core would make);
 * - map=dev, a block for another size, or another carve-out: refused, the
 *   data after the carve-out would be misplaced;
 * - map=dev, no block, but a famfs_lite superblock at the first byte (a
 *   file system made on the range with map=mem): refused, writing the
 *   memmap would destroy it;
 * - map=dev, no block, but a famfs_lite superblock at daxl_memmap_size()
 *   (a file system made with map=dev before the block existed, when the
 *   data followed the memmap directly): refused, for the same reason;
 * - map=mem, first bytes poisoned: taken as no block (a warning), so the
 *   range stays attachable to be repaired;
 * - map=mem, any valid block: refused, famfs_lite would see the block and
 *   the struct pages as data.
 *
 * A block is valid only if its magic, version, checksum and geometry all
 * hold: the recorded range size is 2 MiB aligned and the recorded
 * carve-out is exactly the one that size makes.  Data of a map=mem range
 * that happens to begin with the magic is therefore not taken for a block
 * unless it also carries a matching checksum and a self-consistent
 * geometry; only a deliberate copy of a block does, and that is refused,
 * never written over.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <daxlite/dax_core.h>
#include <daxlite/famfs_lite_format.h>

#include "dax_core_internal.h"

/**
 * daxl_memmap_carve_size() - the carve-out of a map=dev range
 * @size: the range's length in bytes
 *
 * Return: DAXL_MEMMAP_INFO_SIZE plus daxl_memmap_size() of @size.
 */
u64 daxl_memmap_carve_size(u64 size)
{
	return DAXL_MEMMAP_INFO_SIZE + daxl_memmap_size(size);
}
EXPORT_SYMBOL_IF_KUNIT(daxl_memmap_carve_size);

/* Fletcher's checksum over 32-bit little-endian words, as nvdimm's. */
static u64 daxl_memmap_info_csum(const struct daxl_memmap_info *info)
{
	const __le32 *w = (const __le32 *)info;
	size_t i, n = offsetof(struct daxl_memmap_info, csum) / sizeof(*w);
	u32 lo = 0, hi = 0;

	for (i = 0; i < n; i++) {
		lo += le32_to_cpu(w[i]);
		hi += lo;
	}
	return (u64)hi << 32 | lo;
}

/**
 * daxl_memmap_info_fill() - make the block of a map=dev range
 * @info: receives the block
 * @size: the whole range's length in bytes
 */
VISIBLE_IF_KUNIT void daxl_memmap_info_fill(struct daxl_memmap_info *info,
					    u64 size)
{
	memset(info, 0, sizeof(*info));
	memcpy(info->magic, DAXL_MEMMAP_INFO_MAGIC, sizeof(info->magic));
	info->version = cpu_to_le32(DAXL_MEMMAP_INFO_VERSION);
	info->page_size = cpu_to_le32(PAGE_SIZE);
	info->memmap_per_page = cpu_to_le32(DAXL_MEMMAP_PER_PAGE);
	info->range_size = cpu_to_le64(size);
	info->info_size = cpu_to_le64(DAXL_MEMMAP_INFO_SIZE);
	info->carve_size = cpu_to_le64(daxl_memmap_carve_size(size));
	info->csum = cpu_to_le64(daxl_memmap_info_csum(info));
}
EXPORT_SYMBOL_IF_KUNIT(daxl_memmap_info_fill);

/**
 * daxl_memmap_info_valid() - whether bytes are a map=dev block
 * @info: the first bytes of a range
 *
 * Return: true if magic, version, checksum and geometry all hold.
 */
VISIBLE_IF_KUNIT bool daxl_memmap_info_valid(const struct daxl_memmap_info *info)
{
	u64 size = le64_to_cpu(info->range_size);

	return !memcmp(info->magic, DAXL_MEMMAP_INFO_MAGIC, sizeof(info->magic)) &&
	       le32_to_cpu(info->version) == DAXL_MEMMAP_INFO_VERSION &&
	       le64_to_cpu(info->csum) == daxl_memmap_info_csum(info) &&
	       le32_to_cpu(info->page_size) == PAGE_SIZE &&
	       le32_to_cpu(info->memmap_per_page) == DAXL_MEMMAP_PER_PAGE &&
	       size && IS_ALIGNED(size, DAXL_REGION_ALIGN) &&
	       le64_to_cpu(info->info_size) == DAXL_MEMMAP_INFO_SIZE &&
	       le64_to_cpu(info->carve_size) == daxl_memmap_carve_size(size) &&
	       daxl_memmap_carve_size(size) < size;
}
EXPORT_SYMBOL_IF_KUNIT(daxl_memmap_info_valid);

/*
 * Read the famfs_lite superblock magic at byte @off of @phys: 0, -ENOMEM,
 * or -EIO on poison.
 */
static int daxl_memmap_read_sb_magic(const struct daxl_phys *phys, u64 off,
				     const char *owner, u64 *magic)
{
	__le64 m;
	void *addr;
	int rc = 0;

	addr = memremap(phys->start + off, PAGE_SIZE, MEMREMAP_WB);
	if (!addr) {
		pr_err("%s: cannot map byte %#llx of [%#llx-%#llx] to read it\n",
		       owner, off, phys->start, phys->start + phys->size - 1);
		return -ENOMEM;
	}
	if (copy_mc_to_kernel(&m, addr, sizeof(m))) {
		pr_err("%s: byte %#llx of [%#llx-%#llx] cannot be read (poison)\n",
		       owner, off, phys->start, phys->start + phys->size - 1);
		rc = -EIO;
	} else {
		*magic = le64_to_cpu(m);
	}
	memunmap(addr);
	return rc;
}

/**
 * daxl_memmap_info_claim() - read and judge the block before an attach
 * @phys: the whole range, claimed by the caller and not yet mapped
 * @owner: the device's name, for messages
 * @carve: the carve-out the attach will make (0 for map=mem)
 * @fresh: set to whether a map=dev attach finds no block, so the caller
 *	must write one with daxl_memmap_info_write() once the attach can no
 *	longer fail
 *
 * Nothing is written: a failed attach leaves the range as it found it.
 * A map=mem range whose first bytes are poisoned is taken as having no
 * block (with a warning), so it stays attachable to be repaired.
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL if the range's bytes say the attach would misread or
 * destroy it (explained in the kernel log), -EIO if a map=dev attach
 * cannot read them, -ENOMEM.
 */
int daxl_memmap_info_claim(const struct daxl_phys *phys, const char *owner,
			   u64 carve, bool *fresh)
{
	struct daxl_memmap_info info;
	__le64 sb_magic;
	u64 old_magic;
	void *addr;
	int rc = 0;

	*fresh = false;
	addr = memremap(phys->start, PAGE_SIZE, MEMREMAP_WB);
	if (!addr) {
		pr_err("%s: cannot map the first page of [%#llx-%#llx] to read it\n",
		       owner, phys->start, phys->start + phys->size - 1);
		return -ENOMEM;
	}
	if (copy_mc_to_kernel(&info, addr, sizeof(info))) {
		if (!phys->map_dev) {
			pr_warn("%s: the first bytes of [%#llx-%#llx] cannot be read (poison); taking it as holding no map=dev info block\n",
				owner, phys->start, phys->start + phys->size - 1);
			goto out;
		}
		pr_err("%s: the first bytes of [%#llx-%#llx] cannot be read (poison)\n",
		       owner, phys->start, phys->start + phys->size - 1);
		rc = -EIO;
		goto out;
	}

	if (daxl_memmap_info_valid(&info)) {
		u64 size = le64_to_cpu(info.range_size);

		if (!phys->map_dev) {
			pr_err("%s: [%#llx-%#llx] holds a map=dev info block (a %llu MiB range whose struct pages take its first %llu MiB); attach it with map=dev\n",
			       owner, phys->start, phys->start + phys->size - 1,
			       size >> 20, le64_to_cpu(info.carve_size) >> 20);
			rc = -EINVAL;
		} else if (size != phys->size ||
			   le64_to_cpu(info.carve_size) != carve) {
			pr_err("%s: [%#llx-%#llx] holds a map=dev info block for a %llu MiB range with a %llu MiB carve-out, not this %llu MiB one; refusing it\n",
			       owner, phys->start, phys->start + phys->size - 1,
			       size >> 20, le64_to_cpu(info.carve_size) >> 20,
			       phys->size >> 20);
			rc = -EINVAL;
		}
		goto out;
	}
	if (!phys->map_dev)
		goto out;

	memcpy(&sb_magic, info.magic, sizeof(sb_magic));
	if (le64_to_cpu(sb_magic) == FAMFSL_SB_MAGIC) {
		pr_err("%s: [%#llx-%#llx] holds a famfs_lite file system made with map=mem; map=dev would write struct pages over it\n",
		       owner, phys->start, phys->start + phys->size - 1);
		rc = -EINVAL;
		goto out;
	}
	/*
	 * Before the info block, map=dev put the struct pages at the first
	 * byte and the data right after them: such a range has no block,
	 * and its data would now lie under the struct pages.
	 */
	rc = daxl_memmap_read_sb_magic(phys, daxl_memmap_size(phys->size),
				       owner, &old_magic);
	if (rc)
		goto out;
	if (old_magic == FAMFSL_SB_MAGIC) {
		pr_err("%s: [%#llx-%#llx] holds a famfs_lite file system at byte %#llx, made with map=dev before its info block existed; this map=dev would write struct pages over it\n",
		       owner, phys->start, phys->start + phys->size - 1,
		       daxl_memmap_size(phys->size));
		rc = -EINVAL;
		goto out;
	}
	*fresh = true;
out:
	memunmap(addr);
	return rc;
}

/**
 * daxl_memmap_info_write() - write the block at a first map=dev attach
 * @region: the region, its struct pages mapped (the altmap keeps them out
 *	of the block's 2 MiB) and nothing left of its attach that can fail
 *
 * The block is written through the region's mapping and made durable with
 * daxl_region_flush(), NVDIMM write queues included.
 *
 * Context: process context; may sleep.
 */
void daxl_memmap_info_write(struct daxl_region *region)
{
	struct daxl_memmap_info info;
	u64 first = region->start - region->memmap_size;
	u64 size = region->size + region->memmap_size;

	daxl_memmap_info_fill(&info, size);
	memcpy_flushcache(region->kaddr - region->memmap_size, &info,
			  sizeof(info));
	daxl_region_flush(region);
	pr_info("%s: [%#llx-%#llx] now carries a map=dev info block: its first %llu MiB hold it and the struct pages\n",
		region->owner, first, first + size - 1,
		region->memmap_size >> 20);
}
