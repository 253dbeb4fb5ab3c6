// SPDX-License-Identifier: GPL-2.0-only
/*
 * famfsl_crash: crash points of famfs_lite's metadata log, from the store
 * record of dax_core's test-only recording mode (dax_core/record.c).
 *
 *   famfsl_crash workload DIR OPS SEED CONTROL > OPLOG
 *	run OPS metadata operations in DIR (a famfs_lite mount), writing
 *	"mark 2i" before operation i and "mark 2i+1" after it returned to
 *	CONTROL (the recorder's control file), and each operation to OPLOG
 *   famfsl_crash fill DIR N
 *	make N log entries that leave the tree as it was (a file created,
 *	its mode changed N - 2 times, removed), so that the workload's
 *	first changes fill the log area and compact it on their own
 *   famfsl_crash say TEXT...
 *	print TEXT and wait until the terminal (the serial console) sent it
 *   famfsl_crash info RECORD
 *	count the records, stores, flushes and marks
 *   famfsl_crash rebuild BASE RECORD POINT OUT [SUBSET-SEED]
 *	write to OUT the image a crash after the first POINT records would
 *	leave: BASE (the image when the recording started) with every
 *	store before the last flush among them; with SUBSET-SEED, also
 *	each 64-byte line's stores after that flush up to a random one of
 *	them (a line the CPU may have written back early)
 *   famfsl_crash check BASE RECORD OPLOG DEV MNT SAMPLES SUBSETS SEED
 *	for every flush point (a crash just before each flush, and at the
 *	end), SAMPLES random points in between and SUBSETS random subset
 *	variants: write the image to DEV (only what changed since the last
 *	one), mount it on MNT, walk it, unmount, run fsck.famfs_lite; the
 *	tree must be what the operations that returned before the point
 *	made, plus, for the one in flight, either none or all of it.
 *	Every 100th operation of the workload is a compaction (mount -o
 *	remount,compact); an operation that finds the log area full
 *	compacts it too (automatically).  Each store to the log_gen word
 *	(its switch) adds the point just after it, SUBSETS / 10 + 2 subset
 *	variants there, and each operation that compacted the point just
 *	before it returned.  An OPLOG line "N fsck-compact" is an offline
 *	compaction (fsck.famfs_lite --compact, whose writes and fsyncs
 *	dax_chardev records as the kernel's own) between marks 2N and
 *	2N + 1: it too must leave the tree as it was
 *
 * A point whose image differs from the last one mounted only outside the
 * committed metadata (the superblock's 2 MiB with the log_gen word, both
 * log areas' headers and the active area's entries [0, next_index): all
 * that mount and fsck read, but for the torn-tail notice; the layout is
 * read from the image, version 3, 2 or 1) has the tree and fsck verdict of
 * that one; it is judged against its own operations without mounting
 * again.  An image whose layout does not parse is mounted
 * (FAMFSL_CRASH_FULL=1 mounts every point).
 *
 * File data written through fs/dax.c does not pass through dax_core and
 * is not in the record: only metadata is checked, and that a file's first
 * 4 KiB hold the zeroes of its allocation, not what the memory held
 * before (the test fills the device with a pattern before mkfs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "famfsl_tool.h"

#define LINE		64
#define MAX_NODES	4096
#define PATH_LEN	160

enum { REC_STORE = 1, REC_ZERO = 2, REC_FLUSH = 3, REC_MARK = 4 };

struct rec_hdr {
	u32 type;
	u32 pad;
	u64 offset;
	u64 len;
};

struct rec {
	u32 type;
	u64 offset;
	u64 len;
	const unsigned char *bytes;	/* STORE only */
};

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("famfsl_crash: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static u64 rng_state;

static u64 rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static unsigned int rnd_below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static void seed_rng(u64 seed)
{
	rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
	if (!rng_state)
		rng_state = 1;
}

static void *read_file(const char *path, size_t *len)
{
	struct stat st;
	unsigned char *buf;
	size_t done = 0, cap;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		die("%s: %s", path, strerror(errno));
	cap = st.st_size ? (size_t)st.st_size : 1 << 20;
	buf = malloc(cap + 1);
	if (!buf)
		die("out of memory");
	for (;;) {
		if (done == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			if (!buf)
				die("out of memory");
		}
		n = read(fd, buf + done, cap - done);
		if (n < 0)
			die("%s: %s", path, strerror(errno));
		if (!n)
			break;
		done += n;
	}
	close(fd);
	buf[done] = 0;
	*len = done;
	return buf;
}

/* ---- the record ---- */

static struct rec *recs;
static size_t nr_recs;

static void load_record(const char *path)
{
	size_t len, at = 0;
	unsigned char *buf = read_file(path, &len);
	struct rec_hdr h;

	recs = calloc(len / sizeof(h) + 1, sizeof(*recs));
	if (!recs)
		die("out of memory");
	while (at + sizeof(h) <= len) {
		memcpy(&h, buf + at, sizeof(h));
		at += sizeof(h);
		if (h.type < REC_STORE || h.type > REC_MARK)
			die("%s: bad record type %u at byte %zu", path, h.type,
			    at - sizeof(h));
		recs[nr_recs] = (struct rec){ h.type, h.offset, h.len, NULL };
		if (h.type == REC_STORE) {
			if (h.len > len - at)
				die("%s: truncated store at byte %zu", path, at);
			recs[nr_recs].bytes = buf + at;
			at += (h.len + 7) & ~7ULL;
		}
		nr_recs++;
	}
	if (at != len)
		die("%s: %zu stray bytes at the end", path, len - at);
}

/* Apply record @r to @img (of @size bytes); stores past the end are cut. */
static void apply(unsigned char *img, size_t size, const struct rec *r,
		  u64 from, u64 to)
{
	u64 a = r->offset > from ? r->offset : from;
	u64 b = r->offset + r->len < to ? r->offset + r->len : to;

	if (b > size)
		b = size;
	if (a >= b)
		return;
	if (r->type == REC_STORE)
		memcpy(img + a, r->bytes + (a - r->offset), b - a);
	else
		memset(img + a, 0, b - a);
}

static bool is_store(const struct rec *r)
{
	return r->type == REC_STORE || r->type == REC_ZERO;
}

/* The index of the last flush among the first @point records, or 0. */
static size_t last_flush(size_t point)
{
	while (point > 0 && recs[point - 1].type != REC_FLUSH)
		point--;
	return point;
}

/* Each 64-byte line a window of stores touches: how many, how many kept. */
struct lc {
	u64 line;		/* line number + 1; 0: an empty slot */
	unsigned int seen, cut;
};

/* The slot of line @l in the open-addressing table @t of @cap slots. */
static struct lc *lc_slot(struct lc *t, size_t cap, u64 l)
{
	size_t h = (l * 0x9e3779b97f4a7c15ULL) >> 20;

	for (h %= cap; t[h].line && t[h].line != l + 1; h = (h + 1) % cap)
		;
	return &t[h];
}

/*
 * Keep, for each 64-byte line that the stores in [from, to) touch, those
 * stores up to a random one of them (or none): the line as it was at a
 * random moment, written back early.  Marks the pages it changed in
 * @dirty (one byte per 4 KiB page) if given.
 */
static void apply_subset(unsigned char *img, size_t size, size_t from,
			 size_t to, unsigned char *dirty)
{
	size_t i, nr = 0, cap = 1024;
	u64 l, first, last;
	struct lc *t, *c;
	int pass;

	for (i = from; i < to; i++)
		if (is_store(&recs[i]) && recs[i].len)
			nr += (recs[i].offset + recs[i].len - 1) / LINE -
			      recs[i].offset / LINE + 1;
	while (cap < 2 * nr)
		cap *= 2;
	t = calloc(cap, sizeof(*t));
	if (!t)
		die("out of memory");
	for (pass = 0; pass < 2; pass++) {
		for (i = from; i < to; i++) {
			const struct rec *r = &recs[i];

			if (!is_store(r) || !r->len)
				continue;
			first = r->offset / LINE;
			last = (r->offset + r->len - 1) / LINE;
			for (l = first; l <= last; l++) {
				c = lc_slot(t, cap, l);
				c->line = l + 1;
				if (!pass) {
					c->seen++;
					continue;
				}
				if (c->seen++ < c->cut) {
					apply(img, size, r, l * LINE, (l + 1) * LINE);
					if (dirty && l * LINE < size)
						dirty[l * LINE / 4096] = 1;
				}
			}
		}
		if (pass)
			break;
		for (i = 0; i < cap; i++) {
			t[i].cut = rnd_below(t[i].seen + 1);
			t[i].seen = 0;
		}
	}
	free(t);
}

static int cmd_info(int argc, char **argv)
{
	size_t i, n[5] = { 0 }, bytes = 0;

	if (argc != 1)
		die("usage: famfsl_crash info RECORD");
	load_record(argv[0]);
	for (i = 0; i < nr_recs; i++) {
		n[recs[i].type]++;
		if (recs[i].type == REC_STORE)
			bytes += recs[i].len;
	}
	printf("records=%zu stores=%zu zeroes=%zu flushes=%zu marks=%zu store_bytes=%zu\n",
	       nr_recs, n[REC_STORE], n[REC_ZERO], n[REC_FLUSH], n[REC_MARK],
	       bytes);
	return 0;
}

static int cmd_rebuild(int argc, char **argv)
{
	size_t size, point, f, i;
	unsigned char *img;
	FILE *out;

	if (argc != 4 && argc != 5)
		die("usage: famfsl_crash rebuild BASE RECORD POINT OUT [SUBSET-SEED]");
	img = read_file(argv[0], &size);
	load_record(argv[1]);
	point = strtoull(argv[2], NULL, 0);
	if (point > nr_recs)
		die("point %zu past the end of the record (%zu)", point, nr_recs);
	f = last_flush(point);
	for (i = 0; i < f; i++)
		if (is_store(&recs[i]))
			apply(img, size, &recs[i], 0, UINT64_MAX);
	if (argc == 5) {
		seed_rng(strtoull(argv[4], NULL, 0));
		apply_subset(img, size, f, point, NULL);
	}
	out = fopen(argv[3], "w");
	if (!out || fwrite(img, 1, size, out) != size || fclose(out))
		die("%s: %s", argv[3], strerror(errno));
	printf("point %zu: last flush at record %zu, %zu unflushed records %s\n",
	       point, f, point - f, argc == 5 ? "in a random subset" : "dropped");
	return 0;
}

/* ---- the model of the tree ---- */

struct node {
	char path[PATH_LEN];
	char type;		/* 'f' or 'd' */
	unsigned int mode;
	long long size;
	bool live;
};

struct model {
	struct node n[MAX_NODES];
	size_t nr;
};

static struct node *find(struct model *m, const char *path)
{
	size_t i;

	for (i = 0; i < m->nr; i++)
		if (m->n[i].live && !strcmp(m->n[i].path, path))
			return &m->n[i];
	return NULL;
}

static struct node *add(struct model *m, const char *path, char type,
			unsigned int mode)
{
	struct node *n;
	size_t i;

	for (i = 0; i < m->nr && m->n[i].live; i++)
		;
	if (i == MAX_NODES)
		die("model full");
	if (i == m->nr)
		m->nr++;
	n = &m->n[i];
	snprintf(n->path, sizeof(n->path), "%s", path);
	n->type = type;
	n->mode = mode;
	n->size = 0;
	n->live = true;
	return n;
}

/* Apply one operation line of the op log to @m; false if malformed. */
static bool model_apply(struct model *m, const char *line)
{
	char op[16], a[PATH_LEN], b[PATH_LEN];
	unsigned int mode;
	long long size;
	struct node *n, *v;
	size_t i, la;
	int idx;

	if (sscanf(line, "%d %15s", &idx, op) != 2)
		return false;
	if (!strcmp(op, "create") && sscanf(line, "%*d %*s %159s %o", a, &mode) == 2) {
		add(m, a, 'f', mode);
	} else if (!strcmp(op, "mkdir") && sscanf(line, "%*d %*s %159s %o", a, &mode) == 2) {
		add(m, a, 'd', mode);
	} else if (!strcmp(op, "alloc") && sscanf(line, "%*d %*s %159s %lld", a, &size) == 2) {
		n = find(m, a);
		if (!n)
			return false;
		n->size = size;
	} else if (!strcmp(op, "compact") || !strcmp(op, "fsck-compact")) {
		/* a compaction changes the log, not the tree */
	} else if ((!strcmp(op, "write") || !strcmp(op, "allocfail")) &&
		   sscanf(line, "%*d %*s %159s", a) == 1) {
		return find(m, a);
	} else if (!strcmp(op, "chmod") && sscanf(line, "%*d %*s %159s %o", a, &mode) == 2) {
		n = find(m, a);
		if (!n)
			return false;
		n->mode = mode;
	} else if ((!strcmp(op, "unlink") || !strcmp(op, "rmdir")) &&
		   sscanf(line, "%*d %*s %159s", a) == 1) {
		n = find(m, a);
		if (!n)
			return false;
		n->live = false;
	} else if (!strcmp(op, "rename") && sscanf(line, "%*d %*s %159s %159s", a, b) == 2) {
		n = find(m, a);
		if (!n)
			return false;
		v = find(m, b);
		if (v)
			v->live = false;
		la = strlen(a);
		for (i = 0; i < m->nr; i++) {
			struct node *c = &m->n[i];
			char tmp[PATH_LEN];

			if (!c->live || strncmp(c->path, a, la) ||
			    (c->path[la] && c->path[la] != '/'))
				continue;
			snprintf(tmp, sizeof(tmp), "%s%s", b, c->path + la);
			snprintf(c->path, sizeof(c->path), "%s", tmp);
		}
	} else {
		return false;
	}
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The tree as sorted text, one "path type mode size" line a node. */
static char *render(char **lines, size_t nr)
{
	size_t i, len = 1;
	char *out;

	qsort(lines, nr, sizeof(*lines), cmp_str);
	for (i = 0; i < nr; i++)
		len += strlen(lines[i]) + 1;
	out = malloc(len);
	if (!out)
		die("out of memory");
	out[0] = 0;
	for (i = 0, len = 0; i < nr; i++)
		len += sprintf(out + len, "%s\n", lines[i]);
	return out;
}

static char *model_render(const struct model *m)
{
	char **lines = malloc((m->nr + 1) * sizeof(*lines));
	size_t i, nr = 0;
	char *out;

	for (i = 0; i < m->nr; i++) {
		const struct node *n = &m->n[i];

		if (!n->live)
			continue;
		if (asprintf(&lines[nr++], "%s %c %o %lld", n->path, n->type,
			     n->mode, n->type == 'f' ? n->size : 0) < 0)
			die("out of memory");
	}
	out = render(lines, nr);
	for (i = 0; i < nr; i++)
		free(lines[i]);
	free(lines);
	return out;
}

static char **walk_lines;
static size_t walk_nr, walk_cap;
static size_t walk_root_len;

/*
 * Whether the first 4 KiB of a file read as zeroes.  The data area holds
 * a pattern before mkfs, and file data is not in the record, so in a
 * rebuilt image every allocated file reads as the zeroes its allocation
 * made durable before committing it; anything else is stale data.
 */
static bool head_is_zero(const char *path, off_t size)
{
	unsigned char buf[4096];
	ssize_t n, i;
	int fd;

	if (!size)
		return true;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	if (n <= 0)
		return false;
	for (i = 0; i < n; i++)
		if (buf[i])
			return false;
	return true;
}

static int walk_one(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	char type = S_ISDIR(st->st_mode) ? 'd' : S_ISREG(st->st_mode) ? 'f' : '?';

	(void)flag;
	if (!ftw->level)
		return 0;
	if (walk_nr == walk_cap) {
		walk_cap = walk_cap ? walk_cap * 2 : 256;
		walk_lines = realloc(walk_lines, walk_cap * sizeof(*walk_lines));
		if (!walk_lines)
			die("out of memory");
	}
	if (asprintf(&walk_lines[walk_nr++], "%s %c %o %lld%s",
		     path + walk_root_len + 1, type, st->st_mode & 07777,
		     type == 'f' ? (long long)st->st_size : 0,
		     type == 'f' && !head_is_zero(path, st->st_size) ?
		     " stale-data" : "") < 0)
		die("out of memory");
	return 0;
}

static char *tree_render(const char *root)
{
	size_t i;
	char *out;

	walk_nr = 0;
	walk_root_len = strlen(root);
	if (nftw(root, walk_one, 16, FTW_PHYS))
		return NULL;
	out = render(walk_lines, walk_nr);
	for (i = 0; i < walk_nr; i++)
		free(walk_lines[i]);
	return out;
}

/* ---- the workload ---- */

static struct model wm;
static int ctl_fd = -1;
static unsigned int name_seq;

static void put_mark(unsigned long long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "mark %llu", v);

	if (ctl_fd >= 0 && write(ctl_fd, buf, n) != n)
		die("cannot mark %llu: %s", v, strerror(errno));
}

/* A random live node of type @type ('d': the root, "", counts), or NULL. */
static struct node *pick(char type, bool (*ok)(const struct node *))
{
	size_t i, seen = 0;
	struct node *got = NULL;

	for (i = 0; i < wm.nr; i++) {
		struct node *n = &wm.n[i];

		if (!n->live || n->type != type || (ok && !ok(n)))
			continue;
		if (!rnd_below(++seen))
			got = n;
	}
	return got;
}

/* pick() into *@out, for a condition: whether it found one. */
static bool pick_into(struct node **out, char type,
		      bool (*ok)(const struct node *))
{
	*out = pick(type, ok);
	return *out;
}

static bool is_empty_file(const struct node *n)
{
	return n->size == 0;
}

static bool is_allocated(const struct node *n)
{
	return n->size > 0;
}

static bool is_empty_dir(const struct node *n)
{
	size_t i, l = strlen(n->path);

	for (i = 0; i < wm.nr; i++)
		if (wm.n[i].live && !strncmp(wm.n[i].path, n->path, l) &&
		    wm.n[i].path[l] == '/')
			return false;
	return true;
}

static bool is_shallow_dir(const struct node *n)
{
	return strlen(n->path) < 60;
}

/* A directory to put something in: the root ("") or a live directory. */
static const char *pick_dir(void)
{
	struct node *d = rnd_below(4) ? pick('d', is_shallow_dir) : NULL;

	return d ? d->path : "";
}

static void join(char *out, const char *dir, char kind)
{
	if (*dir)
		snprintf(out, PATH_LEN, "%s/%c%u", dir, kind, ++name_seq);
	else
		snprintf(out, PATH_LEN, "%c%u", kind, ++name_seq);
}

/*
 * The most 2 MiB units the model's files can hold: each file of n bytes
 * at most n rounded up to 2 MiB, whatever the format version.  Version
 * 3 gives a file under 2 MiB only its 4 KiB blocks, packed into units
 * that other small files share, so it holds less; but were every small
 * file alone in a unit, this would still be the bound.  The workload
 * stops allocating at 20 of the 30 units of its 64 MiB device (2 MiB of
 * log), so an allocation never fails for space, fragmented or not.
 */
static long long allocated_units(void)
{
	size_t i;
	long long units = 0;

	for (i = 0; i < wm.nr; i++)
		if (wm.n[i].live && wm.n[i].size)
			units += (wm.n[i].size + (2 << 20) - 1) >> 21;
	return units;
}

static void fail_op(const char *what, const char *path)
{
	die("%s %s: %s", what, path, strerror(errno));
}

static int cmd_workload(int argc, char **argv)
{
	const char *root;
	char line[2 * PATH_LEN + 64], p[PATH_LEN], q[PATH_LEN];
	unsigned int i, ops, mode, files;
	struct node *n, *v;
	int fd, choice;

	if (argc != 4)
		die("usage: famfsl_crash workload DIR OPS SEED CONTROL");
	root = argv[0];
	ops = strtoul(argv[1], NULL, 0);
	seed_rng(strtoull(argv[2], NULL, 0));
	if (strcmp(argv[3], "-")) {
		ctl_fd = open(argv[3], O_WRONLY);
		if (ctl_fd < 0)
			die("%s: %s", argv[3], strerror(errno));
	}
	if (chdir(root))
		die("%s: %s", root, strerror(errno));
	umask(0);
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < ops; i++) {
		files = 0;
		for (size_t k = 0; k < wm.nr; k++)
			files += wm.n[k].live;
		choice = rnd_below(100);
		if (files > 200 && choice < 30)
			choice = 70 + rnd_below(20);	/* unlink or rmdir */
		put_mark(2ULL * i);
		n = NULL;
		if (i % 100 == 99) {
			/* mount -o remount,compact: the log rewritten */
			if (mount(NULL, root, NULL, MS_REMOUNT, "compact"))
				fail_op("remount,compact", root);
			snprintf(line, sizeof(line), "%u compact", i);
		} else if (choice < 10 && files < 400) {
			join(p, pick_dir(), 'd');
			mode = 0700 | rnd_below(0100);
			if (mkdir(p, mode))
				fail_op("mkdir", p);
			snprintf(line, sizeof(line), "%u mkdir %s %o", i, p, mode);
		} else if (choice >= 10 && choice < 25 &&
			   pick_into(&n, 'f', is_empty_file) && allocated_units() < 20) {
			long long size = 1 + rnd_below(2 << 20);

			if (rnd_below(2)) {
				fd = open(n->path, O_WRONLY);
				if (fd < 0 || fallocate(fd, 0, 0, size))
					fail_op("fallocate", n->path);
				close(fd);
			} else if (truncate(n->path, size)) {
				fail_op("truncate", n->path);
			}
			snprintf(line, sizeof(line), "%u alloc %s %lld", i,
				 n->path, size);
		} else if (choice >= 25 && choice < 35 &&
			   pick_into(&n, 'f', is_allocated)) {
			/* Within the size: the write changes no metadata. */
			size_t wlen = n->size < 16 ? n->size : 16;

			fd = open(n->path, O_WRONLY);
			if (fd < 0 ||
			    pwrite(fd, "famfs_lite crash", wlen, 0) != (ssize_t)wlen)
				fail_op("write", n->path);
			close(fd);
			snprintf(line, sizeof(line), "%u write %s", i, n->path);
		} else if (choice >= 35 && choice < 50 &&
			   pick_into(&n, rnd_below(3) ? 'f' : 'd', NULL)) {
			mode = (n->type == 'd' ? 0700 : 0) | rnd_below(01000);
			if (chmod(n->path, mode))
				fail_op("chmod", n->path);
			snprintf(line, sizeof(line), "%u chmod %s %o", i,
				 n->path, mode);
		} else if (choice >= 50 && choice < 62 &&
			   pick_into(&n, rnd_below(4) ? 'f' : 'd', NULL)) {
			/* A directory moves to the root: paths stay short. */
			const char *d = n->type == 'd' ? "" : pick_dir();

			v = n->type == 'f' && !rnd_below(4) ? pick('f', NULL) : NULL;
			if (v && v != n)
				snprintf(p, sizeof(p), "%s", v->path);
			else
				join(p, d, n->type);
			if (rename(n->path, p))
				fail_op("rename", n->path);
			snprintf(q, sizeof(q), "%s", n->path);
			snprintf(line, sizeof(line), "%u rename %s %s", i, q, p);
		} else if (choice >= 70 && choice < 80 && pick_into(&n, 'f', NULL)) {
			if (unlink(n->path))
				fail_op("unlink", n->path);
			snprintf(line, sizeof(line), "%u unlink %s", i, n->path);
		} else if (choice >= 80 && choice < 90 &&
			   pick_into(&n, 'd', is_empty_dir)) {
			if (rmdir(n->path))
				fail_op("rmdir", n->path);
			snprintf(line, sizeof(line), "%u rmdir %s", i, n->path);
		} else {
			join(p, pick_dir(), 'f');
			mode = rnd_below(01000);
			fd = open(p, O_CREAT | O_EXCL | O_WRONLY, mode);
			if (fd < 0)
				fail_op("create", p);
			close(fd);
			snprintf(line, sizeof(line), "%u create %s %o", i, p, mode);
		}
		put_mark(2ULL * i + 1);
		if (!model_apply(&wm, line))
			die("bad op: %s", line);
		puts(line);
	}
	if (ctl_fd >= 0)
		close(ctl_fd);
	return 0;
}

