// SPDX-License-Identifier: GPL-2.0-only
/*
 * famfsl_fuzz: a structure-aware fuzzer of famfs_lite images, run in the
 * test guest by tests/guest/fuzz.sh.
 *
 *   famfsl_fuzz base IMG
 *	make a saved image reproducible: a fixed uuid and fixed times, the
 *	checksums resealed; prints the image's id (CRC32C of its metadata)
 *   famfsl_fuzz mutate BASE DEV SEED ITER
 *	write image ITER of SEED (BASE, mutated) to DEV and print what was
 *	changed; the same BASE, SEED and ITER give the same image
 *   famfsl_fuzz run BASE DEV DIR SEED FIRST COUNT
 *	for images FIRST .. FIRST + COUNT - 1 of SEED: write it, run
 *	fsck.famfs_lite, mount it on DIR (read-only one time in four), check
 *	that mount and fsck agree and give the same reason, walk every file
 *	(stat, read the first and last 4 KiB, read one page through mmap),
 *	change the tree where writable (and compact its log one time in
 *	two: remount,compact), unmount, then check the media: a
 *	read-only mount left it as it was, a read-write one left it clean
 *	for fsck.  Prints a "FAIL seed S iter I" block for every failing
 *	image and a summary line; exits 1 if any image failed.
 *   famfsl_fuzz replay BASE DEV DIR FILE
 *	run the images named by the "SEED ITER" lines of FILE
 *
 * A mutation picks a structure (superblock, log header, one entry,
 * several entries, or a crafted entry appended to the log), a field and
 * a class of value: 0, 1, all ones, a limit and its neighbours, a value
 * of another entry (an inode number, an extent), extents into the log or
 * the superblock, invalid names.  Seven images in ten have their
 * checksums recomputed, so the checks past the checksum are reached.
 *
 * Extents are made at the base's granule and around it: version 3 (4 KiB
 * blocks) gets extents a block apart from others (adjacent: valid if
 * free), sharing one block with another file's or with the entry's
 * other extent, not block-aligned, crossing a 2 MiB unit boundary,
 * starting mid-unit as a grown file's do, and straddling the data
 * area's start or end; version 2 (2 MiB units) gets the same, which it
 * must refuse where they are not whole units.  A superblock may be
 * switched to another version, with or without the allocation unit that
 * version needs (tests/guest/fuzz.sh fuzzes a version 2 base too).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>

#include "famfsl_tool.h"

#define MIB		0x100000ULL
#define BLK		FAMFSL_BLOCK_SIZE
#define UNIT		FAMFSL_ALLOC_UNIT
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/* a fixed time for the reproducible base image */
#define BASE_TIME	1700000000ULL

/* splitmix64: small, fast, and the same everywhere */
static u64 rng_state;

static u64 rnd(void)
{
	u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* All ones in @width bytes. */
static u64 ones(unsigned int width)
{
	return width >= 8 ? ~0ULL : (1ULL << (8 * width)) - 1;
}

static u64 below(u64 n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

/* What a field holds, which decides the values tried in it. */
enum value_kind {
	K_RAND, K_INO, K_OFF, K_LEN, K_SIZE, K_COUNT, K_NAMELEN, K_MODE,
	K_TYPE, K_SEQ, K_VALID, K_ID, K_SEC, K_NSEC, K_MAGIC, K_SMALL,
	K_CAP, K_CRC, K_RES, K_NAME,
};

struct field {
	const char *name;
	unsigned int off;
	unsigned int width;
	enum value_kind kind;
};

/* field, its width in bytes, its kind */
#define SF(f, w, k)	{ #f, offsetof(struct famfsl_superblock, f), w, k }
#define HF(f, w, k)	{ #f, offsetof(struct famfsl_log_header, f), w, k }
#define EF(f, w, k)	{ #f, offsetof(struct famfsl_entry, f), w, k }

static const struct field sb_fields[] = {
	SF(magic, 8, K_MAGIC), SF(version, 4, K_SMALL), SF(flags, 4, K_SMALL),
	SF(uuid, 16, K_RES), SF(dev_size, 8, K_OFF), SF(log_offset, 8, K_OFF),
	SF(log_len, 8, K_LEN), SF(data_offset, 8, K_OFF), SF(alloc_unit, 4, K_LEN),
	SF(entry_size, 4, K_SMALL), SF(mkfs_time, 8, K_SEC), SF(reserved, 44, K_RES),
	SF(crc, 4, K_CRC),
};

static const struct field hdr_fields[] = {
	HF(magic, 8, K_MAGIC), HF(capacity, 8, K_CAP), HF(entry_size, 4, K_SMALL),
	HF(crc, 4, K_CRC), HF(next_index, 8, K_CAP), HF(next_index, 8, K_CAP),
	HF(gen, 8, K_CAP), HF(next_ino, 8, K_INO), HF(reserved, 16, K_RES),
};

static const struct field common_fields[] = {
	EF(seq, 8, K_SEQ), EF(type, 4, K_TYPE), EF(crc, 4, K_CRC),
};

static const struct field create_fields[] = {
	EF(create.ino, 8, K_INO), EF(create.parent, 8, K_INO),
	EF(create.parent, 8, K_INO), EF(create.mode, 4, K_MODE),
	EF(create.uid, 4, K_ID), EF(create.gid, 4, K_ID),
	EF(create.name_len, 2, K_NAMELEN), EF(create.pad, 2, K_RAND),
	EF(create.time.sec, 8, K_SEC), EF(create.time.nsec, 4, K_NSEC),
	EF(create.name, 192, K_NAME), EF(create.name, 192, K_NAME),
};

static const struct field alloc_fields[] = {
	EF(alloc.ino, 8, K_INO), EF(alloc.size, 8, K_SIZE),
	EF(alloc.nr_extents, 4, K_COUNT), EF(alloc.pad, 4, K_RAND),
	EF(alloc.ext[0].dev_offset, 8, K_OFF), EF(alloc.ext[0].len, 8, K_LEN),
	EF(alloc.ext[0].dev_offset, 8, K_OFF), EF(alloc.ext[0].len, 8, K_LEN),
	EF(alloc.ext[1].dev_offset, 8, K_OFF), EF(alloc.ext[1].len, 8, K_LEN),
	EF(alloc.ext[2].dev_offset, 8, K_OFF), EF(alloc.ext[7].len, 8, K_LEN),
	EF(alloc.ext[7].dev_offset, 8, K_OFF), EF(alloc.reserved, 88, K_RES),
};

static const struct field extend_fields[] = {
	EF(extend.ino, 8, K_INO), EF(extend.size, 8, K_SIZE),
	EF(extend.size, 8, K_SIZE), EF(extend.nr_extents, 4, K_COUNT),
	EF(extend.pad, 4, K_RAND),
	EF(extend.ext[0].dev_offset, 8, K_OFF), EF(extend.ext[0].len, 8, K_LEN),
	EF(extend.ext[0].dev_offset, 8, K_OFF), EF(extend.ext[1].len, 8, K_LEN),
	EF(extend.ext[1].dev_offset, 8, K_OFF), EF(extend.reserved, 88, K_RES),
};

static const struct field setattr_fields[] = {
	EF(setattr.ino, 8, K_INO), EF(setattr.valid, 4, K_VALID),
	EF(setattr.mode, 4, K_MODE), EF(setattr.uid, 4, K_ID),
	EF(setattr.gid, 4, K_ID), EF(setattr.atime.sec, 8, K_SEC),
	EF(setattr.atime.nsec, 4, K_NSEC), EF(setattr.mtime.sec, 8, K_SEC),
	EF(setattr.ctime.nsec, 4, K_NSEC), EF(setattr.reserved, 168, K_RES),
};

static const struct field unlink_fields[] = {
	EF(unlink.ino, 8, K_INO), EF(unlink.parent, 8, K_INO),
	EF(unlink.parent, 8, K_INO), EF(unlink.reserved, 224, K_RES),
};

static const struct field rename_fields[] = {
	EF(rename.ino, 8, K_INO), EF(rename.old_parent, 8, K_INO),
	EF(rename.new_parent, 8, K_INO), EF(rename.new_parent, 8, K_INO),
	EF(rename.replaced, 8, K_INO), EF(rename.replaced, 8, K_INO),
	EF(rename.name_len, 2, K_NAMELEN), EF(rename.pad, 6, K_RAND),
	EF(rename.reserved, 8, K_RES), EF(rename.name, 192, K_NAME),
	EF(rename.name, 192, K_NAME),
};

struct table {
	const struct field *f;
	unsigned int n;
};

/* by entry type; 0 and unknown types get the common fields */
static const struct table entry_tables[] = {
	{ common_fields, ARRAY_SIZE(common_fields) },
	{ create_fields, ARRAY_SIZE(create_fields) },
	{ alloc_fields, ARRAY_SIZE(alloc_fields) },
	{ setattr_fields, ARRAY_SIZE(setattr_fields) },
	{ unlink_fields, ARRAY_SIZE(unlink_fields) },
	{ rename_fields, ARRAY_SIZE(rename_fields) },
	{ extend_fields, ARRAY_SIZE(extend_fields) },
};

/* The base image's tree after its log, for crafted entries. */
struct node {
	u64 ino;
	u64 parent;
	bool dir;
	bool live;
	bool allocated;
	u32 children;
	u64 size;
	u32 nr;
	struct famfsl_extent ext[FAMFSL_MAX_EXTENTS];
	char name[FAMFSL_NAME_MAX + 1];
	u16 name_len;
};

struct image {
	unsigned char *buf;	/* superblock and log, [0, meta_len) */
	u64 meta_len;
	u64 n;			/* committed entries */
	u64 capacity;
	u64 dev_size;
	u64 data_offset;
	u64 granule;		/* the base's: famfsl_sb_granule() */
	/* the base's tree and values found in it */
	struct node *nodes;
	u64 nr_nodes;
	u64 max_ino;
	u64 *inos;
	u64 nr_inos;
	struct famfsl_extent *exts;
	u64 nr_exts;
	/* one byte per 4 KiB block of the data area: held by a live file */
	unsigned char *busy;
	u64 nr_blocks;
};

static struct famfsl_superblock *img_sb(struct image *im)
{
	return (struct famfsl_superblock *)im->buf;
}

static struct famfsl_log_header *img_hdr(struct image *im)
{
	return (struct famfsl_log_header *)(im->buf + FAMFSL_LOG_OFFSET);
}

static struct famfsl_entry *img_entry(struct image *im, u64 i)
{
	return (struct famfsl_entry *)(im->buf + FAMFSL_LOG_OFFSET +
				       FAMFSL_LOG_HEADER_SIZE +
				       i * FAMFSL_ENTRY_SIZE);
}

/* The description of the current image's mutations. */
static char desc[4096];
static size_t desc_len;

static void note(const char *fmt, ...)
{
	va_list ap;

	if (desc_len >= sizeof(desc) - 1)
		return;
	va_start(ap, fmt);
	desc_len += vsnprintf(desc + desc_len, sizeof(desc) - desc_len, fmt, ap);
	va_end(ap);
	if (desc_len > sizeof(desc) - 1)
		desc_len = sizeof(desc) - 1;
}

static u64 get_field(const unsigned char *obj, const struct field *f)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < f->width && i < 8; i++)
		v |= (u64)obj[f->off + i] << (8 * i);
	return v;
}

