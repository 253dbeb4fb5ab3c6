// SPDX-License-Identifier: GPL-2.0-only
/*
 * famfs_lite format checks: what makes a superblock, a log header and a
 * log entry valid on their own.  Compiled into the kernel module and into
 * the tools, so mount and fsck judge media by the same rules.  Checks that
 * need the whole tree (parents, names, overlapping extents) live with the
 * tree: the log replay in the kernel, the model in fsck.
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/stat.h>
#include <linux/string.h>
#else
#include <string.h>
#include <sys/stat.h>
#endif

#include <daxlite/famfs_lite_format.h>

/* A check failed: give @msg as the reason in *@why, and return @err. */
static int famfsl_reject(const char **why, int err, const char *msg)
{
	*why = msg;
	return err;
}

static u32 famfsl_sb_crc(const struct famfsl_superblock *sb)
{
	return famfsl_crc32c(~0U, sb, offsetof(struct famfsl_superblock, crc));
}

/**
 * famfsl_sb_set_crc() - seal a superblock
 * @sb: the superblock, complete but for its checksum
 *
 * Sets @sb->crc to the CRC32C of every byte before it.
 */
void famfsl_sb_set_crc(struct famfsl_superblock *sb)
{
	sb->crc = cpu_to_le32(famfsl_sb_crc(sb));
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_sb_set_crc);

static u32 famfsl_log_header_crc(const struct famfsl_log_header *h,
				 u32 version)
{
	struct famfsl_log_header copy;

	if (version == FAMFSL_VERSION_1)
		return famfsl_crc32c(~0U, h,
				     offsetof(struct famfsl_log_header, crc));
	copy = *h;
	copy.crc = 0;
	copy.next_index = 0;
	return famfsl_crc32c(~0U, &copy, sizeof(copy));
}

/**
 * famfsl_log_header_set_crc() - seal a log header
 * @h: the header, complete but for its checksum
 * @version: the superblock's format version
 *
 * Sets @h->crc: in version 1 to the CRC32C of every byte before it, in
 * versions 2 and 3 to the CRC32C of the whole header with crc and
 * next_index taken as zero.
 */
void famfsl_log_header_set_crc(struct famfsl_log_header *h, u32 version)
{
	h->crc = cpu_to_le32(famfsl_log_header_crc(h, version));
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_log_header_set_crc);

static u32 famfsl_entry_crc(const struct famfsl_entry *e)
{
	struct famfsl_entry copy = *e;

	copy.crc = 0;
	return famfsl_crc32c(~0U, &copy, sizeof(copy));
}

/**
 * famfsl_entry_set_crc() - seal a log entry
 * @e: the entry, complete but for its checksum
 *
 * Sets @e->crc to the CRC32C of the whole entry with the crc field zero.
 */
void famfsl_entry_set_crc(struct famfsl_entry *e)
{
	e->crc = cpu_to_le32(famfsl_entry_crc(e));
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_entry_set_crc);

/**
 * famfsl_log_capacity() - how many entries a log holds
 * @log_len: the log's length in bytes, header included
 *
 * Return: the number of entry slots after the header.
 */
u64 famfsl_log_capacity(u64 log_len)
{
	return (log_len - FAMFSL_LOG_HEADER_SIZE) / FAMFSL_ENTRY_SIZE;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_log_capacity);

/**
 * famfsl_area_len() - the length of one log area
 * @sb: a checked superblock
 *
 * Return: version 1: the whole log; version 2: half of it.
 */
u64 famfsl_area_len(const struct famfsl_superblock *sb)
{
	u64 len = le64_to_cpu(sb->log_len);

	return le32_to_cpu(sb->version) == FAMFSL_VERSION_1 ? len : len / 2;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_area_len);

/**
 * famfsl_area_offset() - where the log area of a generation starts
 * @sb: a checked superblock
 * @gen: the log generation (version 1 has only generation 0's area)
 *
 * Return: the device offset of area @gen & 1.
 */
u64 famfsl_area_offset(const struct famfsl_superblock *sb, u64 gen)
{
	if (le32_to_cpu(sb->version) == FAMFSL_VERSION_1)
		gen = 0;
	return le64_to_cpu(sb->log_offset) + (gen & 1) * famfsl_area_len(sb);
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_area_offset);

/**
 * famfsl_sb_capacity() - how many entries one log area holds
 * @sb: a checked superblock
 *
 * Return: the number of entry slots of each log area.
 */
