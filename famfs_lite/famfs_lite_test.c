// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for famfs_lite: the format checks shared with the tools
 * (superblock, log header, entries, names) on buffers built here, and the
 * data-area allocator.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/stat.h>
#include <linux/string.h>

#include <daxlite/compat.h>

#include "famfs_lite.h"

#define DEV	(64ULL << 20)
#define LOG	(2ULL << 20)
#define DATA	(FAMFSL_LOG_OFFSET + LOG)
#define UNIT	FAMFSL_ALLOC_UNIT
#define BLOCK	FAMFSL_BLOCK_SIZE

/* A version 2 superblock (2 MiB extents); version 3 cases change it. */
static void make_sb(struct famfsl_superblock *sb)
{
	memset(sb, 0, sizeof(*sb));
	sb->magic = cpu_to_le64(FAMFSL_SB_MAGIC);
	sb->version = cpu_to_le32(FAMFSL_VERSION_EXTEND);
	sb->dev_size = cpu_to_le64(DEV);
	sb->log_offset = cpu_to_le64(FAMFSL_LOG_OFFSET);
	sb->log_len = cpu_to_le64(LOG);
	sb->data_offset = cpu_to_le64(DATA);
	sb->alloc_unit = cpu_to_le32(UNIT);
	sb->entry_size = cpu_to_le32(FAMFSL_ENTRY_SIZE);
	famfsl_sb_set_crc(sb);
}

/* Check @sb after famfsl_sb_set_crc(), against a device of @dev bytes. */
static int check_sb(struct famfsl_superblock *sb, u64 dev, const char **why)
{
	famfsl_sb_set_crc(sb);
	return famfsl_check_superblock(sb, dev, why);
}

static void sb_valid(struct kunit *test)
{
	struct famfsl_superblock sb;
	const char *why = NULL;

	make_sb(&sb);
	KUNIT_EXPECT_EQ(test, famfsl_check_superblock(&sb, DEV, &why), 0);
	KUNIT_EXPECT_EQ(test, famfsl_check_superblock(&sb, DEV * 2, &why), 0);
}

static void sb_bad_magic_or_crc(struct kunit *test)
{
	struct famfsl_superblock sb;
	const char *why;

	make_sb(&sb);
	sb.magic = cpu_to_le64(1);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), -EINVAL);
	KUNIT_EXPECT_STREQ(test, why, "no famfs_lite superblock (bad magic)");
	make_sb(&sb);
	sb.crc ^= cpu_to_le32(1);
	KUNIT_EXPECT_EQ(test, famfsl_check_superblock(&sb, DEV, &why), -EUCLEAN);
	make_sb(&sb);
	sb.uuid[3] ^= 1;	/* any covered byte, without a new CRC */
	KUNIT_EXPECT_EQ(test, famfsl_check_superblock(&sb, DEV, &why), -EUCLEAN);
}

static void sb_bad_version_or_flags(struct kunit *test)
{
	struct famfsl_superblock sb;
	const char *why;

	make_sb(&sb);
	sb.version = cpu_to_le32(FAMFSL_VERSION + 1);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), -EINVAL);
	make_sb(&sb);
	sb.version = 0;
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), -EINVAL);
	/* version 1 images still mount */
	make_sb(&sb);
	sb.version = cpu_to_le32(1);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), 0);
	make_sb(&sb);
	sb.flags = cpu_to_le32(1);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), -EINVAL);
}

static void sb_bad_geometry_fields(struct kunit *test)
{
	struct famfsl_superblock sb;
	const char *why;

	make_sb(&sb);
	sb.alloc_unit = cpu_to_le32(4096);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), -EUCLEAN);
	KUNIT_EXPECT_STREQ(test, why,
			   "allocation unit does not match the format version");
	/* version 3: 4 KiB, and only that */
	sb.version = cpu_to_le32(FAMFSL_VERSION_BLOCKS);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), 0);
	KUNIT_EXPECT_EQ(test, famfsl_sb_granule(&sb), BLOCK);
	sb.alloc_unit = cpu_to_le32(UNIT);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), -EUCLEAN);
	make_sb(&sb);
	sb.entry_size = cpu_to_le32(128);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), -EUCLEAN);
	make_sb(&sb);
	sb.log_offset = cpu_to_le64(0);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), -EUCLEAN);
}

static void sb_bad_log_and_data_layout(struct kunit *test)
{
	struct famfsl_superblock sb;
	const char *why;

	make_sb(&sb);
	sb.log_len = cpu_to_le64(3ULL << 20);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), -EUCLEAN);
	make_sb(&sb);
	sb.log_len = cpu_to_le64(0);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), -EUCLEAN);
	make_sb(&sb);
	sb.data_offset = cpu_to_le64(DATA + UNIT);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), -EUCLEAN);
	/* a mount reads a whole log area into one buffer: 1 GiB at most */
	make_sb(&sb);
	sb.dev_size = cpu_to_le64(4ULL << 30);
	sb.log_len = cpu_to_le64(FAMFSL_LOG_LEN_MAX);
	sb.data_offset = cpu_to_le64(FAMFSL_LOG_OFFSET + FAMFSL_LOG_LEN_MAX);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, 4ULL << 30, &why), 0);
	sb.log_len = cpu_to_le64(FAMFSL_LOG_LEN_MAX + UNIT);
	sb.data_offset = cpu_to_le64(FAMFSL_LOG_OFFSET + FAMFSL_LOG_LEN_MAX +
				     UNIT);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, 4ULL << 30, &why), -EINVAL);
	KUNIT_EXPECT_STREQ(test, why, "log is larger than 1 GiB");
}

static void sb_bad_sizes(struct kunit *test)
{
	struct famfsl_superblock sb;
	const char *why;

	make_sb(&sb);
	sb.dev_size = cpu_to_le64(DEV - 4096);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), -EUCLEAN);
	make_sb(&sb);
	sb.dev_size = cpu_to_le64(DATA);	/* no room for data */
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), -EUCLEAN);
	make_sb(&sb);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV - UNIT, &why), -EINVAL);
	KUNIT_EXPECT_STREQ(test, why, "device is smaller than the superblock says");
}

static void sb_reserved_must_be_zero(struct kunit *test)
{
	struct famfsl_superblock sb;
	const char *why;

	make_sb(&sb);
	sb.reserved[sizeof(sb.reserved) - 1] = 1;
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), -EUCLEAN);
}

