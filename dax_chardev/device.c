// SPDX-License-Identifier: GPL-2.0-only
/*
 * dax_chardev: character devices /dev/daxN that carry dax_operations.
 *
 * Each range named in the ranges= parameter becomes /dev/daxN, in the
 * order given, with a dax_device from dax_core.  Stock /dev/daxX.Y has a
 * dax_device without operations, so no filesystem can run fs-dax on it;
 * these devices have the full set, and dax_core lets a filesystem module
 * find one by path and hold it exclusively.
 *
 * The device can also be used raw: read/write/lseek as on a block device,
 * and MAP_SHARED mmap served with 4 KiB and, where the mapping is 2 MiB
 * aligned, 2 MiB faults.  Raw mappings are VM_PFNMAP: they never touch the
 * struct pages, so they leave no page->mapping behind for fs/dax.c to trip
 * on when a filesystem later uses the same memory.  Raw mappings and raw
 * writes are refused while a filesystem holds the device, and a device
 * that is mapped or being written cannot be held.
 *
 * Besides the ranges of its parameter, dax_chardev serves NVDIMM
 * namespaces (raw, or label-less) on request: writing "namespaceX.Y" to
 * /sys/class/dax_chardev/attach binds a namespace that no driver holds,
 * and writing "daxN" to .../detach gives it back.  The driver's own
 * bind/unbind files are suppressed, because an unbind cannot be refused
 * and would pull the memory from under a mounted file system; detach is
 * refused while the device is open, mapped or held.  The driver takes no
 * namespace it was not asked for, so it never races nd_pmem.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

#include "dax_chardev.h"

/**
 * struct daxcdev_device - one /dev/daxN
 * @region: the memory it serves, owned through dax_core
 * @cdev: its character device; holds a reference on @dev while it has one
 * @dev: its device in the dax_chardev class; its release frees this
 * @minor: N
 * @open_lock: protects @opens and @dying
 * @opens: open files (a mapping keeps its file open)
 * @dying: detach is under way or done; opens fail
 *
 * An open can find the cdev, and take a reference on it, just before the
 * device is removed, and only then reach daxcdev_open(); so the structure
 * lives until the last reference on @dev goes, not until removal.  After
 * removal @region is gone: only @open_lock and @dying may be used.
 */
struct daxcdev_device {
	struct daxl_region *region;
	struct cdev cdev;
	struct device dev;
	unsigned int minor;
	/* see @open_lock above */
	struct mutex open_lock;
	unsigned int opens;
	bool dying;
};

static struct class *daxcdev_class;
static dev_t daxcdev_base;
static struct daxl_driver daxcdev_driver;

static vm_fault_t daxcdev_fault_pte(struct vm_fault *vmf,
				    struct daxl_region *region)
{
	if (PFN_PHYS(vmf->pgoff) >= region->size)
		return VM_FAULT_SIGBUS;
	return vmf_insert_pfn(vmf->vma, vmf->address,
			      PHYS_PFN(region->start) + vmf->pgoff);
}

static vm_fault_t daxcdev_fault_pmd(struct vm_fault *vmf,
				    struct daxl_region *region)
{
	unsigned long pmd_addr = vmf->address & PMD_MASK;
	pgoff_t pgoff = linear_page_index(vmf->vma, pmd_addr);

	if (!daxcdev_pmd_fits(vmf->vma->vm_start, vmf->vma->vm_end, pmd_addr,
			      pgoff, region->size))
		return VM_FAULT_FALLBACK;
	return daxl_compat_insert_pfn_pmd(vmf, region->start + PFN_PHYS(pgoff),
					  vmf->flags & FAULT_FLAG_WRITE);
}

/*
 * Faults map the memory only while it is there: a borrowed region can
 * lose it (its lender is removed), and dax_core then waits for faults in
 * progress before it takes every raw mapping away.
 */