static void put_field(unsigned char *obj, const struct field *f, u64 v)
{
	unsigned int i;

	for (i = 0; i < f->width && i < 8; i++)
		obj[f->off + i] = v >> (8 * i);
}

static struct node *find_node(struct image *im, u64 ino)
{
	u64 i;

	for (i = 0; i < im->nr_nodes; i++)
		if (im->nodes[i].live && im->nodes[i].ino == ino)
			return &im->nodes[i];
	return NULL;
}

static void add_ino(struct image *im, u64 ino)
{
	im->inos[im->nr_inos++] = ino;
	if (ino > im->max_ino && ino <= FAMFSL_INO_MAX)
		im->max_ino = ino;
}

/*
 * Replay the base log into a small model of the tree (the base is a
 * clean image, so nothing is checked here) and collect its values.
 */
static void model_base(struct image *im)
{
	struct famfsl_entry *e;
	struct node *nd, *p;
	u64 i;
	u32 k;

	im->nodes = calloc(im->n + 1, sizeof(*im->nodes));
	im->inos = calloc(4 * im->n + 2, sizeof(*im->inos));
	im->exts = calloc(FAMFSL_MAX_EXTENTS * im->n + 1, sizeof(*im->exts));
	if (!im->nodes || !im->inos || !im->exts) {
		perror("famfsl_fuzz");
		exit(2);
	}
	im->nodes[0] = (struct node){ .ino = FAMFSL_ROOT_INO,
				      .parent = FAMFSL_ROOT_INO,
				      .dir = true, .live = true };
	im->nr_nodes = 1;
	im->max_ino = FAMFSL_ROOT_INO;
	for (i = 0; i < im->n; i++) {
		e = img_entry(im, i);
		switch (le32_to_cpu(e->type)) {
		case FAMFSL_CREATE:
			nd = &im->nodes[im->nr_nodes++];
			nd->ino = le64_to_cpu(e->create.ino);
			nd->parent = le64_to_cpu(e->create.parent);
			nd->dir = S_ISDIR(le32_to_cpu(e->create.mode));
			nd->live = true;
			nd->name_len = le16_to_cpu(e->create.name_len);
			memcpy(nd->name, e->create.name, nd->name_len);
			p = find_node(im, nd->parent);
			if (p)
				p->children++;
			add_ino(im, nd->ino);
			break;
		case FAMFSL_ALLOC:
			add_ino(im, le64_to_cpu(e->alloc.ino));
			nd = find_node(im, le64_to_cpu(e->alloc.ino));
			if (!nd)
				break;
			nd->allocated = true;
			nd->size = le64_to_cpu(e->alloc.size);
			nd->nr = le32_to_cpu(e->alloc.nr_extents);
			memcpy(nd->ext, e->alloc.ext, sizeof(nd->ext));
			for (k = 0; k < nd->nr && k < FAMFSL_MAX_EXTENTS; k++)
				im->exts[im->nr_exts++] = nd->ext[k];
			break;
		case FAMFSL_EXTEND:
			add_ino(im, le64_to_cpu(e->extend.ino));
			nd = find_node(im, le64_to_cpu(e->extend.ino));
			if (!nd)
				break;
			nd->allocated = true;
			nd->size = le64_to_cpu(e->extend.size);
			for (k = 0; k < FAMFSL_MAX_EXTENTS &&
			     k < le32_to_cpu(e->extend.nr_extents); k++) {
				const struct famfsl_extent *x = &e->extend.ext[k];
				struct famfsl_extent *l = nd->nr ?
					&nd->ext[nd->nr - 1] : NULL;

				im->exts[im->nr_exts++] = *x;
				if (l && le64_to_cpu(l->dev_offset) +
					 le64_to_cpu(l->len) ==
					 le64_to_cpu(x->dev_offset))
					l->len = cpu_to_le64(le64_to_cpu(l->len) +
							     le64_to_cpu(x->len));
				else if (nd->nr < FAMFSL_MAX_EXTENTS)
					nd->ext[nd->nr++] = *x;
			}
			break;
		case FAMFSL_UNLINK:
			add_ino(im, le64_to_cpu(e->unlink.ino));
			nd = find_node(im, le64_to_cpu(e->unlink.ino));
			if (!nd)
				break;
			nd->live = false;
			p = find_node(im, nd->parent);
			if (p)
				p->children--;
			break;
		case FAMFSL_RENAME:
			add_ino(im, le64_to_cpu(e->rename.ino));
			add_ino(im, le64_to_cpu(e->rename.replaced));
			nd = find_node(im, le64_to_cpu(e->rename.replaced));
			if (nd && le64_to_cpu(e->rename.replaced)) {
				nd->live = false;
				p = find_node(im, nd->parent);
				if (p)
					p->children--;
			}
			nd = find_node(im, le64_to_cpu(e->rename.ino));
			if (!nd)
				break;
			p = find_node(im, nd->parent);
			if (p)
				p->children--;
			nd->parent = le64_to_cpu(e->rename.new_parent);
			p = find_node(im, nd->parent);
			if (p)
				p->children++;
			nd->name_len = le16_to_cpu(e->rename.name_len);
			memset(nd->name, 0, sizeof(nd->name));
			memcpy(nd->name, e->rename.name, nd->name_len);
			break;
		}
	}
}

/* A node of the model: any, or only live ones of a kind (-1: either). */
static struct node *pick_node(struct image *im, int dir, bool live)
{
	u64 i, start = below(im->nr_nodes);
	struct node *nd;

	for (i = 0; i < im->nr_nodes; i++) {
		nd = &im->nodes[(start + i) % im->nr_nodes];
		if (nd->live == live && (dir < 0 || nd->dir == dir))
			return nd;
	}
	return &im->nodes[0];
}

static bool is_below(struct image *im, struct node *nd, u64 ancestor)
{
	unsigned int depth;

	for (depth = 0; nd && depth < 1000; depth++) {
		if (nd->ino == ancestor)
			return true;
		if (nd->ino == FAMFSL_ROOT_INO)
			return false;
		nd = find_node(im, nd->parent);
	}
	return false;
}

static u64 pick_ino(struct image *im)
{
	return im->nr_inos ? im->inos[below(im->nr_inos)] : 2;
}

static struct famfsl_extent pick_ext(struct image *im)
{
	struct famfsl_extent none = {
		cpu_to_le64(im->data_offset), cpu_to_le64(im->granule)
	};

	return im->nr_exts ? im->exts[below(im->nr_exts)] : none;
}

/* One of the @n values at @v. */
static u64 pick_of(const u64 *v, unsigned int n)
{
	return v[below(n)];
}