/* A version 2 header of generation 0, as mkfs writes it. */
static void make_header(struct famfsl_log_header *h, u64 next)
{
	memset(h, 0, sizeof(*h));
	h->magic = cpu_to_le64(FAMFSL_LOG_MAGIC);
	h->capacity = cpu_to_le64(famfsl_log_capacity(LOG / 2));
	h->entry_size = cpu_to_le32(FAMFSL_ENTRY_SIZE);
	h->next_index = cpu_to_le64(next);
	h->next_ino = cpu_to_le64(FAMFSL_ROOT_INO + 1);
	famfsl_log_header_set_crc(h, FAMFSL_VERSION);
}

static void log_header_checks(struct kunit *test)
{
	struct famfsl_superblock sb;
	struct famfsl_log_header h;
	u64 cap = famfsl_log_capacity(LOG / 2);
	const char *why;

	make_sb(&sb);
	KUNIT_EXPECT_EQ(test, cap, (LOG / 2 - 4096) / 256);
	KUNIT_EXPECT_EQ(test, famfsl_sb_capacity(&sb), cap);
	make_header(&h, 0);
	KUNIT_EXPECT_EQ(test, famfsl_check_log_header(&h, &sb, 0, &why), 0);
	make_header(&h, cap);
	KUNIT_EXPECT_EQ(test, famfsl_check_log_header(&h, &sb, 0, &why), 0);
	make_header(&h, cap + 1);
	KUNIT_EXPECT_EQ(test, famfsl_check_log_header(&h, &sb, 0, &why), -EUCLEAN);
	make_header(&h, 0);
	h.capacity = cpu_to_le64(cap - 1);
	famfsl_log_header_set_crc(&h, FAMFSL_VERSION);
	KUNIT_EXPECT_EQ(test, famfsl_check_log_header(&h, &sb, 0, &why), -EUCLEAN);
	make_header(&h, 0);
	h.magic = 0;
	KUNIT_EXPECT_EQ(test, famfsl_check_log_header(&h, &sb, 0, &why), -EUCLEAN);
}

static void log_header_commit_point_outside_crc(struct kunit *test)
{
	struct famfsl_superblock sb;
	struct famfsl_log_header h;
	const char *why;

	make_sb(&sb);
	make_header(&h, 0);
	/* Committing is one store to next_index, without a new CRC. */
	h.next_index = cpu_to_le64(5);
	KUNIT_EXPECT_EQ(test, famfsl_check_log_header(&h, &sb, 0, &why), 0);
	h.entry_size = cpu_to_le32(FAMFSL_ENTRY_SIZE * 2);
	KUNIT_EXPECT_EQ(test, famfsl_check_log_header(&h, &sb, 0, &why), -EUCLEAN);
}

/* Version 2: the header names its generation, under its checksum. */
static void log_header_generation(struct kunit *test)
{
	struct famfsl_superblock sb;
	struct famfsl_log_header h;
	const char *why;

	make_sb(&sb);
	KUNIT_EXPECT_EQ(test, famfsl_area_offset(&sb, 0), FAMFSL_LOG_OFFSET);
	KUNIT_EXPECT_EQ(test, famfsl_area_offset(&sb, 7),
			FAMFSL_LOG_OFFSET + LOG / 2);
	make_header(&h, 0);
	h.gen = cpu_to_le64(5);
	famfsl_log_header_set_crc(&h, FAMFSL_VERSION);
	KUNIT_EXPECT_EQ(test, famfsl_check_log_header(&h, &sb, 5, &why), 0);
	KUNIT_EXPECT_EQ(test, famfsl_check_log_header(&h, &sb, 3, &why),
			-EUCLEAN);
	KUNIT_EXPECT_STREQ(test, why,
			   "log area generation disagrees with the log_gen word");
	/* the generation and next_ino are under the checksum */
	h.gen = cpu_to_le64(3);
	KUNIT_EXPECT_EQ(test, famfsl_check_log_header(&h, &sb, 3, &why),
			-EUCLEAN);
	KUNIT_EXPECT_STREQ(test, why, "log header checksum mismatch");
	make_header(&h, 0);
	h.next_ino = cpu_to_le64(FAMFSL_ROOT_INO);
	famfsl_log_header_set_crc(&h, FAMFSL_VERSION);
	KUNIT_EXPECT_EQ(test, famfsl_check_log_header(&h, &sb, 0, &why),
			-EUCLEAN);
	h.next_ino = cpu_to_le64(FAMFSL_INO_MAX + 2);
	famfsl_log_header_set_crc(&h, FAMFSL_VERSION);
	KUNIT_EXPECT_EQ(test, famfsl_check_log_header(&h, &sb, 0, &why),
			-EUCLEAN);
}

/* Version 1: one area, the old checksum, no generation. */
static void log_header_version_1(struct kunit *test)
{
	struct famfsl_superblock sb;
	struct famfsl_log_header h;
	const char *why;

	make_sb(&sb);
	sb.version = cpu_to_le32(FAMFSL_VERSION_1);
	KUNIT_EXPECT_EQ(test, check_sb(&sb, DEV, &why), 0);
	KUNIT_EXPECT_EQ(test, famfsl_sb_capacity(&sb), famfsl_log_capacity(LOG));
	KUNIT_EXPECT_EQ(test, famfsl_area_offset(&sb, 1), FAMFSL_LOG_OFFSET);
	memset(&h, 0, sizeof(h));
	h.magic = cpu_to_le64(FAMFSL_LOG_MAGIC);
	h.capacity = cpu_to_le64(famfsl_log_capacity(LOG));
	h.entry_size = cpu_to_le32(FAMFSL_ENTRY_SIZE);
	famfsl_log_header_set_crc(&h, FAMFSL_VERSION_1);
	KUNIT_EXPECT_EQ(test, famfsl_check_log_header(&h, &sb, 9, &why), 0);
	famfsl_log_header_set_crc(&h, FAMFSL_VERSION);
	KUNIT_EXPECT_EQ(test, famfsl_check_log_header(&h, &sb, 0, &why),
			-EUCLEAN);
	h.gen = cpu_to_le64(1);
	famfsl_log_header_set_crc(&h, FAMFSL_VERSION_1);
	KUNIT_EXPECT_EQ(test, famfsl_check_log_header(&h, &sb, 0, &why),
			-EUCLEAN);
}

