/* SPDX-License-Identifier: GPL-2.0-only */
/* Declarations shared by the files of dax_core.ko, and by nothing else. */
#ifndef _DAX_CORE_INTERNAL_H
#define _DAX_CORE_INTERNAL_H

#include <linux/types.h>

#include <daxlite/dax_core.h>

struct daxl_dev_dax;
struct device;

void daxl_regions_exit(void);
void daxl_regions_lock(void);
void daxl_regions_unlock(void);
struct daxl_region *daxl_region_find_devt(dev_t devt);
int daxl_regions_insert(struct daxl_region *region);
void daxl_regions_remove(struct daxl_region *region);
void daxl_region_mark_dead(struct daxl_region *region);
void daxl_region_mark_gone(struct daxl_region *region);
void daxl_region_set_nd_region(struct daxl_region *region, struct device *dev);
void daxl_region_put_nd_region(struct daxl_region *region);

/* driver.c, for the probe and remove of each bus */
int daxl_driver_probe_device(struct daxl_driver *drv, struct device *dev,
			     const struct daxl_phys *phys,
			     enum daxl_backing backing);
void daxl_driver_remove_device(struct daxl_driver *drv, struct device *dev);

/* devdax.c */
int daxl_devdax_register(struct daxl_driver *drv);
void daxl_devdax_unregister(struct daxl_driver *drv);
bool daxl_devdax_is(struct daxl_driver *drv, struct device *dev);
struct device *daxl_devdax_find(struct daxl_driver *drv, const char *name);
int daxl_devdax_take(struct daxl_driver *drv, struct device *dev);
void daxl_devdax_give_back(struct device *dev);
#if IS_ENABLED(CONFIG_KUNIT)
int daxl_devdax_check(struct daxl_dev_dax *dev_dax, struct daxl_phys *phys);
#endif

/* memmap_info.c */
int daxl_memmap_info_claim(const struct daxl_phys *phys, const char *owner,
			   u64 carve, bool *fresh);
void daxl_memmap_info_write(struct daxl_region *region);
#if IS_ENABLED(CONFIG_KUNIT)
void daxl_memmap_info_fill(struct daxl_memmap_info *info, u64 size);
bool daxl_memmap_info_valid(const struct daxl_memmap_info *info);
#endif

/* raw_mapping.c */
int daxl_region_raw_init(struct daxl_region *region);
void daxl_region_raw_exit(struct daxl_region *region);
int daxl_raw_fs_init(void);
void daxl_raw_fs_exit(void);

/* fwmap.c: the firmware's memory map, where compat.h asks for it */
#ifdef CONFIG_X86
#include <asm/e820/api.h>

int daxl_fwmap_any(u64 start, u64 end, enum e820_type type);
void daxl_fwmap_init(void);
void daxl_fwmap_exit(void);
#else
static inline void daxl_fwmap_init(void)
{
}

static inline void daxl_fwmap_exit(void)
{
}
#endif

/* record.c: store recording for crash-point tests (DAXL_RECORD=1 only) */
#ifdef DAXL_RECORD
void daxl_record_store(struct daxl_region *region, u64 offset,
		       const void *src, u64 len);
void daxl_record_zero(struct daxl_region *region, u64 offset, u64 len);
void daxl_record_flush(struct daxl_region *region);
void daxl_record_forget(struct daxl_region *region);
void daxl_record_init(void);
void daxl_record_exit(void);
struct daxl_region *daxl_region_find_owner(const char *owner);
#else
static inline void daxl_record_store(struct daxl_region *region, u64 offset,
				     const void *src, u64 len)
{
}

static inline void daxl_record_zero(struct daxl_region *region, u64 offset,
				    u64 len)
{
}

static inline void daxl_record_flush(struct daxl_region *region)
{
}

static inline void daxl_record_forget(struct daxl_region *region)
{
}

static inline void daxl_record_init(void)
{
}

static inline void daxl_record_exit(void)
{
}
#endif

#endif /* _DAX_CORE_INTERNAL_H */
