/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel-version differences, kept in one place.
 *
 * Every kernel interface that daxlite uses and that changed after 6.1 is
 * reached through a wrapper in this file, so that a port to a later kernel
 * touches this file and Kbuild's version check and nothing else.
 * docs/internals.md, "Kernel versions", lists the changes each supported
 * kernel brings.
 * A kernel whose differences are not written down and tested here is
 * refused at build time rather than miscompiled.
 *
 * The kernels covered are Debian's 6.1, 6.12 and 7.3 series.  Where a
 * test below names an upstream release, it is the one that made the
 * change; where it names only "after 6.12", the change is known to be in
 * 7.3 and not in 6.12, which is all the three series need.
 */
#ifndef _DAXLITE_COMPAT_H
#define _DAXLITE_COMPAT_H

#include <linux/blkdev.h>
#include <linux/dax.h>
#include <linux/dcache.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/huge_mm.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/splice.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>

/*
 * The kernel versions this file covers are checked by Kbuild, which stops
 * the build with a clear message on any other, and which passes the
 * target's VERSION and PATCHLEVEL as DAXL_LINUX_VERSION (6.12 is 612).
 * DAXL_SINCE(6, 13): the target is 6.13 or later.
 */
#ifndef DAXL_LINUX_VERSION
#error "DAXL_LINUX_VERSION is not set: build daxlite through its Kbuild"
#endif
#define DAXL_SINCE(major, minor)	\
	(DAXL_LINUX_VERSION >= (major) * 100 + (minor))

#if !DAXL_SINCE(6, 17)
#include <linux/pfn_t.h>
#endif

/*
 * The symbol namespace of dax_core's exports: 6.1 and 6.12 stringify a bare
 * identifier, 6.13 and later take a string literal.
 */
#if !DAXL_SINCE(6, 13)
#define DAXL_NS		DAXLITE
#else
#define DAXL_NS		"DAXLITE"
#endif

/*
 * The unbound system workqueue, where all of daxlite's work runs: 6.17
 * named it system_dfl_wq, and 7.2 warns once per work function queued on
 * the old system_wq or system_unbound_wq.
 */
#if !DAXL_SINCE(6, 17)
#define daxl_unbound_wq	system_unbound_wq
#else
#define daxl_unbound_wq	system_dfl_wq
#endif

/* The namespace of EXPORT_SYMBOL_IF_KUNIT(), spelled the same way. */
#if !DAXL_SINCE(6, 13)
#define DAXL_KUNIT_NS	EXPORTED_FOR_KUNIT_TESTING
#else
#define DAXL_KUNIT_NS	"EXPORTED_FOR_KUNIT_TESTING"
#endif

/*
 * pfns of device memory: 6.1 and 6.12 pass a pfn_t, flagged PFN_DEV |
 * PFN_MAP for memory with struct pages; 6.17 removed pfn_t, and pfns are
 * plain unsigned longs.  daxl_pfn_t is the type ->direct_access reports
 * through.
 */
#if !DAXL_SINCE(6, 17)
#define daxl_pfn_t	pfn_t

/* The pfn a ->direct_access method hands back for @phys. */
static inline pfn_t daxl_compat_dev_pfn(phys_addr_t phys)
{
	return phys_to_pfn_t(phys, PFN_DEV | PFN_MAP);
}

/* Whether @pfn, from dax_direct_access(), is memory with struct pages. */
static inline bool daxl_compat_pfn_has_page(pfn_t pfn)
{
	return pfn_t_devmap(pfn);
}

static inline phys_addr_t daxl_compat_pfn_phys(pfn_t pfn)
{
	return pfn_t_to_phys(pfn);
}

/*
 * Map the PMD at @phys into a VM_PFNMAP mapping.  Before 6.12
 * (CONFIG_ARCH_SUPPORTS_PMD_PFNMAP) such a PMD could not be marked
 * special: get_user_pages_fast() took it for a transparent huge page and
 * took references on the ZONE_DEVICE pages under it, all on the first
 * (each later dropped from its own page), so a raw mapping could be
 * pinned and every page's count went wrong.  There, 4 KiB ptes, which
 * are special, serve the fault.
 */
static inline vm_fault_t daxl_compat_insert_pfn_pmd(struct vm_fault *vmf,
						    phys_addr_t phys,
						    bool write)
{
#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
	return vmf_insert_pfn_pmd(vmf, phys_to_pfn_t(phys, PFN_DEV), write);
#else
	return VM_FAULT_FALLBACK;
#endif
}
#else
#define daxl_pfn_t	unsigned long