static void make_create(struct famfsl_entry *e, u64 seq, u64 ino, const char *name)
{
	memset(e, 0, sizeof(*e));
	e->seq = cpu_to_le64(seq);
	e->type = cpu_to_le32(FAMFSL_CREATE);
	e->create.ino = cpu_to_le64(ino);
	e->create.parent = cpu_to_le64(FAMFSL_ROOT_INO);
	e->create.mode = cpu_to_le32(S_IFREG | 0644);
	e->create.name_len = cpu_to_le16(strlen(name));
	memcpy(e->create.name, name, strlen(name));
	famfsl_entry_set_crc(e);
}

static void make_alloc(struct famfsl_entry *e, u64 seq, u64 off, u64 len, u64 size)
{
	memset(e, 0, sizeof(*e));
	e->seq = cpu_to_le64(seq);
	e->type = cpu_to_le32(FAMFSL_ALLOC);
	e->alloc.ino = cpu_to_le64(2);
	e->alloc.size = cpu_to_le64(size);
	e->alloc.nr_extents = cpu_to_le32(1);
	e->alloc.ext[0].dev_offset = cpu_to_le64(off);
	e->alloc.ext[0].len = cpu_to_le64(len);
	famfsl_entry_set_crc(e);
}

static void make_extend(struct famfsl_entry *e, u64 seq, u32 nr, u64 off,
			u64 size)
{
	u32 i;

	memset(e, 0, sizeof(*e));
	e->seq = cpu_to_le64(seq);
	e->type = cpu_to_le32(FAMFSL_EXTEND);
	e->extend.ino = cpu_to_le64(2);
	e->extend.size = cpu_to_le64(size);
	e->extend.nr_extents = cpu_to_le32(nr);
	for (i = 0; i < nr && i < FAMFSL_MAX_EXTENTS; i++) {
		e->extend.ext[i].dev_offset = cpu_to_le64(off + i * UNIT);
		e->extend.ext[i].len = cpu_to_le64(UNIT);
	}
	famfsl_entry_set_crc(e);
}

/* EXTEND: version 2 only; 0..8 extents in whole units in the data area. */
static void extend_entry_checks(struct kunit *test)
{
	struct famfsl_superblock sb;
	struct famfsl_entry e;
	const char *why;

	make_sb(&sb);
	make_extend(&e, 0, 1, DATA, 5);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), 0);
	/* a size-only growth, and a size the entry's extents do not cover
	 * (the file's earlier extents may: checked by the replay)
	 */
	make_extend(&e, 0, 0, DATA, 3 * UNIT);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), 0);
	make_extend(&e, 0, FAMFSL_MAX_EXTENTS, DATA, 0);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), 0);
	make_extend(&e, 0, FAMFSL_MAX_EXTENTS + 1, DATA, 0);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	KUNIT_EXPECT_STREQ(test, why, "bad extent count");
	make_extend(&e, 0, 1, DATA - UNIT, 0);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	KUNIT_EXPECT_STREQ(test, why, "extent lies outside the data area");
	make_extend(&e, 0, 1, DATA + 4096, 0);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	make_extend(&e, 0, 1, DATA, 0);
	e.extend.reserved[87] = 1;
	famfsl_entry_set_crc(&e);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	KUNIT_EXPECT_STREQ(test, why, "reserved extent entry bytes are not zero");
	make_extend(&e, 0, 1, DATA, 0);
	e.extend.ino = cpu_to_le64(FAMFSL_ROOT_INO);
	famfsl_entry_set_crc(&e);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	/* a version 1 file system has no EXTEND */
	sb.version = cpu_to_le32(1);
	famfsl_sb_set_crc(&sb);
	make_extend(&e, 0, 1, DATA, 5);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	KUNIT_EXPECT_STREQ(test, why, "extend entry in a version 1 file system");
}

/* Appended extents continue the last one when adjacent on the device. */
static void extent_map_append(struct kunit *test)
{
	struct famfsl_extent_mem add[FAMFSL_MAX_EXTENTS];
	struct famfsl_map *a, *b, *c;
	unsigned int i;

	add[0] = (struct famfsl_extent_mem){ DATA, UNIT };
	add[1] = (struct famfsl_extent_mem){ DATA + UNIT, 2 * UNIT };
	add[2] = (struct famfsl_extent_mem){ DATA + 8 * UNIT, UNIT };
	KUNIT_EXPECT_EQ(test, famfsl_map_count(NULL, add, 3), 2U);
	a = famfsl_map_append(NULL, add, 3);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	KUNIT_EXPECT_EQ(test, a->nr, 2U);
	KUNIT_EXPECT_EQ(test, a->len, 4 * UNIT);
	KUNIT_EXPECT_EQ(test, a->ext[0].len, 3 * UNIT);
	KUNIT_EXPECT_EQ(test, a->ext[1].dev_offset, DATA + 8 * UNIT);
	add[0] = (struct famfsl_extent_mem){ DATA + 9 * UNIT, UNIT };
	/* the count replay checks with is the count the append makes */
	KUNIT_EXPECT_EQ(test, famfsl_map_count(a, add, 1), 2U);
	add[1] = (struct famfsl_extent_mem){ DATA, UNIT };
	add[2] = (struct famfsl_extent_mem){ DATA + UNIT, UNIT };
	KUNIT_EXPECT_EQ(test, famfsl_map_count(a, add, 3), 3U);
	c = famfsl_map_append(a, add, 3);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_EQ(test, c->nr, 3U);
	kvfree(c);
	b = famfsl_map_append(a, add, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));
	KUNIT_EXPECT_EQ(test, b->nr, 2U);
	KUNIT_EXPECT_EQ(test, b->ext[1].len, 2 * UNIT);
	/* the old map is untouched: readers may still use it */
	KUNIT_EXPECT_EQ(test, a->ext[1].len, UNIT);
	kvfree(a);
	/* FAMFSL_FILE_MAX_EXTENTS counts merged extents */
	for (i = 0; i < FAMFSL_MAX_EXTENTS; i++)
		add[i] = (struct famfsl_extent_mem){ DATA + 2 * i * UNIT, UNIT };
	a = famfsl_map_append(NULL, add, FAMFSL_MAX_EXTENTS);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	while (a->nr + FAMFSL_MAX_EXTENTS <= FAMFSL_FILE_MAX_EXTENTS) {
		c = famfsl_map_append(a, add, FAMFSL_MAX_EXTENTS);
		KUNIT_ASSERT_FALSE(test, IS_ERR(c));
		kvfree(a);
		a = c;
	}
	KUNIT_EXPECT_EQ(test, a->nr, (unsigned int)FAMFSL_FILE_MAX_EXTENTS);
	KUNIT_EXPECT_EQ(test, famfsl_map_count(a, add, 1),
			(unsigned int)FAMFSL_FILE_MAX_EXTENTS + 1);
	c = famfsl_map_append(a, add, 1);
	KUNIT_EXPECT_EQ(test, PTR_ERR(c), -EFBIG);
	kvfree(a);
	kvfree(b);
}

