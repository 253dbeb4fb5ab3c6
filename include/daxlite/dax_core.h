/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dax_core: the shared layer of daxlite.
 *
 * dax_core owns every physical memory range that a daxlite driver serves.
 * A driver asks for a range with daxl_region_map(); dax_core checks it
 * (alignment, System RAM, reserved memory, overlap with ranges other
 * drivers already serve), maps it with ZONE_DEVICE pages and hands back a
 * struct daxl_region.  The driver then creates the region's dax_device with
 * daxl_region_alloc_dax() and serves it as a block or character device.
 *
 * Everything here is exported in the DAXLITE symbol namespace.
 */
#ifndef _DAXLITE_DAX_CORE_H
#define _DAXLITE_DAX_CORE_H

#include <linux/dax.h>
#include <linux/list.h>
#include <linux/memremap.h>
#include <linux/sizes.h>
#include <linux/mutex.h>
#include <linux/nd.h>
#include <linux/types.h>

struct iov_iter;
struct module;

/* Regions start and end on a PMD boundary, so 2 MiB faults are possible. */
#define DAXL_REGION_ALIGN	SZ_2M

/* Upper bound on the ranges one module parameter may name. */
#define DAXL_MAX_RANGES		16

/* Longest owner name kept for messages, including the NUL. */
#define DAXL_OWNER_LEN		32

/**
 * struct daxl_phys - a physical address range, as a user names it
 * @start: first byte
 * @size: length in bytes
 * @source: the bus device the range comes from (an NVDIMM namespace, a dax
 *	device), or NULL for a range of a module parameter; dax_core finds
 *	the NVDIMM region to flush through it
 * @map_dev: keep the range's struct pages at its own start ("map=dev", as
 *	ndctl spells it) instead of in RAM; the range served shrinks by them
 */
struct daxl_phys {
	u64 start;
	u64 size;
	struct device *source;
	bool map_dev;
};

/*
 * The bytes of struct pages a map=dev range keeps per 4 KiB page: fixed,
 * as pmem's MAX_STRUCT_PAGE_SIZE, so the carve-out and the layout after it
 * are the same on every kernel; a kernel with larger struct pages is
 * refused.
 */
#define DAXL_MEMMAP_PER_PAGE	64

/*
 * A map=dev range's carve-out: DAXL_MEMMAP_INFO_SIZE bytes that start with
 * a struct daxl_memmap_info, then the struct pages, then the memory served
 * (dax_core/memmap_info.c, docs/format.md).
 */
#define DAXL_MEMMAP_INFO_SIZE		SZ_2M
#define DAXL_MEMMAP_INFO_MAGIC		"DAXLITE_MEMMAP1"
#define DAXL_MEMMAP_INFO_VERSION	1

/**
 * struct daxl_memmap_info - the info block of a map=dev range, at its first byte
 * @magic: DAXL_MEMMAP_INFO_MAGIC, with its NUL
 * @version: DAXL_MEMMAP_INFO_VERSION
 * @page_size: PAGE_SIZE of the writer (4096)
 * @memmap_per_page: DAXL_MEMMAP_PER_PAGE of the writer
 * @reserved: zero
 * @range_size: bytes of the whole range, carve-out included
 * @info_size: DAXL_MEMMAP_INFO_SIZE: bytes before the struct pages
 * @carve_size: bytes before the memory served: @info_size plus the memmap
 * @csum: Fletcher-64 of the 32-bit little-endian words before it
 *
 * All fields little endian.
 */
struct daxl_memmap_info {
	u8 magic[16];
	__le32 version;
	__le32 page_size;
	__le32 memmap_per_page;
	__le32 reserved;
	__le64 range_size;
	__le64 info_size;
	__le64 carve_size;
	__le64 csum;
};

/**
 * enum daxl_backing - what the memory behind a region is
 * @DAXL_VOLATILE: RAM; stores are as durable as they will ever be once
 *	they reach the CPU cache, so no cache flushing is done.
 * @DAXL_PERSISTENT: persistent memory; writes bypass or flush the CPU
 *	cache, and fsync/msync write back dirty cache lines.
 */
enum daxl_backing {
	DAXL_VOLATILE,
	DAXL_PERSISTENT,
};

/* The length a holder is told when the whole memory of a region goes. */
#define DAXL_WHOLE_REGION	U64_MAX

/**
 * struct daxl_holder_ops - what dax_core tells the holder of a region
 * @notify_failure: a memory failure hit [@offset, @offset + @len) of the
 *	region; return 0 if handled, or -EOPNOTSUPP to let the kernel kill
 *	the processes that map the pages.  @offset 0 and @len U64_MAX mean
 *	the whole memory is going away (DAXL_WHOLE_REGION): the holder must
 *	stop using it, and may wait for its users before it returns.
 */
