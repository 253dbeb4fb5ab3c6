/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel-version differences, kept in one place.
 *
 * Every kernel interface that daxlite uses and that changed after 6.1 is
 * reached through a wrapper in this file, so that a port to a later kernel
 * touches this file and Kbuild's version check and nothing else.
 * docs/architecture.md lists the known changes each later target brings.
 * A kernel whose differences are not written down and tested here is
 * refused at build time rather than miscompiled.
 */
#ifndef _DAXLITE_COMPAT_H
#define _DAXLITE_COMPAT_H

#include <linux/blkdev.h>
#include <linux/dax.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pfn_t.h>
#include <linux/wait_bit.h>

/*
 * The kernel versions this file covers are checked by Kbuild, which stops
 * the build with a clear message on any other.
 */

/*
 * The symbol namespace of dax_core's exports: 6.1 stringifies a bare
 * identifier, 6.13 and later take a string literal.
 */
#define DAXL_NS		DAXLITE

/*
 * dax_direct_access(): 6.1 reports the pfn as a pfn_t; pfn_t is gone in
 * later kernels.  Callers of the shim only ever want the kernel address.
 */
static inline long daxl_compat_direct_access(struct dax_device *dax_dev,
					     pgoff_t pgoff, long nr_pages,
					     void **kaddr)
{
	return dax_direct_access(dax_dev, pgoff, nr_pages, DAX_ACCESS, kaddr,
				 NULL);
}

/*
 * The pfn a ->direct_access method hands back: on 6.1 a pfn_t flagged as
 * device memory with a struct page (PFN_DEV | PFN_MAP).
 */
static inline pfn_t daxl_compat_dev_pfn(phys_addr_t phys)
{
	return phys_to_pfn_t(phys, PFN_DEV | PFN_MAP);
}

/*
 * The inode of a dax_device: exported by 6.1 but declared only in the
 * private drivers/dax/dax-private.h.
 */
struct inode *dax_inode(struct dax_device *dax_dev);

/*
 * nvdimm_namespace_common_probe(): exported by libnvdimm but declared only
 * in the private drivers/nvdimm/nd.h.
 */
struct nd_namespace_common *nvdimm_namespace_common_probe(struct device *dev);

/*
 * class_create(): 6.1 takes the owning module; 6.4 and later take the
 * name only.
 */
#define daxl_compat_class_create(name)	class_create(THIS_MODULE, name)

/*
 * vm_flags: 6.1 sets them by assignment; 6.3 and later through
 * vm_flags_set().
 */
static inline void daxl_compat_vm_flags_set(struct vm_area_struct *vma,
					    unsigned long flags)
{
	vma->vm_flags |= flags;
}

/*
 * ->huge_fault(): 6.1 passes an enum page_entry_size; 6.6 and later pass
 * the order of the mapping.  daxlite's handlers take a size in pages.
 */
static inline unsigned int daxl_compat_fault_pages(enum page_entry_size pe_size)
{
	switch (pe_size) {
	case PE_SIZE_PTE:
		return 1;
	case PE_SIZE_PMD:
		return PMD_SIZE >> PAGE_SHIFT;
	default:
		return PUD_SIZE >> PAGE_SHIFT;
	}
}

/*
 * blk_alloc_disk(): 6.1 takes a node and returns NULL on failure; 6.9 and
 * later take queue_limits and return an ERR_PTR.
 */
static inline struct gendisk *daxl_compat_alloc_disk(int node)
{
	struct gendisk *disk = blk_alloc_disk(node);

	return disk ? disk : ERR_PTR(-ENOMEM);
}

/*
 * An fs-dax page that nobody holds: on 6.1 their reference counts are
 * 1-based (mm/memremap.c), and the last put wakes waiters on _refcount.
 * From 6.15 fs-dax pages are ordinary refcounted folios, idle at 0.
 */
static inline bool daxl_compat_page_idle(struct page *page)
{
	return page_ref_count(page) == 1;
}

static inline void daxl_compat_wait_page_idle(struct page *page)
{
	___wait_var_event(&page->_refcount, daxl_compat_page_idle(page),
			  TASK_IDLE, 0, 0, schedule());
}

/*
 * block_device_operations.release: 6.1 passes the disk and the open mode;
 * 6.5 and later only the disk.  daxlite's handlers use only the disk.
 */
#define DAXL_COMPAT_BDEV_RELEASE_ARGS	struct gendisk *disk, fmode_t mode

#endif /* _DAXLITE_COMPAT_H */