static void entry_crc_and_sequence(struct kunit *test)
{
	struct famfsl_superblock sb;
	struct famfsl_entry e;
	const char *why;

	make_sb(&sb);
	make_create(&e, 7, 2, "file");
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 7, &sb, &why), 0);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 8, &sb, &why), -EUCLEAN);
	KUNIT_EXPECT_STREQ(test, why, "sequence number out of order");
	e.create.name[0] = 'F';
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 7, &sb, &why), -EUCLEAN);
	KUNIT_EXPECT_STREQ(test, why, "checksum mismatch");
	/* A zeroed slot, as after mkfs, is not an entry. */
	memset(&e, 0, sizeof(e));
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
}

static void entry_types(struct kunit *test)
{
	struct famfsl_superblock sb;
	struct famfsl_entry e;
	const char *why;

	make_sb(&sb);
	make_create(&e, 0, 2, "x");
	e.type = cpu_to_le32(99);
	famfsl_entry_set_crc(&e);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	KUNIT_EXPECT_STREQ(test, why, "unknown entry type");
	make_create(&e, 0, 1, "x");
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	make_create(&e, 0, 2, "x");
	e.create.mode = cpu_to_le32(S_IFLNK | 0777);
	famfsl_entry_set_crc(&e);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	make_create(&e, 0, 2, "x");
	e.type = cpu_to_le32(FAMFSL_UNLINK);
	e.unlink.ino = cpu_to_le64(FAMFSL_ROOT_INO);
	famfsl_entry_set_crc(&e);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	make_create(&e, 0, 2, "x");
	e.type = cpu_to_le32(FAMFSL_SETATTR);
	e.setattr.valid = cpu_to_le32(FAMFSL_ATTR_ALL + 1);
	famfsl_entry_set_crc(&e);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
}

static void name_rules(struct kunit *test)
{
	char longest[FAMFSL_NAME_MAX + 1];

	memset(longest, 'n', sizeof(longest));
	KUNIT_EXPECT_TRUE(test, famfsl_name_ok("a", 1));
	KUNIT_EXPECT_TRUE(test, famfsl_name_ok("...", 3));
	KUNIT_EXPECT_TRUE(test, famfsl_name_ok(longest, FAMFSL_NAME_MAX));
	KUNIT_EXPECT_FALSE(test, famfsl_name_ok(longest, FAMFSL_NAME_MAX + 1));
	KUNIT_EXPECT_FALSE(test, famfsl_name_ok("", 0));
	KUNIT_EXPECT_FALSE(test, famfsl_name_ok(".", 1));
	KUNIT_EXPECT_FALSE(test, famfsl_name_ok("..", 2));
	KUNIT_EXPECT_FALSE(test, famfsl_name_ok("a/b", 3));
	KUNIT_EXPECT_FALSE(test, famfsl_name_ok("a\0b", 3));
}

static void alloc_extent_rules(struct kunit *test)
{
	struct famfsl_superblock sb;
	struct famfsl_entry e;
	const char *why;

	make_sb(&sb);
	make_alloc(&e, 0, DATA, UNIT, UNIT);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), 0);
	make_alloc(&e, 0, DEV - UNIT, UNIT, 1);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), 0);
	make_alloc(&e, 0, DEV, UNIT, 1);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	make_alloc(&e, 0, DATA - UNIT, UNIT, 1);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	make_alloc(&e, 0, DATA + 4096, UNIT, 1);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	make_alloc(&e, 0, DATA, UNIT, UNIT + 1);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	make_alloc(&e, 0, DEV - UNIT, U64_MAX - UNIT + 1, 1);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
}

/* Version 3: extents in whole 4 KiB blocks, anywhere in the data area. */
static void alloc_extent_rules_v3(struct kunit *test)
{
	struct famfsl_superblock sb;
	struct famfsl_entry e;
	const char *why;

	make_sb(&sb);
	sb.version = cpu_to_le32(FAMFSL_VERSION_BLOCKS);
	sb.alloc_unit = cpu_to_le32(BLOCK);
	famfsl_sb_set_crc(&sb);
	make_alloc(&e, 0, DATA + BLOCK, BLOCK, 1);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), 0);
	/* across a unit boundary */
	make_alloc(&e, 0, DATA + UNIT - BLOCK, UNIT, UNIT);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), 0);
	make_alloc(&e, 0, DEV - BLOCK, BLOCK, BLOCK);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), 0);
	make_alloc(&e, 0, DEV - BLOCK, 2 * BLOCK, 1);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	make_alloc(&e, 0, DATA - BLOCK, BLOCK, 1);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	make_alloc(&e, 0, DATA + 512, BLOCK, 1);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	KUNIT_EXPECT_STREQ(test, why, "extent is not in whole 4 KiB blocks");
	make_alloc(&e, 0, DATA, BLOCK + 512, 1);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	/* version 2 keeps whole units */
	make_sb(&sb);
	make_alloc(&e, 0, DATA + BLOCK, BLOCK, 1);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	KUNIT_EXPECT_STREQ(test, why, "extent is not in whole 2 MiB units");
}