u64 famfsl_sb_capacity(const struct famfsl_superblock *sb)
{
	return famfsl_log_capacity(famfsl_area_len(sb));
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_sb_capacity);

/**
 * famfsl_sb_granule() - the granule of a file system's extents
 * @sb: a superblock whose version is checked
 *
 * Return: FAMFSL_BLOCK_SIZE (version 3) or FAMFSL_ALLOC_UNIT (versions 1
 * and 2): every extent's offset and length is a multiple of it, and so is
 * the superblock's alloc_unit.
 */
u64 famfsl_sb_granule(const struct famfsl_superblock *sb)
{
	return le32_to_cpu(sb->version) >= FAMFSL_VERSION_BLOCKS ?
	       FAMFSL_BLOCK_SIZE : FAMFSL_ALLOC_UNIT;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_sb_granule);

static bool famfsl_all_zero(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len--)
		if (*p++)
			return false;
	return true;
}

/**
 * famfsl_name_ok() - whether a name may be stored in the log
 * @name: the name, not NUL-terminated
 * @len: its length in bytes
 *
 * A name is 1..FAMFSL_NAME_MAX bytes, not "." or "..", without '/' or NUL.
 *
 * Return: true if @name is valid.
 */
bool famfsl_name_ok(const char *name, unsigned int len)
{
	if (!len || len > FAMFSL_NAME_MAX)
		return false;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return false;
	return !memchr(name, '/', len) && !memchr(name, '\0', len);
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_name_ok);

/*
 * An owner the log may name: (u32)-1 is no user or group (chown's "leave
 * it"), which famfs_lite never writes; the kernel would make it an
 * unmapped owner whose files even root could not open or chown.
 */
static bool famfsl_owner_ok(__le32 id)
{
	return le32_to_cpu(id) != (u32)-1;
}

/**
 * famfsl_check_superblock() - judge a superblock on its own
 * @sb: the superblock as read from the media
 * @dev_size: size of the device it was read from, in bytes
 * @why: receives what is wrong, on failure
 *
 * Checks the magic, checksum, version, flags, geometry (2 MiB units, the
 * log at 2 MiB, the data area right after it) and reserved bytes, and
 * that the device is as large as the superblock says.
 *
 * Return: 0, -EINVAL if the media is not a famfs_lite this code can use,
 * or -EUCLEAN if it is one but is corrupt.
 */
int famfsl_check_superblock(const struct famfsl_superblock *sb,
			    u64 dev_size, const char **why)
{
	u64 size = le64_to_cpu(sb->dev_size);
	u64 log_off = le64_to_cpu(sb->log_offset);
	u64 log_len = le64_to_cpu(sb->log_len);
	u64 data = le64_to_cpu(sb->data_offset);

	if (le64_to_cpu(sb->magic) != FAMFSL_SB_MAGIC)
		return famfsl_reject(why, -EINVAL, "no famfs_lite superblock (bad magic)");
	if (le32_to_cpu(sb->crc) != famfsl_sb_crc(sb))
		return famfsl_reject(why, -EUCLEAN, "superblock checksum mismatch");
	if (le32_to_cpu(sb->version) < FAMFSL_VERSION_MIN ||
	    le32_to_cpu(sb->version) > FAMFSL_VERSION)
		return famfsl_reject(why, -EINVAL, "unsupported format version");
	if (sb->flags)
		return famfsl_reject(why, -EINVAL, "unknown superblock flags");
	if (le32_to_cpu(sb->alloc_unit) != famfsl_sb_granule(sb))
		return famfsl_reject(why, -EUCLEAN,
				     "allocation unit does not match the format version");
	if (le32_to_cpu(sb->entry_size) != FAMFSL_ENTRY_SIZE)
		return famfsl_reject(why, -EUCLEAN, "log entry size is not 256");
	if (log_off != FAMFSL_LOG_OFFSET)
		return famfsl_reject(why, -EUCLEAN, "log offset is not 2 MiB");
	if (log_len < FAMFSL_LOG_LEN_MIN || log_len % FAMFSL_ALLOC_UNIT ||
	    log_len > size)
		return famfsl_reject(why, -EUCLEAN,
				     "log length is not a multiple of 2 MiB within the device");
	if (log_len > FAMFSL_LOG_LEN_MAX)
		return famfsl_reject(why, -EINVAL, "log is larger than 1 GiB");
	if (data != log_off + log_len)
		return famfsl_reject(why, -EUCLEAN, "data offset does not follow the log");
	if (size % FAMFSL_ALLOC_UNIT || size < data + FAMFSL_ALLOC_UNIT)
		return famfsl_reject(why, -EUCLEAN,
				     "file system size is not a multiple of 2 MiB past the log");
	if (!famfsl_all_zero(sb->reserved, sizeof(sb->reserved)))
		return famfsl_reject(why, -EUCLEAN, "reserved superblock bytes are not zero");
	if (size > dev_size)
		return famfsl_reject(why, -EINVAL, "device is smaller than the superblock says");
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_check_superblock);