static inline unsigned long daxl_compat_dev_pfn(phys_addr_t phys)
{
	return PHYS_PFN(phys);
}

/*
 * Without pfn_t's PFN_MAP flag, memory with struct pages is told by its
 * pages: ZONE_DEVICE pages of a pmem or daxlite dev_pagemap.
 */
static inline bool daxl_compat_pfn_has_page(unsigned long pfn)
{
	return pfn_valid(pfn) && is_zone_device_page(pfn_to_page(pfn));
}

static inline phys_addr_t daxl_compat_pfn_phys(unsigned long pfn)
{
	return PFN_PHYS(pfn);
}

static inline vm_fault_t daxl_compat_insert_pfn_pmd(struct vm_fault *vmf,
						    phys_addr_t phys,
						    bool write)
{
	return vmf_insert_pfn_pmd(vmf, PHYS_PFN(phys), write);
}
#endif

/*
 * dax_direct_access() for callers that only ever want the kernel address.
 */
static inline long daxl_compat_direct_access(struct dax_device *dax_dev,
					     pgoff_t pgoff, long nr_pages,
					     void **kaddr)
{
	return dax_direct_access(dax_dev, pgoff, nr_pages, DAX_ACCESS, kaddr,
				 NULL);
}

/*
 * The inode of a dax_device: exported but declared only in the private
 * drivers/dax/dax-private.h.
 */
struct inode *dax_inode(struct dax_device *dax_dev);

/*
 * nvdimm_namespace_common_probe(): exported by libnvdimm but declared only
 * in the private drivers/nvdimm/nd.h.
 */
struct nd_namespace_common *nvdimm_namespace_common_probe(struct device *dev);

/*
 * class_create(): 6.1 takes the owning module; 6.4 and later take the
 * name only.  Class attribute ->store() takes const pointers from 6.4.
 */
#if !DAXL_SINCE(6, 4)
#define daxl_compat_class_create(name)	class_create(THIS_MODULE, name)
#define DAXL_COMPAT_CLASS_STORE_ARGS					\
	struct class *class, struct class_attribute *attr,		\
	const char *buf, size_t len
#else
#define daxl_compat_class_create(name)	class_create(name)
#define DAXL_COMPAT_CLASS_STORE_ARGS					\
	const struct class *class, const struct class_attribute *attr,	\
	const char *buf, size_t len
#endif

/*
 * vm_flags: 6.1 sets them by assignment; 6.3 and later through
 * vm_flags_set().
 */
static inline void daxl_compat_vm_flags_set(struct vm_area_struct *vma,
					    unsigned long flags)
{
#if !DAXL_SINCE(6, 3)
	vma->vm_flags |= flags;
#else
	vm_flags_set(vma, flags);
#endif
}

/*
 * ->huge_fault(): 6.1 passes an enum page_entry_size; 6.6 and later pass
 * the order of the mapping, and dax_iomap_fault() takes the same.
 * DAXL_COMPAT_FAULT_SIZE(name) declares the parameter, DAXL_COMPAT_FAULT_PTE
 * is the value of a PTE fault, and daxl_compat_fault_pages() turns the
 * parameter into a size in pages.
 */
#if !DAXL_SINCE(6, 6)
#define DAXL_COMPAT_FAULT_SIZE(name)	enum page_entry_size name
#define DAXL_COMPAT_FAULT_PTE		PE_SIZE_PTE

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
#else
#define DAXL_COMPAT_FAULT_SIZE(name)	unsigned int name
#define DAXL_COMPAT_FAULT_PTE		0

static inline unsigned int daxl_compat_fault_pages(unsigned int order)
{
	return 1U << order;
}
#endif

/**
 * struct daxl_disk_limits - the queue limits of a daxlite block device
 * @logical_block_size: smallest addressable unit, in bytes
 * @physical_block_size: the unit file systems should use, in bytes
 * @discard_granularity: discard in units of this many bytes
 * @write_cache: writes are volatile until a flush (persistent memory
 *	behind the CPU cache); also announces FUA
 *
 * Every daxlite disk is a non-rotational DAX device without limits on
 * request, discard and write-zeroes sizes.
 */
struct daxl_disk_limits {
	unsigned int logical_block_size;
	unsigned int physical_block_size;
	unsigned int discard_granularity;
	bool write_cache;
};