static void alloc_extent_count(struct kunit *test)
{
	struct famfsl_superblock sb;
	struct famfsl_entry e;
	const char *why;

	make_sb(&sb);
	make_alloc(&e, 0, DATA, UNIT, UNIT);
	e.alloc.nr_extents = cpu_to_le32(0);
	famfsl_entry_set_crc(&e);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	e.alloc.nr_extents = cpu_to_le32(FAMFSL_MAX_EXTENTS + 1);
	famfsl_entry_set_crc(&e);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	/* Two extents: the size may use both. */
	e.alloc.nr_extents = cpu_to_le32(2);
	e.alloc.ext[1].dev_offset = cpu_to_le64(DATA + 4 * UNIT);
	e.alloc.ext[1].len = cpu_to_le64(UNIT);
	e.alloc.size = cpu_to_le64(2 * UNIT);
	famfsl_entry_set_crc(&e);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), 0);
}

static void rename_entry_checks(struct kunit *test)
{
	struct famfsl_superblock sb;
	struct famfsl_entry e;
	const char *why;

	make_sb(&sb);
	memset(&e, 0, sizeof(e));
	e.type = cpu_to_le32(FAMFSL_RENAME);
	e.rename.ino = cpu_to_le64(5);
	e.rename.old_parent = cpu_to_le64(1);
	e.rename.new_parent = cpu_to_le64(1);
	e.rename.name_len = cpu_to_le16(3);
	memcpy(e.rename.name, "new", 3);
	famfsl_entry_set_crc(&e);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), 0);
	memcpy(e.rename.name, "n/w", 3);
	famfsl_entry_set_crc(&e);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
	memcpy(e.rename.name, "new", 3);
	e.rename.ino = cpu_to_le64(FAMFSL_ROOT_INO);
	famfsl_entry_set_crc(&e);
	KUNIT_EXPECT_EQ(test, famfsl_check_entry(&e, 0, &sb, &why), -EUCLEAN);
}

static void setattr_flags(struct kunit *test)
{
	struct famfsl_superblock sb;
	struct famfsl_entry e;
	const char *why;
	u32 bit;

	make_sb(&sb);
	for (bit = 1; bit <= FAMFSL_ATTR_ALL; bit <<= 1) {
		memset(&e, 0, sizeof(e));
		e.type = cpu_to_le32(FAMFSL_SETATTR);
		e.setattr.ino = cpu_to_le64(2);
		e.setattr.valid = cpu_to_le32(bit);
		famfsl_entry_set_crc(&e);
		KUNIT_EXPECT_EQ_MSG(test, famfsl_check_entry(&e, 0, &sb, &why), 0,
				    "flag %#x", bit);
	}
}

static void log_capacities(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, famfsl_log_capacity(FAMFSL_LOG_LEN_DEFAULT), 32752ULL);
	KUNIT_EXPECT_EQ(test, famfsl_log_capacity(FAMFSL_LOG_LEN_MIN), 8176ULL);
	/* version 2: two areas of half the log each */
	KUNIT_EXPECT_EQ(test, famfsl_log_capacity(FAMFSL_LOG_LEN_DEFAULT / 2),
			16368ULL);
	KUNIT_EXPECT_EQ(test, famfsl_log_capacity(FAMFSL_LOG_LEN_MIN / 2),
			4080ULL);
	KUNIT_EXPECT_EQ(test, FAMFSL_DEV_SIZE_MIN, 6ULL << 20);
}

static int space_init(struct kunit *test)
{
	struct famfsl_space *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	if (!s || famfsl_space_init(s, DATA, DATA + 16 * UNIT, UNIT))
		return -ENOMEM;
	test->priv = s;
	return 0;
}

static void space_exit(struct kunit *test)
{
	famfsl_space_destroy(test->priv);
}

static void space_first_fit_and_alignment(struct kunit *test)
{
	struct famfsl_space *s = test->priv;
	u64 a, b, c;

	KUNIT_ASSERT_EQ(test, famfsl_space_alloc(s, 1, &a), 0);
	KUNIT_ASSERT_EQ(test, famfsl_space_alloc(s, UNIT + 1, &b), 0);
	KUNIT_ASSERT_EQ(test, famfsl_space_alloc(s, UNIT, &c), 0);
	KUNIT_EXPECT_EQ(test, a, DATA);
	KUNIT_EXPECT_EQ(test, b, DATA + UNIT);
	KUNIT_EXPECT_EQ(test, c, DATA + 3 * UNIT);
	KUNIT_EXPECT_EQ(test, s->nr_free, 12ULL);
	KUNIT_EXPECT_EQ(test, famfsl_space_alloc(s, 0, &a), -EINVAL);
}

static void space_exhaustion(struct kunit *test)
{
	struct famfsl_space *s = test->priv;
	u64 off;

	KUNIT_EXPECT_EQ(test, famfsl_space_alloc(s, 17 * UNIT, &off), -ENOSPC);
	KUNIT_EXPECT_EQ(test, famfsl_space_alloc(s, 16 * UNIT, &off), 0);
	KUNIT_EXPECT_EQ(test, s->nr_free, 0ULL);
	KUNIT_EXPECT_EQ(test, famfsl_space_alloc(s, 1, &off), -ENOSPC);
}

static void space_free_and_reuse(struct kunit *test)
{
	struct famfsl_space *s = test->priv;
	u64 a, b;

	KUNIT_ASSERT_EQ(test, famfsl_space_alloc(s, 4 * UNIT, &a), 0);
	famfsl_space_free(s, a, 4 * UNIT);
	KUNIT_EXPECT_EQ(test, s->nr_free, 16ULL);
	KUNIT_ASSERT_EQ(test, famfsl_space_alloc(s, 4 * UNIT, &b), 0);
	KUNIT_EXPECT_EQ(test, b, a);
}

static void space_fragmentation(struct kunit *test)
{
	struct famfsl_space *s = test->priv;
	u64 off[8], big;
	int i;

	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_EQ(test, famfsl_space_alloc(s, 2 * UNIT, &off[i]), 0);
	for (i = 0; i < 8; i += 2)
		famfsl_space_free(s, off[i], 2 * UNIT);
	/* 8 units free, but in runs of 2: a 3-unit extent does not fit. */
	KUNIT_EXPECT_EQ(test, s->nr_free, 8ULL);
	KUNIT_EXPECT_EQ(test, famfsl_space_alloc(s, 3 * UNIT, &big), -ENOSPC);
	famfsl_space_free(s, off[1], 2 * UNIT);
	KUNIT_EXPECT_EQ(test, famfsl_space_alloc(s, 3 * UNIT, &big), 0);
	KUNIT_EXPECT_EQ(test, big, off[0]);
}

