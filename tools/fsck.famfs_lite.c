// SPDX-License-Identifier: GPL-2.0-only
/*
 * fsck.famfs_lite: check a famfs_lite file system, and (--compact) write
 * the smallest log that rebuilds its tree, as the kernel does when the
 * log fills.  Without --compact nothing is changed.
 *
 * Checks the superblock, the log header and every committed entry with
 * the same code the kernel uses (famfs_lite/format.c), then replays the
 * log into a model of the tree to check what only the whole tree shows:
 * parents, names, types, and extents that overlap.  Exit status as
 * e2fsck: 0 clean, 4 errors left uncorrected, 8 operational error.
 *
 * The model finds live nodes by inode number and by (parent, name)
 * through two hash indexes, so a log of n entries is checked in O(n).
 * Space in use is a bitmap of the data area at the granule of the
 * format's extents (famfsl_sb_granule(): 4 KiB in version 3, 2 MiB
 * before), one bit a granule: 32 MiB for a 1 TiB version 3 device.  An
 * extent is checked and marked a 64-bit word at a time, so the time is
 * linear in the entries and in the space they name over 64 granules.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "famfsl_tool.h"

#define FSCK_OK		0
#define FSCK_ERRORS	4
#define FSCK_FAILED	8

struct node {
	u64 ino;
	u64 parent;
	bool dir;
	bool live;
	bool allocated;
	u32 children;
	u64 size;
	u64 len;	/* bytes of all extents */
	u32 nr;		/* extents, adjacent ones merged as the kernel does */
	struct famfsl_extent *ext;
	char name[FAMFSL_NAME_MAX + 1];
	/* for --compact: the attributes the log gave, and the tree's shape */
	u32 mode, uid, gid;
	struct famfsl_time atime, mtime, ctime;
	u64 first_child, next_sibling;	/* node index + 1, 0 for none */
};

static struct node *nodes;
static u64 nr_nodes;
static u64 max_ino = FAMFSL_ROOT_INO + 1;	/* past every inode created */
/* One bit per granule of the data area, set while a live file holds it. */
static u64 *used_map;
static u64 nr_granules, granule, data_offset, used_bytes;
static bool verbose;

/*
 * Open-addressing hash indexes of the live nodes: a slot holds a node
 * index + 1, 0 when never used, SLOT_GONE when its node left.  Each has
 * at least twice as many slots as there can be nodes.
 */
#define SLOT_GONE	UINT64_MAX
static u64 *by_ino, *by_name, slot_mask;