struct daxl_holder_ops {
	int (*notify_failure)(void *holder, u64 offset, u64 len, int mf_flags);
};

/**
 * struct daxl_region - a physical range mapped by dax_core
 * @start: physical address of the first byte served
 * @size: length in bytes served
 * @memmap_size: bytes before @start, in the same range, that hold its
 *	info block and struct pages (map=dev, daxl_memmap_carve_size()); 0
 *	when the struct pages are in RAM
 * @kaddr: kernel virtual address of the first byte
 * @backing: volatile or persistent, which decides the flush policy
 * @dax_dev: the region's dax_device, once daxl_region_alloc_dax() made it,
 *	or the lender's (see @bdev)
 * @owner: name of the device that serves the region, for messages
 * @bdev: for a borrowed region, the DAX block device that maps the memory
 *	and lends it (daxl_region_borrow()); NULL otherwise
 * @raw_inode: the inode raw mappings go through where it is not the
 *	dax_device's (see daxl_region_raw_mapping()), or NULL
 * @bdev_handle: what opened @bdev, for closing it (compat.h's
 *	daxl_compat_bdev_open())
 * @res: the iomem resource dax_core claimed for the region
 * @pgmap: ZONE_DEVICE page map (MEMORY_DEVICE_FS_DAX)
 * @node: entry in dax_core's registry of served ranges
 * @devt: the character device that publishes the region, or 0
 * @provider: the module behind @devt
 * @claim_lock: protects @holder, @holder_name, @holder_ops, @raw_users
 * @holder: the exclusive user of the dax_device, such as a filesystem
 * @holder_name: the holder's name, for messages
 * @holder_ops: the holder's callbacks
 * @raw_users: raw mappings and raw writes in progress
 * @dead: the memory is going away under the region (its lender is being
 *	removed): no new use of it; read inside daxl_region_enter()
 * @gone: the memory (and its struct pages) may be unmapped now: not even
 *	page reference counts may be looked at
 * @nd_region: the NVDIMM region the memory belongs to, whose write queues
 *	daxl_region_flush() flushes (nvdimm_flush()), or NULL
 *
 * Users read @start, @size, @kaddr, @backing and @dax_dev; the rest is
 * dax_core's own.
 */
struct daxl_region {
	phys_addr_t start;
	u64 size;
	u64 memmap_size;
	void *kaddr;
	enum daxl_backing backing;
	struct dax_device *dax_dev;
	char owner[DAXL_OWNER_LEN];
	struct block_device *bdev;
	void *bdev_handle;
	struct inode *raw_inode;

	struct resource *res;
	struct dev_pagemap pgmap;
	struct list_head node;

	dev_t devt;
	struct module *provider;
	/* protects the holder fields and raw_users */
	struct mutex claim_lock;
	void *holder;
	const char *holder_name;
	const struct daxl_holder_ops *holder_ops;
	unsigned int raw_users;
	bool dead;
	bool gone;
	struct nd_region *nd_region;
};

int daxl_parse_ranges(const char *spec, struct daxl_phys *ranges,
		      unsigned int max);
int daxl_parse_ranges_param(const char *who, const char *spec,
			    struct daxl_phys *ranges);
int daxl_check_span(u64 offset, u64 len, u64 size);
u64 daxl_memmap_size(u64 size);
u64 daxl_memmap_carve_size(u64 size);

struct daxl_region *daxl_region_map(const struct daxl_phys *phys,
				    enum daxl_backing backing,
				    const char *owner);
void daxl_region_unmap(struct daxl_region *region);
struct daxl_region *daxl_region_borrow(dev_t devt, const char *owner);
void daxl_region_return(struct daxl_region *region);
int daxl_lookup_bdev(const char *spec, dev_t *devt);

struct dax_device *daxl_region_alloc_dax(struct daxl_region *region);
void daxl_region_kill_dax(struct daxl_region *region);

int daxl_region_read(struct daxl_region *region, u64 offset, void *buf,
		     size_t len);
int daxl_region_write(struct daxl_region *region, u64 offset,
		      const void *buf, size_t len);
int daxl_region_write_u64(struct daxl_region *region, u64 offset, u64 val);
int daxl_region_zero(struct daxl_region *region, u64 offset, u64 len);
void daxl_region_flush(struct daxl_region *region);
int daxl_region_invalidate(struct daxl_region *region, u64 offset, u64 len);
ssize_t daxl_region_copy_to_iter(struct daxl_region *region, u64 offset,
				 size_t len, struct iov_iter *iter);