/* A value for a numeric field of @kind; @cur is what it holds. */
static u64 pick_value(struct image *im, enum value_kind kind, unsigned int width,
		      u64 cur, u64 index)
{
	u64 au = UNIT, v;
	struct famfsl_extent x;

	switch (below(8)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return ones(width);
	case 3:
		return cur ^ (1ULL << below(8 * (width < 8 ? width : 8)));
	case 4:
		return cur + 1;
	case 5:
		return cur - 1;
	}
	switch (kind) {
	case K_INO:
		switch (below(8)) {
		case 0:
			return 2;
		case 1:
			return FAMFSL_INO_MAX;
		case 2:
			return FAMFSL_INO_MAX + 1;
		case 3:
			return im->max_ino + 1;
		case 4:
			return 1ULL << 63;
		case 5:
			return pick_node(im, 1, true)->ino;
		case 6:
			return pick_node(im, -1, false)->ino;
		}
		return pick_ino(im);
	case K_OFF:
		x = pick_ext(im);
		switch (below(20)) {
		case 0:
			return FAMFSL_LOG_OFFSET;
		case 1:
			return FAMFSL_LOG_OFFSET + FAMFSL_LOG_HEADER_SIZE;
		case 2:
			return im->data_offset - au;
		case 3:
			return im->data_offset;
		case 4:
			return im->dev_size - au;
		case 5:
			return im->dev_size;
		case 6:
			return im->dev_size + au;
		case 7:
			return ~(au - 1);
		case 8:
			return le64_to_cpu(pick_ext(im).dev_offset) + au;
		case 9:
			return le64_to_cpu(x.dev_offset) + BLK;
		/*
		 * At 4 KiB: another extent's last block, its end, its
		 * start less one block, a unit's last block, misaligned.
		 */
		case 10:
			return le64_to_cpu(x.dev_offset) + le64_to_cpu(x.len) - BLK;
		case 11:
			return le64_to_cpu(x.dev_offset) + le64_to_cpu(x.len);
		case 12:
			return le64_to_cpu(x.dev_offset) - BLK;
		case 13:
			return im->data_offset - BLK;
		case 14:
			return im->dev_size - BLK;
		case 15:
			return im->data_offset + below((im->dev_size -
					im->data_offset) / au) * au + au - BLK;
		case 16:
			return le64_to_cpu(x.dev_offset) + 512 * (1 + below(7));
		}
		return le64_to_cpu(x.dev_offset);
	case K_LEN:
		switch (below(15)) {
		case 0:
			return 4096;
		case 1:
			return au;
		case 2:
			return 2 * au;
		case 3:
			return im->dev_size;
		case 4:
			return im->dev_size - im->data_offset;
		case 5:
			return ~(au - 1);
		case 6:
			return 1ULL << 63;
		case 7:
			return im->dev_size + au;
		case 8:
			return BLK * (2 + below(600));
		case 9:
			return au - BLK;
		case 10:
			return au + BLK;
		case 11:
			return le64_to_cpu(pick_ext(im).len) + BLK;
		case 12:
			return BLK + 512;
		}
		return le64_to_cpu(pick_ext(im).len);
	case K_SIZE:
		v = le64_to_cpu(pick_ext(im).len);
		switch (below(5)) {
		case 0:
			return v - 1;
		case 1:
			return v;
		case 2:
			return v + 1;
		case 3:
			return 1ULL << 63;
		}
		return below(4 * au);
	case K_COUNT:
		return pick_of((const u64[]){ 2, 7, 8, 9, 16, 0x80000000 }, 6);
	case K_NAMELEN:
		return pick_of((const u64[]){ 2, 191, 192, 193, 255, 256,
					      0x8000 }, 7);
	case K_MODE:
		return pick_of((const u64[]){ S_IFREG | 0644, S_IFDIR | 0755,
					      S_IFLNK | 0777, S_IFCHR | 0600,
					      S_IFIFO | 0600, S_IFREG | 07777,
					      0x18000 | 0644,
					      S_IFDIR | S_IFREG }, 8);
	case K_TYPE:
		return below(8);
	case K_SEQ:
		return pick_of((const u64[]){ index - 1, index + 1, index + 2,
					      im->n, 1ULL << 63 }, 5);
	case K_VALID:
		return pick_of((const u64[]){ FAMFSL_ATTR_ALL, 0x40, 0x7f,
					      0x80000000,
					      FAMFSL_ATTR_MODE }, 5);
	case K_ID:
		return pick_of((const u64[]){ 65534, 0xffffffff, 0xfffffffe,
					      1000 }, 4);
	case K_SEC:
		return pick_of((const u64[]){ 1ULL << 63, (1ULL << 63) - 1,
					      1ULL << 62, 1ULL << 34,
					      253402300800ULL }, 5);
	case K_NSEC:
		return pick_of((const u64[]){ 999999999, 1000000000, 0x80000000,
					      0xffffffff }, 4);
	case K_MAGIC:
		return pick_of((const u64[]){ FAMFSL_SB_MAGIC, FAMFSL_LOG_MAGIC,
					      FAMFSL_SUPER_MAGIC }, 3);
	case K_SMALL:
		return pick_of((const u64[]){ 2, 128, 255, 256, 512, 4096,
					      FAMFSL_VERSION, 1 }, 8);
	case K_CAP:
		return pick_of((const u64[]){ im->n - 1, im->n, im->n + 1,
					      im->n + 2, im->capacity - 1,
					      im->capacity, im->capacity + 1,
					      im->n / 2, 1ULL << 63 }, 9);
	default:
		return rnd() & ones(width);
	}
}

/* Set one byte of a reserved or opaque area to something not zero. */
static void poke_bytes(unsigned char *obj, const struct field *f)
{
	unsigned int at = below(f->width);

	obj[f->off + at] = 1 + below(255);
	note(" %s[%u]=%#x", f->name, at, obj[f->off + at]);
}

/* Names: invalid ones, limits, and names of other entries. */
static void mutate_name(struct image *im, unsigned char *obj,
			const struct field *f)
{
	char *name = (char *)obj + f->off;
	struct node *nd;
	unsigned int n;
	__le16 *len;

	/* create.name and rename.name share an offset; the name tells */
	if (!strncmp(f->name, "create.", 7))
		len = (__le16 *)(obj + offsetof(struct famfsl_entry,
						create.name_len));
	else
		len = (__le16 *)(obj + offsetof(struct famfsl_entry,
						rename.name_len));
	n = le16_to_cpu(*len);
	switch (below(10)) {
	case 0:
		memcpy(name, "/", 2);
		n = 1;
		break;
	case 1:
		memcpy(name, ".", 2);
		n = 1;
		break;
	case 2:
		memcpy(name, "..", 3);
		n = 2;
		break;
	case 3:
		memcpy(name, "a/b", 4);
		n = 3;
		break;
	case 4:
		memcpy(name, "a\0b", 4);
		n = 3;
		break;
	case 5:
		memset(name, 'n', FAMFSL_NAME_MAX);
		n = FAMFSL_NAME_MAX;
		break;
	case 6:
		/* a sibling's or any other node's name: maybe a duplicate */
		nd = pick_node(im, -1, true);
		if (nd->ino == FAMFSL_ROOT_INO)
			nd = pick_node(im, -1, true);
		memset(name, 0, FAMFSL_NAME_MAX);
		memcpy(name, nd->name, nd->name_len);
		n = nd->name_len ? nd->name_len : 1;
		break;
	case 7:
		name[below(n ? n : 1)] = below(256);
		break;
	case 8:
		name[n < FAMFSL_NAME_MAX ? n : 0] = 'x';
		n++;
		break;
	default:
		name[0] = 0xff;
		name[1] = 0xfe;
		break;
	}
	*len = cpu_to_le16(n);
	note(" %s='%.*s'/%u", f->name, n > 24 ? 24 : (int)n, name, n);
}

/* Mutate one field of the structure @obj per @f. */
static void mutate_field(struct image *im, unsigned char *obj,
			 const struct field *f, u64 index)
{
	u64 v;

	if (f->kind == K_NAME) {
		mutate_name(im, obj, f);
		return;
	}
	if (f->kind == K_RES || f->width > 8) {
		poke_bytes(obj, f);
		return;
	}
	v = pick_value(im, f->kind, f->width, get_field(obj, f), index) &
	    ones(f->width);
	put_field(obj, f, v);
	note(" %s=%#llx", f->name, (unsigned long long)v);
}

/* Structures whose checksums stay as the mutation left them. */
struct sealing {
	bool sb_raw;
	bool hdr_raw;
	u64 touched[16];
	unsigned int nr_touched;
};

static void touch_entry(struct sealing *s, u64 i)
{
	if (s->nr_touched < ARRAY_SIZE(s->touched))
		s->touched[s->nr_touched++] = i;
}

static u64 pick_entry(struct image *im)
{
	u64 want, i;

	if (!im->n)
		return 0;
	switch (below(4)) {
	case 0:
		return im->n - 1 - below(im->n < 10 ? im->n : 10);
	case 1:
		/* the first entry of a chosen type from a random start */
		want = 1 + below(6);
		for (i = below(im->n); i < im->n; i++)
			if (le32_to_cpu(img_entry(im, i)->type) == want)
				return i;
		break;
	}
	return below(im->n);
}

static struct famfsl_entry *append(struct image *im, struct sealing *s,
				   u32 type)
{
	struct famfsl_entry *e;
	u64 i = le64_to_cpu(img_hdr(im)->next_index);

	if (i >= im->capacity)
		i = im->capacity - 1;
	e = img_entry(im, i);
	memset(e, 0, sizeof(*e));
	e->seq = cpu_to_le64(i);
	e->type = cpu_to_le32(type);
	img_hdr(im)->next_index = cpu_to_le64(i + 1);
	touch_entry(s, i);
	note(" new entry %llu", (unsigned long long)i);
	return e;
}

static void set_name(char *name, __le16 *len, const char *src, u16 n)
{
	memcpy(name, src, n);
	*len = cpu_to_le16(n);
}

