/* SPDX-License-Identifier: GPL-2.0-only */
/* Declarations shared by the files of dax_core.ko, and by nothing else. */
#ifndef _DAX_CORE_INTERNAL_H
#define _DAX_CORE_INTERNAL_H

#include <linux/types.h>

struct daxl_region;

void daxl_regions_exit(void);
void daxl_regions_lock(void);
void daxl_regions_unlock(void);
struct daxl_region *daxl_region_find_devt(dev_t devt);
int daxl_regions_insert(struct daxl_region *region);
void daxl_regions_remove(struct daxl_region *region);

#endif /* _DAX_CORE_INTERNAL_H */