/* ---- the check ---- */

/*
 * What mount and fsck read of an image (but for the torn-tail notice):
 * the superblock's 2 MiB, which hold the log_gen word (versions 2 and
 * 3), the headers of the log areas, and the active area's committed
 * entries [0, next_index).  All read from the image itself.
 */
struct span {
	u64 from, to;
};

#define MAX_SPANS	4

/* Where the log_gen word says the active area is, or 0 for version 1. */
static u64 image_gen(const unsigned char *img, size_t size)
{
	struct famfsl_superblock sb;
	__le64 word;

	if (size < FAMFSL_GEN_OFFSET + sizeof(word))
		return 0;
	memcpy(&sb, img, sizeof(sb));
	if (le32_to_cpu(sb.version) == FAMFSL_VERSION_1)
		return 0;
	memcpy(&word, img + FAMFSL_GEN_OFFSET, sizeof(word));
	return le64_to_cpu(word);
}

/*
 * The committed metadata of @img into @sp; the number of spans, or 0 when
 * the layout is not one this tool knows (then the image is mounted).
 */
static unsigned int committed_spans(const unsigned char *img, size_t size,
				    struct span *sp)
{
	struct famfsl_superblock sb;
	struct famfsl_log_header h;
	u64 log, len, area_len, active, next, slots;
	u32 version;
	unsigned int n = 0;

