/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the famfs_lite tools (and their test helper). */
#ifndef _FAMFSL_TOOL_H
#define _FAMFSL_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <daxlite/famfs_lite_format.h>

#define fallthrough __attribute__((__fallthrough__))

struct famfsl_dev {
	const char *path;
	int fd;
	u64 size;
};

int famfsl_dev_open(struct famfsl_dev *dev, const char *path, bool write);
int famfsl_dev_read(struct famfsl_dev *dev, u64 off, void *buf, size_t len);
int famfsl_dev_write(struct famfsl_dev *dev, u64 off, const void *buf,
		     size_t len);
int famfsl_parse_size(const char *s, u64 *val);
int famfsl_read_gen(struct famfsl_dev *dev, const struct famfsl_superblock *sb,
		    u64 *gen);
u64 famfsl_entry_offset(u64 area, u64 index);

#endif /* _FAMFSL_TOOL_H */