/*
 * blk_alloc_disk(): 6.1 takes a node and returns NULL on failure, and the
 * queue is set up afterwards; 6.9 and later take queue_limits (with the
 * BLK_FEAT_* features) and return an ERR_PTR.
 */
static inline struct gendisk *
daxl_compat_alloc_disk(const struct daxl_disk_limits *dl, int node)
{
#if !DAXL_SINCE(6, 9)
	struct gendisk *disk = blk_alloc_disk(node);
	struct request_queue *q;

	if (!disk)
		return ERR_PTR(-ENOMEM);
	q = disk->queue;
	blk_queue_logical_block_size(q, dl->logical_block_size);
	blk_queue_physical_block_size(q, dl->physical_block_size);
	blk_queue_max_hw_sectors(q, UINT_MAX);
	blk_queue_max_discard_sectors(q, UINT_MAX);
	blk_queue_max_write_zeroes_sectors(q, UINT_MAX);
	q->limits.discard_granularity = dl->discard_granularity;
	blk_queue_write_cache(q, dl->write_cache, dl->write_cache);
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	blk_queue_flag_set(QUEUE_FLAG_DAX, q);
	return disk;
#else
	struct queue_limits lim = {
		.logical_block_size	= dl->logical_block_size,
		.physical_block_size	= dl->physical_block_size,
		.max_hw_sectors		= UINT_MAX,
		.max_hw_discard_sectors	= UINT_MAX,
		.max_write_zeroes_sectors = UINT_MAX,
		.discard_granularity	= dl->discard_granularity,
		.features		= BLK_FEAT_DAX,
	};

	if (dl->write_cache)
		lim.features |= BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA;
	return blk_alloc_disk(&lim, node);
#endif
}

/*
 * block_device_operations.release: 6.1 passes the disk and the open mode;
 * 6.5 and later only the disk.  daxlite's handlers use only the disk.
 */
#if !DAXL_SINCE(6, 5)
#define DAXL_COMPAT_BDEV_RELEASE_ARGS	struct gendisk *disk, fmode_t mode
#else
#define DAXL_COMPAT_BDEV_RELEASE_ARGS	struct gendisk *disk
#endif

/*
 * Opening a block device exclusively, read-write, with @holder: 6.1's
 * blkdev_get_by_dev() returns the block_device, which blkdev_put() closes;
 * 6.9 and later open it as a file (bdev_file_open_by_dev()), closed with
 * bdev_fput().  The handle is what daxl_compat_bdev_close() takes; *@bdev
 * is the device.
 */
static inline void *daxl_compat_bdev_open(dev_t devt, void *holder,
					  struct block_device **bdev)
{
#if !DAXL_SINCE(6, 9)
	*bdev = blkdev_get_by_dev(devt, FMODE_READ | FMODE_WRITE | FMODE_EXCL,
				  holder);
	return *bdev;
#else
	struct file *file = bdev_file_open_by_dev(devt, BLK_OPEN_READ |
						  BLK_OPEN_WRITE, holder, NULL);

	if (!IS_ERR(file))
		*bdev = file_bdev(file);
	return file;
#endif
}

static inline void daxl_compat_bdev_close(void *handle)
{
#if !DAXL_SINCE(6, 9)
	blkdev_put(handle, FMODE_READ | FMODE_WRITE | FMODE_EXCL);
#else
	bdev_fput(handle);
#endif
}

/*
 * fs-dax page references.  On 6.1 and 6.12 an fs-dax page's reference
 * count is 1-based (mm/memremap.c): 1 is idle, and the put that brings it
 * back to 1 wakes waiters on _refcount.  From 6.15 fs-dax pages are
 * ordinary refcounted folios, idle at 0 (dax_page_is_idle()), and the free
 * wakes waiters on the page itself.
 */
#if !DAXL_SINCE(6, 15)
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
 * Before an fs-dax inode's page cache is truncated (at evict, or when its
 * memory goes): nothing to do before 6.15, where the DAX entries go with
 * the page cache; callers wait for held pages themselves.
 */
static inline void daxl_compat_break_layout_final(struct inode *inode)
{
}
#else
static inline bool daxl_compat_page_idle(struct page *page)
{
	return dax_page_is_idle(page);
}

static inline void daxl_compat_wait_page_idle(struct page *page)
{
	___wait_var_event(page, daxl_compat_page_idle(page), TASK_IDLE, 0, 0,
			  schedule());
}