/**
 * famfsl_check_log_header() - judge a log area's header
 * @h: the header as read from the media
 * @sb: the superblock, already checked
 * @gen: version 2: the log_gen word, which chose this area; ignored in
 *	version 1
 * @why: receives what is wrong, on failure
 *
 * Return: 0, or -EUCLEAN for a bad magic or checksum, a geometry that
 * disagrees with @sb, a commit point past the area's end, non-zero
 * reserved bytes, or (version 2) a generation other than @gen or an
 * impossible next inode number.
 */
int famfsl_check_log_header(const struct famfsl_log_header *h,
			    const struct famfsl_superblock *sb, u64 gen,
			    const char **why)
{
	u32 version = le32_to_cpu(sb->version);
	u64 capacity = famfsl_sb_capacity(sb);
	u64 next_ino = le64_to_cpu(h->next_ino);

	if (le64_to_cpu(h->magic) != FAMFSL_LOG_MAGIC)
		return famfsl_reject(why, -EUCLEAN, "log header has a bad magic");
	if (le32_to_cpu(h->crc) != famfsl_log_header_crc(h, version))
		return famfsl_reject(why, -EUCLEAN, "log header checksum mismatch");
	if (version == FAMFSL_VERSION_1) {
		if (h->gen || h->next_ino)
			return famfsl_reject(why, -EUCLEAN,
					     "reserved log header bytes are not zero");
	} else {
		if (le64_to_cpu(h->gen) != gen)
			return famfsl_reject(why, -EUCLEAN,
				    "log area generation disagrees with the log_gen word");
		if (next_ino <= FAMFSL_ROOT_INO || next_ino > FAMFSL_INO_MAX + 1)
			return famfsl_reject(why, -EUCLEAN,
					     "log header's next inode number is out of range");
	}
	if (le32_to_cpu(h->entry_size) != FAMFSL_ENTRY_SIZE ||
	    le64_to_cpu(h->capacity) != capacity)
		return famfsl_reject(why, -EUCLEAN,
				     "log header geometry disagrees with the superblock");
	if (le64_to_cpu(h->next_index) > capacity)
		return famfsl_reject(why, -EUCLEAN,
				     "log header counts more entries than the log holds");
	if (!famfsl_all_zero(h->reserved, sizeof(h->reserved)))
		return famfsl_reject(why, -EUCLEAN, "reserved log header bytes are not zero");
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_check_log_header);

/*
 * The extents of an ALLOC (@min_n 1) or EXTEND (@min_n 0) entry; the two
 * share a layout.  An EXTEND's padding must be zero (an ALLOC's never was
 * checked, and version 1 images stay valid).  For an EXTEND, @a->size is checked against the file's
 * earlier extents by the tree's owner.
 */
static int famfsl_check_alloc(const struct famfsl_alloc *a, u32 min_n,
			      const struct famfsl_superblock *sb,
			      const char **why)
{
	u64 data = le64_to_cpu(sb->data_offset);
	u64 size = le64_to_cpu(sb->dev_size);
	u64 granule = famfsl_sb_granule(sb);
	u32 n = le32_to_cpu(a->nr_extents);
	u64 total = 0;
	u32 i;

	if (n < min_n || n > FAMFSL_MAX_EXTENTS)
		return famfsl_reject(why, -EUCLEAN, "bad extent count");
	if (!min_n && (a->pad || !famfsl_all_zero(a->reserved,
						  sizeof(a->reserved))))
		return famfsl_reject(why, -EUCLEAN, "reserved extent entry bytes are not zero");
	for (i = 0; i < n; i++) {
		u64 off = le64_to_cpu(a->ext[i].dev_offset);
		u64 len = le64_to_cpu(a->ext[i].len);

		if (!len || off % granule || len % granule)
			return famfsl_reject(why, -EUCLEAN, granule == FAMFSL_BLOCK_SIZE ?
					     "extent is not in whole 4 KiB blocks" :
					     "extent is not in whole 2 MiB units");
		if (off < data || off > size || len > size - off)
			return famfsl_reject(why, -EUCLEAN, "extent lies outside the data area");
		total += len;
	}
	if (min_n && le64_to_cpu(a->size) > total)
		return famfsl_reject(why, -EUCLEAN, "file size exceeds its extents");
	return 0;
}

