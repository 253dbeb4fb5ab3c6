// SPDX-License-Identifier: GPL-2.0-only
/*
 * Regular files: their extents, and a data path that goes only through
 * fs/dax.c (dax_iomap_rw, dax_iomap_fault, dax_writeback_mapping_range).
 *
 * Space follows famfs: a file gets one contiguous, 2 MiB-aligned extent
 * once, by fallocate() or truncate() while it is empty, and its size never
 * changes after that.  Writes never extend a file: past its size they are
 * cut short, at or after it they fail with ENOSPC.
 *
 * Lock order (as fs/ext2/file.c):
 *   mmap_lock (page faults)
 *     sb_start_pagefault (write faults)
 *       mapping->invalidate_lock (faults: shared)
 *         DAX entry locks (fs/dax.c)
 *   i_rwsem (read: shared, write/fallocate/setattr: exclusive)
 *     sbi->log_lock
 *       sbi->space_lock
 * A file's extents are set once, before its size is published, and freed
 * only when its last user is gone, so iomap lookups need no lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dax.h>
#include <linux/falloc.h>
#include <linux/fiemap.h>
#include <linux/huge_mm.h>
#include <linux/iomap.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pagemap.h>
#include <linux/pfn_t.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include <daxlite/compat.h>

#include "famfs_lite.h"

static struct famfsl_file *famfsl_file(struct inode *inode)
{
	/* pairs with the release in famfsl_publish_extents() */
	return smp_load_acquire((struct famfsl_file **)&inode->i_private);
}

/*
 * Give a file its extents, then its size, in that order: an iomap lookup
 * trusts any offset below i_size to have an extent (see famfsl_file()).
 */
static void famfsl_publish_extents(struct inode *inode, struct famfsl_file *fe,
				   loff_t size)
{
	u64 total = 0;
	unsigned int i;

	for (i = 0; i < fe->nr; i++)
		total += fe->ext[i].len;
	/* pairs with the acquire in famfsl_file() */
	smp_store_release((struct famfsl_file **)&inode->i_private, fe);
	inode->i_blocks = total >> SECTOR_SHIFT;
	i_size_write(inode, size);
}

static int famfsl_iomap_begin(struct inode *inode, loff_t pos, loff_t length,
			      unsigned int flags, struct iomap *iomap,
			      struct iomap *srcmap)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	struct famfsl_file *fe = famfsl_file(inode);
	u64 file_off = 0;
	unsigned int i;

	for (i = 0; fe && i < fe->nr; i++) {
		if (pos < file_off + fe->ext[i].len) {
			iomap->offset = file_off;
			iomap->length = fe->ext[i].len;
			iomap->addr = fe->ext[i].dev_offset;
			iomap->type = IOMAP_MAPPED;
			iomap->flags = 0;
			iomap->bdev = NULL;
			iomap->dax_dev = sbi->region->dax_dev;
			return 0;
		}
		file_off += fe->ext[i].len;
	}
	/*
	 * Past the extents, so past EOF: dax_iomap_rw() asks for the rest of
	 * a read that crosses EOF before it clamps to i_size.  Writes and
	 * faults are stopped at i_size earlier and never get here.
	 */
	if (!(flags & (IOMAP_WRITE | IOMAP_FAULT))) {
		iomap->offset = pos;
		iomap->length = length;
		iomap->addr = IOMAP_NULL_ADDR;
		iomap->type = IOMAP_HOLE;
		iomap->flags = 0;
		iomap->bdev = NULL;
		iomap->dax_dev = sbi->region->dax_dev;
		return 0;
	}
	pr_err_ratelimited("%s: inode %lu: no extent at offset %lld\n",
			   sbi->name, inode->i_ino, pos);
	return -EIO;
}

static const struct iomap_ops famfsl_iomap_ops = {
	.iomap_begin	= famfsl_iomap_begin,
};

static ssize_t famfsl_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	ssize_t ret;

	if (!iov_iter_count(to))
		return 0;
	inode_lock_shared(inode);
	ret = dax_iomap_rw(iocb, to, &famfsl_iomap_ops);
	inode_unlock_shared(inode);
	file_accessed(iocb->ki_filp);
	return ret;
}

static ssize_t famfsl_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	loff_t size;
	ssize_t ret;

	inode_lock(inode);
	ret = generic_write_checks(iocb, from);
	if (ret <= 0)
		goto out_unlock;
	size = i_size_read(inode);
	if (iocb->ki_pos >= size) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	iov_iter_truncate(from, size - iocb->ki_pos);
	ret = file_remove_privs(iocb->ki_filp);
	if (ret)
		goto out_unlock;
	ret = dax_iomap_rw(iocb, from, &famfsl_iomap_ops);
out_unlock:
	inode_unlock(inode);
	if (ret > 0)
		ret = generic_write_sync(iocb, ret);
	return ret;
}

