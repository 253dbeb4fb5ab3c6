// SPDX-License-Identifier: GPL-2.0-only
/*
 * dax_blk: block devices with DAX on reserved physical memory.
 *
 * Each range named in the ranges= parameter becomes /dev/daxblkN, in the
 * order given.  The memory is reserved at boot (memmap=SIZE$START for RAM)
 * and mapped by dax_core with ZONE_DEVICE pages, so the disk carries a
 * dax_device and ext4 or xfs mount it with -o dax exactly as they mount
 * /dev/pmemN.  Block I/O is a copy to or from the mapped memory.
 *
 * A device is set up in pmem's order (disk, dax_device, dax host, then
 * device_add_disk) and torn down in exactly the reverse order.  The
 * block_device_operations owner pins the module while a device is open or
 * mounted, so it cannot be unloaded under a filesystem.
 *
 * dax_blk also serves raw NVDIMM namespaces on request, as persistent
 * memory: "namespaceX.Y" written to /sys/bus/nd/drivers/dax_blk/attach,
 * "daxblkN" to .../detach (refused while the disk is open or mounted).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

#include "dax_blk.h"

/**
 * struct daxblk_device - one /dev/daxblkN
 * @region: the memory it serves, owned through dax_core
 * @disk: its gendisk
 */
struct daxblk_device {
	struct daxl_region *region;
	struct gendisk *disk;
};

/**
 * daxblk_do_bvec() - copy one segment of a bio to or from the device
 * @region: the device's memory
 * @bv: the segment
 * @sector: the device sector it starts at
 * @write: true to store the segment, false to fill it
 *
 * Return: BLK_STS_OK, or errno_to_blk_status() of the copy's error:
 * -ERANGE past the device's end, -EIO for poisoned memory on a read.
 */
VISIBLE_IF_KUNIT blk_status_t daxblk_do_bvec(struct daxl_region *region,
					     struct bio_vec *bv, sector_t sector,
					     bool write)
{
	u64 offset = (u64)sector << SECTOR_SHIFT;
	void *mem = bvec_kmap_local(bv);
	int rc;

	if (write) {
		rc = daxl_region_write(region, offset, mem, bv->bv_len);
	} else {
		rc = daxl_region_read(region, offset, mem, bv->bv_len);
		flush_dcache_page(bv->bv_page);
	}
	kunmap_local(mem);
	return errno_to_blk_status(rc);
}
EXPORT_SYMBOL_IF_KUNIT(daxblk_do_bvec);

static void daxblk_submit_bio(struct bio *bio)
{
	struct daxblk_device *dev = bio->bi_bdev->bd_disk->private_data;
	struct daxl_region *region = dev->region;
	blk_status_t status = BLK_STS_OK;
	struct bvec_iter iter;
	struct bio_vec bv;
	unsigned long start = 0;
	bool acct;
	int rc;

	if (bio->bi_opf & REQ_PREFLUSH)
		daxl_region_flush(region);

	acct = bio_sectors(bio) && blk_queue_io_stat(bio->bi_bdev->bd_disk->queue);
	if (acct)
		start = bio_start_io_acct(bio);

	switch (bio_op(bio)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		bio_for_each_segment(bv, bio, iter) {
			status = daxblk_do_bvec(region, &bv, iter.bi_sector,
						op_is_write(bio_op(bio)));
			if (status)
				break;
		}
		break;
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		/* Discarded blocks read back as zeroes, as on pmem. */
		rc = daxl_region_zero(region,
				      (u64)bio->bi_iter.bi_sector << SECTOR_SHIFT,
				      bio->bi_iter.bi_size);
		status = errno_to_blk_status(rc);
		break;
	case REQ_OP_FLUSH:
		break;
	default:
		status = BLK_STS_NOTSUPP;
		break;
	}

	if (acct)
		bio_end_io_acct(bio, start);
	if (bio->bi_opf & REQ_FUA)
		daxl_region_flush(region);

	bio->bi_status = status;
	bio_endio(bio);
}

