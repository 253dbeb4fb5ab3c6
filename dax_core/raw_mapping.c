// SPDX-License-Identifier: GPL-2.0-only
/*
 * The address_space that raw mappings of a region (dax_chardev's mmap of
 * /dev/daxN) go through.  Every open file of the region points its
 * f_mapping there, so dax_core can take every raw mapping away at once
 * (unmap_mapping_range(), when the memory goes).
 *
 * Raw mappings are PFN maps (VM_PFNMAP, special page table entries).  Up
 * to 6.12 they go through the dax_device's own S_DAX inode, as device-dax
 * did: only a DAX mapping is offered PMD faults there.  Later kernels map
 * device-dax with folios and treat every DAX mapping as holding folios
 * (splitting a PMD of one drops folio references), while huge PFN maps of
 * a file that is not DAX get PMD faults on their own.  There each region
 * gets an inode of its own on a small pseudo file system of dax_core's,
 * which is not S_DAX (compat.h: DAXL_COMPAT_RAW_MAPS_DAX).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

#include "dax_core_internal.h"

#define DAXL_RAW_MAGIC	0x6461786c	/* "daxl" */

static struct vfsmount *daxl_raw_mnt;

static int daxl_raw_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, DAXL_RAW_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type daxl_raw_fs_type = {
	.name			= "daxlite_raw",
	.init_fs_context	= daxl_raw_init_fs_context,
	.kill_sb		= kill_anon_super,
};

/**
 * daxl_region_raw_mapping() - where raw mappings of a region go
 * @region: a region with a dax_device
 *
 * Return: the address_space every open file of the region's character
 * device points its f_mapping to.
 */
struct address_space *daxl_region_raw_mapping(struct daxl_region *region)
{
	if (region->raw_inode)
		return region->raw_inode->i_mapping;
	return dax_inode(region->dax_dev)->i_mapping;
}
EXPORT_SYMBOL_NS_GPL(daxl_region_raw_mapping, DAXL_NS);

/* Give @region an inode of its own for raw mappings, where one is needed. */
int daxl_region_raw_init(struct daxl_region *region)
{
	struct inode *inode;

	if (DAXL_COMPAT_RAW_MAPS_DAX)
		return 0;
	inode = alloc_anon_inode(daxl_raw_mnt->mnt_sb);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	region->raw_inode = inode;
	return 0;
}

void daxl_region_raw_exit(struct daxl_region *region)
{
	if (region->raw_inode)
		iput(region->raw_inode);
	region->raw_inode = NULL;
}

int daxl_raw_fs_init(void)
{
	daxl_raw_mnt = kern_mount(&daxl_raw_fs_type);
	return PTR_ERR_OR_ZERO(daxl_raw_mnt);
}

void daxl_raw_fs_exit(void)
{
	kern_unmount(daxl_raw_mnt);
}