/* Mark the 4 KiB blocks of the base's live files in im->busy. */
static void mark_busy(struct image *im)
{
	struct node *nd;
	u64 i, b, first, last;
	u32 k;

	im->nr_blocks = (im->dev_size - im->data_offset) / BLK;
	im->busy = calloc(im->nr_blocks + 1, 1);
	if (!im->busy) {
		perror("famfsl_fuzz");
		exit(2);
	}
	for (i = 0; i < im->nr_nodes; i++) {
		nd = &im->nodes[i];
		for (k = 0; nd->live && nd->allocated && k < nd->nr; k++) {
			first = le64_to_cpu(nd->ext[k].dev_offset);
			last = first + le64_to_cpu(nd->ext[k].len);
			if (first < im->data_offset || last > im->dev_size ||
			    last < first)
				continue;
			first = (first - im->data_offset) / BLK;
			last = (last - im->data_offset + BLK - 1) / BLK;
			for (b = first; b < last; b++)
				im->busy[b] = 1;
		}
	}
}

/* Is [@off, @off + @len) inside the data area and held by no base file? */
static bool space_free(struct image *im, u64 off, u64 len)
{
	u64 b;

	if (off < im->data_offset || off > im->dev_size ||
	    len > im->dev_size - off)
		return false;
	for (b = (off - im->data_offset) / BLK;
	     b < (off + len - im->data_offset + BLK - 1) / BLK; b++)
		if (im->busy[b])
			return false;
	return true;
}

/*
 * Free space of the base for @len bytes at a multiple of @align from the
 * data area's start, the first from a random place (@random) or from the
 * start; the data area's start if there is none.
 */
static u64 free_space(struct image *im, u64 len, u64 align, bool random)
{
	u64 slots = (im->dev_size - im->data_offset) / align, i, at, off;

	at = random ? below(slots) : 0;
	for (i = 0; i < slots; i++) {
		off = im->data_offset + (at + i) % slots * align;
		if (space_free(im, off, len))
			return off;
	}
	return im->data_offset;
}

/* A free data unit of the base, the first one. */
static u64 free_unit(struct image *im)
{
	return free_space(im, UNIT, UNIT, false);
}

/* A length at and around the granules: blocks, a unit less or more one. */
static u64 pick_len(void)
{
	return pick_of((const u64[]){ BLK, BLK * (1 + below(16)), UNIT - BLK,
				      UNIT, UNIT + BLK,
				      BLK * (1 + below(1000)) }, 6);
}

/*
 * A place for an extent of @len bytes at the edges of the granules:
 * free space, next to another file's extent (free, or sharing one block
 * with it), across a 2 MiB boundary, straddling the data area's start or
 * end, or not block-aligned.
 */
static u64 pick_place(struct image *im, u64 len, const char **what)
{
	struct famfsl_extent x = pick_ext(im);
	u64 xs = le64_to_cpu(x.dev_offset), xe = xs + le64_to_cpu(x.len);

	switch (below(11)) {
	case 0:
		*what = "after an extent";
		return xe;
	case 1:
		*what = "before an extent";
		return xs - len;
	case 2:
		*what = "on an extent's last block";
		return xe - BLK;
	case 3:
		*what = "on an extent's first block";
		return xs - len + BLK;
	case 4:
		*what = "across a unit boundary";
		return free_space(im, 2 * UNIT, UNIT, true) + UNIT -
		       (len / 2 & ~(BLK - 1));
	case 5:
		*what = "over the data start";
		return im->data_offset - BLK;
	case 6:
		*what = "over the data end";
		return im->dev_size - len + BLK;
	case 7:
		*what = "at the data end";
		return im->dev_size - len;
	case 8:
		*what = "misaligned";
		return free_space(im, len + BLK, BLK, true) + 512 * (1 + below(7));
	}
	*what = "in free space";
	return free_space(im, len, BLK, true);
}

