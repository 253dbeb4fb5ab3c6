// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers shared by the famfs_lite tools: CRC32C, device access, sizes.
 * Messages go to stderr; functions return 0 or -1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#include "famfsl_tool.h"

/* CRC32C (Castagnoli), reflected polynomial 0x82f63b78, as the kernel's. */
u32 famfsl_crc32c(u32 crc, const void *buf, size_t len)
{
	static u32 table[256];
	const unsigned char *p = buf;
	u32 i, j, c;

	if (!table[1]) {
		for (i = 0; i < 256; i++) {
			c = i;
			for (j = 0; j < 8; j++)
				c = c & 1 ? (c >> 1) ^ 0x82f63b78 : c >> 1;
			table[i] = c;
		}
	}
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

int famfsl_dev_open(struct famfsl_dev *dev, const char *path, bool write)
{
	struct stat st;
	off_t end;

	dev->path = path;
	dev->fd = open(path, write ? O_RDWR : O_RDONLY);
	if (dev->fd < 0 || fstat(dev->fd, &st)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(dev->fd, BLKGETSIZE64, &dev->size)) {
			fprintf(stderr, "%s: cannot get size: %s\n", path,
				strerror(errno));
			return -1;
		}
		return 0;
	}
	end = lseek(dev->fd, 0, SEEK_END);
	if (end < 0) {
		fprintf(stderr, "%s: cannot get size: %s\n", path,
			strerror(errno));
		return -1;
	}
	dev->size = end;
	return 0;
}

int famfsl_dev_read(struct famfsl_dev *dev, u64 off, void *buf, size_t len)
{
	ssize_t n = pread(dev->fd, buf, len, off);

	if (n == (ssize_t)len)
		return 0;
	fprintf(stderr, "%s: read of %zu bytes at %llu: %s\n", dev->path, len,
		(unsigned long long)off, n < 0 ? strerror(errno) : "short");
	return -1;
}

int famfsl_dev_write(struct famfsl_dev *dev, u64 off, const void *buf,
		     size_t len)
{
	ssize_t n = pwrite(dev->fd, buf, len, off);

	if (n == (ssize_t)len)
		return 0;
	fprintf(stderr, "%s: write of %zu bytes at %llu: %s\n", dev->path, len,
		(unsigned long long)off, n < 0 ? strerror(errno) : "short");
	return -1;
}

/* A byte count: decimal or 0x-hex, with an optional K, M or G suffix. */
int famfsl_parse_size(const char *s, u64 *val)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'G': case 'g':
		v <<= 10;
		fallthrough;
	case 'M': case 'm':
		v <<= 10;
		fallthrough;
	case 'K': case 'k':
		v <<= 10;
		end++;
		break;
	}
	if (*end)
		return -1;
	*val = v;
	return 0;
}

/* The log_gen word of a checked superblock's file system; 0 in version 1. */
int famfsl_read_gen(struct famfsl_dev *dev, const struct famfsl_superblock *sb,
		    u64 *gen)
{
	__le64 word;

	*gen = 0;
	if (le32_to_cpu(sb->version) == FAMFSL_VERSION_1)
		return 0;
	if (famfsl_dev_read(dev, FAMFSL_GEN_OFFSET, &word, sizeof(word)))
		return -1;
	*gen = le64_to_cpu(word);
	return 0;
}

/* The device offset of entry @index of the log area at @area. */
u64 famfsl_entry_offset(u64 area, u64 index)
{
	return area + FAMFSL_LOG_HEADER_SIZE + index * FAMFSL_ENTRY_SIZE;
}