static vm_fault_t daxcdev_huge_fault(struct vm_fault *vmf,
				     DAXL_COMPAT_FAULT_SIZE(size))
{
	struct daxcdev_device *dev = vmf->vma->vm_file->private_data;
	vm_fault_t ret;
	int idx;

	idx = daxl_region_enter(dev->region);
	if (!daxl_region_alive(dev->region)) {
		daxl_region_exit(idx);
		return VM_FAULT_SIGBUS;
	}
	switch (daxl_compat_fault_pages(size)) {
	case 1:
		ret = daxcdev_fault_pte(vmf, dev->region);
		break;
	case PMD_SIZE >> PAGE_SHIFT:
		ret = daxcdev_fault_pmd(vmf, dev->region);
		break;
	default:
		ret = VM_FAULT_FALLBACK;
		break;
	}
	daxl_region_exit(idx);
	return ret;
}

static vm_fault_t daxcdev_fault(struct vm_fault *vmf)
{
	return daxcdev_huge_fault(vmf, DAXL_COMPAT_FAULT_PTE);
}

/* Every raw mapping, and every copy or piece of one, counts as a raw user. */
static void daxcdev_vm_open(struct vm_area_struct *vma)
{
	struct daxcdev_device *dev = vma->vm_file->private_data;

	daxl_region_raw_dup(dev->region);
}

static void daxcdev_vm_close(struct vm_area_struct *vma)
{
	struct daxcdev_device *dev = vma->vm_file->private_data;

	daxl_region_raw_put(dev->region);
}

static const struct vm_operations_struct daxcdev_vm_ops = {
	.open		= daxcdev_vm_open,
	.close		= daxcdev_vm_close,
	.fault		= daxcdev_fault,
	.huge_fault	= daxcdev_huge_fault,
};

static int daxcdev_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct daxcdev_device *dev = filp->private_data;
	u64 size = dev->region->size;

	/* VM_SHARED is cleared for read-only files; VM_MAYSHARE is not. */
	if (!(vma->vm_flags & VM_MAYSHARE)) {
		dev_info_ratelimited(&dev->dev, "%s: MAP_PRIVATE is not supported, use MAP_SHARED\n",
				     current->comm);
		return -EINVAL;
	}
	if (vma->vm_pgoff > (size >> PAGE_SHIFT) ||
	    daxl_check_span(PFN_PHYS(vma->vm_pgoff),
			    vma->vm_end - vma->vm_start, size)) {
		dev_info_ratelimited(&dev->dev, "%s: mapping past the end of the device\n",
				     current->comm);
		return -EINVAL;
	}
	if (daxl_region_raw_get(dev->region)) {
		dev_info_ratelimited(&dev->dev, "%s: mmap refused, the device is held by a filesystem\n",
				     current->comm);
		return -EBUSY;
	}

	vma->vm_ops = &daxcdev_vm_ops;
	daxl_compat_vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
				 VM_HUGEPAGE);
	return 0;
}

static ssize_t daxcdev_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct daxcdev_device *dev = iocb->ki_filp->private_data;
	ssize_t len, done;

	len = daxcdev_io_len(iocb->ki_pos, iov_iter_count(to),
			     dev->region->size, false);
	if (len <= 0)
		return len;
	done = daxl_region_copy_to_iter(dev->region, iocb->ki_pos, len, to);
	if (done < 0)
		return done;
	iocb->ki_pos += done;
	return done ? done : -EFAULT;
}

static ssize_t daxcdev_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct daxcdev_device *dev = iocb->ki_filp->private_data;
	ssize_t len, done;

	len = daxcdev_io_len(iocb->ki_pos, iov_iter_count(from),
			     dev->region->size, true);
	if (len <= 0)
		return len;
	if (daxl_region_raw_get(dev->region)) {
		dev_info_ratelimited(&dev->dev, "%s: write refused, the device is held by a filesystem\n",
				     current->comm);
		return -EBUSY;
	}
	done = daxl_region_copy_from_iter(dev->region, iocb->ki_pos, len, from);
	if (done > 0 && (iocb->ki_flags & IOCB_DSYNC))
		daxl_region_flush(dev->region);
	daxl_region_raw_put(dev->region);
	if (done < 0)
		return done;
	iocb->ki_pos += done;
	return done ? done : -EFAULT;
}

static loff_t daxcdev_llseek(struct file *filp, loff_t offset, int whence)
{
	struct daxcdev_device *dev = filp->private_data;

	return fixed_size_llseek(filp, offset, whence, dev->region->size);
}