/* Append an entry crafted to hit one rule of the replay. */
static void craft(struct image *im, struct sealing *s)
{
	struct node *a, *b, *c;
	struct famfsl_entry *e;
	struct famfsl_extent x;
	const char *what, *what2;
	char name[32];
	u64 off, len, off2, len2, v[6];
	u32 k;
	int n;

	n = snprintf(name, sizeof(name), "fz%llu", (unsigned long long)below(1000));
	switch (below(20)) {
	case 0:	/* a directory into its own subtree */
		a = pick_node(im, 1, true);
		b = pick_node(im, 1, true);
		if (!is_below(im, b, a->ino))
			b = a;
		e = append(im, s, FAMFSL_RENAME);
		e->rename.ino = cpu_to_le64(a->ino);
		e->rename.old_parent = cpu_to_le64(a->parent);
		e->rename.new_parent = cpu_to_le64(b->ino);
		set_name(e->rename.name, &e->rename.name_len, name, n);
		note(" rename dir %llu into %llu", (unsigned long long)a->ino,
		     (unsigned long long)b->ino);
		break;
	case 1:	/* unlink of a directory, maybe not empty */
		a = pick_node(im, 1, true);
		e = append(im, s, FAMFSL_UNLINK);
		e->unlink.ino = cpu_to_le64(a->ino);
		e->unlink.parent = cpu_to_le64(a->parent);
		note(" unlink dir %llu with %u children",
		     (unsigned long long)a->ino, a->children);
		break;
	case 2:	/* a name that exists, or an inode number in use */
		a = pick_node(im, -1, true);
		e = append(im, s, FAMFSL_CREATE);
		e->create.ino = cpu_to_le64(chance(50) ? a->ino : im->max_ino + 1);
		e->create.parent = cpu_to_le64(a->parent);
		e->create.mode = cpu_to_le32(S_IFREG | 0644);
		set_name(e->create.name, &e->create.name_len,
			 chance(70) && a->name_len ? a->name : name,
			 chance(70) && a->name_len ? a->name_len : n);
		note(" create duplicate of %llu", (unsigned long long)a->ino);
		break;
	case 3:	/* a create in a file, or in a removed directory */
		a = pick_node(im, chance(50) ? 0 : 1, chance(50));
		e = append(im, s, FAMFSL_CREATE);
		e->create.ino = cpu_to_le64(im->max_ino + 1);
		e->create.parent = cpu_to_le64(a->ino);
		e->create.mode = cpu_to_le32(S_IFDIR | 0755);
		set_name(e->create.name, &e->create.name_len, name, n);
		note(" create in %llu", (unsigned long long)a->ino);
		break;
	case 4:	/* extents onto other files, the log, the superblock */
	case 5:
		a = pick_node(im, 0, true);
		e = append(im, s, FAMFSL_ALLOC);
		e->alloc.ino = cpu_to_le64(a->ino);
		e->alloc.nr_extents = cpu_to_le32(1 + below(2));
		v[0] = 0;
		v[1] = FAMFSL_LOG_OFFSET;
		v[2] = free_unit(im);
		v[3] = le64_to_cpu(pick_ext(im).dev_offset);
		v[4] = im->dev_size - FAMFSL_ALLOC_UNIT;
		v[5] = im->data_offset - FAMFSL_ALLOC_UNIT;
		off = v[below(6)];
		e->alloc.ext[0].dev_offset = cpu_to_le64(off);
		e->alloc.ext[0].len = cpu_to_le64(FAMFSL_ALLOC_UNIT);
		e->alloc.ext[1].dev_offset = cpu_to_le64(chance(50) ? off :
							 free_unit(im));
		e->alloc.ext[1].len = cpu_to_le64(FAMFSL_ALLOC_UNIT);
		e->alloc.size = cpu_to_le64(below(FAMFSL_ALLOC_UNIT + 2));
		note(" alloc for %llu (%s) at %#llx",
		     (unsigned long long)a->ino,
		     a->allocated ? "allocated" : "empty",
		     (unsigned long long)off);
		break;
	case 6:	/* rename over a name, with a right or wrong replaced */
	case 7:
	case 8:
		a = pick_node(im, -1, true);
		b = pick_node(im, -1, true);
		c = pick_node(im, 1, true);
		if (chance(60) && b->ino != FAMFSL_ROOT_INO)
			c = find_node(im, b->parent) ?: c;
		e = append(im, s, FAMFSL_RENAME);
		e->rename.ino = cpu_to_le64(a->ino);
		e->rename.old_parent = cpu_to_le64(a->parent);
		e->rename.new_parent = cpu_to_le64(c->ino);
		if (chance(60) && b->name_len)
			set_name(e->rename.name, &e->rename.name_len,
				 b->name, b->name_len);
		else
			set_name(e->rename.name, &e->rename.name_len, name, n);
		v[0] = 0;
		v[1] = b->ino;
		v[2] = b->ino;
		v[3] = a->ino;
		v[4] = im->max_ino + 1;
		v[5] = pick_node(im, -1, false)->ino;
		off = v[below(6)];
		e->rename.replaced = cpu_to_le64(off);
		note(" rename %llu to %llu/'%.*s' replacing %llu",
		     (unsigned long long)a->ino, (unsigned long long)c->ino,
		     le16_to_cpu(e->rename.name_len), e->rename.name,
		     (unsigned long long)le64_to_cpu(e->rename.replaced));
		break;
	case 9:	/* attributes of a removed or live inode */
		a = pick_node(im, -1, chance(50));
		e = append(im, s, FAMFSL_SETATTR);
		e->setattr.ino = cpu_to_le64(a->ino);
		e->setattr.valid = cpu_to_le32(FAMFSL_ATTR_ALL);
		e->setattr.mode = cpu_to_le32(below(1 << 16));
		e->setattr.uid = cpu_to_le32(rnd());
		e->setattr.gid = cpu_to_le32(rnd());
		e->setattr.mtime.sec = cpu_to_le64(rnd());
		e->setattr.mtime.nsec = cpu_to_le32(rnd());
		note(" setattr %llu", (unsigned long long)a->ino);
		break;
	case 10: /* unlink of a file, from its parent or another */
		a = pick_node(im, 0, true);
		e = append(im, s, FAMFSL_UNLINK);
		e->unlink.ino = cpu_to_le64(a->ino);
		e->unlink.parent = cpu_to_le64(chance(70) ? a->parent :
					       pick_node(im, 1, true)->ino);
		note(" unlink %llu", (unsigned long long)a->ino);
		break;
	case 11: /* a good new file with space */
		e = append(im, s, FAMFSL_CREATE);
		e->create.ino = cpu_to_le64(im->max_ino + 1);
		e->create.parent = cpu_to_le64(pick_node(im, 1, true)->ino);
		e->create.mode = cpu_to_le32(S_IFREG | 0600);
		set_name(e->create.name, &e->create.name_len, name, n);
		e = append(im, s, FAMFSL_ALLOC);
		e->alloc.ino = cpu_to_le64(im->max_ino + 1);
		e->alloc.nr_extents = cpu_to_le32(1);
		e->alloc.ext[0].dev_offset = cpu_to_le64(free_unit(im));
		e->alloc.ext[0].len = cpu_to_le64(FAMFSL_ALLOC_UNIT);
		e->alloc.size = cpu_to_le64(below(FAMFSL_ALLOC_UNIT + 1));
		note(" create and alloc %llu", (unsigned long long)im->max_ino + 1);
		break;
	case 13: /* a growth: continuing, elsewhere, overlapping, any size */
	case 14:
		a = pick_node(im, chance(85) ? 0 : -1, chance(90));
		e = append(im, s, FAMFSL_EXTEND);
		e->extend.ino = cpu_to_le64(chance(95) ? a->ino : FAMFSL_ROOT_INO);
		e->extend.nr_extents = cpu_to_le32(below(3));
		v[0] = a->allocated && a->nr ?
		       le64_to_cpu(a->ext[a->nr - 1].dev_offset) +
		       le64_to_cpu(a->ext[a->nr - 1].len) : free_unit(im);
		v[1] = free_unit(im);
		v[2] = le64_to_cpu(pick_ext(im).dev_offset);
		v[3] = FAMFSL_LOG_OFFSET;
		v[4] = im->dev_size - FAMFSL_ALLOC_UNIT;
		v[5] = v[0];
		off = v[below(6)];
		e->extend.ext[0].dev_offset = cpu_to_le64(off);
		e->extend.ext[0].len = cpu_to_le64(FAMFSL_ALLOC_UNIT *
						   (1 + below(2)));
		e->extend.ext[1].dev_offset = cpu_to_le64(chance(50) ? off :
			off + FAMFSL_ALLOC_UNIT * (1 + below(2)));
		e->extend.ext[1].len = cpu_to_le64(FAMFSL_ALLOC_UNIT);
		v[0] = a->size;
		v[1] = a->size + 1 + below(FAMFSL_ALLOC_UNIT);
		v[2] = a->size ? a->size - 1 : 0;
		v[3] = 0;
		v[4] = a->size + 3 * FAMFSL_ALLOC_UNIT;
		v[5] = a->size + 5 * FAMFSL_ALLOC_UNIT + 1;
		e->extend.size = cpu_to_le64(v[below(6)]);
		note(" extend %llu (%s) by %u at %#llx to %llu",
		     (unsigned long long)le64_to_cpu(e->extend.ino),
		     a->allocated ? "allocated" : "empty",
		     le32_to_cpu(e->extend.nr_extents), (unsigned long long)off,
		     (unsigned long long)le64_to_cpu(e->extend.size));
		break;
	case 16: /* a new file with space at the edges of the granules */
	case 17:
		a = pick_node(im, 1, true);
		e = append(im, s, FAMFSL_CREATE);
		e->create.ino = cpu_to_le64(im->max_ino + 1);
		e->create.parent = cpu_to_le64(a->ino);
		e->create.mode = cpu_to_le32(S_IFREG | 0640);
		set_name(e->create.name, &e->create.name_len, name, n);
		len = pick_len();
		off = pick_place(im, len, &what);
		len2 = chance(50) ? 0 : pick_len();
		switch (below(3)) {
		case 0:
			what2 = "continuing it";
			off2 = off + len;
			break;
		case 1:
			what2 = "sharing its last block";
			off2 = off + len - BLK;
			break;
		default:
			off2 = pick_place(im, len2, &what2);
			break;
		}
		e = append(im, s, FAMFSL_ALLOC);
		e->alloc.ino = cpu_to_le64(im->max_ino + 1);
		e->alloc.nr_extents = cpu_to_le32(len2 ? 2 : 1);
		e->alloc.ext[0].dev_offset = cpu_to_le64(off);
		e->alloc.ext[0].len = cpu_to_le64(len);
		if (len2) {
			e->alloc.ext[1].dev_offset = cpu_to_le64(off2);
			e->alloc.ext[1].len = cpu_to_le64(len2);
		}
		e->alloc.size = cpu_to_le64(chance(80) ? below(len + len2 + 1) :
					    len + len2 + 1);
		note(" create and alloc %llu: %#llx+%#llx %s",
		     (unsigned long long)im->max_ino + 1,
		     (unsigned long long)off, (unsigned long long)len, what);
		if (len2)
			note(", %#llx+%#llx %s", (unsigned long long)off2,
			     (unsigned long long)len2, what2);
		break;
	case 18: /* growth as the kernel places it, offsets agreeing mod 2 MiB */
		a = pick_node(im, 0, true);
		for (k = 0, len2 = 0; a->allocated && k < a->nr; k++)
			len2 += le64_to_cpu(a->ext[k].len);
		off = free_space(im, 2 * UNIT, UNIT, true) + len2 % UNIT;
		len = UNIT - len2 % UNIT + below(2) * UNIT;
		switch (below(4)) {
		case 0:
			what = "a block early";
			off -= BLK;
			break;
		case 1:
			what = "on its own last block";
			off = a->allocated && a->nr ?
			      le64_to_cpu(a->ext[a->nr - 1].dev_offset) +
			      le64_to_cpu(a->ext[a->nr - 1].len) - BLK : off;
			break;
		default:
			what = "mid-unit";
			break;
		}
		e = append(im, s, FAMFSL_EXTEND);
		e->extend.ino = cpu_to_le64(a->ino);
		e->extend.nr_extents = cpu_to_le32(1);
		e->extend.ext[0].dev_offset = cpu_to_le64(off);
		e->extend.ext[0].len = cpu_to_le64(len);
		v[0] = a->size;
		v[1] = len2 + 1 + below(len);
		v[2] = len2 + len;
		v[3] = len2 + len + 1;
		e->extend.size = cpu_to_le64(v[below(4)]);
		note(" extend %llu of %#llx bytes of extents by %#llx+%#llx %s to %llu",
		     (unsigned long long)a->ino, (unsigned long long)len2,
		     (unsigned long long)off, (unsigned long long)len, what,
		     (unsigned long long)le64_to_cpu(e->extend.size));
		break;
	case 19: /* an extent of the log moved by a block, or onto another's */
		for (off = pick_entry(im), k = 0; k < im->n; k++) {
			e = img_entry(im, (off + k) % im->n);
			if ((le32_to_cpu(e->type) == FAMFSL_ALLOC ||
			     le32_to_cpu(e->type) == FAMFSL_EXTEND) &&
			    e->alloc.nr_extents)
				break;
		}
		if (k == im->n)
			break;
		off = (off + k) % im->n;
		k = below(FAMFSL_MAX_EXTENTS);
		if (k >= le32_to_cpu(e->alloc.nr_extents))
			k = 0;
		off2 = le64_to_cpu(e->alloc.ext[k].dev_offset);
		x = pick_ext(im);
		v[0] = off2 + BLK;
		v[1] = off2 - BLK;
		v[2] = off2 + UNIT - BLK;
		v[3] = le64_to_cpu(x.dev_offset) + le64_to_cpu(x.len) - BLK;
		off2 = v[below(4)];
		e->alloc.ext[k].dev_offset = cpu_to_le64(off2);
		touch_entry(s, off);
		note(" entry %llu extent %u moved to %#llx", (unsigned long long)off,
		     k, (unsigned long long)off2);
		break;
	case 12: /* an uncommitted entry past the commit point */
		off = le64_to_cpu(img_hdr(im)->next_index);
		if (off < im->capacity) {
			e = img_entry(im, off);
			*e = *img_entry(im, pick_entry(im));
			e->seq = cpu_to_le64(off);
			touch_entry(s, off);
			note(" torn tail at %llu", (unsigned long long)off);
		}
		break;
	default: /* an entry of another type over an existing one */
		off = pick_entry(im);
		e = img_entry(im, off);
		*e = *img_entry(im, pick_entry(im));
		e->seq = cpu_to_le64(off);
		touch_entry(s, off);
		note(" copy over entry %llu", (unsigned long long)off);
		break;
	}
}