/* The disk lost an opener: a removal waiting for it to be idle retries. */
static void daxblk_release(DAXL_COMPAT_BDEV_RELEASE_ARGS)
{
	daxl_user_gone();
}

static const struct block_device_operations daxblk_fops = {
	.owner		= THIS_MODULE,
	.submit_bio	= daxblk_submit_bio,
	.release	= daxblk_release,
};

/*
 * And now the module code and kernel interface.
 */

static char *ranges;
module_param(ranges, charp, 0444);
MODULE_PARM_DESC(ranges,
		 "Reserved memory to serve, as SIZE@START[,SIZE@START...] (e.g. 512M@0x80000000); each range becomes /dev/daxblkN");

static bool persistent;
module_param(persistent, bool, 0444);
MODULE_PARM_DESC(persistent,
		 "The ranges are persistent memory: bypass the CPU cache on writes and flush on fsync (default: volatile RAM)");

/*
 * Create /dev/daxblkN on @phys; @ns is the NVDIMM namespace it comes
 * from, or NULL for a range of the parameter.  dax_core picks N.
 */
static void *daxblk_add(const struct daxl_phys *phys, enum daxl_backing backing,
			struct device *ns, unsigned int index)
{
	struct daxblk_device *dev;
	struct dax_device *dax_dev;
	struct gendisk *disk;
	/* As pmem: O_DIRECT in 512-byte blocks, file systems in pages. */
	struct daxl_disk_limits lim = {
		.logical_block_size	= SECTOR_SIZE,
		.physical_block_size	= PAGE_SIZE,
		.discard_granularity	= PAGE_SIZE,
		.write_cache		= backing == DAXL_PERSISTENT,
	};
	char name[DAXL_OWNER_LEN];
	int rc;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	snprintf(name, sizeof(name), "daxblk%u", index);

	dev->region = daxl_region_map(phys, backing, name);
	if (IS_ERR(dev->region)) {
		rc = PTR_ERR(dev->region);
		goto out_free_dev;
	}

	disk = daxl_compat_alloc_disk(&lim, NUMA_NO_NODE);
	if (IS_ERR(disk)) {
		rc = PTR_ERR(disk);
		goto out_unmap;
	}
	dev->disk = disk;
	disk->fops = &daxblk_fops;
	disk->private_data = dev;
	strscpy(disk->disk_name, name, DISK_NAME_LEN);
	set_capacity(disk, dev->region->size >> SECTOR_SHIFT);

	dax_dev = daxl_region_alloc_dax(dev->region);
	if (IS_ERR(dax_dev)) {
		rc = PTR_ERR(dax_dev);
		goto out_put_disk;
	}
	rc = dax_add_host(dax_dev, disk);
	if (rc)
		goto out_kill_dax;

	rc = device_add_disk(ns, disk, NULL);
	if (rc)
		goto out_remove_host;
	return dev;

out_remove_host:
	dax_remove_host(disk);
out_kill_dax:
	daxl_region_kill_dax(dev->region);
out_put_disk:
	put_disk(disk);
out_unmap:
	daxl_region_unmap(dev->region);
out_free_dev:
	kfree(dev);
	return ERR_PTR(rc);
}

/* The exact reverse of daxblk_add(). */
static void daxblk_remove(void *data)
{
	struct daxblk_device *dev = data;

	dax_remove_host(dev->disk);
	daxl_region_kill_dax(dev->region);
	del_gendisk(dev->disk);
	put_disk(dev->disk);
	daxl_region_unmap(dev->region);
	kfree(dev);
}

/*
 * Before a namespace's disk is detached: refuse while a page a file
 * system mapped is still held (a pipe it was vmspliced into: 6.1's ext4
 * and xfs do not wait for those at umount, and the page must not be
 * unmapped under its holder), or while the disk is open (a mount keeps it
 * open); otherwise mark it dead under its open_mutex, so that an open
 * coming in before it is torn down gets no I/O through.  (From 6.6
 * blk_mark_disk_dead() asserts that open_mutex is not held: a lockdep
 * kernel of 6.12 or later reports it; left, README.)
 */