static int daxcdev_fsync(struct file *filp, loff_t start, loff_t end,
			 int datasync)
{
	struct daxcdev_device *dev = filp->private_data;

	daxl_region_flush(dev->region);
	return 0;
}

static unsigned long daxcdev_get_unmapped_area(struct file *filp,
					       unsigned long addr,
					       unsigned long len,
					       unsigned long pgoff,
					       unsigned long flags)
{
	/* PMD-aligned, for huge faults (see daxcdev_open()) */
	return thp_get_unmapped_area(filp, addr, len, pgoff, flags);
}

static int daxcdev_open(struct inode *inode, struct file *filp)
{
	struct daxcdev_device *dev =
		container_of(inode->i_cdev, struct daxcdev_device, cdev);

	mutex_lock(&dev->open_lock);
	if (dev->dying) {
		mutex_unlock(&dev->open_lock);
		return -ENXIO;
	}
	dev->opens++;
	mutex_unlock(&dev->open_lock);

	filp->private_data = dev;
	/*
	 * Map through the region's raw mapping (on 6.1 the dax_device's own
	 * S_DAX inode, as device-dax does, so that huge faults are offered),
	 * which dax_core unmaps when the memory goes.
	 */
	filp->f_mapping = daxl_region_raw_mapping(dev->region);
	return 0;
}

static int daxcdev_release(struct inode *inode, struct file *filp)
{
	struct daxcdev_device *dev = filp->private_data;

	mutex_lock(&dev->open_lock);
	dev->opens--;
	mutex_unlock(&dev->open_lock);
	daxl_user_gone();
	return 0;
}

static const struct file_operations daxcdev_fops = {
	.owner			= THIS_MODULE,
	.open			= daxcdev_open,
	.release		= daxcdev_release,
	.llseek			= daxcdev_llseek,
	.read_iter		= daxcdev_read_iter,
	.write_iter		= daxcdev_write_iter,
	.mmap			= daxcdev_mmap,
	.get_unmapped_area	= daxcdev_get_unmapped_area,
	.fsync			= daxcdev_fsync,
};

/*
 * sysfs: /sys/class/dax_chardev/daxN/{size,start,align,backing}
 */

static struct daxcdev_device *to_daxcdev(struct device *d)
{
	return container_of(d, struct daxcdev_device, dev);
}

static ssize_t size_show(struct device *d, struct device_attribute *attr,
			 char *buf)
{
	struct daxcdev_device *dev = to_daxcdev(d);

	return sysfs_emit(buf, "%llu\n", dev->region->size);
}
static DEVICE_ATTR_RO(size);

static ssize_t start_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	struct daxcdev_device *dev = to_daxcdev(d);

	return sysfs_emit(buf, "%#llx\n", (u64)dev->region->start);
}
static DEVICE_ATTR_ADMIN_RO(start);

static ssize_t align_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%u\n", DAXL_REGION_ALIGN);
}
static DEVICE_ATTR_RO(align);

static ssize_t backing_show(struct device *d, struct device_attribute *attr,
			    char *buf)
{
	struct daxcdev_device *dev = to_daxcdev(d);

	return sysfs_emit(buf, "%s\n", dev->region->backing == DAXL_PERSISTENT ?
			  "persistent" : "volatile");
}
static DEVICE_ATTR_RO(backing);

static struct attribute *daxcdev_attrs[] = {
	&dev_attr_size.attr,
	&dev_attr_start.attr,
	&dev_attr_align.attr,
	&dev_attr_backing.attr,
	NULL,
};
ATTRIBUTE_GROUPS(daxcdev);

/*
 * And now the module code and kernel interface.
 */

static char *ranges;
module_param(ranges, charp, 0444);
MODULE_PARM_DESC(ranges,
		 "Reserved memory to serve, as SIZE@START[,SIZE@START...] (e.g. 512M@0x80000000); each range becomes /dev/daxN");

static bool persistent;
module_param(persistent, bool, 0444);
MODULE_PARM_DESC(persistent,
		 "The ranges are persistent memory: bypass the CPU cache on writes and flush on fsync (default: volatile RAM)");

static void daxcdev_release_dev(struct device *d)
{
	struct daxcdev_device *dev = to_daxcdev(d);

	mutex_destroy(&dev->open_lock);
	kfree(dev);
}