/* One mutation of the image. */
static void mutate_once(struct image *im, struct sealing *s)
{
	const struct table *t;
	const struct field *f;
	struct famfsl_entry *e, tmp;
	u64 i, j;
	u32 type;

	switch (below(20)) {
	case 0:
		if (chance(30)) {
			/* another version, with its allocation unit or not */
			type = 1 + below(FAMFSL_VERSION);
			img_sb(im)->version = cpu_to_le32(type);
			img_sb(im)->alloc_unit = cpu_to_le32(chance(80) ?
				(type >= FAMFSL_VERSION_BLOCKS ? BLK : UNIT) :
				(type >= FAMFSL_VERSION_BLOCKS ? UNIT : BLK));
			note(" sb version=%u alloc_unit=%#x", type,
			     le32_to_cpu(img_sb(im)->alloc_unit));
			return;
		}
		fallthrough;
	case 1:
		f = &sb_fields[below(ARRAY_SIZE(sb_fields))];
		note(" sb");
		mutate_field(im, im->buf, f, 0);
		if (f->kind == K_CRC)
			s->sb_raw = true;
		return;
	case 2:
	case 3:
		f = &hdr_fields[below(ARRAY_SIZE(hdr_fields))];
		note(" hdr");
		mutate_field(im, (unsigned char *)img_hdr(im), f, 0);
		if (f->kind == K_CRC)
			s->hdr_raw = true;
		return;
	case 4:
	case 5:
	case 6:
	case 7:
		craft(im, s);
		return;
	case 8:	/* swap two entries, keeping their slots' seq */
		i = pick_entry(im);
		j = pick_entry(im);
		tmp = *img_entry(im, i);
		*img_entry(im, i) = *img_entry(im, j);
		*img_entry(im, j) = tmp;
		img_entry(im, i)->seq = cpu_to_le64(i);
		img_entry(im, j)->seq = cpu_to_le64(j);
		touch_entry(s, i);
		touch_entry(s, j);
		note(" swap %llu %llu", (unsigned long long)i,
		     (unsigned long long)j);
		return;
	case 9:	/* flip bits anywhere in an entry */
		i = pick_entry(im);
		j = below(FAMFSL_ENTRY_SIZE);
		((unsigned char *)img_entry(im, i))[j] ^= 1 << below(8);
		touch_entry(s, i);
		note(" entry %llu byte %llu flipped", (unsigned long long)i,
		     (unsigned long long)j);
		return;
	}
	/* a field of one entry, most often of its own type */
	i = pick_entry(im);
	e = img_entry(im, i);
	type = le32_to_cpu(e->type);
	if (chance(10) || !type || type >= ARRAY_SIZE(entry_tables))
		type = below(ARRAY_SIZE(entry_tables));
	t = chance(12) ? &entry_tables[0] : &entry_tables[type];
	f = &t->f[below(t->n)];
	note(" entry %llu", (unsigned long long)i);
	mutate_field(im, (unsigned char *)e, f, i);
	if (f->kind != K_CRC)
		touch_entry(s, i);
}

static void seal(struct image *im, struct sealing *s)
{
	unsigned int k;

	for (k = 0; k < s->nr_touched; k++)
		if (s->touched[k] < im->capacity)
			famfsl_entry_set_crc(img_entry(im, s->touched[k]));
	if (!s->hdr_raw)
		famfsl_log_header_set_crc(img_hdr(im),
					  le32_to_cpu(img_sb(im)->version));
	if (!s->sb_raw)
		famfsl_sb_set_crc(img_sb(im));
}

struct base {
	int fd;
	u64 size;
	unsigned char *meta;	/* the base's superblock and log */
	struct image im;	/* the image being made from it */
};

static int load_base(struct base *b, const char *path)
{
	struct famfsl_superblock *sb;
	struct famfsl_log_header *h;
	struct image *im = &b->im;
	struct stat st;

	memset(b, 0, sizeof(*b));
	b->fd = open(path, O_RDONLY);
	if (b->fd < 0 || fstat(b->fd, &st)) {
		perror(path);
		return -1;
	}
	b->size = st.st_size;
	b->meta = malloc(FAMFSL_LOG_OFFSET + FAMFSL_LOG_HEADER_SIZE);
	if (!b->meta || pread(b->fd, b->meta, FAMFSL_LOG_OFFSET +
			      FAMFSL_LOG_HEADER_SIZE, 0) !=
	    FAMFSL_LOG_OFFSET + FAMFSL_LOG_HEADER_SIZE)
		goto bad;
	sb = (struct famfsl_superblock *)b->meta;
	h = (struct famfsl_log_header *)(b->meta + FAMFSL_LOG_OFFSET);
	im->meta_len = le64_to_cpu(sb->data_offset);
	im->dev_size = le64_to_cpu(sb->dev_size);
	im->data_offset = im->meta_len;
	im->granule = famfsl_sb_granule(sb);
	im->capacity = le64_to_cpu(h->capacity);
	im->n = le64_to_cpu(h->next_index);
	if (im->meta_len > b->size || im->meta_len > 64 * MIB ||
	    im->n > im->capacity)
		goto bad;
	free(b->meta);
	b->meta = malloc(im->meta_len);
	im->buf = malloc(im->meta_len);
	if (!b->meta || !im->buf ||
	    pread(b->fd, b->meta, im->meta_len, 0) != (ssize_t)im->meta_len)
		goto bad;
	memcpy(im->buf, b->meta, im->meta_len);
	model_base(im);
	mark_busy(im);
	return 0;
bad:
	fprintf(stderr, "%s: not a usable base image\n", path);
	return -1;
}

/*
 * Make image @iter of @seed in b->im.buf and write it to @devfd: the
 * base's metadata, mutated.  Where a mutated superblock makes the log
 * longer, the base's bytes past its log go to the device too, so what
 * mount reads there is the same every time.
 */
static int make_image(struct base *b, int devfd, u64 seed, u64 iter)
{
	struct image *im = &b->im;
	struct sealing s = { };
	unsigned int k, nr;
	u64 log_len, end, off;
	static char chunk[1 << 20];
	ssize_t got;

	rng_state = seed * 0xd1b54a32d192ed03ULL ^ iter;
	rnd();
	memcpy(im->buf, b->meta, im->meta_len);
	desc_len = 0;
	desc[0] = '\0';
	nr = 1;
	while (nr < 5 && chance(35))
		nr++;
	for (k = 0; k < nr; k++)
		mutate_once(im, &s);
	if (chance(70)) {
		seal(im, &s);
		note(" (sealed)");
	} else {
		note(" (raw)");
	}
	if (pwrite(devfd, im->buf, im->meta_len, 0) != (ssize_t)im->meta_len) {
		perror("famfsl_fuzz: write to the device");
		return -1;
	}
	log_len = le64_to_cpu(img_sb(im)->log_len);
	end = log_len < b->size ? FAMFSL_LOG_OFFSET + log_len : b->size;
	for (off = im->meta_len; off < end && off < b->size; off += got) {
		got = pread(b->fd, chunk, end - off < sizeof(chunk) ?
			    end - off : sizeof(chunk), off);
		if (got <= 0 || pwrite(devfd, chunk, got, off) != got)
			break;
	}
	return 0;
}

/* Running the tools and watching the kernel log. */

struct outcome {
	int fsck_rc;		/* exit status, or 128 + signal */
	char fsck_out[512];
	int mount_err;		/* 0 or the errno of mount(2) */
	char kernel_why[512];
	bool ro;
};

/* Append to @buf (@size bytes, @len used), cut short when it is full. */
static void vappend(char *buf, size_t size, size_t *len, const char *fmt,
		    va_list ap)
{
	if (*len >= size - 1)
		return;
	*len += vsnprintf(buf + *len, size - *len, fmt, ap);
	if (*len > size - 1)
		*len = size - 1;
}

static char failure[8192];
static size_t failure_len;

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(failure, sizeof(failure), &failure_len, fmt, ap);
	va_end(ap);
}

/* All that the last fsck printed (its first line goes to the caller). */
static char fsck_full[1024];