	if (size < sizeof(sb))
		return 0;
	memcpy(&sb, img, sizeof(sb));
	version = le32_to_cpu(sb.version);
	log = le64_to_cpu(sb.log_offset);
	len = le64_to_cpu(sb.log_len);
	if (le64_to_cpu(sb.magic) != FAMFSL_SB_MAGIC ||
	    version < FAMFSL_VERSION_MIN || version > FAMFSL_VERSION ||
	    log < FAMFSL_GEN_OFFSET + 8 || log > size || len > size - log)
		return 0;
	area_len = version == FAMFSL_VERSION_1 ? len : len / 2;
	if (area_len < FAMFSL_LOG_HEADER_SIZE)
		return 0;
	active = log + (image_gen(img, size) & 1) * area_len;
	sp[n++] = (struct span){ 0, log };
	sp[n++] = (struct span){ log, log + FAMFSL_LOG_HEADER_SIZE };
	if (version != FAMFSL_VERSION_1)
		sp[n++] = (struct span){ log + area_len,
					 log + area_len + FAMFSL_LOG_HEADER_SIZE };
	memcpy(&h, img + active, sizeof(h));
	next = le64_to_cpu(h.next_index);
	slots = (area_len - FAMFSL_LOG_HEADER_SIZE) / FAMFSL_ENTRY_SIZE;
	if (next > slots)
		return 0;
	sp[n++] = (struct span){ active + FAMFSL_LOG_HEADER_SIZE,
				 active + FAMFSL_LOG_HEADER_SIZE +
				 next * FAMFSL_ENTRY_SIZE };
	return n;
}