ssize_t daxl_region_copy_from_iter(struct daxl_region *region, u64 offset,
				   size_t len, struct iov_iter *iter);
int daxl_region_enter(struct daxl_region *region) __acquires(daxl_srcu);
bool daxl_region_alive(struct daxl_region *region);
void daxl_region_exit(int idx) __releases(daxl_srcu);
struct address_space *daxl_region_raw_mapping(struct daxl_region *region);
struct page *daxl_region_busy_page(struct daxl_region *region, u64 offset,
				   u64 len);
void daxl_wait_page_idle(struct daxl_region *region, struct page *page);

void daxl_region_publish(struct daxl_region *region, dev_t devt,
			 struct module *provider);
void daxl_region_unpublish(struct daxl_region *region);
int daxl_region_retire(struct daxl_region *region);
int daxl_lookup_devt(const char *path, dev_t *devt);
struct daxl_region *daxl_region_claim(dev_t devt, void *holder,
				      const char *holder_name,
				      const struct daxl_holder_ops *ops);
void daxl_region_release(struct daxl_region *region, void *holder);
int daxl_region_raw_get(struct daxl_region *region);
void daxl_region_raw_dup(struct daxl_region *region);
void daxl_region_raw_put(struct daxl_region *region);

/**
 * struct daxl_driver_ops - what a daxlite device driver does itself
 * @add: create device @index on @phys; @ns is the NVDIMM namespace it
 *	comes from, or NULL for a range of the module parameter.  Returns
 *	the driver's device or an ERR_PTR.
 * @remove: tear a device down, the exact reverse of @add
 * @add_borrowed: create device @index on the memory of the DAX block
 *	device @devt (daxl_region_borrow()); optional
 * @retire: make an idle device refuse new users, so it can be removed;
 *	-EBUSY if it is in use.  The driver calls daxl_user_gone() whenever
 *	a user it counts goes, so a removal waiting for it retries.
 * @name: the device's name ("dax0", "daxblk0")
 */
struct daxl_driver_ops {
	void *(*add)(const struct daxl_phys *phys, enum daxl_backing backing,
		     struct device *ns, unsigned int index);
	void *(*add_borrowed)(dev_t devt, unsigned int index);
	void (*remove)(void *dev);
	int (*retire)(void *dev);
	const char *(*name)(void *dev);
};

struct daxl_devdax_driver;

/**
 * struct daxl_driver - the devices of a daxlite device driver
 * @nd: its driver on the nd bus, for NVDIMM namespaces
 * @ops: its own operations
 * @takes_devdax: it also serves dax bus devices (/dev/daxX.Y) taken over
 *	from device_dax; set by the driver before registering
 * @bind_lock: serializes attach, detach and unregistration, which bind
 *	and release devices; probe and remove never take it
 * @lock: protects the tables; probe and remove take it themselves
 * @devices: the devices, by index
 * @namespaces: the bus device (namespace or dax device) each came from,
 *	or NULL
 * @borrowed: whether each was attached from a DAX block device
 * @retired: whether each was retired for a detach already
 * @wanted: the bus device being attached; probe takes no other
 * @wanted_map_dev: whether the attach asked for map=dev
 * @devdax: its driver on the dax bus, if it takes devdax; dax_core's
 *
 * dax_core runs the table and the bus plumbing for dax_blk and
 * dax_chardev alike; see dax_core/driver.c and dax_core/devdax.c.
 */
struct daxl_driver {
	struct nd_device_driver nd;
	const struct daxl_driver_ops *ops;
	bool takes_devdax;
	/* see @bind_lock above */
	struct mutex bind_lock;
	/* see @lock above */
	struct mutex lock;
	void *devices[DAXL_MAX_RANGES];
	struct device *namespaces[DAXL_MAX_RANGES];
	bool borrowed[DAXL_MAX_RANGES];
	bool retired[DAXL_MAX_RANGES];
	struct device *wanted;
	bool wanted_map_dev;
	struct daxl_devdax_driver *devdax;
};

int daxl_driver_register(struct daxl_driver *drv, const struct daxl_phys *ranges,
			 int nr_ranges, enum daxl_backing backing);
void daxl_driver_unregister(struct daxl_driver *drv);
int daxl_driver_attach(struct daxl_driver *drv, const char *buf);
int daxl_driver_detach(struct daxl_driver *drv, const char *buf);
void daxl_user_gone(void);

long daxl_direct_access(struct dax_device *dax_dev, pgoff_t pgoff,
			long nr_pages, void **kaddr);

#endif /* _DAXLITE_DAX_CORE_H */