/* Run fsck.famfs_lite on @dev; its first line of output goes to @out. */
static int run_fsck(const char *dev, char *out, size_t len)
{
	int pfd[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		execlp("fsck.famfs_lite", "fsck.famfs_lite", dev, NULL);
		_exit(127);
	}
	close(pfd[1]);
	while (got < len - 1 &&
	       (n = read(pfd[0], out + got, len - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	while (read(pfd[0], &n, sizeof(n)) > 0)
		;
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	snprintf(fsck_full, sizeof(fsck_full), "%s", out);
	out[strcspn(out, "\n")] = '\0';
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	       128 + WTERMSIG(status);
}

static int kmsg_fd = -1;

static const char *const splats[] = {
	"WARNING:", "BUG:", "Oops", "general protection", "KASAN",
	"Call Trace", "kmemleak", "lockdep", "circular locking",
	"possible recursive locking",
};

/*
 * Read what the kernel logged since the last call; keep the last
 * famfs_lite line about @devname in @why (without the prefix), and fail
 * the image on any warning or crash report.
 */
static void read_kmsg(const char *devname, char *why, size_t len)
{
	char rec[2048], prefix[64], *msg;
	unsigned int k;
	ssize_t n;

	snprintf(prefix, sizeof(prefix), "famfs_lite: %s: ", devname);
	for (;;) {
		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			return;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		for (k = 0; k < ARRAY_SIZE(splats); k++)
			if (strstr(msg, splats[k]))
				fail("  kernel: %s\n", msg);
		if (why && !strncmp(msg, prefix, strlen(prefix)) &&
		    !strstr(msg, "mounted") && !strstr(msg, "torn tail"))
			snprintf(why, len, "%s", msg + strlen(prefix));
	}
}

/* The reason in a mount error or fsck line, for comparing the two. */
static void reason(char *s)
{
	static const char *const heads[] = { "superblock: ", "log header: " };
	char *p;
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(heads); k++)
		if (!strncmp(s, heads[k], strlen(heads[k])))
			memmove(s, s + strlen(heads[k]),
				strlen(s + strlen(heads[k])) + 1);
	p = strrchr(s, '(');
	if (p && p > s && p[-1] == ' ')
		p[-1] = '\0';
}

/* Walking a mounted tree. */

struct walk {
	int files;
	int dirs;
	char paths[64][256];	/* some files and directories, for changes */
	bool is_dir[64];
	int nr_paths;
	int seen;
};

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(bus_jmp, sig);
}

/* where loads through mappings go, so that they are not optimized away */
unsigned char famfsl_fuzz_sink;

/* Load from, or store to, a mapped page; a SIGBUS fails the image. */
static void access_page(void *map, bool write, const char *path,
			long long off)
{
	unsigned char *p = map;

	if (sigsetjmp(bus_jmp, 1)) {
		fail("  SIGBUS %s %s at %lld through mmap\n",
		     write ? "writing" : "reading", path, off);
		return;
	}
	if (write)
		memcpy(map, "famfsl_fuzz", 11);
	else
		famfsl_fuzz_sink ^= p[off % 4096];
}

static bool unexpected_errno(int err)
{
	return err == EIO || err == EUCLEAN || err == ENOMEM ||
	       err == EFAULT || err == ESTALE || err == EBADMSG;
}

static void keep_path(struct walk *w, const char *rel, bool dir)
{
	int slot;

	w->seen++;
	if (strlen(rel) >= sizeof(w->paths[0]))
		return;
	slot = w->nr_paths < 64 ? w->nr_paths++ : (int)below(w->seen);
	if (slot >= 64)
		return;
	snprintf(w->paths[slot], sizeof(w->paths[0]), "%s", rel);
	w->is_dir[slot] = dir;
}

static void check_file(int dfd, const char *name, const char *rel,
		       const struct stat *st)
{
	static char buf[4096];
	void *map;
	ssize_t want, got;
	off_t off;
	int fd;

	fd = openat(dfd, name, O_RDONLY);
	if (fd < 0) {
		fail("  open %s: %s\n", rel, strerror(errno));
		return;
	}
	want = st->st_size < 4096 ? st->st_size : 4096;
	got = pread(fd, buf, 4096, 0);
	if (got != want)
		fail("  read of %s at 0: %zd of %zd (%s)\n", rel, got, want,
		     got < 0 ? strerror(errno) : "short");
	off = st->st_size > 4096 ? st->st_size - 4096 : 0;
	got = pread(fd, buf, 4096, off);
	if (got != (st->st_size > 4096 ? 4096 : want))
		fail("  read of %s at %lld: %zd (%s)\n", rel, (long long)off,
		     got, got < 0 ? strerror(errno) : "short");
	if (st->st_size > 0) {
		off = below((st->st_size + 4095) / 4096) * 4096;
		map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, off);
		if (map == MAP_FAILED) {
			fail("  mmap of %s at %lld: %s\n", rel, (long long)off,
			     strerror(errno));
		} else {
			access_page(map, false, rel, off + below(4096));
			munmap(map, 4096);
		}
	}
	close(fd);
}

static void walk_dir(int dfd, const char *rel, struct walk *w, int depth)
{
	char sub[4096];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	d = fdopendir(dfd);
	if (!d) {
		fail("  opendir %s: %s\n", rel, strerror(errno));
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
			 de->d_name);
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			fail("  stat %s: %s\n", sub, strerror(errno));
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			w->dirs++;
			keep_path(w, sub, true);
			if (depth > 200) {
				fail("  %s: directories nested too deep\n", sub);
				continue;
			}
			fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY);
			if (fd < 0)
				fail("  open dir %s: %s\n", sub, strerror(errno));
			else
				walk_dir(fd, sub, w, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			w->files++;
			keep_path(w, sub, false);
			check_file(dirfd(d), de->d_name, sub, &st);
		} else {
			fail("  %s: neither a file nor a directory (mode %o)\n",
			     sub, st.st_mode);
		}
	}
	closedir(d);
}

/* The changes made to the current image, printed if it fails. */
static char changes[2048];
static size_t changes_len;

static void did(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(changes, sizeof(changes), &changes_len, fmt, ap);
	va_end(ap);
}

/* op NAME RESULT: a change to the tree may fail, but not with EIO & co. */
static void op(const char *what, const char *path, int rc)
{
	int err = errno;

	did(" %s %s:%s;", what, path, rc < 0 ? strerror(err) : "ok");
	if (rc < 0 && unexpected_errno(err))
		fail("  %s %s: %s\n", what, path, strerror(err));
	errno = err;
}

/* Change the tree: writes, creates, renames, removals, attributes. */
static void change_tree(int mfd, struct walk *w)
{
	static const char data[64] = "famfsl_fuzz was here";
	char name[300], name2[300];
	const char *p, *q;
	int k, i, fd, rc;
	struct stat st;
	u64 len;
	void *map;

	for (k = 0; k < 6 && w->nr_paths; k++) {
		i = below(w->nr_paths);
		p = w->paths[i];
		q = w->paths[below(w->nr_paths)];
		switch (below(10)) {
		case 0:
		case 1:
			fd = openat(mfd, p, O_RDWR);
			if (fd < 0) {
				op("open for writing", p, fd);
				break;
			}
			if (!fstat(fd, &st) && st.st_size > 0) {
				rc = pwrite(fd, data, sizeof(data), 0);
				op("write", p, rc);
				map = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					   MAP_SHARED, fd, 0);
				if (map == MAP_FAILED) {
					fail("  mmap for writing %s: %s\n", p,
					     strerror(errno));
				} else {
					access_page(map, true, p, 0);
					op("msync", p, msync(map, 4096, MS_SYNC));
					munmap(map, 4096);
				}
			}
			close(fd);
			break;
		case 2:
			snprintf(name, sizeof(name), "%s/fzn%d", p, k);
			fd = openat(mfd, name, O_RDWR | O_CREAT | O_EXCL, 0644);
			op("create", name, fd);
			if (fd >= 0) {
				len = chance(50) ? UNIT : BLK * (1 + below(8));
				did(" (%llu bytes)", (unsigned long long)len);
				op("fallocate", name, fallocate(fd, 0, 0, len));
				op("write", name, pwrite(fd, data, sizeof(data), 0));
				close(fd);
			}
			break;
		case 3:
			snprintf(name, sizeof(name), "%s/fzd%d", p, k);
			op("mkdir", name, mkdirat(mfd, name, 0755));
			break;
		case 4:
			snprintf(name, sizeof(name), "%s/fzr%d", q, k);
			op("rename", p, renameat(mfd, p, mfd, name));
			break;
		case 5:
			op("rename over", p, renameat(mfd, p, mfd, q));
			break;
		case 6:
			op("remove", p, unlinkat(mfd, p, w->is_dir[i] ?
						  AT_REMOVEDIR : 0));
			op("remove", p, unlinkat(mfd, p, 0));
			break;
		case 7:
			op("chmod", p, fchmodat(mfd, p, below(07777), 0));
			break;
		case 9:	/* growth by write past the end, and a close */
			fd = openat(mfd, p, O_WRONLY);
			if (fd < 0) {
				op("open for writing", p, fd);
				break;
			}
			if (!fstat(fd, &st))
				op("append", p, pwrite(fd, data, sizeof(data),
						       st.st_size));
			if (!fstat(fd, &st)) {
				len = st.st_size + below(3 * UNIT);
				did(" (%lld to %llu)", (long long)st.st_size,
				    (unsigned long long)len);
				op("write past the end", p,
				   pwrite(fd, data, 7, len));
			}
			close(fd);
			break;
		default:
			op("utimes", p, utimensat(mfd, p, NULL, 0));
			snprintf(name2, sizeof(name2), "%s", p);
			rc = fchownat(mfd, p, below(2000), below(2000), 0);
			op("chown", name2, rc);
			break;
		}
	}
}

struct stats {
	u64 images;
	u64 fsck_ok;
	u64 mounted_rw;
	u64 mounted_ro;
	u64 refused;
	u64 failed;
	u64 files;
};

static const char *errname(int err)
{
	switch (err) {
	case 0:
		return "ok";
	case EINVAL:
		return "EINVAL";
	case EUCLEAN:
		return "EUCLEAN";
	case EBUSY:
		return "EBUSY";
	case ENOMEM:
		return "ENOMEM";
	case EIO:
		return "EIO";
	}
	return strerror(err);
}

/*
 * The 4 KiB blocks in use that fsck's summary line gives: exactly, as
 * "B of N blocks of 4 KiB used" (version 3), or as "U of T MiB used",
 * exact in 2 MiB units before; -1 if the line has neither.
 */
static long long fsck_used_blocks(const char *from)
{
	unsigned long long used, total;
	char line[512], *p;

	snprintf(line, sizeof(line), "%.*s", (int)strcspn(from, "\n"), from);
	p = strstr(line, " blocks of 4 KiB used");
	if (p) {
		while (p > line && p[-1] != ',')
			p--;
		if (sscanf(p, " %llu of %llu blocks", &used, &total) == 2)
			return used;
		return -1;
	}
	p = strstr(line, "directories, ");
	if (p && sscanf(p, "directories, %llu of %llu MiB used", &used,
			&total) == 2)
		return used * (MIB / BLK);
	return -1;
}

/*
 * The kernel's space in use just after the mount (statfs, in 4 KiB
 * blocks) must be what fsck counted: they agree on every extent.
 */