/**
 * famfsl_check_entry() - judge one log entry on its own
 * @e: the entry as read from the media
 * @index: its slot in the log, which must be its sequence number
 * @sb: the superblock, already checked
 * @why: receives what is wrong, on failure
 *
 * Checks the checksum, the sequence number and what each entry type
 * allows: inode numbers, names, attribute flags, and extents inside the
 * data area in whole allocation units (famfsl_sb_granule()).  Checks
 * against the tree are the caller's.
 *
 * Return: 0, or -EUCLEAN for a corrupt or unknown entry.
 */
int famfsl_check_entry(const struct famfsl_entry *e, u64 index,
		       const struct famfsl_superblock *sb, const char **why)
{
	u32 mode;

	if (le32_to_cpu(e->crc) != famfsl_entry_crc(e))
		return famfsl_reject(why, -EUCLEAN, "checksum mismatch");
	if (le64_to_cpu(e->seq) != index)
		return famfsl_reject(why, -EUCLEAN, "sequence number out of order");

	switch (le32_to_cpu(e->type)) {
	case FAMFSL_CREATE:
		mode = le32_to_cpu(e->create.mode);
		if (le64_to_cpu(e->create.ino) <= FAMFSL_ROOT_INO)
			return famfsl_reject(why, -EUCLEAN, "create of a reserved inode number");
		if (le64_to_cpu(e->create.ino) > FAMFSL_INO_MAX)
			return famfsl_reject(why, -EUCLEAN, "inode number out of range");
		if (!S_ISREG(mode) && !S_ISDIR(mode))
			return famfsl_reject(why, -EUCLEAN,
					     "create of neither a file nor a directory");
		if (!famfsl_name_ok(e->create.name,
				    le16_to_cpu(e->create.name_len)))
			return famfsl_reject(why, -EUCLEAN, "invalid name");
		if (!famfsl_owner_ok(e->create.uid) ||
		    !famfsl_owner_ok(e->create.gid))
			return famfsl_reject(why, -EUCLEAN, "invalid owner");
		return 0;
	case FAMFSL_ALLOC:
		return famfsl_check_alloc(&e->alloc, 1, sb, why);
	case FAMFSL_EXTEND:
		if (le32_to_cpu(sb->version) < FAMFSL_VERSION_EXTEND)
			return famfsl_reject(why, -EUCLEAN,
					     "extend entry in a version 1 file system");
		if (le64_to_cpu(e->extend.ino) <= FAMFSL_ROOT_INO)
			return famfsl_reject(why, -EUCLEAN, "extend of the root or of inode 0");
		/* the same layout as an ALLOC (static_asserts in the header) */
		return famfsl_check_alloc((const struct famfsl_alloc *)&e->extend,
					  0, sb, why);
	case FAMFSL_SETATTR:
		if (le32_to_cpu(e->setattr.valid) & ~FAMFSL_ATTR_ALL)
			return famfsl_reject(why, -EUCLEAN, "unknown attribute flags");
		if ((le32_to_cpu(e->setattr.valid) & FAMFSL_ATTR_UID &&
		     !famfsl_owner_ok(e->setattr.uid)) ||
		    (le32_to_cpu(e->setattr.valid) & FAMFSL_ATTR_GID &&
		     !famfsl_owner_ok(e->setattr.gid)))
			return famfsl_reject(why, -EUCLEAN, "invalid owner");
		return 0;
	case FAMFSL_UNLINK:
		if (le64_to_cpu(e->unlink.ino) <= FAMFSL_ROOT_INO)
			return famfsl_reject(why, -EUCLEAN, "unlink of the root or of inode 0");
		return 0;
	case FAMFSL_RENAME:
		if (le64_to_cpu(e->rename.ino) <= FAMFSL_ROOT_INO)
			return famfsl_reject(why, -EUCLEAN, "rename of the root or of inode 0");
		if (!famfsl_name_ok(e->rename.name,
				    le16_to_cpu(e->rename.name_len)))
			return famfsl_reject(why, -EUCLEAN, "invalid name");
		return 0;
	default:
		return famfsl_reject(why, -EUCLEAN, "unknown entry type");
	}
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_check_entry);
