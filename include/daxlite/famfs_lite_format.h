/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * famfs_lite on-media format, shared by the kernel module and the tools.
 * docs/format.md describes it in prose; this file is the definition.
 *
 * All fields are little-endian and fixed width; every structure has
 * explicit padding and a checked size.
 *
 *   [0, 2 MiB)                superblock (first 128 bytes used), and
 *                             (version 2) the log_gen word at 4 KiB
 *   [2 MiB, 2 MiB + log_len)  log: version 1, one log area; version 2,
 *                             two areas of log_len / 2 each, of which
 *                             log_gen & 1 is the active one.  An area is
 *                             a 4 KiB header, then 256-byte entries
 *   [data_offset, dev_size)   file data: extents in whole 2 MiB units
 *                             (versions 1 and 2) or in 4 KiB blocks
 *                             (version 3; see FAMFSL_BLOCK_SIZE)
 */
#ifndef _DAXLITE_FAMFS_LITE_FORMAT_H
#define _DAXLITE_FAMFS_LITE_FORMAT_H

#ifdef __KERNEL__
#include <kunit/visibility.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <asm/byteorder.h>
#else
#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
/* The kernel names the shared code uses, for user space. */
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
#define le16_to_cpu(x)	le16toh(x)
#define le32_to_cpu(x)	le32toh(x)
#define le64_to_cpu(x)	le64toh(x)
#define cpu_to_le16(x)	htole16(x)
#define cpu_to_le32(x)	htole32(x)
#define cpu_to_le64(x)	htole64(x)
#define EXPORT_SYMBOL_IF_KUNIT(sym)
#endif

#define FAMFSL_SB_MAGIC		0x31544c53464d4146ULL	/* "FAMFSLT1" */
#define FAMFSL_LOG_MAGIC	0x474f4c4c53464d46ULL	/* "FMSFLLOG" */
#define FAMFSL_SUPER_MAGIC	0x66616d6c		/* statfs f_type */
/*
 * Version 2 has two log areas (compaction) and FAMFSL_EXTEND (files that
 * grow).  Version 3 is version 2 with extents in 4 KiB blocks instead of
 * whole 2 MiB units, so that small files need not take 2 MiB each.
 * Version 1 images (one log area, no EXTEND) mount read-only.
 */
#define FAMFSL_VERSION		3	/* what mkfs writes */
#define FAMFSL_VERSION_1	1	/* one log area; mounted read-only */
#define FAMFSL_VERSION_MIN	FAMFSL_VERSION_1
#define FAMFSL_VERSION_EXTEND	2	/* first version with FAMFSL_EXTEND */
#define FAMFSL_VERSION_BLOCKS	3	/* first version with 4 KiB extents */

/* The layout's unit: the superblock, the log and the data area align to it. */
#define FAMFSL_ALLOC_UNIT	0x200000ULL		/* 2 MiB */
/* The extent granule of version 3 (the superblock's alloc_unit). */
#define FAMFSL_BLOCK_SIZE	0x1000ULL		/* 4 KiB */
#define FAMFSL_LOG_OFFSET	FAMFSL_ALLOC_UNIT
#define FAMFSL_LOG_HEADER_SIZE	4096ULL
#define FAMFSL_ENTRY_SIZE	256
#define FAMFSL_LOG_LEN_DEFAULT	0x800000ULL		/* 8 MiB */
#define FAMFSL_LOG_LEN_MIN	FAMFSL_ALLOC_UNIT
/*
 * The largest log: a mount reads a whole log area into one kernel buffer
 * (at most 1 GiB, four million entries), and kvmalloc() refuses, with a
 * warning, anything past INT_MAX bytes.
 */
#define FAMFSL_LOG_LEN_MAX	0x40000000ULL		/* 1 GiB */
/*
 * Version 2: the log generation, an 8-byte word outside the superblock's
 * checksum, so that switching log areas is one aligned 8-byte store.
 */
#define FAMFSL_GEN_OFFSET	4096ULL
/* the smallest file system: superblock, smallest log, one data unit */
#define FAMFSL_DEV_SIZE_MIN	(FAMFSL_LOG_OFFSET + FAMFSL_LOG_LEN_MIN + \
				 FAMFSL_ALLOC_UNIT)

#define FAMFSL_ROOT_INO		1
/* the largest inode number; creates fail with ENOSPC past it */
#define FAMFSL_INO_MAX		((1ULL << 48) - 1)
#define FAMFSL_NAME_MAX		192
#define FAMFSL_MAX_EXTENTS	8	/* per ALLOC or EXTEND entry */
/*
 * The most extents a file may have, counted after adjacent extents are
 * merged (see FAMFSL_EXTEND): a growth that would need more fails with
 * EFBIG, and a log that gives a file more is corrupt.
 */
#define FAMFSL_FILE_MAX_EXTENTS	1024