static void space_free_run(struct kunit *test)
{
	struct famfsl_space *s = test->priv;

	KUNIT_EXPECT_EQ(test, famfsl_space_mark(s, DATA + 4 * UNIT, UNIT), 0);
	KUNIT_EXPECT_EQ(test, famfsl_space_free_run(s, DATA + UNIT, 8 * UNIT),
			3 * UNIT);
	KUNIT_EXPECT_EQ(test, famfsl_space_free_run(s, DATA + UNIT, 2 * UNIT),
			2 * UNIT);
	KUNIT_EXPECT_EQ(test, famfsl_space_free_run(s, DATA + 4 * UNIT, UNIT), 0ULL);
	KUNIT_EXPECT_EQ(test, famfsl_space_free_run(s, DATA + 15 * UNIT, 8 * UNIT),
			UNIT);
	KUNIT_EXPECT_EQ(test, famfsl_space_free_run(s, DATA + 16 * UNIT, UNIT), 0ULL);
	KUNIT_EXPECT_EQ(test, famfsl_space_free_run(s, DATA + 4096, UNIT), 0ULL);
	KUNIT_EXPECT_EQ(test, famfsl_space_free_run(s, DATA - UNIT, UNIT), 0ULL);
}

/* Known-zero units: set by the background zeroing, lost on free and use. */
static void space_known_zero(struct kunit *test)
{
	struct famfsl_space *s = test->priv;
	u64 off;

	/* at first nothing is known zero: the first free unit is found */
	KUNIT_ASSERT_TRUE(test, famfsl_space_next_unzeroed(s, 0, &off));
	KUNIT_EXPECT_EQ(test, off, DATA);
	famfsl_space_set_zeroed(s, DATA);
	famfsl_space_set_zeroed(s, DATA + UNIT);
	KUNIT_EXPECT_EQ(test, famfsl_space_nr_zeroed(s), 2ULL);
	KUNIT_ASSERT_TRUE(test, famfsl_space_next_unzeroed(s, 0, &off));
	KUNIT_EXPECT_EQ(test, off, DATA + 2 * UNIT);
	/* in-use units are skipped; the search wraps around */
	KUNIT_EXPECT_EQ(test, famfsl_space_mark(s, DATA + 2 * UNIT, UNIT), 0);
	KUNIT_ASSERT_TRUE(test, famfsl_space_next_unzeroed(s, DATA + 2 * UNIT,
							   &off));
	KUNIT_EXPECT_EQ(test, off, DATA + 3 * UNIT);
	KUNIT_ASSERT_TRUE(test, famfsl_space_next_unzeroed(s, DATA + 20 * UNIT,
							   &off));
	KUNIT_EXPECT_EQ(test, off, DATA + 3 * UNIT);
	/* taking a unit forgets that it was zero */
	KUNIT_EXPECT_EQ(test, famfsl_space_mark(s, DATA, 2 * UNIT), 0);
	KUNIT_EXPECT_TRUE(test, famfsl_space_take_zeroed(s, DATA));
	KUNIT_EXPECT_FALSE(test, famfsl_space_take_zeroed(s, DATA));
	KUNIT_EXPECT_EQ(test, famfsl_space_nr_zeroed(s), 1ULL);
	/* freeing a unit that was zero and not taken still forgets it */
	famfsl_space_free(s, DATA, 2 * UNIT);
	KUNIT_EXPECT_FALSE(test, famfsl_space_take_zeroed(s, DATA + UNIT));
	KUNIT_EXPECT_EQ(test, famfsl_space_nr_zeroed(s), 0ULL);
	/* all free units zero: nothing left to do */
	for (off = DATA; off < DATA + 16 * UNIT; off += UNIT)
		famfsl_space_set_zeroed(s, off);
	KUNIT_EXPECT_FALSE(test, famfsl_space_next_unzeroed(s, DATA, &off));
	KUNIT_EXPECT_EQ(test, famfsl_space_nr_zeroed(s), 16ULL);
	/* a read-only time forgets it all */
	famfsl_space_forget_zeroed(s);
	KUNIT_EXPECT_EQ(test, famfsl_space_nr_zeroed(s), 0ULL);
	KUNIT_EXPECT_FALSE(test, famfsl_space_take_zeroed(s, DATA + 3 * UNIT));
	KUNIT_ASSERT_TRUE(test, famfsl_space_next_unzeroed(s, 0, &off));
	KUNIT_EXPECT_EQ(test, off, DATA);
}

static void space_mark_overlap_and_bounds(struct kunit *test)
{
	struct famfsl_space *s = test->priv;
	u64 off;

	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA + UNIT, 2 * UNIT), 0);
	KUNIT_EXPECT_EQ(test, famfsl_space_mark(s, DATA + UNIT, 2 * UNIT), 0);
	/* the test refuses what the mark refuses, and changes nothing */
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA + 2 * UNIT, UNIT), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA, 2 * UNIT), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA - UNIT, UNIT), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA + 15 * UNIT, 2 * UNIT),
			-EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA + 4096, UNIT), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA + 3 * UNIT, UNIT), 0);
	KUNIT_EXPECT_EQ(test, s->nr_free, 14ULL);
	KUNIT_EXPECT_EQ(test, famfsl_space_mark(s, DATA + 2 * UNIT, UNIT), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_mark(s, DATA, 2 * UNIT), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_mark(s, DATA - UNIT, UNIT), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_mark(s, DATA + 15 * UNIT, 2 * UNIT),
			-EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_mark(s, DATA + 4096, UNIT), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, s->nr_free, 14ULL);
	/* Allocation goes around what the log marked. */
	KUNIT_ASSERT_EQ(test, famfsl_space_alloc(s, 2 * UNIT, &off), 0);
	KUNIT_EXPECT_EQ(test, off, DATA + 3 * UNIT);
}

/* Version 3: 4 KiB blocks, small files packed in shared units. */
static int blocks_init(struct kunit *test)
{
	struct famfsl_space *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	if (!s || famfsl_space_init(s, DATA, DATA + 16 * UNIT, BLOCK))
		return -ENOMEM;
	test->priv = s;
	return 0;
}