/* The stores applied since the last image mounted. */
static struct span *changed;
static size_t nr_changed, cap_changed;

static void note_changed(const struct rec *r)
{
	if (nr_changed == cap_changed) {
		cap_changed = cap_changed ? 2 * cap_changed : 1024;
		changed = realloc(changed, cap_changed * sizeof(*changed));
		if (!changed)
			die("out of memory");
	}
	changed[nr_changed++] = (struct span){ r->offset, r->offset + r->len };
}

/*
 * Whether a store since the last image mounted touched what mount and
 * fsck read of @img: if not, @img reads as that one did.  The spans come
 * from @img; since no change touched them, they are the last image's too.
 */
static bool committed_changed(const unsigned char *img, size_t size)
{
	struct span sp[MAX_SPANS];
	unsigned int n = committed_spans(img, size, sp), j;
	size_t i;

	if (!n)
		return true;
	for (i = 0; i < nr_changed; i++)
		for (j = 0; j < n; j++)
			if (changed[i].from < sp[j].to && sp[j].from < changed[i].to)
				return true;
	return false;
}

/* How many of the first @n operations switched the log_gen word. */
static u64 compactions_before(const bool *op_switch, size_t n)
{
	u64 c = 0;

	while (n--)
		c += op_switch[n];
	return c;
}