/*
 * 6.15 and later: an fs-dax inode must wait for its pages to be idle and
 * drop its DAX entries before its page cache is truncated
 * (dax_break_layout_final(), as XFS and ext4 call it from ->evict_inode);
 * truncate_inode_pages() warns about any DAX entry left.
 */
static inline void daxl_compat_break_layout_final(struct inode *inode)
{
	dax_break_layout_final(inode);
}
#endif

/*
 * idmapped mounts: inode operations and the VFS helpers that apply them
 * (inode_init_owner, setattr_prepare, setattr_copy, simple_rename) take a
 * struct user_namespace * on 6.1 and a struct mnt_idmap * from 6.3.
 * daxl_idmap is that type; daxl_nop_idmap the identity.
 */
#if !DAXL_SINCE(6, 3)
#define daxl_idmap	user_namespace
#define daxl_nop_idmap	(&init_user_ns)
#else
#define daxl_idmap	mnt_idmap
#define daxl_nop_idmap	(&nop_mnt_idmap)
#endif

/*
 * ->create() loses its "excl" argument after 6.12; ->mkdir() returns a
 * dentry after 6.12 (NULL: the one it was given, now instantiated).
 * daxlite's handlers use neither: DAXL_COMPAT_CREATE_ARGS declares the
 * parameters, DAXL_COMPAT_MKDIR_RET is ->mkdir's return type, and
 * daxl_compat_mkdir_ret(rc) turns 0 or -errno into it.
 */
#if !DAXL_SINCE(6, 13)
#define DAXL_COMPAT_CREATE_ARGS						\
	struct daxl_idmap *idmap, struct inode *dir, struct dentry *dentry, \
	umode_t mode, bool excl
#define DAXL_COMPAT_MKDIR_RET		int
#define daxl_compat_mkdir_ret(rc)	(rc)
#else
#define DAXL_COMPAT_CREATE_ARGS						\
	struct daxl_idmap *idmap, struct inode *dir, struct dentry *dentry, \
	umode_t mode
#define DAXL_COMPAT_MKDIR_RET		struct dentry *
#define daxl_compat_mkdir_ret(rc)	ERR_PTR(rc)
#endif

/*
 * Inode timestamps: fields i_atime, i_mtime, i_ctime on 6.1; accessors
 * (inode_get_mtime(), inode_set_mtime_to_ts(), ...) from 6.7, when the
 * fields were hidden.
 */
#if !DAXL_SINCE(6, 7)
#define daxl_inode_atime(inode)		((inode)->i_atime)
#define daxl_inode_mtime(inode)		((inode)->i_mtime)
#define daxl_inode_ctime(inode)		((inode)->i_ctime)

static inline void daxl_inode_set_atime(struct inode *inode,
					struct timespec64 ts)
{
	inode->i_atime = ts;
}

static inline void daxl_inode_set_mtime(struct inode *inode,
					struct timespec64 ts)
{
	inode->i_mtime = ts;
}

static inline void daxl_inode_set_ctime(struct inode *inode,
					struct timespec64 ts)
{
	inode->i_ctime = ts;
}
#else
#define daxl_inode_atime(inode)		inode_get_atime(inode)
#define daxl_inode_mtime(inode)		inode_get_mtime(inode)
#define daxl_inode_ctime(inode)		inode_get_ctime(inode)

static inline void daxl_inode_set_atime(struct inode *inode,
					struct timespec64 ts)
{
	inode_set_atime_to_ts(inode, ts);
}

static inline void daxl_inode_set_mtime(struct inode *inode,
					struct timespec64 ts)
{
	inode_set_mtime_to_ts(inode, ts);
}

static inline void daxl_inode_set_ctime(struct inode *inode,
					struct timespec64 ts)
{
	inode_set_ctime_to_ts(inode, ts);
}
#endif

/*
 * MAP_SYNC support: file_operations.mmap_supported_flags on 6.1; the
 * FOP_MMAP_SYNC fop flag from 6.12 (fop_flags).  Used as a designated
 * initializer of struct file_operations.
 */
#if !DAXL_SINCE(6, 12)
#define DAXL_COMPAT_FOP_MAP_SYNC	.mmap_supported_flags = MAP_SYNC
#else
#define DAXL_COMPAT_FOP_MAP_SYNC	.fop_flags = FOP_MMAP_SYNC
#endif

/*
 * splice_read of a DAX file: generic_file_splice_read() on 6.1; it was
 * removed in 6.5, and copy_splice_read() (through ->read_iter) is what
 * the VFS uses for DAX files.
 */