/**
 * struct famfsl_superblock - at device offset 0
 * @magic: FAMFSL_SB_MAGIC
 * @version: FAMFSL_VERSION (3), 2, or FAMFSL_VERSION_1
 * @flags: none defined; must be 0
 * @uuid: identifies the file system
 * @dev_size: bytes the file system covers; at most the device size
 * @log_offset: FAMFSL_LOG_OFFSET
 * @log_len: bytes of log, a multiple of FAMFSL_ALLOC_UNIT
 * @data_offset: @log_offset + @log_len
 * @alloc_unit: the granule of extents' offsets and lengths:
 *	FAMFSL_ALLOC_UNIT in versions 1 and 2, FAMFSL_BLOCK_SIZE in version 3
 * @entry_size: FAMFSL_ENTRY_SIZE
 * @mkfs_time: seconds since the epoch; the root directory's times
 * @reserved: zero
 * @crc: CRC32C of the bytes before it
 */
struct famfsl_superblock {
	__le64 magic;
	__le32 version;
	__le32 flags;
	__u8 uuid[16];
	__le64 dev_size;
	__le64 log_offset;
	__le64 log_len;
	__le64 data_offset;
	__le32 alloc_unit;
	__le32 entry_size;
	__le64 mkfs_time;
	__u8 reserved[44];
	__le32 crc;
};

/**
 * struct famfsl_log_header - at the start of a log area
 * @magic: FAMFSL_LOG_MAGIC
 * @capacity: number of entry slots, (area length - 4096) / entry_size
 * @entry_size: FAMFSL_ENTRY_SIZE
 * @crc: version 1: CRC32C of @magic, @capacity and @entry_size; version
 *	2: CRC32C of the whole header with @crc and @next_index taken as zero
 * @next_index: the commit point: entries [0, @next_index) count; written
 *	last, with one aligned 8-byte store, and not covered by @crc
 * @gen: version 2: the log generation this area holds, which the log_gen
 *	word must name for the area to count; 0 in version 1
 * @next_ino: version 2: the lowest inode number never handed out, so
 *	that a compacted log, which forgets removed files, does not let
 *	their numbers be used again; 0 in version 1
 * @reserved: zero
 */
struct famfsl_log_header {
	__le64 magic;
	__le64 capacity;
	__le32 entry_size;
	__le32 crc;
	__le64 next_index;
	__le64 gen;
	__le64 next_ino;
	__u8 reserved[16];
};

enum famfsl_entry_type {
	FAMFSL_CREATE	= 1,	/* a file or directory appears */
	FAMFSL_ALLOC	= 2,	/* a file gets its extents and size */
	FAMFSL_SETATTR	= 3,	/* mode, owner or times change */
	FAMFSL_UNLINK	= 4,	/* a file or empty directory goes */
	FAMFSL_RENAME	= 5,	/* an inode moves, maybe over another */
	FAMFSL_EXTEND	= 6,	/* a file grows (version 2 and later) */
};

/* A time stamp: seconds since the epoch and nanoseconds. */
struct famfsl_time {
	__le64 sec;
	__le32 nsec;
	__le32 pad;
};

/* FAMFSL_CREATE: @name (not NUL-terminated) appears in @parent. */
struct famfsl_create {
	__le64 ino;
	__le64 parent;
	__le32 mode;		/* S_IFREG or S_IFDIR, and permissions */
	__le32 uid;
	__le32 gid;
	__le16 name_len;
	__le16 pad;
	struct famfsl_time time;	/* atime, mtime and ctime */
	char name[FAMFSL_NAME_MAX];
};

/*
 * One extent: file bytes [file_offset, +len) at device byte @dev_offset;
 * both are multiples of the superblock's alloc_unit, and the extent lies
 * inside the data area.
 */
struct famfsl_extent {
	__le64 dev_offset;
	__le64 len;
};

/*
 * FAMFSL_ALLOC: file @ino, which had no extents, gets @nr_extents
 * extents laid end to end in the file, and size @size.
 */
struct famfsl_alloc {
	__le64 ino;
	__le64 size;
	__le32 nr_extents;
	__le32 pad;
	struct famfsl_extent ext[FAMFSL_MAX_EXTENTS];
	__u8 reserved[88];
};

/*
 * FAMFSL_EXTEND (version 2 and later): file @ino gets @nr_extents
 * (0..FAMFSL_MAX_EXTENTS) more extents, laid end to end after the ones it
 * has (it may have none yet), and size @size, which is at least its size
 * before and at most the length of all its extents.  An appended extent
 * whose @dev_offset is the device end of the file's last extent continues
 * it: the two are one extent from then on (the file's bytes are where
 * they would be either way; FAMFSL_FILE_MAX_EXTENTS counts merged
 * extents).  With no extents it only records a size the file's space
 * already covers.  Same layout as FAMFSL_ALLOC.
 */
struct famfsl_extend {
	__le64 ino;
	__le64 size;
	__le32 nr_extents;
	__le32 pad;
	struct famfsl_extent ext[FAMFSL_MAX_EXTENTS];
	__u8 reserved[88];
};