static void check_space(const char *dir, const char *fsck_out)
{
	const char *line = strstr(fsck_out, ": clean: ");
	long long want = line ? fsck_used_blocks(line) : -1, got;
	struct statfs sf;

	if (statfs(dir, &sf)) {
		fail("  statfs %s: %s\n", dir, strerror(errno));
		return;
	}
	got = (long long)(sf.f_blocks - sf.f_bfree) * sf.f_bsize / BLK;
	if (want < 0)
		fail("  no space in use in fsck's line\n");
	else if (got != want)
		fail("  space in use: statfs says %lld blocks of 4 KiB, fsck %lld\n",
		     got, want);
}

/* Check one image; print it if it fails. */
static void check_image(struct base *b, int devfd, const char *dev,
			const char *dir, u64 seed, u64 iter, struct stats *st)
{
	const char *devname = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	struct outcome o = { };
	char fsck_why[512], comm[16], after[512];
	unsigned char *back;
	struct walk w = { };
	int mfd, rc;

	failure_len = 0;
	failure[0] = '\0';
	changes_len = 0;
	changes[0] = '\0';
	/* An oops names the image: its "Comm:" is this process's name. */
	snprintf(comm, sizeof(comm), "fz%llu", (unsigned long long)iter);
	prctl(PR_SET_NAME, comm);
	st->images++;
	if (make_image(b, devfd, seed, iter)) {
		fail("  cannot write the image\n");
		goto out;
	}
	read_kmsg(devname, NULL, 0);
	o.fsck_rc = run_fsck(dev, o.fsck_out, sizeof(o.fsck_out));
	o.ro = chance(25);
	if (mount(dev, dir, "famfs_lite", o.ro ? MS_RDONLY : 0, NULL))
		o.mount_err = errno;
	read_kmsg(devname, o.kernel_why, sizeof(o.kernel_why));

	if (o.fsck_rc != 0 && o.fsck_rc != 4 && o.fsck_rc != 8)
		fail("  fsck exited %d: %s\n", o.fsck_rc, o.fsck_out);
	if (o.mount_err && o.mount_err != EINVAL && o.mount_err != EUCLEAN)
		fail("  mount failed with %s\n", errname(o.mount_err));
	if (!o.fsck_rc != !o.mount_err) {
		fail("  mount and fsck disagree: mount %s, fsck exit %d\n",
		     errname(o.mount_err), o.fsck_rc);
	} else if (o.mount_err) {
		snprintf(fsck_why, sizeof(fsck_why), "%s",
			 strchr(o.fsck_out, ':') ? strchr(o.fsck_out, ':') + 2 : "");
		reason(fsck_why);
		reason(o.kernel_why);
		if (strcmp(fsck_why, o.kernel_why))
			fail("  mount and fsck give different reasons\n");
	}
	if (!o.fsck_rc)
		st->fsck_ok++;
	if (o.mount_err) {
		st->refused++;
		goto out;
	}
	if (o.ro)
		st->mounted_ro++;
	else
		st->mounted_rw++;
	check_space(dir, fsck_full);

	mfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (mfd < 0) {
		fail("  open %s: %s\n", dir, strerror(errno));
	} else {
		walk_dir(dup(mfd), "", &w, 0);
		st->files += w.files;
		if (!o.ro)
			change_tree(mfd, &w);
		close(mfd);
		/*
		 * Compact the changed tree's log one time in two: the fsck
		 * after the unmount checks what the compaction wrote.
		 */
		if (!o.ro && chance(50)) {
			did(" remount,compact");
			if (mount(dev, dir, NULL, MS_REMOUNT, "compact") &&
			    errno != ENOSPC && errno != EROFS)
				fail("  remount,compact: %s\n", strerror(errno));
		}
	}
	if (umount(dir)) {
		fail("  umount: %s\n", strerror(errno));
		umount2(dir, MNT_DETACH);
		sleep(1);
	}
	read_kmsg(devname, NULL, 0);
	if (o.ro) {
		back = malloc(b->im.meta_len);
		if (back && pread(devfd, back, b->im.meta_len, 0) ==
		    (ssize_t)b->im.meta_len &&
		    memcmp(back, b->im.buf, b->im.meta_len))
			fail("  a read-only mount changed the metadata\n");
		free(back);
	} else {
		rc = run_fsck(dev, after, sizeof(after));
		if (rc)
			fail("  fsck after the read-write mount exited %d: %s\n",
			     rc, after);
	}
out:
	if (!failure_len)
		return;
	st->failed++;
	printf("FAIL seed %llu iter %llu:\n", (unsigned long long)seed,
	       (unsigned long long)iter);
	printf("  mutation:%s\n", desc);
	if (changes_len)
		printf("  changes:%s\n", changes);
	printf("  fsck: exit %d: %s\n", o.fsck_rc, o.fsck_out);
	printf("  mount%s: %s: %s\n%s", o.ro ? " -o ro" : "",
	       errname(o.mount_err), o.kernel_why, failure);
	fflush(stdout);
}

static int open_dev(const char *dev)
{
	int fd = open(dev, O_RDWR);

	if (fd < 0)
		perror(dev);
	return fd;
}

static int cmd_run(char **argv, bool replay)
{
	struct stats st = { };
	struct timespec t0, t1;
	unsigned long long seed, iter, first, count;
	struct base b;
	double secs;
	char line[256];
	FILE *list;
	int devfd;

	if (load_base(&b, argv[2]))
		return 2;
	devfd = open_dev(argv[3]);
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (devfd < 0 || kmsg_fd < 0) {
		perror("famfsl_fuzz: /dev/kmsg");
		return 2;
	}
	lseek(kmsg_fd, 0, SEEK_END);
	signal(SIGBUS, on_sigbus);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (replay) {
		list = fopen(argv[5], "r");
		if (!list) {
			perror(argv[5]);
			return 2;
		}
		while (fgets(line, sizeof(line), list))
			if (sscanf(line, "%llu %llu", &seed, &iter) == 2)
				check_image(&b, devfd, argv[3], argv[4], seed,
					    iter, &st);
		fclose(list);
	} else {
		seed = strtoull(argv[5], NULL, 0);
		first = strtoull(argv[6], NULL, 0);
		count = strtoull(argv[7], NULL, 0);
		for (iter = first; iter < first + count; iter++)
			check_image(&b, devfd, argv[3], argv[4], seed, iter,
				    &st);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("images %llu: fsck accepted %llu, mount refused %llu; ",
	       (unsigned long long)st.images, (unsigned long long)st.fsck_ok,
	       (unsigned long long)st.refused);
	printf("mounted %llu rw, %llu ro, %llu files walked; failed %llu; ",
	       (unsigned long long)st.mounted_rw,
	       (unsigned long long)st.mounted_ro,
	       (unsigned long long)st.files, (unsigned long long)st.failed);
	printf("%.1f s, %.2f images/s\n", secs,
	       secs > 0 ? st.images / secs : 0.0);
	return st.failed ? 1 : 0;
}

/* Fixed uuid and times, so every guest makes the same base image. */
static int cmd_base(const char *path)
{
	struct famfsl_superblock *sb;
	struct famfsl_entry *e;
	struct base b;
	u64 i;
	int fd;

	if (load_base(&b, path))
		return 2;
	sb = img_sb(&b.im);
	memset(sb->uuid, 0x5a, sizeof(sb->uuid));
	sb->mkfs_time = cpu_to_le64(BASE_TIME);
	famfsl_sb_set_crc(sb);
	for (i = 0; i < b.im.n; i++) {
		e = img_entry(&b.im, i);
		switch (le32_to_cpu(e->type)) {
		case FAMFSL_CREATE:
			e->create.time.sec = cpu_to_le64(BASE_TIME + i);
			e->create.time.nsec = 0;
			break;
		case FAMFSL_SETATTR:
			e->setattr.atime.sec = cpu_to_le64(BASE_TIME + i);
			e->setattr.atime.nsec = 0;
			e->setattr.mtime = e->setattr.atime;
			e->setattr.ctime = e->setattr.atime;
			break;
		}
		famfsl_entry_set_crc(e);
	}
	fd = open(path, O_WRONLY);
	if (fd < 0 || pwrite(fd, b.im.buf, b.im.meta_len, 0) !=
	    (ssize_t)b.im.meta_len) {
		perror(path);
		return 2;
	}
	close(fd);
	printf("base %08x: %llu entries, %llu MiB of metadata\n",
	       famfsl_crc32c(~0U, b.im.buf, b.im.meta_len),
	       (unsigned long long)b.im.n,
	       (unsigned long long)(b.im.meta_len / MIB));
	return 0;
}

static int cmd_mutate(char **argv)
{
	struct base b;
	int devfd;

	if (load_base(&b, argv[2]))
		return 2;
	devfd = open_dev(argv[3]);
	if (devfd < 0 || make_image(&b, devfd, strtoull(argv[4], NULL, 0),
				    strtoull(argv[5], NULL, 0)))
		return 2;
	printf("seed %s iter %s:%s\n", argv[4], argv[5], desc);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "base") && argc == 3)
		return cmd_base(argv[2]);
	if (!strcmp(cmd, "mutate") && argc == 6)
		return cmd_mutate(argv);
	if (!strcmp(cmd, "run") && argc == 8)
		return cmd_run(argv, false);
	if (!strcmp(cmd, "replay") && argc == 6)
		return cmd_run(argv, true);
	fprintf(stderr, "usage: see the comment at the top of famfsl_fuzz.c\n");
	return 2;
}