#if !DAXL_SINCE(6, 5)
#define daxl_compat_dax_splice_read	generic_file_splice_read
#else
#define daxl_compat_dax_splice_read	copy_splice_read
#endif

/*
 * mmap of a DAX file.  6.1 and 6.12: ->mmap() gets the vm_area_struct and
 * daxdev_mapping_supported() checks it.  After 6.12: ->mmap_prepare()
 * gets a struct vm_area_desc, which daxdev_mapping_supported() checks
 * with the inode.  DAXL_COMPAT_FOP_MMAP is the file_operations member,
 * DAXL_COMPAT_MMAP_ARGS its parameters, of which "map" is the
 * struct daxl_mmap_target * the helpers below take.
 */
#if !DAXL_SINCE(6, 13)
#define DAXL_COMPAT_FOP_MMAP		mmap
#define daxl_mmap_target		vm_area_struct
#define DAXL_COMPAT_MMAP_ARGS	struct file *mmap_file, struct vm_area_struct *map

/* The file being mapped (->mmap() has set vm_file to it already). */
static inline struct file *daxl_compat_mmap_file(struct vm_area_struct *vma)
{
	return vma->vm_file;
}

static inline bool daxl_compat_mmap_supported(struct vm_area_struct *vma,
					      struct dax_device *dax_dev)
{
	return daxdev_mapping_supported(vma, dax_dev);
}

/* Map with @ops, and ask for huge pages. */
static inline void daxl_compat_mmap_set(struct vm_area_struct *vma,
					const struct vm_operations_struct *ops)
{
	vma->vm_ops = ops;
	daxl_compat_vm_flags_set(vma, VM_HUGEPAGE);
}
#else
#define DAXL_COMPAT_FOP_MMAP		mmap_prepare
#define daxl_mmap_target		vm_area_desc
#define DAXL_COMPAT_MMAP_ARGS	struct vm_area_desc *map

static inline struct file *daxl_compat_mmap_file(struct vm_area_desc *desc)
{
	return desc->file;
}

static inline bool daxl_compat_mmap_supported(struct vm_area_desc *desc,
					      struct dax_device *dax_dev)
{
	return daxdev_mapping_supported(desc, file_inode(desc->file), dax_dev);
}

static inline void daxl_compat_mmap_set(struct vm_area_desc *desc,
					const struct vm_operations_struct *ops)
{
	desc->vm_ops = ops;
	vma_desc_set_flags(desc, VMA_HUGEPAGE_BIT);
}
#endif

/*
 * Raw mappings (VM_PFNMAP) of /dev/daxN: up to 6.12 only a DAX mapping is
 * offered PMD faults, so they go through the dax_device's S_DAX inode.
 * After 6.12 the mm takes every DAX mapping for one of folios, and offers
 * PMD faults to huge PFN maps of other files: they go through an inode
 * that is not S_DAX (dax_core/raw_mapping.c).
 */
#define DAXL_COMPAT_RAW_MAPS_DAX	(!DAXL_SINCE(6, 13))

/*
 * The firmware's own memory map, before memmap= changed it (x86):
 * daxl_compat_firmware_map_any(start, end, type) is non-zero if any of
 * [start, end) has that e820 type there, negative if it cannot tell.
 * e820__mapped_raw_any() answers up to 6.12; in 7.3 it is exported to KVM
 * only, and dax_core reads the same map where the kernel publishes it,
 * /sys/firmware/memmap (dax_core/fwmap.c).
 */
#ifdef CONFIG_X86
#if !DAXL_SINCE(6, 13)
#define daxl_compat_firmware_map_any(start, end, type)		\
	((int)e820__mapped_raw_any(start, end, type))
#else
#define daxl_compat_firmware_map_any(start, end, type)		\
	daxl_fwmap_any(start, end, type)
#endif
#endif

/*
 * Helpers 7.3 no longer declares, replaced by what it offers:
 *
 * daxl_compat_dcache_lookup(): the dentry of @name under @parent if the
 * dcache has one, NULL if not.  d_hash_and_lookup() up to 6.12;
 * try_lookup_noperm() after.
 */
static inline struct dentry *
daxl_compat_dcache_lookup(struct dentry *parent, struct qstr *name)
{
#if !DAXL_SINCE(6, 13)
	return d_hash_and_lookup(parent, name);
#else
	return try_lookup_noperm(name, parent);
#endif
}