/*
 * Create /dev/daxN on @region, a region with its dax_device; @ns is the
 * NVDIMM namespace it comes from, or NULL.  On failure the region is the
 * caller's to give up.
 */
static struct daxcdev_device *daxcdev_create(struct daxl_region *region,
					     struct device *ns,
					     unsigned int minor)
{
	struct daxcdev_device *dev;
	int rc;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->region = region;
	dev->minor = minor;
	mutex_init(&dev->open_lock);

	device_initialize(&dev->dev);
	dev->dev.class = daxcdev_class;
	dev->dev.parent = ns;
	dev->dev.devt = MKDEV(MAJOR(daxcdev_base), minor);
	dev->dev.groups = daxcdev_groups;
	dev->dev.release = daxcdev_release_dev;
	rc = dev_set_name(&dev->dev, "%s", region->owner);
	if (rc)
		goto out_put_dev;

	cdev_init(&dev->cdev, &daxcdev_fops);
	dev->cdev.owner = THIS_MODULE;
	daxl_region_publish(region, dev->dev.devt, THIS_MODULE);
	rc = cdev_device_add(&dev->cdev, &dev->dev);
	if (rc)
		goto out_unpublish;
	return dev;

out_unpublish:
	daxl_region_unpublish(region);
out_put_dev:
	put_device(&dev->dev);
	return ERR_PTR(rc);
}

/*
 * The reverse of daxcdev_create(); the region is the caller's.  An open
 * that found the cdev before it was deleted may still reach daxcdev_open()
 * afterwards: it sees @dying and fails, and its reference keeps @dev.
 */
static void daxcdev_destroy(struct daxcdev_device *dev)
{
	mutex_lock(&dev->open_lock);
	dev->dying = true;
	mutex_unlock(&dev->open_lock);
	cdev_device_del(&dev->cdev, &dev->dev);
	daxl_region_unpublish(dev->region);
	dev->region = NULL;
	put_device(&dev->dev);
}

/*
 * /dev/daxN on @phys, memory dax_core maps; @ns is the NVDIMM namespace
 * it comes from, or NULL for a range of the parameter.  dax_core picks N.
 */
static void *daxcdev_add(const struct daxl_phys *phys, enum daxl_backing backing,
			 struct device *ns, unsigned int minor)
{
	struct daxl_region *region;
	struct daxcdev_device *dev;
	struct dax_device *dax_dev;
	char name[DAXL_OWNER_LEN];

	snprintf(name, sizeof(name), "dax%u", minor);
	region = daxl_region_map(phys, backing, name);
	if (IS_ERR(region))
		return region;
	dax_dev = daxl_region_alloc_dax(region);
	if (IS_ERR(dax_dev)) {
		daxl_region_unmap(region);
		return dax_dev;
	}
	dev = daxcdev_create(region, ns, minor);
	if (IS_ERR(dev)) {
		daxl_region_kill_dax(region);
		daxl_region_unmap(region);
	}
	return dev;
}

/* /dev/daxN on the memory of DAX block device @devt (an fsdax /dev/pmemN). */
static void *daxcdev_add_borrowed(dev_t devt, unsigned int minor)
{
	struct daxl_region *region;
	struct daxcdev_device *dev;
	char name[DAXL_OWNER_LEN];

	snprintf(name, sizeof(name), "dax%u", minor);
	region = daxl_region_borrow(devt, name);
	if (IS_ERR(region))
		return region;
	dev = daxcdev_create(region, NULL, minor);
	if (IS_ERR(dev))
		daxl_region_return(region);
	return dev;
}

/* The exact reverse of daxcdev_add() or daxcdev_add_borrowed(). */
static void daxcdev_remove(void *data)
{
	struct daxcdev_device *dev = data;
	struct daxl_region *region = dev->region;

	daxcdev_destroy(dev);
	if (region->bdev) {
		daxl_region_return(region);
		return;
	}
	daxl_region_kill_dax(region);
	daxl_region_unmap(region);
}

/*
 * Before an attached device is detached: refuse while it is open (a
 * mapping keeps its file open) or held; otherwise stop new opens and new
 * holders.
 */