/* One handler for every fault size and for write-notify faults. */
static vm_fault_t famfsl_huge_fault(struct vm_fault *vmf,
				    enum page_entry_size pe_size)
{
	struct inode *inode = file_inode(vmf->vma->vm_file);
	bool write = (vmf->flags & FAULT_FLAG_WRITE) &&
		     (vmf->vma->vm_flags & VM_SHARED);
	vm_fault_t ret;
	pfn_t pfn;

	if (write)
		sb_start_pagefault(inode->i_sb);
	filemap_invalidate_lock_shared(inode->i_mapping);
	ret = dax_iomap_fault(vmf, pe_size, &pfn, NULL, &famfsl_iomap_ops);
	if (ret & VM_FAULT_NEEDDSYNC)
		ret = dax_finish_sync_fault(vmf, pe_size, pfn);
	filemap_invalidate_unlock_shared(inode->i_mapping);
	if (write)
		sb_end_pagefault(inode->i_sb);
	return ret;
}

static vm_fault_t famfsl_fault(struct vm_fault *vmf)
{
	return famfsl_huge_fault(vmf, PE_SIZE_PTE);
}

/*
 * .pfn_mkwrite matters: without it a read-faulted PTE becomes writable
 * without fs/dax.c tagging the entry dirty, and fsync would skip the
 * cache write-back.
 */
static const struct vm_operations_struct famfsl_vm_ops = {
	.fault		= famfsl_fault,
	.huge_fault	= famfsl_huge_fault,
	.page_mkwrite	= famfsl_fault,
	.pfn_mkwrite	= famfsl_fault,
};

static int famfsl_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(file_inode(file)->i_sb);

	if (!daxdev_mapping_supported(vma, sbi->region->dax_dev))
		return -EOPNOTSUPP;
	file_accessed(file);
	vma->vm_ops = &famfsl_vm_ops;
	daxl_compat_vm_flags_set(vma, VM_HUGEPAGE);
	return 0;
}

static int famfsl_fsync(struct file *file, loff_t start, loff_t end,
			int datasync)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(file_inode(file)->i_sb);
	int rc;

	/* writes back the CPU cache for dirty DAX entries (->writepages) */
	rc = __generic_file_fsync(file, start, end, datasync);
	daxl_region_flush(sbi->region);
	return rc;
}

/*
 * Give an empty file its one extent and size @size: take the space, zero
 * it, log it, then publish the extent and the size.
 */
static int famfsl_allocate(struct inode *inode, loff_t size)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	u64 len = round_up(size, FAMFSL_ALLOC_UNIT);
	struct famfsl_entry *e;
	struct famfsl_file *fe;
	u64 off;
	int rc;

	if (!inode->i_nlink)
		return -ENOENT;
	fe = kzalloc(sizeof(*fe), GFP_KERNEL);
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!fe || !e) {
		rc = -ENOMEM;
		goto out_free;
	}

	mutex_lock(&sbi->log_lock);
	mutex_lock(&sbi->space_lock);
	rc = famfsl_space_alloc(&sbi->space, len, &off);
	mutex_unlock(&sbi->space_lock);
	if (rc)
		goto out_unlock;
	rc = daxl_region_zero(sbi->region, off, len);
	daxl_region_flush(sbi->region);

	e->type = cpu_to_le32(FAMFSL_ALLOC);
	e->alloc.ino = cpu_to_le64(inode->i_ino);
	e->alloc.size = cpu_to_le64(size);
	e->alloc.nr_extents = cpu_to_le32(1);
	e->alloc.ext[0].dev_offset = cpu_to_le64(off);
	e->alloc.ext[0].len = cpu_to_le64(len);
	if (!rc)
		rc = famfsl_log_append(sbi, e);
	if (rc) {
		mutex_lock(&sbi->space_lock);
		famfsl_space_free(&sbi->space, off, len);
		mutex_unlock(&sbi->space_lock);
		goto out_unlock;
	}
	mutex_unlock(&sbi->log_lock);

	fe->nr = 1;
	fe->ext[0].dev_offset = off;
	fe->ext[0].len = len;
	famfsl_publish_extents(inode, fe, size);
	kfree(e);
	return 0;

out_unlock:
	mutex_unlock(&sbi->log_lock);
out_free:
	kfree(e);
	kfree(fe);
	return rc;
}

/*
 * A size request, from truncate (@exact) or fallocate: allocates an empty
 * file; on an allocated file only a request it already meets succeeds.
 */
static int famfsl_resize(struct inode *inode, loff_t size, bool exact)
{
	loff_t cur = i_size_read(inode);

	if (famfsl_file(inode)) {
		if (size == cur || (!exact && size <= cur))
			return 0;
		pr_info_ratelimited("%s: inode %lu: a file's size is set once; refusing %lld -> %lld\n",
				    FAMFSL_SB(inode->i_sb)->name, inode->i_ino,
				    cur, size);
		return -EINVAL;
	}
	return size ? famfsl_allocate(inode, size) : 0;
}