/*
 * daxl_compat_lock_rename() / daxl_compat_unlock_rename(): lock two
 * directories of one file system for a rename the file system makes
 * itself (a replayed log entry), as the VFS locks them for rename(2), and
 * return what lock_rename() returns: NULL, the "trap" (the child of one
 * directory that is an ancestor of the other, or the other itself), or
 * an ERR_PTR with nothing locked.  lock_rename() and unlock_rename() up
 * to 6.12.  After 6.12 they are private to fs/namei.c and the exported
 * start_renaming*() helpers also look names up and check permissions,
 * which a replay must not; so this takes the same locks in the same
 * order: the file system's rename mutex for two directories (which keeps
 * d_parent stable), then the ancestor first (or the first one, if
 * neither is an ancestor of the other).
 */
#if DAXL_SINCE(6, 13)
/* The child of @anc that is @d or an ancestor of @d, or NULL. */
static inline struct dentry *daxl_compat_child_towards(struct dentry *d,
						       struct dentry *anc)
{
	while (!IS_ROOT(d) && d->d_parent != anc)
		d = d->d_parent;
	return IS_ROOT(d) ? NULL : d;
}
#endif

static inline struct dentry *daxl_compat_lock_rename(struct dentry *p1,
						     struct dentry *p2)
{
#if !DAXL_SINCE(6, 13)
	return lock_rename(p1, p2);
#else
	struct dentry *trap;

	if (p1 == p2) {
		inode_lock_nested(d_inode(p1), I_MUTEX_PARENT);
		return NULL;
	}
	mutex_lock(&p1->d_sb->s_vfs_rename_mutex);
	trap = daxl_compat_child_towards(p1, p2);
	if (trap) {
		inode_lock_nested(d_inode(p2), I_MUTEX_PARENT);
		inode_lock_nested(d_inode(p1), I_MUTEX_PARENT2);
		return trap;
	}
	inode_lock_nested(d_inode(p1), I_MUTEX_PARENT);
	inode_lock_nested(d_inode(p2), I_MUTEX_PARENT2);
	return daxl_compat_child_towards(p2, p1);
#endif
}

static inline void daxl_compat_unlock_rename(struct dentry *p1,
					     struct dentry *p2)
{
#if !DAXL_SINCE(6, 13)
	unlock_rename(p1, p2);
#else
	inode_unlock(d_inode(p1));
	if (p1 != p2) {
		inode_unlock(d_inode(p2));
		mutex_unlock(&p1->d_sb->s_vfs_rename_mutex);
	}
#endif
}

/*
 * The reference that keeps a name of an in-memory file system in the
 * dcache (ramfs-style).  Up to 6.12 a plain extra reference, dropped by
 * kill_litter_super() at umount; after 6.12 a persistent dentry
 * (d_make_persistent()), which simple_unlink(), simple_rmdir() and
 * simple_rename() make discardable again and kill_anon_super() drops.
 *
 * daxl_compat_d_pin(): instantiate @dentry (hashed) with @inode and pin
 * it.  daxl_compat_d_add_pinned(): the same for a dentry fresh from
 * d_alloc_name() (unhashed), whose allocation reference becomes the pin.
 */
static inline void daxl_compat_d_pin(struct dentry *dentry,
				     struct inode *inode)
{
#if !DAXL_SINCE(6, 13)
	d_instantiate(dentry, inode);
	dget(dentry);
#else
	d_make_persistent(dentry, inode);
#endif
}

static inline void daxl_compat_d_add_pinned(struct dentry *dentry,
					    struct inode *inode)
{
#if !DAXL_SINCE(6, 13)
	d_add(dentry, inode);
#else
	d_make_persistent(dentry, inode);
	dput(dentry);
#endif
}

static inline void daxl_compat_kill_sb(struct super_block *sb)
{
#if !DAXL_SINCE(6, 13)
	kill_litter_super(sb);
#else
	kill_anon_super(sb);
#endif
}

/*
 * fsync of a DAX file without a block device to flush: write back the
 * dirty DAX entries (->writepages) and the inode.  __generic_file_fsync()
 * up to 6.12; simple_fsync_noflush() after.
 */
static inline int daxl_compat_fsync(struct file *file, loff_t start,
				    loff_t end, int datasync)
{
#if !DAXL_SINCE(6, 13)
	return __generic_file_fsync(file, start, end, datasync);
#else
	return simple_fsync_noflush(file, start, end, datasync);
#endif
}

#endif /* _DAXLITE_COMPAT_H */