static int daxblk_retire(void *data)
{
	struct daxblk_device *dev = data;
	int rc = 0;

	if (daxl_region_busy_page(dev->region, 0, dev->region->size)) {
		pr_err("%s: a page of it is still held (pinned) since a mount mapped it\n",
		       dev->disk->disk_name);
		return -EBUSY;
	}
	mutex_lock(&dev->disk->open_mutex);
	if (disk_openers(dev->disk))
		rc = -EBUSY;
	else
		blk_mark_disk_dead(dev->disk);
	mutex_unlock(&dev->disk->open_mutex);
	return rc;
}

static const char *daxblk_name(void *data)
{
	struct daxblk_device *dev = data;

	return dev->disk->disk_name;
}

static const struct daxl_driver_ops daxblk_driver_ops = {
	.add	= daxblk_add,
	.remove	= daxblk_remove,
	.retire	= daxblk_retire,
	.name	= daxblk_name,
};

static struct daxl_driver daxblk_driver;

/* echo namespaceX.Y > /sys/bus/nd/drivers/dax_blk/attach */
static ssize_t attach_store(struct device_driver *drv, const char *buf,
			    size_t len)
{
	int rc = daxl_driver_attach(&daxblk_driver, buf);

	return rc ? rc : len;
}
static DRIVER_ATTR_WO(attach);

/* echo daxblkN > /sys/bus/nd/drivers/dax_blk/detach */
static ssize_t detach_store(struct device_driver *drv, const char *buf,
			    size_t len)
{
	int rc = daxl_driver_detach(&daxblk_driver, buf);

	return rc ? rc : len;
}
static DRIVER_ATTR_WO(detach);

static struct daxl_driver daxblk_driver = {
	.nd.drv = {
		.name	= KBUILD_MODNAME,
		.owner	= THIS_MODULE,
	},
	.ops = &daxblk_driver_ops,
};

/*
 * attach and detach are created after the driver is registered and removed
 * before it is unregistered, not as driver groups: a write in progress
 * waits for bind_lock, which unregistration holds, and removing a file
 * waits for its writers, so removing them inside driver_unregister() would
 * deadlock.  dax_chardev does the same with its class files.
 */
static int __init daxblk_init(void)
{
	enum daxl_backing backing = persistent ? DAXL_PERSISTENT : DAXL_VOLATILE;
	struct daxl_phys phys[DAXL_MAX_RANGES];
	int n, rc;

	n = daxl_parse_ranges_param(KBUILD_MODNAME, ranges, phys);
	if (n < 0)
		return n;
	rc = daxl_driver_register(&daxblk_driver, phys, n, backing);
	if (rc)
		return rc;
	rc = driver_create_file(&daxblk_driver.nd.drv, &driver_attr_attach);
	if (rc)
		goto out_driver_unregister;
	rc = driver_create_file(&daxblk_driver.nd.drv, &driver_attr_detach);
	if (rc)
		goto out_remove_attach;
	return 0;

out_remove_attach:
	driver_remove_file(&daxblk_driver.nd.drv, &driver_attr_attach);
out_driver_unregister:
	daxl_driver_unregister(&daxblk_driver);
	return rc;
}

static void __exit daxblk_exit(void)
{
	driver_remove_file(&daxblk_driver.nd.drv, &driver_attr_detach);
	driver_remove_file(&daxblk_driver.nd.drv, &driver_attr_attach);
	daxl_driver_unregister(&daxblk_driver);
}

module_init(daxblk_init);
module_exit(daxblk_exit);

MODULE_AUTHOR("daxlite maintainers");
MODULE_DESCRIPTION("daxlite block devices with DAX on reserved memory");
MODULE_LICENSE("GPL");
MODULE_VERSION(DAXLITE_VERSION);
MODULE_IMPORT_NS(DAXL_NS);