/* An offline compaction: fsck.famfs_lite --compact. */
static bool is_fsck_compact(const char *op)
{
	return strstr(op, " fsck-compact");
}

static bool is_gen_store(const struct rec *r)
{
	return r->type == REC_STORE && r->offset < FAMFSL_GEN_OFFSET + 8 &&
	       r->offset + r->len > FAMFSL_GEN_OFFSET;
}

struct point {
	size_t at;		/* crash after the first @at records */
	unsigned int subset;	/* 0: unflushed stores dropped; else a seed */
};

static int cmp_point(const void *a, const void *b)
{
	const struct point *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->subset < y->subset ? -1 : x->subset > y->subset;
}

static int run_fsck(const char *dev)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		int fd = open("/tmp/crash-fsck.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("fsck.famfs_lite", "fsck.famfs_lite", dev, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid: %s", strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void print_file(const char *path)
{
	size_t len;
	char *s = read_file(path, &len);

	fputs(s, stdout);
	free(s);
}

/* Write the pages of @img marked in @dirty to @fd, and clear the marks. */
static void flush_dirty(int fd, const unsigned char *img, size_t size,
			unsigned char *dirty)
{
	size_t pg, end, npages = (size + 4095) / 4096;

	for (pg = 0; pg < npages; pg++) {
		if (!dirty[pg])
			continue;
		for (end = pg; end < npages && dirty[end]; end++)
			dirty[end] = 0;
		size_t off = pg * 4096, len = end * 4096 > size ? size - off : (end - pg) * 4096;

		if (pwrite(fd, img + off, len, off) != (ssize_t)len)
			die("write to the device: %s", strerror(errno));
		pg = end;
	}
}

static void mark_dirty(unsigned char *dirty, size_t size, const struct rec *r)
{
	u64 a = r->offset, b = r->offset + r->len, pg;

	if (b > size)
		b = size;
	for (pg = a / 4096; a < b && pg <= (b - 1) / 4096; pg++)
		dirty[pg] = 1;
}

static int cmd_check(int argc, char **argv)
{
	const char *dev, *mnt;
	size_t size, oplen, i, nops = 0, npoints = 0, applied = 0, f;
	unsigned int samples, subsets, failures = 0, checked_prefix = 0,
		     checked_subset = 0, flush_points = 0;
	unsigned char *base, *img, *shown, *dirty;
	char *oplog, **ops, *s, *want, *want_next, *got;
	struct point *points;
	size_t *op_begin, *op_end;
	struct model *done, *next;
	size_t done_ops = 0, k;
	time_t t0;
	int fd, prev_rc = 0, prev_fsck = 0;
	/* points inside a compaction, with the old and the new generation */
	unsigned int in_compact = 0, compact_old = 0, compact_new = 0;
	unsigned int in_auto = 0, switches = 0, nr_compact = 0, nr_auto = 0;
	/* the same inside offline compactions (fsck.famfs_lite --compact) */
	unsigned int in_fsck = 0, fsck_old = 0, fsck_new = 0, nr_fsck = 0;
	bool *op_switch;
	u64 gen;
	bool full = getenv("FAMFSL_CRASH_FULL"), forced = true;
	char *prev_got = NULL;
	unsigned int mounts = 0;

	if (argc != 8)
		die("usage: famfsl_crash check BASE RECORD OPLOG DEV MNT SAMPLES SUBSETS SEED");
	base = read_file(argv[0], &size);
	load_record(argv[1]);
	oplog = read_file(argv[2], &oplen);
	dev = argv[3];
	mnt = argv[4];
	samples = strtoul(argv[5], NULL, 0);
	subsets = strtoul(argv[6], NULL, 0);
	seed_rng(strtoull(argv[7], NULL, 0));

	ops = calloc(oplen / 8 + 2, sizeof(*ops));
	for (s = strtok(oplog, "\n"); s; s = strtok(NULL, "\n"))
		ops[nops++] = s;
	op_begin = calloc(nops + 1, sizeof(*op_begin));
	op_end = calloc(nops + 1, sizeof(*op_end));
	for (i = 0; i <= nops; i++)
		op_begin[i] = SIZE_MAX;
	for (i = 0; i <= nops; i++)
		op_end[i] = SIZE_MAX;
	for (i = 0; i < nr_recs; i++) {
		if (recs[i].type != REC_MARK)
			continue;
		if (recs[i].offset / 2 >= nops)
			die("mark %llu names an operation past the op log",
			    (unsigned long long)recs[i].offset);
		if (recs[i].offset % 2)
			op_end[recs[i].offset / 2] = i;
		else
			op_begin[recs[i].offset / 2] = i;
	}
	for (i = 0; i < nops; i++)
		if (op_begin[i] == SIZE_MAX || op_end[i] == SIZE_MAX)
			die("operation %zu has no marks in the record", i);

	/* The operations that compacted: by remount, or on a full area. */
	op_switch = calloc(nops + 1, sizeof(*op_switch));
	if (!op_switch)
		die("out of memory");
	for (i = 0, k = 0; i < nr_recs; i++) {
		if (!is_gen_store(&recs[i]))
			continue;
		switches++;
		while (k < nops && op_end[k] < i)
			k++;
		if (k == nops || op_begin[k] > i)
			die("a log_gen store (record %zu) outside every operation", i);
		op_switch[k] = true;
	}
	for (i = 0; i < nops; i++) {
		nr_compact += !!strstr(ops[i], " compact");
		nr_fsck += is_fsck_compact(ops[i]);
		nr_auto += op_switch[i] && !strstr(ops[i], " compact") &&
			   !is_fsck_compact(ops[i]);
	}
	/*
	 * Every flush point, samples, subset variants, and at each store to
	 * the log_gen word (a compaction's switch), the point just after it
	 * and SUBSETS / 10 + 2 subset variants there.
	 */
	points = calloc(nr_recs + samples + subsets + 2 + nops +
			switches * (subsets / 10 + 3), sizeof(*points));
	/* the end of each operation that compacted, just before it returned */
	for (i = 0; i < nops; i++)
		if (op_switch[i] || strstr(ops[i], " compact"))
			points[npoints++] = (struct point){ op_end[i], 0 };
	for (i = 0; i < nr_recs; i++) {
		if (recs[i].type == REC_FLUSH) {
			points[npoints++] = (struct point){ i, 0 };
			flush_points++;
		}
		if (is_gen_store(&recs[i])) {
			size_t v;

			points[npoints++] = (struct point){ i + 1, 0 };
			for (v = 0; v < subsets / 10 + 2; v++)
				points[npoints++] = (struct point){
					i + 1, 1 + rnd_below(0x7fffffff) };
		}
	}
	points[npoints++] = (struct point){ nr_recs, 0 };
	for (i = 0; i < samples && nr_recs; i++)
		points[npoints++] = (struct point){ rnd_below(nr_recs) + 1, 0 };
	for (i = 0; i < subsets && nr_recs; i++) {
		/* A point with unflushed stores behind it, if one can be found. */
		size_t at = 0, tries;

		for (tries = 0; tries < 50; tries++) {
			at = rnd_below(nr_recs) + 1;
			if (is_store(&recs[at - 1]))
				break;
		}
		points[npoints++] = (struct point){ at, 1 + rnd_below(0x7fffffff) };
	}
	qsort(points, npoints, sizeof(*points), cmp_point);

	img = malloc(size);
	shown = malloc(size);
	dirty = calloc((size + 4095) / 4096, 1);
	done = calloc(1, sizeof(*done));
	next = calloc(1, sizeof(*next));
	if (!img || !shown || !dirty || !done || !next)
		die("out of memory");
	memcpy(img, base, size);
	memcpy(shown, base, size);
	fd = open(dev, O_RDWR);
	if (fd < 0)
		die("%s: %s", dev, strerror(errno));
	memset(dirty, 1, (size + 4095) / 4096);
	flush_dirty(fd, img, size, dirty);
	printf("check: %zu records, %zu operations, %u flush points, ",
	       nr_recs, nops, flush_points + 1);
	printf("%u samples, %u subset variants; ", samples, subsets);
	printf("%u compactions by remount, %u automatic, %u by fsck --compact, ",
	       nr_compact, nr_auto, nr_fsck);
	printf("%u log_gen stores\n", switches);

	t0 = time(NULL);
	for (k = 0; k < npoints && failures < 5; k++) {
		struct point *pt = &points[k];
		bool inflight;
		int rc;

		if (k && !(k % 500))
			printf("  %zu of %zu points in %lds\n", k, npoints,
			       (long)(time(NULL) - t0));

		/* The image: every store before the last flush. */
		f = last_flush(pt->at);
		for (; applied < f; applied++) {
			if (!is_store(&recs[applied]))
				continue;
			apply(img, size, &recs[applied], 0, UINT64_MAX);
			mark_dirty(dirty, size, &recs[applied]);
			note_changed(&recs[applied]);
		}
		/* What the device shows: img, and a subset on top. */
		if (pt->subset) {
			forced = true;
			seed_rng(pt->subset);
			memcpy(shown, img, size);
			apply_subset(shown, size, f, pt->at, dirty);
			flush_dirty(fd, shown, size, dirty);
			/* The next point starts from img again there. */
			memset(dirty, 0, (size + 4095) / 4096);
			for (i = f; i < pt->at; i++)
				if (is_store(&recs[i]))
					mark_dirty(dirty, size, &recs[i]);
		} else {
			flush_dirty(fd, img, size, dirty);
		}
		fsync(fd);

		/* The operations that returned before the point. */
		while (done_ops < nops && op_end[done_ops] < pt->at) {
			if (!model_apply(done, ops[done_ops]))
				die("bad op: %s", ops[done_ops]);
			done_ops++;
		}
		inflight = done_ops < nops && op_begin[done_ops] < pt->at;
		want = model_render(done);
		want_next = NULL;
		if (inflight) {
			memcpy(next, done, sizeof(*next));
			model_apply(next, ops[done_ops]);
			want_next = model_render(next);
		}

		gen = image_gen(pt->subset ? shown : img, size);
		if (inflight && op_switch[done_ops]) {
			bool old = gen == image_gen(base, size) +
				   compactions_before(op_switch, done_ops);
			bool offline = is_fsck_compact(ops[done_ops]);

			in_compact++;
			in_auto += !strstr(ops[done_ops], " compact") && !offline;
			compact_old += old;
			compact_new += !old;
			in_fsck += offline;
			fsck_old += offline && old;
			fsck_new += offline && !old;
		}
		if (full || forced || pt->subset ||
		    committed_changed(pt->subset ? shown : img, size)) {
			free(prev_got);
			prev_got = NULL;
			prev_fsck = 0;
			prev_rc = mount(dev, mnt, "famfs_lite", 0, NULL);
			if (prev_rc) {
				prev_rc = errno;
			} else {
				prev_got = tree_render(mnt);
				if (umount(mnt))
					die("umount %s: %s", mnt, strerror(errno));
				prev_fsck = run_fsck(dev);
			}
			mounts++;
			nr_changed = 0;
			forced = pt->subset;
		}
		rc = prev_rc;
		got = prev_got;
		if (rc) {
			printf("FAIL point %zu%s: mount: %s\n", pt->at,
			       pt->subset ? " (subset)" : "", strerror(rc));
		}
		if (!rc && !got) {
			printf("FAIL point %zu: cannot walk the tree\n", pt->at);
			rc = 1;
		} else if (!rc && strcmp(got, want) &&
			   (!want_next || strcmp(got, want_next))) {
			printf("FAIL point %zu%s (last flush at record %zu): ",
			       pt->at, pt->subset ? " (subset)" : "", f);
			printf("%zu operations returned%s; the tree differs\n",
			       done_ops, inflight ? ", one in flight" : "");
			if (inflight)
				printf("  in flight: %s\n", ops[done_ops]);
			if (done_ops)
				printf("  last returned: %s\n", ops[done_ops - 1]);
			printf("--- expected\n%s--- found\n%s---\n", want, got);
			rc = 1;
		}
		if (!rc && prev_fsck) {
			printf("FAIL point %zu%s: fsck.famfs_lite exited %d\n",
			       pt->at, pt->subset ? " (subset)" : "", prev_fsck);
			print_file("/tmp/crash-fsck.out");
			rc = 1;
		}
		if (rc)
			failures++;
		else if (pt->subset)
			checked_subset++;
		else
			checked_prefix++;
		free(want);
		free(want_next);
	}
	printf("crash points checked: %u, %u failed; ",
	       checked_prefix + checked_subset + failures, failures);
	printf("passed: %u flush and in-between points, %u subset variants; ",
	       checked_prefix, checked_subset);
	printf("in %lds, %u distinct images mounted and fsck'd\n",
	       (long)(time(NULL) - t0), mounts);
	printf("points inside compactions: %u (%u with the old generation, ",
	       in_compact, compact_old);
	printf("%u with the new), %u of them automatic\n", compact_new, in_auto);
	printf("points inside fsck --compact: %u (%u with the old generation, ",
	       in_fsck, fsck_old);
	printf("%u with the new)\n", fsck_new);
	free(prev_got);
	if (!failures && done_ops != nops)
		die("only %zu of %zu operations returned before the end", done_ops, nops);
	close(fd);
	return failures ? 1 : 0;
}

static int cmd_fill(int argc, char **argv)
{
	char path[PATH_LEN];
	unsigned long i, n;
	int fd;

	if (argc != 2)
		die("usage: famfsl_crash fill DIR N");
	n = strtoul(argv[1], NULL, 0);
	if (n < 2)
		die("fill: N must be at least 2");
	snprintf(path, sizeof(path), "%s/.fill", argv[0]);
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	for (i = 0; i < n - 2; i++)
		if (fchmod(fd, i % 2 ? 0600 : 0644))
			die("fchmod %s: %s", path, strerror(errno));
	close(fd);
	if (unlink(path))
		die("unlink %s: %s", path, strerror(errno));
	printf("filled: %lu log entries\n", n);
	return 0;
}

/*
 * Print a line and wait until the terminal sent it: on the serial
 * console, the host has it before anything the caller does next.
 */
static int cmd_say(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		printf("%s%s", i ? " " : "", argv[i]);
	putchar('\n');
	fflush(stdout);
	if (isatty(1) && tcdrain(1))
		die("tcdrain: %s", strerror(errno));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "say"))
		return cmd_say(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "workload"))
		return cmd_workload(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "fill"))
		return cmd_fill(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "info"))
		return cmd_info(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "rebuild"))
		return cmd_rebuild(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "check"))
		return cmd_check(argc - 2, argv + 2);
	fprintf(stderr, "usage: famfsl_crash workload|fill|info|rebuild|check|say ...\n");
	return 2;
}