static void blocks_packed_at_the_end(struct kunit *test)
{
	struct famfsl_space *s = test->priv;
	u64 off;

	/* no shared unit yet: a small file starts one in the last unit */
	KUNIT_EXPECT_EQ(test, famfsl_space_find_shared(s, BLOCK, 0, &off),
			-ENOSPC);
	KUNIT_ASSERT_EQ(test, famfsl_space_find_last(s, U64_MAX, &off), 0);
	KUNIT_EXPECT_EQ(test, off, DATA + 15 * UNIT);
	KUNIT_ASSERT_EQ(test, famfsl_space_mark(s, off, BLOCK), 0);
	KUNIT_EXPECT_EQ(test, s->nr_free, 15ULL);
	KUNIT_EXPECT_EQ(test, s->free_bytes, 16 * UNIT - BLOCK);
	/* the next ones go beside it */
	KUNIT_ASSERT_EQ(test, famfsl_space_find_shared(s, 3 * BLOCK, 0, &off), 0);
	KUNIT_EXPECT_EQ(test, off, DATA + 15 * UNIT + BLOCK);
	KUNIT_ASSERT_EQ(test, famfsl_space_mark(s, off, 3 * BLOCK), 0);
	KUNIT_EXPECT_EQ(test, s->nr_free, 15ULL);
	/* a full unit's worth does not fit the shared one */
	KUNIT_EXPECT_EQ(test, famfsl_space_find_shared(s, UNIT, 0, &off),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, famfsl_space_find_shared(s, UNIT + BLOCK, 0, &off),
			-EINVAL);
	/* large files still find the first units whole */
	KUNIT_ASSERT_EQ(test, famfsl_space_alloc(s, 15 * UNIT, &off), 0);
	KUNIT_EXPECT_EQ(test, off, DATA);
	KUNIT_EXPECT_EQ(test, famfsl_space_find_last(s, U64_MAX, &off), -ENOSPC);
	/* the unit is free again after its last block is */
	famfsl_space_free(s, DATA + 15 * UNIT, BLOCK);
	KUNIT_EXPECT_EQ(test, s->nr_free, 0ULL);
	famfsl_space_free(s, DATA + 15 * UNIT + BLOCK, 3 * BLOCK);
	KUNIT_EXPECT_EQ(test, s->nr_free, 1ULL);
	KUNIT_EXPECT_EQ(test, s->free_bytes, UNIT);
	KUNIT_EXPECT_TRUE(test, xa_empty(&s->chunks));
	KUNIT_ASSERT_EQ(test, famfsl_space_find(s, UNIT, 0, &off), 0);
	KUNIT_EXPECT_EQ(test, off, DATA + 15 * UNIT);
}

static void blocks_overlap_and_bounds(struct kunit *test)
{
	struct famfsl_space *s = test->priv;

	KUNIT_ASSERT_EQ(test, famfsl_space_mark(s, DATA + UNIT + BLOCK, BLOCK), 0);
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA + UNIT, 2 * BLOCK),
			-EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA + UNIT, BLOCK), 0);
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA + UNIT + 2 * BLOCK,
						BLOCK), 0);
	/* a whole unit, or a run through it, meets the shared block */
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA + UNIT, UNIT), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA, 3 * UNIT), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_mark(s, DATA + UNIT, 2 * BLOCK),
			-EUCLEAN);
	/* not whole blocks, or outside */
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA + 512, BLOCK), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA, BLOCK + 512), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA - BLOCK, 2 * BLOCK),
			-EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA + 16 * UNIT - BLOCK,
						2 * BLOCK), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA + 16 * UNIT - BLOCK,
						BLOCK), 0);
	KUNIT_EXPECT_EQ(test, s->free_bytes, 16 * UNIT - BLOCK);
}

/* An extent across units makes both ends shared, and gives them back. */
static void blocks_across_units(struct kunit *test)
{
	struct famfsl_space *s = test->priv;
	u64 off;

	/* a large file's growth 100 KiB into a unit: 2 MiB aligned beyond */
	KUNIT_ASSERT_EQ(test, famfsl_space_mark(s, DATA + 25 * BLOCK,
						3 * UNIT - 25 * BLOCK), 0);
	KUNIT_EXPECT_EQ(test, s->nr_free, 13ULL);
	/* its first unit's head is free for small files */
	KUNIT_ASSERT_EQ(test, famfsl_space_find_shared(s, 25 * BLOCK, 0, &off), 0);
	KUNIT_EXPECT_EQ(test, off, DATA);
	KUNIT_EXPECT_EQ(test, famfsl_space_find_shared(s, 26 * BLOCK, 0, &off),
			-ENOSPC);
	KUNIT_ASSERT_EQ(test, famfsl_space_mark(s, DATA + UNIT - BLOCK,
						2 * BLOCK), -EUCLEAN);
	famfsl_space_free(s, DATA + 25 * BLOCK, 3 * UNIT - 25 * BLOCK);
	KUNIT_EXPECT_EQ(test, s->nr_free, 16ULL);
	KUNIT_EXPECT_TRUE(test, xa_empty(&s->chunks));
	/* two units shared by one small extent across their boundary */
	KUNIT_ASSERT_EQ(test, famfsl_space_mark(s, DATA + UNIT - BLOCK,
						2 * BLOCK), 0);
	KUNIT_EXPECT_EQ(test, s->nr_free, 14ULL);
	KUNIT_EXPECT_EQ(test, famfsl_space_alloc(s, 15 * UNIT, &off), -ENOSPC);
	famfsl_space_free(s, DATA + UNIT - BLOCK, 2 * BLOCK);
	KUNIT_EXPECT_EQ(test, s->free_bytes, 16 * UNIT);
	KUNIT_EXPECT_EQ(test, famfsl_space_alloc(s, 16 * UNIT, &off), 0);
}

/*
 * A file's extents are merged where they meet: space taken in parts is
 * given back as one extent, whole units included.
 */