static long famfsl_fallocate(struct file *file, int mode, loff_t offset,
			     loff_t len)
{
	struct inode *inode = file_inode(file);
	int rc;

	if (mode)
		return -EOPNOTSUPP;
	inode_lock(inode);
	rc = famfsl_resize(inode, offset + len, false);
	inode_unlock(inode);
	return rc;
}

static int famfsl_file_setattr(struct user_namespace *mnt_userns,
			       struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	int rc;

	rc = setattr_prepare(mnt_userns, dentry, attr);
	if (rc)
		return rc;
	if (attr->ia_valid & ATTR_SIZE) {
		rc = famfsl_resize(inode, attr->ia_size, true);
		if (rc)
			return rc;
		attr->ia_valid &= ~ATTR_SIZE;
	}
	return famfsl_change_attrs(mnt_userns, inode, attr);
}

static int famfsl_fiemap(struct inode *inode, struct fiemap_extent_info *fi,
			 u64 start, u64 len)
{
	struct famfsl_file *fe = famfsl_file(inode);
	u64 file_off = 0;
	unsigned int i;
	int rc;

	rc = fiemap_prep(inode, fi, start, &len, 0);
	if (rc)
		return rc;
	for (i = 0; fe && i < fe->nr; i++) {
		const struct famfsl_extent_mem *x = &fe->ext[i];

		if (file_off + x->len > start && file_off < start + len) {
			rc = fiemap_fill_next_extent(fi, file_off, x->dev_offset,
						     x->len, i + 1 == fe->nr ?
						     FIEMAP_EXTENT_LAST : 0);
			if (rc)
				return rc < 0 ? rc : 0;
		}
		file_off += x->len;
	}
	return 0;
}

/**
 * famfsl_set_extents() - give a file the extents of a replayed ALLOC entry
 * @inode: an empty regular file
 * @a: the entry, already checked by famfsl_check_entry()
 *
 * Return: 0, -ENOMEM, or -EUCLEAN if an extent overlaps space in use.
 */
int famfsl_set_extents(struct inode *inode, const struct famfsl_alloc *a)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	unsigned int i, nr = le32_to_cpu(a->nr_extents);
	struct famfsl_file *fe;
	int rc = 0;

	fe = kzalloc(sizeof(*fe), GFP_KERNEL);
	if (!fe)
		return -ENOMEM;
	mutex_lock(&sbi->space_lock);
	for (i = 0; i < nr && !rc; i++) {
		fe->ext[i].dev_offset = le64_to_cpu(a->ext[i].dev_offset);
		fe->ext[i].len = le64_to_cpu(a->ext[i].len);
		rc = famfsl_space_mark(&sbi->space, fe->ext[i].dev_offset,
				       fe->ext[i].len);
	}
	if (rc) {
		while (--i > 0)
			famfsl_space_free(&sbi->space, fe->ext[i - 1].dev_offset,
					  fe->ext[i - 1].len);
		mutex_unlock(&sbi->space_lock);
		kfree(fe);
		return rc;
	}
	mutex_unlock(&sbi->space_lock);
	fe->nr = nr;
	famfsl_publish_extents(inode, fe, le64_to_cpu(a->size));
	return 0;
}

/**
 * famfsl_free_extents() - give a file's space back, once
 * @inode: a regular file that is gone from the tree
 */
void famfsl_free_extents(struct inode *inode)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	struct famfsl_file *fe = famfsl_file(inode);
	unsigned int i;

	if (!fe)
		return;
	mutex_lock(&sbi->space_lock);
	if (!fe->freed)
		for (i = 0; i < fe->nr; i++)
			famfsl_space_free(&sbi->space, fe->ext[i].dev_offset,
					  fe->ext[i].len);
	fe->freed = true;
	mutex_unlock(&sbi->space_lock);
}

static int famfsl_writepages(struct address_space *mapping,
			     struct writeback_control *wbc)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(mapping->host->i_sb);

	return dax_writeback_mapping_range(mapping, sbi->region->dax_dev, wbc);
}

const struct address_space_operations famfsl_dax_aops = {
	.writepages	= famfsl_writepages,
	.direct_IO	= noop_direct_IO,
	.dirty_folio	= noop_dirty_folio,
};

const struct file_operations famfsl_file_ops = {
	.llseek			= generic_file_llseek,
	.read_iter		= famfsl_read_iter,
	.write_iter		= famfsl_write_iter,
	.mmap			= famfsl_mmap,
	.mmap_supported_flags	= MAP_SYNC,
	.get_unmapped_area	= thp_get_unmapped_area,
	.fsync			= famfsl_fsync,
	.fallocate		= famfsl_fallocate,
};

const struct inode_operations famfsl_file_inode_ops = {
	.setattr	= famfsl_file_setattr,
	.fiemap		= famfsl_fiemap,
};