static int daxcdev_retire(void *data)
{
	struct daxcdev_device *dev = data;
	int rc = 0;

	mutex_lock(&dev->open_lock);
	if (dev->opens)
		rc = -EBUSY;
	else
		dev->dying = true;
	mutex_unlock(&dev->open_lock);
	if (rc)
		return rc;
	rc = daxl_region_retire(dev->region);
	if (rc) {
		mutex_lock(&dev->open_lock);
		dev->dying = false;
		mutex_unlock(&dev->open_lock);
	}
	return rc;
}

static const char *daxcdev_name(void *data)
{
	struct daxcdev_device *dev = data;

	return dev_name(&dev->dev);
}

static const struct daxl_driver_ops daxcdev_driver_ops = {
	.add		= daxcdev_add,
	.add_borrowed	= daxcdev_add_borrowed,
	.remove		= daxcdev_remove,
	.retire		= daxcdev_retire,
	.name		= daxcdev_name,
};

static struct daxl_driver daxcdev_driver = {
	.nd.drv = {
		.name	= KBUILD_MODNAME,
		.owner	= THIS_MODULE,
	},
	.ops = &daxcdev_driver_ops,
	.takes_devdax = true,
};

/* echo namespaceX.Y, daxX.Y, /dev/pmemN or MAJOR:MINOR > /sys/class/dax_chardev/attach */
static ssize_t attach_store(DAXL_COMPAT_CLASS_STORE_ARGS)
{
	int rc = daxl_driver_attach(&daxcdev_driver, buf);

	return rc ? rc : len;
}
static CLASS_ATTR_WO(attach);

/* echo daxN > /sys/class/dax_chardev/detach */
static ssize_t detach_store(DAXL_COMPAT_CLASS_STORE_ARGS)
{
	int rc = daxl_driver_detach(&daxcdev_driver, buf);

	return rc ? rc : len;
}
static CLASS_ATTR_WO(detach);

static int __init daxcdev_init(void)
{
	enum daxl_backing backing = persistent ? DAXL_PERSISTENT : DAXL_VOLATILE;
	struct daxl_phys phys[DAXL_MAX_RANGES];
	int n, rc;

	n = daxl_parse_ranges_param(KBUILD_MODNAME, ranges, phys);
	if (n < 0)
		return n;

	rc = alloc_chrdev_region(&daxcdev_base, 0, DAXL_MAX_RANGES,
				 KBUILD_MODNAME);
	if (rc)
		return rc;
	daxcdev_class = daxl_compat_class_create(KBUILD_MODNAME);
	if (IS_ERR(daxcdev_class)) {
		rc = PTR_ERR(daxcdev_class);
		goto out_unregister;
	}
	rc = daxl_driver_register(&daxcdev_driver, phys, n, backing);
	if (rc)
		goto out_destroy_class;
	rc = class_create_file(daxcdev_class, &class_attr_attach);
	if (rc)
		goto out_driver_unregister;
	rc = class_create_file(daxcdev_class, &class_attr_detach);
	if (rc)
		goto out_remove_attach;
	return 0;

out_remove_attach:
	class_remove_file(daxcdev_class, &class_attr_attach);
out_driver_unregister:
	daxl_driver_unregister(&daxcdev_driver);
out_destroy_class:
	class_destroy(daxcdev_class);
out_unregister:
	unregister_chrdev_region(daxcdev_base, DAXL_MAX_RANGES);
	return rc;
}

static void __exit daxcdev_exit(void)
{
	class_remove_file(daxcdev_class, &class_attr_detach);
	class_remove_file(daxcdev_class, &class_attr_attach);
	daxl_driver_unregister(&daxcdev_driver);
	class_destroy(daxcdev_class);
	unregister_chrdev_region(daxcdev_base, DAXL_MAX_RANGES);
}

module_init(daxcdev_init);
module_exit(daxcdev_exit);

MODULE_AUTHOR("daxlite maintainers");
MODULE_DESCRIPTION("daxlite character devices /dev/daxN with dax_operations");
MODULE_LICENSE("GPL");
MODULE_VERSION(DAXLITE_VERSION);
MODULE_IMPORT_NS(DAXL_NS);
