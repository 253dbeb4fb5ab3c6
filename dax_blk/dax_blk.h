/* SPDX-License-Identifier: GPL-2.0-only */
/* What dax_blk.ko shows its KUnit suite. */
#ifndef _DAX_BLK_H
#define _DAX_BLK_H

#include <linux/blk_types.h>
#include <linux/bvec.h>

struct daxl_region;

#if IS_ENABLED(CONFIG_KUNIT)
blk_status_t daxblk_do_bvec(struct daxl_region *region, struct bio_vec *bv,
			    sector_t sector, bool write);
#endif

#endif /* _DAX_BLK_H */