static u64 mix(u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static u64 name_hash(u64 parent, const char *name)
{
	u64 h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	while (*name)
		h = (h ^ (unsigned char)*name++) * 0x100000001b3ULL;
	return mix(h ^ mix(parent));
}

static bool index_init(u64 max_nodes)
{
	u64 n = 16;

	while (n < 2 * max_nodes)
		n *= 2;
	slot_mask = n - 1;
	by_ino = calloc(n, sizeof(*by_ino));
	by_name = calloc(n, sizeof(*by_name));
	return by_ino && by_name;
}

static void index_add(u64 *table, u64 hash, struct node *n)
{
	u64 i = hash & slot_mask;

	while (table[i] && table[i] != SLOT_GONE)
		i = (i + 1) & slot_mask;
	table[i] = n - nodes + 1;
}

static void index_del(u64 *table, u64 hash, struct node *n)
{
	u64 i = hash & slot_mask;

	for (; table[i]; i = (i + 1) & slot_mask)
		if (table[i] == (u64)(n - nodes + 1)) {
			table[i] = SLOT_GONE;
			return;
		}
}

/* Enter a live node in both indexes. */
static void index_node(struct node *n)
{
	index_add(by_ino, mix(n->ino), n);
	if (n->ino != FAMFSL_ROOT_INO)
		index_add(by_name, name_hash(n->parent, n->name), n);
}

static void unindex_node(struct node *n)
{
	index_del(by_ino, mix(n->ino), n);
	if (n->ino != FAMFSL_ROOT_INO)
		index_del(by_name, name_hash(n->parent, n->name), n);
}

/* The live node with inode number @ino, or NULL. */
static struct node *find(u64 ino)
{
	u64 i;

	for (i = mix(ino) & slot_mask; by_ino[i]; i = (i + 1) & slot_mask)
		if (by_ino[i] != SLOT_GONE && nodes[by_ino[i] - 1].ino == ino)
			return &nodes[by_ino[i] - 1];
	return NULL;
}

static struct node *find_dir(u64 ino)
{
	struct node *n = find(ino);

	return n && n->dir ? n : NULL;
}

/* The live node named @name in directory @parent, or NULL. */
static struct node *find_name(u64 parent, const char *name)
{
	struct node *n;
	u64 i;

	for (i = name_hash(parent, name) & slot_mask; by_name[i];
	     i = (i + 1) & slot_mask) {
		if (by_name[i] == SLOT_GONE)
			continue;
		n = &nodes[by_name[i] - 1];
		if (n->parent == parent && !strcmp(n->name, name))
			return n;
	}
	return NULL;
}

static void copy_name(char *dst, const char *src, __le16 len)
{
	memcpy(dst, src, le16_to_cpu(len));
	dst[le16_to_cpu(len)] = '\0';
}

/* The bits of granules [@first, @end) in the word that holds @first. */
static u64 range_word_mask(u64 first, u64 end)
{
	u64 w = first / 64, mask = ~0ULL << (first % 64);

	if (end - w * 64 < 64)
		mask &= (1ULL << (end - w * 64)) - 1;
	return mask;
}

/* The granules [@first, @first + @n) of the data area: any in use? */
static bool range_busy(u64 first, u64 n)
{
	u64 end = first + n;

	for (; first < end; first = (first / 64 + 1) * 64)
		if (used_map[first / 64] & range_word_mask(first, end))
			return true;
	return false;
}

/* Mark the granules [@first, @first + @n) in use (@set) or free. */
static void range_mark(u64 first, u64 n, bool set)
{
	u64 end = first + n;

	for (; first < end; first = (first / 64 + 1) * 64) {
		if (set)
			used_map[first / 64] |= range_word_mask(first, end);
		else
			used_map[first / 64] &= ~range_word_mask(first, end);
	}
}

/*
 * An extent's first granule and number of granules; famfsl_check_entry()
 * made sure it is whole granules inside the data area.
 */
static void extent_granules(const struct famfsl_extent *x, u64 *first, u64 *n)
{
	*first = (le64_to_cpu(x->dev_offset) - data_offset) / granule;
	*n = le64_to_cpu(x->len) / granule;
}

/* Give back the space of a file that goes; its extents are its own. */
static void free_space(struct node *n)
{
	u64 first, nr;
	u32 i;

	for (i = 0; i < n->nr; i++) {
		extent_granules(&n->ext[i], &first, &nr);
		range_mark(first, nr, false);
		used_bytes -= le64_to_cpu(n->ext[i].len);
	}
}

static void remove_node(struct node *n)
{
	struct node *parent = find(n->parent);

	free_space(n);
	unindex_node(n);
	n->live = false;
	if (parent)
		parent->children--;
}

/*
 * An ALLOC, or an EXTEND (@extend, read through the same layout), checked
 * in the kernel's order (famfsl_set_extents()) so the reasons agree.
 */
static const char *add_extents(const struct famfsl_alloc *a, bool extend)
{
	u32 i, nr = le32_to_cpu(a->nr_extents);
	u64 size = le64_to_cpu(a->size), len, first, count;
	struct famfsl_extent *ext;
	struct node *n;

	n = find(le64_to_cpu(a->ino));
	if (!n)
		return "allocation for an inode that does not exist";
	if (n->dir)
		return "allocation for a directory";
	if (!extend && n->allocated)
		return "second allocation for a file";
	if (size < n->size)
		return "extend shrinks a file";
	if (!nr) {
		if (size > n->len)
			return "file size exceeds its extents";
		if (n->allocated)
			n->size = size;
		return NULL;
	}
	ext = realloc(n->ext, (n->nr + nr) * sizeof(*ext));
	if (!ext) {
		perror("fsck.famfs_lite");
		exit(FSCK_FAILED);
	}
	n->ext = ext;
	len = n->len;
	for (i = 0; i < nr; i++) {
		struct famfsl_extent *l = n->nr ? &ext[n->nr - 1] : NULL;

		if (l && le64_to_cpu(l->dev_offset) + le64_to_cpu(l->len) ==
			 le64_to_cpu(a->ext[i].dev_offset))
			l->len = cpu_to_le64(le64_to_cpu(l->len) +
					     le64_to_cpu(a->ext[i].len));
		else
			ext[n->nr++] = a->ext[i];
		len += le64_to_cpu(a->ext[i].len);
	}
	if (n->nr > FAMFSL_FILE_MAX_EXTENTS)
		return "file has too many extents";
	if (size > len)
		return "file size exceeds its extents";
	/*
	 * Each extent is marked once checked, so one that overlaps an
	 * earlier extent of the same entry is caught too, as the kernel
	 * does; on a mismatch fsck stops, and the marks do not matter.
	 */
	for (i = 0; i < nr; i++) {
		extent_granules(&a->ext[i], &first, &count);
		if (range_busy(first, count))
			return "extent overlaps another file";
		range_mark(first, count, true);
		used_bytes += le64_to_cpu(a->ext[i].len);
	}
	n->len = len;
	n->size = size;
	n->allocated = true;
	if (verbose)
		printf("  %s inode %llu: %llu bytes, %u new extent(s), %u in all\n",
		       extend ? "extend" : "alloc", (unsigned long long)n->ino,
		       (unsigned long long)size, nr, n->nr);
	return NULL;
}

/* Apply one entry to the model; on a mismatch return its reason. */
static const char *apply(const struct famfsl_entry *e)
{
	struct node *n, *p, *t;
	char name[FAMFSL_NAME_MAX + 1];
	u64 up;
	u32 i;

	switch (le32_to_cpu(e->type)) {
	case FAMFSL_CREATE:
		if (find(le64_to_cpu(e->create.ino)))
			return "create of an inode number in use";
		p = find_dir(le64_to_cpu(e->create.parent));
		if (!p)
			return "create in a directory that does not exist";
		copy_name(name, e->create.name, e->create.name_len);
		if (find_name(p->ino, name))
			return "create of a name that exists";
		n = &nodes[nr_nodes++];
		memset(n, 0, sizeof(*n));
		n->ino = le64_to_cpu(e->create.ino);
		n->parent = p->ino;
		n->dir = S_ISDIR(le32_to_cpu(e->create.mode));
		n->live = true;
		strcpy(n->name, name);
		n->mode = le32_to_cpu(e->create.mode);
		n->uid = le32_to_cpu(e->create.uid);
		n->gid = le32_to_cpu(e->create.gid);
		n->atime = e->create.time;
		n->mtime = e->create.time;
		n->ctime = e->create.time;
		/* as the kernel's replay of a CREATE changes its directory */
		p->mtime = e->create.time;
		p->ctime = e->create.time;
		if (n->ino >= max_ino)
			max_ino = n->ino + 1;
		index_node(n);
		p->children++;
		if (verbose)
			printf("  create %s '%s' inode %llu in %llu\n",
			       n->dir ? "dir" : "file", name,
			       (unsigned long long)n->ino,
			       (unsigned long long)p->ino);
		return NULL;
	case FAMFSL_ALLOC:
	case FAMFSL_EXTEND:
		return add_extents(&e->alloc,
				   le32_to_cpu(e->type) == FAMFSL_EXTEND);
	case FAMFSL_SETATTR:
		n = find(le64_to_cpu(e->setattr.ino));
		if (!n)
			return "attributes for an inode that does not exist";
		i = le32_to_cpu(e->setattr.valid);
		if (i & FAMFSL_ATTR_MODE)
			n->mode = (n->mode & S_IFMT) |
				  (le32_to_cpu(e->setattr.mode) & 07777);
		if (i & FAMFSL_ATTR_UID)
			n->uid = le32_to_cpu(e->setattr.uid);
		if (i & FAMFSL_ATTR_GID)
			n->gid = le32_to_cpu(e->setattr.gid);
		if (i & FAMFSL_ATTR_ATIME)
			n->atime = e->setattr.atime;
		if (i & FAMFSL_ATTR_MTIME)
			n->mtime = e->setattr.mtime;
		if (i & FAMFSL_ATTR_CTIME)
			n->ctime = e->setattr.ctime;
		return NULL;
	case FAMFSL_UNLINK:
		n = find(le64_to_cpu(e->unlink.ino));
		if (!n)
			return "unlink of an inode that does not exist";
		if (n->parent != le64_to_cpu(e->unlink.parent))
			return "unlink from a directory that does not hold the inode";
		if (n->dir && n->children)
			return "removal of a directory that is not empty";
		if (verbose)
			printf("  unlink '%s' inode %llu\n", n->name,
			       (unsigned long long)n->ino);
		remove_node(n);
		return NULL;
	case FAMFSL_RENAME:
		n = find(le64_to_cpu(e->rename.ino));
		p = find_dir(le64_to_cpu(e->rename.new_parent));
		if (!n || !p || !find_dir(le64_to_cpu(e->rename.old_parent)))
			return "rename names an inode or directory that does not exist";
		if (n->parent != le64_to_cpu(e->rename.old_parent))
			return "rename from a directory that does not hold the inode";
		for (up = p->ino; n->dir; up = find(up)->parent) {
			if (up == n->ino)
				return "rename of a directory into itself";
			if (up == FAMFSL_ROOT_INO)
				break;
		}
		copy_name(name, e->rename.name, e->rename.name_len);
		t = find_name(p->ino, name);
		if ((t ? t->ino : 0) != le64_to_cpu(e->rename.replaced) || t == n)
			return "rename target does not match the replaced inode";
		if (t && (t->dir != n->dir || t->children))
			return "rename over a non-empty directory or an inode of another type";
		if (t)
			remove_node(t);
		find(n->parent)->children--;
		p->children++;
		unindex_node(n);
		n->parent = p->ino;
		strcpy(n->name, name);
		index_node(n);
		return NULL;
	}
	return "unknown entry type";
}

/* --compact: the new log, built in memory, one area's worth. */
static struct famfsl_entry *out;
static u64 out_n, out_cap;

static bool same_time(const struct famfsl_time *a, const struct famfsl_time *b)
{
	return a->sec == b->sec && a->nsec == b->nsec;
}

static bool times_one(const struct node *n)
{
	return same_time(&n->atime, &n->mtime) && same_time(&n->ctime, &n->mtime);
}

static struct famfsl_entry *emit(u32 type)
{
	struct famfsl_entry *e;

	if (out_n >= out_cap)
		return NULL;
	e = &out[out_n];
	memset(e, 0, sizeof(*e));
	e->seq = cpu_to_le64(out_n);
	e->type = cpu_to_le32(type);
	out_n++;
	return e;
}

static bool emit_setattr(const struct node *n, bool all)
{
	struct famfsl_entry *e = emit(FAMFSL_SETATTR);

	if (!e)
		return false;
	e->setattr.ino = cpu_to_le64(n->ino);
	e->setattr.valid = cpu_to_le32(all ? FAMFSL_ATTR_ALL : FAMFSL_ATTR_ATIME |
				       FAMFSL_ATTR_MTIME | FAMFSL_ATTR_CTIME);
	e->setattr.mode = cpu_to_le32(n->mode & 07777);
	e->setattr.uid = cpu_to_le32(n->uid);
	e->setattr.gid = cpu_to_le32(n->gid);
	e->setattr.atime = n->atime;
	e->setattr.mtime = n->mtime;
	e->setattr.ctime = n->ctime;
	return true;
}

/* The entries the kernel's compaction writes for @n (famfs_lite/tree.c). */
static bool emit_node(const struct node *n)
{
	struct famfsl_entry *e = emit(FAMFSL_CREATE);
	u32 i, j, k;
	u64 len;

	if (!e)
		return false;
	e->create.ino = cpu_to_le64(n->ino);
	e->create.parent = cpu_to_le64(n->parent);
	e->create.mode = cpu_to_le32(n->mode);
	e->create.uid = cpu_to_le32(n->uid);
	e->create.gid = cpu_to_le32(n->gid);
	e->create.name_len = cpu_to_le16(strlen(n->name));
	e->create.time = n->mtime;
	memcpy(e->create.name, n->name, strlen(n->name));
	/*
	 * An ALLOC of the first FAMFSL_MAX_EXTENTS extents, an EXTEND for
	 * each as many more; each with the size its extents so far hold,
	 * the last with the file's.  @n's extents are merged, so none
	 * continues the one before.
	 */
	for (i = 0, len = 0; n->allocated && i < n->nr; i += k) {
		k = n->nr - i < FAMFSL_MAX_EXTENTS ? n->nr - i : FAMFSL_MAX_EXTENTS;
		e = emit(i ? FAMFSL_EXTEND : FAMFSL_ALLOC);
		if (!e)
			return false;
		e->alloc.ino = cpu_to_le64(n->ino);
		e->alloc.nr_extents = cpu_to_le32(k);
		for (j = 0; j < k; j++) {
			e->alloc.ext[j] = n->ext[i + j];
			len += le64_to_cpu(n->ext[i + j].len);
		}
		e->alloc.size = cpu_to_le64(n->size < len ? n->size : len);
	}
	if ((n->dir && n->first_child) || times_one(n))
		return true;
	return emit_setattr(n, false);
}

/*
 * Build the smallest log that rebuilds the checked tree, as the kernel's
 * compaction does (parents first, a directory's times after its
 * children, the root's attributes last), and write it into the log area
 * not in use; then switch the log_gen word to it.  Returns an exit code.
 */
static int compact(struct famfsl_dev *dev, const struct famfsl_superblock *sb,
		   u64 gen, const struct famfsl_log_header *old)
{
	u64 i, area = famfsl_area_offset(sb, gen + 1), next_ino;
	struct node *n, *root = &nodes[0];
	struct famfsl_log_header h;
	__le64 word;

	if (le32_to_cpu(sb->version) == FAMFSL_VERSION_1) {
		printf("%s: format version 1 has one log area and cannot be compacted\n",
		       dev->path);
		return FSCK_ERRORS;
	}
	/* children lists, most recent first: any order puts parents first */
	for (i = nr_nodes; i-- > 1;) {
		if (!nodes[i].live)
			continue;
		n = find(nodes[i].parent);
		nodes[i].next_sibling = n->first_child;
		n->first_child = i + 1;
	}
	out_cap = le64_to_cpu(old->capacity);
	out = calloc(out_cap, sizeof(*out));
	if (!out) {
		perror("fsck.famfs_lite");
		return FSCK_FAILED;
	}
	n = root->first_child ? &nodes[root->first_child - 1] : NULL;
	while (n) {
		if (!emit_node(n))
			goto full;
		if (n->dir && n->first_child) {
			n = &nodes[n->first_child - 1];
			continue;
		}
		while (!n->next_sibling) {
			n = find(n->parent);
			if (n == root)
				break;
			if (!emit_setattr(n, false))
				goto full;
		}
		n = n == root ? NULL : &nodes[n->next_sibling - 1];
	}
	if (!emit_setattr(root, true) || out_n >= out_cap)
		goto full;
	for (i = 0; i < out_n; i++)
		famfsl_entry_set_crc(&out[i]);

	next_ino = le64_to_cpu(old->next_ino);
	if (max_ino > next_ino)
		next_ino = max_ino;
	h = *old;
	h.gen = cpu_to_le64(gen + 1);
	h.next_ino = cpu_to_le64(next_ino);
	h.next_index = cpu_to_le64(out_n);
	famfsl_log_header_set_crc(&h, le32_to_cpu(sb->version));
	word = cpu_to_le64(gen + 1);
	/* the whole area (stale slots zeroed), its header, then the switch */
	if (famfsl_dev_write(dev, famfsl_entry_offset(area, 0), out,
			     out_cap * sizeof(*out)) ||
	    famfsl_dev_write(dev, area, &h, sizeof(h)) || fsync(dev->fd) ||
	    famfsl_dev_write(dev, FAMFSL_GEN_OFFSET, &word, sizeof(word)) ||
	    fsync(dev->fd)) {
		fprintf(stderr, "%s: compaction failed; %s\n", dev->path,
			"the old log is in use unless the log_gen word was written");
		return FSCK_FAILED;
	}
	printf("%s: compacted: log generation %llu, %llu entries, from %llu\n",
	       dev->path, (unsigned long long)(gen + 1),
	       (unsigned long long)out_n,
	       (unsigned long long)le64_to_cpu(old->next_index));
	return FSCK_OK;
full:
	printf("%s: the tree does not fit one log area; not compacted\n",
	       dev->path);
	return FSCK_ERRORS;
}

static void print_help(FILE *f)
{
	fprintf(f,
		"usage: fsck.famfs_lite [-v] [--compact] DEVICE\n"
		"Check the famfs_lite file system on DEVICE; nothing is changed\n"
		"unless --compact is given.\n"
		"  -v, --verbose  print every log entry\n"
		"      --compact  if clean, replace the log with the smallest that\n"
		"                 rebuilds the tree (unmounted; version 2 or 3)\n"
		"  -h, --help     this help\n"
		"Exit status: 0 clean, 4 errors found, 8 operational error.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "compact", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	u64 i, end, capacity, files = 0, dirs = 0, used = 0, gen, area;
	struct famfsl_superblock sb;
	struct famfsl_log_header h;
	struct famfsl_entry e;
	struct famfsl_dev dev;
	const char *why;
	bool do_compact = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case 'C':
			do_compact = true;
			break;
		case 'h':
			print_help(stdout);
			return FSCK_OK;
		default:
			print_help(stderr);
			return FSCK_FAILED;
		}
	}
	if (optind != argc - 1) {
		print_help(stderr);
		return FSCK_FAILED;
	}
	if (famfsl_dev_open(&dev, argv[optind], do_compact) ||
	    famfsl_dev_read(&dev, 0, &sb, sizeof(sb)))
		return FSCK_FAILED;

	rc = famfsl_check_superblock(&sb, dev.size, &why);
	if (rc) {
		printf("%s: superblock: %s\n", dev.path, why);
		return le64_to_cpu(sb.magic) == FAMFSL_SB_MAGIC ?
		       FSCK_ERRORS : FSCK_FAILED;
	}
	if (famfsl_read_gen(&dev, &sb, &gen))
		return FSCK_FAILED;
	area = famfsl_area_offset(&sb, gen);
	if (famfsl_dev_read(&dev, area, &h, sizeof(h)))
		return FSCK_FAILED;
	if (famfsl_check_log_header(&h, &sb, gen, &why)) {
		printf("%s: log header: %s\n", dev.path, why);
		return FSCK_ERRORS;
	}
	if (le32_to_cpu(sb.version) == FAMFSL_VERSION_1)
		printf("%s: note: format version 1, which the kernel mounts read-only\n",
		       dev.path);

	capacity = le64_to_cpu(h.capacity);
	end = le64_to_cpu(h.next_index);
	data_offset = le64_to_cpu(sb.data_offset);
	granule = famfsl_sb_granule(&sb);
	nr_granules = (le64_to_cpu(sb.dev_size) - data_offset) / granule;
	nodes = calloc(end + 1, sizeof(*nodes));
	used_map = calloc((nr_granules + 63) / 64, sizeof(*used_map));
	if (!nodes || !used_map || !index_init(end + 1)) {
		perror("fsck.famfs_lite");
		return FSCK_FAILED;
	}
	nodes[0].ino = FAMFSL_ROOT_INO;
	nodes[0].parent = FAMFSL_ROOT_INO;
	nodes[0].dir = true;
	nodes[0].live = true;
	nodes[0].mode = S_IFDIR | 0755;
	nodes[0].atime.sec = sb.mkfs_time;
	nodes[0].mtime = nodes[0].atime;
	nodes[0].ctime = nodes[0].atime;
	index_node(&nodes[0]);
	nr_nodes = 1;

	for (i = 0; i < end; i++) {
		if (famfsl_dev_read(&dev, famfsl_entry_offset(area, i), &e,
				    sizeof(e)))
			return FSCK_FAILED;
		rc = famfsl_check_entry(&e, i, &sb, &why);
		if (!rc) {
			why = apply(&e);
			rc = why ? -1 : 0;
		}
		if (rc) {
			printf("%s: log entry %llu: %s (%llu later entries not checked)\n",
			       dev.path, (unsigned long long)i, why,
			       (unsigned long long)(end - i - 1));
			return FSCK_ERRORS;
		}
	}
	if (end < capacity &&
	    !famfsl_dev_read(&dev, famfsl_entry_offset(area, end), &e, sizeof(e)) &&
	    e.type && le64_to_cpu(e.seq) == end)
		printf("%s: note: uncommitted log entry %llu ignored (torn tail)\n",
		       dev.path, (unsigned long long)end);

	for (i = 1; i < nr_nodes; i++) {
		if (!nodes[i].live)
			continue;
		if (nodes[i].dir)
			dirs++;
		else
			files++;
	}
	/*
	 * Space in MiB, what is used rounded up (a version 3 file may hold
	 * a few 4 KiB blocks), and on version 3 the exact count of blocks.
	 */
	used = (used_bytes + (1 << 20) - 1) >> 20;
	printf("%s: clean: %llu files, %llu directories, ", dev.path,
	       (unsigned long long)files, (unsigned long long)dirs);
	printf("%llu of %llu MiB used, log %llu of %llu entries",
	       (unsigned long long)used,
	       (unsigned long long)((nr_granules * granule) >> 20),
	       (unsigned long long)end, (unsigned long long)capacity);
	if (le32_to_cpu(sb.version) != FAMFSL_VERSION_1)
		printf(", generation %llu", (unsigned long long)gen);
	if (granule == FAMFSL_BLOCK_SIZE)
		printf(", %llu of %llu blocks of 4 KiB used",
		       (unsigned long long)(used_bytes / granule),
		       (unsigned long long)nr_granules);
	printf("\n");
	return do_compact ? compact(&dev, &sb, gen, &h) : FSCK_OK;
}