static void blocks_taken_in_parts_freed_whole(struct kunit *test)
{
	struct famfsl_space *s = test->priv;

	KUNIT_ASSERT_EQ(test, famfsl_space_mark(s, DATA + UNIT - BLOCK, BLOCK), 0);
	KUNIT_ASSERT_EQ(test, famfsl_space_mark(s, DATA + UNIT, UNIT / 2), 0);
	KUNIT_ASSERT_EQ(test, famfsl_space_mark(s, DATA + UNIT + UNIT / 2,
						UNIT / 2), 0);
	KUNIT_EXPECT_EQ(test, s->nr_free, 14ULL);
	/* unit 1 is full in parts: nothing fits there, or over it */
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA + UNIT, UNIT), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, famfsl_space_test(s, DATA + 2 * UNIT - BLOCK,
						BLOCK), -EUCLEAN);
	famfsl_space_free(s, DATA + UNIT - BLOCK, UNIT + BLOCK);
	KUNIT_EXPECT_EQ(test, s->nr_free, 16ULL);
	KUNIT_EXPECT_EQ(test, s->free_bytes, 16 * UNIT);
	KUNIT_EXPECT_TRUE(test, xa_empty(&s->chunks));
}

static void blocks_free_run(struct kunit *test)
{
	struct famfsl_space *s = test->priv;

	KUNIT_ASSERT_EQ(test, famfsl_space_mark(s, DATA + 8 * BLOCK, BLOCK), 0);
	KUNIT_EXPECT_EQ(test, famfsl_space_free_run(s, DATA, UNIT), 8 * BLOCK);
	KUNIT_EXPECT_EQ(test, famfsl_space_free_run(s, DATA + 8 * BLOCK, UNIT),
			0ULL);
	/* to the end of the shared unit, then on through whole free ones */
	KUNIT_EXPECT_EQ(test, famfsl_space_free_run(s, DATA + 9 * BLOCK,
						    4 * UNIT), 4 * UNIT);
	KUNIT_EXPECT_EQ(test, famfsl_space_free_run(s, DATA + 9 * BLOCK,
						    16 * UNIT),
			16 * UNIT - 9 * BLOCK);
	KUNIT_EXPECT_EQ(test, famfsl_space_free_run(s, DATA + 9 * BLOCK + 512,
						    UNIT), 0ULL);
}

/* The last free unit is found across bitmap words. */
static void blocks_find_last(struct kunit *test)
{
	struct famfsl_space *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	u64 off;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, famfsl_space_init(s, DATA, DATA + 130 * UNIT,
						BLOCK), 0);
	KUNIT_ASSERT_EQ(test, famfsl_space_mark(s, DATA + 65 * UNIT,
						65 * UNIT), 0);
	KUNIT_EXPECT_EQ(test, famfsl_space_find_last(s, U64_MAX, &off), 0);
	KUNIT_EXPECT_EQ(test, off, DATA + 64 * UNIT);
	KUNIT_EXPECT_EQ(test, famfsl_space_find_last(s, DATA + 64 * UNIT, &off),
			0);
	KUNIT_EXPECT_EQ(test, off, DATA + 63 * UNIT);
	KUNIT_EXPECT_EQ(test, famfsl_space_find_last(s, DATA + 64 * UNIT + 1,
						     &off), 0);
	KUNIT_EXPECT_EQ(test, off, DATA + 64 * UNIT);
	KUNIT_ASSERT_EQ(test, famfsl_space_mark(s, DATA + BLOCK,
						65 * UNIT - BLOCK), 0);
	/* unit 0 is shared, not wholly free */
	KUNIT_EXPECT_EQ(test, famfsl_space_find_last(s, U64_MAX, &off), -ENOSPC);
	KUNIT_EXPECT_EQ(test, famfsl_space_find_last(s, DATA, &off), -ENOSPC);
	famfsl_space_destroy(s);
}

static struct kunit_case famfsl_format_cases[] = {
	KUNIT_CASE(sb_valid),
	KUNIT_CASE(sb_bad_magic_or_crc),
	KUNIT_CASE(sb_bad_version_or_flags),
	KUNIT_CASE(sb_bad_geometry_fields),
	KUNIT_CASE(sb_bad_log_and_data_layout),
	KUNIT_CASE(sb_bad_sizes),
	KUNIT_CASE(sb_reserved_must_be_zero),
	KUNIT_CASE(log_header_checks),
	KUNIT_CASE(log_header_commit_point_outside_crc),
	KUNIT_CASE(log_header_generation),
	KUNIT_CASE(log_header_version_1),
	KUNIT_CASE(entry_crc_and_sequence),
	KUNIT_CASE(entry_types),
	KUNIT_CASE(name_rules),
	KUNIT_CASE(alloc_extent_rules),
	KUNIT_CASE(alloc_extent_rules_v3),
	KUNIT_CASE(alloc_extent_count),
	KUNIT_CASE(rename_entry_checks),
	KUNIT_CASE(extend_entry_checks),
	KUNIT_CASE(extent_map_append),
	KUNIT_CASE(setattr_flags),
	KUNIT_CASE(log_capacities),
	{}
};

static struct kunit_case famfsl_space_cases[] = {
	KUNIT_CASE(space_first_fit_and_alignment),
	KUNIT_CASE(space_exhaustion),
	KUNIT_CASE(space_free_and_reuse),
	KUNIT_CASE(space_fragmentation),
	KUNIT_CASE(space_mark_overlap_and_bounds),
	KUNIT_CASE(space_free_run),
	KUNIT_CASE(space_known_zero),
	{}
};

static struct kunit_case famfsl_blocks_cases[] = {
	KUNIT_CASE(blocks_packed_at_the_end),
	KUNIT_CASE(blocks_overlap_and_bounds),
	KUNIT_CASE(blocks_across_units),
	KUNIT_CASE(blocks_taken_in_parts_freed_whole),
	KUNIT_CASE(blocks_free_run),
	KUNIT_CASE(blocks_find_last),
	{}
};

static struct kunit_suite famfsl_format_suite = {
	.name = "famfs_lite_format",
	.test_cases = famfsl_format_cases,
};

static struct kunit_suite famfsl_space_suite = {
	.name = "famfs_lite_space",
	.init = space_init,
	.exit = space_exit,
	.test_cases = famfsl_space_cases,
};

static struct kunit_suite famfsl_blocks_suite = {
	.name = "famfs_lite_blocks",
	.init = blocks_init,
	.exit = space_exit,
	.test_cases = famfsl_blocks_cases,
};

kunit_test_suites(&famfsl_format_suite, &famfsl_space_suite,
		  &famfsl_blocks_suite);

MODULE_AUTHOR("daxlite maintainers");
MODULE_DESCRIPTION("KUnit tests for famfs_lite");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DAXL_KUNIT_NS);
