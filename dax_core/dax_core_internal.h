/* SPDX-License-Identifier: GPL-2.0-only */
/* Declarations shared by the files of dax_core.ko, and by nothing else. */
#ifndef _DAX_CORE_INTERNAL_H
#define _DAX_CORE_INTERNAL_H

void daxl_regions_exit(void);

#endif /* _DAX_CORE_INTERNAL_H */