#define FAMFSL_ATTR_MODE	0x01
#define FAMFSL_ATTR_UID		0x02
#define FAMFSL_ATTR_GID		0x04
#define FAMFSL_ATTR_ATIME	0x08
#define FAMFSL_ATTR_MTIME	0x10
#define FAMFSL_ATTR_CTIME	0x20
#define FAMFSL_ATTR_ALL		0x3f

/* FAMFSL_SETATTR: the fields named in @valid take the values given. */
struct famfsl_setattr {
	__le64 ino;
	__le32 valid;
	__le32 mode;		/* permission bits only */
	__le32 uid;
	__le32 gid;
	struct famfsl_time atime;
	struct famfsl_time mtime;
	struct famfsl_time ctime;
	__u8 reserved[168];
};

/* FAMFSL_UNLINK: @ino, named in @parent, goes; a directory must be empty. */
struct famfsl_unlink {
	__le64 ino;
	__le64 parent;
	__u8 reserved[224];
};

/*
 * FAMFSL_RENAME: @ino moves from @old_parent to @new_parent under @name;
 * @replaced, if not 0, is the inode that had that name and goes.
 */
struct famfsl_rename {
	__le64 ino;
	__le64 old_parent;
	__le64 new_parent;
	__le64 replaced;
	__le16 name_len;
	__le16 pad[3];
	__u8 reserved[8];
	char name[FAMFSL_NAME_MAX];
};

/**
 * struct famfsl_entry - one log entry
 * @seq: its index in the log
 * @type: enum famfsl_entry_type
 * @crc: CRC32C of the whole entry, computed with @crc zero
 */
struct famfsl_entry {
	__le64 seq;
	__le32 type;
	__le32 crc;
	union {
		struct famfsl_create create;
		struct famfsl_alloc alloc;
		struct famfsl_setattr setattr;
		struct famfsl_unlink unlink;
		struct famfsl_rename rename;
		struct famfsl_extend extend;
	};
};

static_assert(sizeof(struct famfsl_superblock) == 128, "superblock size");
static_assert(offsetof(struct famfsl_superblock, crc) == 124, "sb crc");
static_assert(sizeof(struct famfsl_log_header) == 64, "log header size");
static_assert(offsetof(struct famfsl_log_header, next_index) == 24,
	      "next_index offset");
static_assert(offsetof(struct famfsl_log_header, gen) == 32, "gen offset");
static_assert(sizeof(struct famfsl_time) == 16, "time size");
static_assert(sizeof(struct famfsl_create) == 240, "create size");
static_assert(sizeof(struct famfsl_alloc) == 240, "alloc size");
static_assert(sizeof(struct famfsl_setattr) == 240, "setattr size");
static_assert(sizeof(struct famfsl_unlink) == 240, "unlink size");
static_assert(sizeof(struct famfsl_rename) == 240, "rename size");
static_assert(sizeof(struct famfsl_extend) == 240, "extend size");
/* the checks read an EXTEND as an ALLOC */
static_assert(offsetof(struct famfsl_extend, ext) ==
	      offsetof(struct famfsl_alloc, ext), "extend layout");
static_assert(offsetof(struct famfsl_extend, reserved) ==
	      offsetof(struct famfsl_alloc, reserved), "extend layout");
static_assert(sizeof(struct famfsl_entry) == FAMFSL_ENTRY_SIZE, "entry size");

/*
 * Checks shared by the kernel and the tools (famfs_lite/format.c).  Each
 * returns 0 or a negative errno: -EINVAL where the media is not a
 * famfs_lite this code can use, -EUCLEAN where it is one but is corrupt;
 * *why then says what is wrong.
 */
u32 famfsl_crc32c(u32 crc, const void *buf, size_t len);
void famfsl_sb_set_crc(struct famfsl_superblock *sb);
void famfsl_log_header_set_crc(struct famfsl_log_header *h, u32 version);
void famfsl_entry_set_crc(struct famfsl_entry *e);
bool famfsl_name_ok(const char *name, unsigned int len);
int famfsl_check_superblock(const struct famfsl_superblock *sb,
			    u64 dev_size, const char **why);
int famfsl_check_log_header(const struct famfsl_log_header *h,
			    const struct famfsl_superblock *sb, u64 gen,
			    const char **why);
int famfsl_check_entry(const struct famfsl_entry *e, u64 index,
		       const struct famfsl_superblock *sb, const char **why);
u64 famfsl_log_capacity(u64 log_len);
u64 famfsl_area_len(const struct famfsl_superblock *sb);
u64 famfsl_area_offset(const struct famfsl_superblock *sb, u64 gen);
u64 famfsl_sb_capacity(const struct famfsl_superblock *sb);
u64 famfsl_sb_granule(const struct famfsl_superblock *sb);

#endif /* _DAXLITE_FAMFS_LITE_FORMAT_H */
