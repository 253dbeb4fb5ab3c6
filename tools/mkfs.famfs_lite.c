// SPDX-License-Identifier: GPL-2.0-only
/*
 * mkfs.famfs_lite: write an empty famfs_lite file system to a device,
 * normally a dax_chardev /dev/daxN.  See docs/format.md.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "famfsl_tool.h"

static void print_help(FILE *f)
{
	fprintf(f,
		"usage: mkfs.famfs_lite [-f] [-l LOGSIZE] [-F VERSION] DEVICE\n"
		"Write an empty famfs_lite file system to DEVICE (a /dev/daxN).\n"
		"  -f, --force         overwrite an existing famfs_lite file system\n"
		"  -l, --log-size SIZE log size, a multiple of 2M up to 1G (default 8M);\n"
		"                      K, M, G suffixes\n"
		"  -F, --format-version N  format version 3 (default: 4 KiB extents), 2 (2 MiB\n"
		"                      extents) or 1 (one log area, no growth; this kernel\n"
		"                      mounts it read-only)\n"
		"  -h, --help          this help\n"
		"Exit status: 0 done, 1 refused or failed, 2 usage.\n");
}

/* Zero [off, off + len) in 1 MiB writes. */
static int zero_range(struct famfsl_dev *dev, u64 off, u64 len)
{
	static char zeroes[1 << 20];
	u64 n;

	for (; len; off += n, len -= n) {
		n = len < sizeof(zeroes) ? len : sizeof(zeroes);
		if (famfsl_dev_write(dev, off, zeroes, n))
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "log-size", required_argument, NULL, 'l' },
		{ "format-version", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	struct famfsl_superblock sb, old;
	struct famfsl_log_header h;
	u64 log_len = FAMFSL_LOG_LEN_DEFAULT, dev_size, need;
	struct famfsl_dev dev;
	const char *why;
	unsigned int version = FAMFSL_VERSION;
	bool force = false;
	int c, i;

	while ((c = getopt_long(argc, argv, "fl:F:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = true;
			break;
		case 'l':
			if (famfsl_parse_size(optarg, &log_len) ||
			    log_len < FAMFSL_LOG_LEN_MIN ||
			    log_len > FAMFSL_LOG_LEN_MAX ||
			    log_len % FAMFSL_ALLOC_UNIT) {
				fprintf(stderr, "mkfs.famfs_lite: bad log size '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'F':
			if (strcmp(optarg, "1") && strcmp(optarg, "2") &&
			    strcmp(optarg, "3")) {
				fprintf(stderr, "mkfs.famfs_lite: bad format version '%s'\n",
					optarg);
				return 2;
			}
			version = atoi(optarg);
			break;
		case 'h':
			print_help(stdout);
			return 0;
		default:
			print_help(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		print_help(stderr);
		return 2;
	}
	if (famfsl_dev_open(&dev, argv[optind], true))
		return 1;

	dev_size = dev.size - dev.size % FAMFSL_ALLOC_UNIT;
	need = FAMFSL_LOG_OFFSET + log_len + FAMFSL_ALLOC_UNIT;
	if (dev_size < need) {
		fprintf(stderr, "%s: too small: %llu bytes, need %llu for a %llu MiB log\n",
			dev.path, (unsigned long long)dev.size,
			(unsigned long long)need,
			(unsigned long long)(log_len >> 20));
		return 1;
	}
	if (!famfsl_dev_read(&dev, 0, &old, sizeof(old)) &&
	    !famfsl_check_superblock(&old, dev.size, &why) && !force) {
		fprintf(stderr, "%s holds a famfs_lite file system; -f overwrites it\n",
			dev.path);
		return 1;
	}

	memset(&sb, 0, sizeof(sb));
	sb.magic = cpu_to_le64(FAMFSL_SB_MAGIC);
	sb.version = cpu_to_le32(version);
	if (getrandom(sb.uuid, sizeof(sb.uuid), 0) != sizeof(sb.uuid)) {
		perror("getrandom");
		return 1;
	}
	sb.uuid[6] = (sb.uuid[6] & 0x0f) | 0x40;	/* version 4 */
	sb.uuid[8] = (sb.uuid[8] & 0x3f) | 0x80;	/* variant 1 */
	sb.dev_size = cpu_to_le64(dev_size);
	sb.log_offset = cpu_to_le64(FAMFSL_LOG_OFFSET);
	sb.log_len = cpu_to_le64(log_len);
	sb.data_offset = cpu_to_le64(FAMFSL_LOG_OFFSET + log_len);
	sb.alloc_unit = cpu_to_le32(version >= FAMFSL_VERSION_BLOCKS ?
				    FAMFSL_BLOCK_SIZE : FAMFSL_ALLOC_UNIT);
	sb.entry_size = cpu_to_le32(FAMFSL_ENTRY_SIZE);
	sb.mkfs_time = cpu_to_le64(time(NULL));
	famfsl_sb_set_crc(&sb);

	memset(&h, 0, sizeof(h));
	h.magic = cpu_to_le64(FAMFSL_LOG_MAGIC);
	h.capacity = cpu_to_le64(famfsl_sb_capacity(&sb));
	h.entry_size = cpu_to_le32(FAMFSL_ENTRY_SIZE);
	h.gen = 0;	/* the log_gen word, zero below, names area 0 */
	/* version 1 has one log area and no next_ino (reserved, zero) */
	if (version != FAMFSL_VERSION_1)
		h.next_ino = cpu_to_le64(FAMFSL_ROOT_INO + 1);
	famfsl_log_header_set_crc(&h, version);

	/*
	 * The superblock goes last, so an interrupted mkfs leaves none.  The
	 * zeroing covers the log_gen word and the second log area.
	 */
	if (zero_range(&dev, 0, FAMFSL_LOG_OFFSET + log_len) ||
	    famfsl_dev_write(&dev, FAMFSL_LOG_OFFSET, &h, sizeof(h)) ||
	    fsync(dev.fd) ||
	    famfsl_dev_write(&dev, 0, &sb, sizeof(sb)) || fsync(dev.fd)) {
		fprintf(stderr, "%s: mkfs failed\n", dev.path);
		return 1;
	}

	printf("famfs_lite on %s: %llu MiB, log %llu MiB (2 areas of %llu entries), ",
	       dev.path, (unsigned long long)(dev_size >> 20),
	       (unsigned long long)(log_len >> 20),
	       (unsigned long long)famfsl_sb_capacity(&sb));
	printf("data %llu MiB, uuid ",
	       (unsigned long long)((dev_size - FAMFSL_LOG_OFFSET - log_len) >> 20));
	for (i = 0; i < 16; i++)
		printf("%02x%s", sb.uuid[i], i == 3 || i == 5 || i == 7 || i == 9 ? "-" : "");
	printf("\n");
	return 0;
}
