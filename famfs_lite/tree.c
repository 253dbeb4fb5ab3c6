// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tree as the log describes it: one node per live inode, with what
 * its entries said (owner, mode, logged times, extents, name and parent).
 * Every entry that is committed, or replayed, is applied here too, under
 * the same serialization (sbi->log_lock for appends; replay runs alone),
 * so the nodes always say what a replay of the log would build.  They are
 * what a compaction writes (famfsl_tree_write()), and what a read-only
 * mount takes apart when another host compacted the log.
 *
 * The in-memory tree (the dcache) is not walked for this: a change is
 * logged before it is made visible, so the dcache may lag the log.
 */
#include <linux/slab.h>
#include <linux/stat.h>

#include "famfs_lite.h"

static bool famfsl_same_time(const struct famfsl_time *a,
			     const struct famfsl_time *b)
{
	return a->sec == b->sec && a->nsec == b->nsec;
}

/* Are @n's three times one, which its CREATE alone can say? */
static bool famfsl_node_times_one(const struct famfsl_node *n)
{
	return famfsl_same_time(&n->atime, &n->mtime) &&
	       famfsl_same_time(&n->ctime, &n->mtime);
}

/*
 * The entries famfsl_tree_write() writes for @n: its CREATE; a file's
 * ALLOC, and an EXTEND for each FAMFSL_MAX_EXTENTS of its extents past
 * the first; and a SETATTR for times the CREATE cannot say, or, for a
 * directory with children, for the times their CREATEs change.  The root
 * has its SETATTR only.
 */
static u32 famfsl_node_cost(const struct famfsl_node *n)
{
	if (n->ino == FAMFSL_ROOT_INO)
		return 1;
	if (S_ISDIR(n->mode))
		return 1 + (!list_empty(&n->children) ||
			    !famfsl_node_times_one(n));
	return 1 + DIV_ROUND_UP(n->nr, FAMFSL_MAX_EXTENTS) +
	       !famfsl_node_times_one(n);
}

static void famfsl_node_free(struct famfsl_node *n)
{
	kfree(n->ext);
	kfree(n);
}

/* @n changed: bring the tree's cost up to date. */
static void famfsl_tree_recost(struct famfsl_sb_info *sbi,
			       struct famfsl_node *n)
{
	sbi->tree_cost -= n->cost;
	n->cost = famfsl_node_cost(n);
	sbi->tree_cost += n->cost;
}

/* The root as mkfs leaves it. */
static void famfsl_tree_reset_root(struct famfsl_sb_info *sbi)
{
	struct famfsl_node *root = &sbi->tree_root;
	struct timespec64 t = { .tv_sec = le64_to_cpu(sbi->sb.mkfs_time) };

	root->ino = FAMFSL_ROOT_INO;
	root->parent = root;
	root->mode = S_IFDIR | 0755;
	root->uid = 0;
	root->gid = 0;
	famfsl_time_to_disk(&root->atime, t);
	root->mtime = root->atime;
	root->ctime = root->atime;
	INIT_LIST_HEAD(&root->children);
	INIT_LIST_HEAD(&root->sibling);
	root->cost = 1;
	sbi->tree_cost = root->cost;
}

/**
 * famfsl_tree_init() - an empty tree: the root alone
 * @sbi: the file system, whose superblock is read and whose @tree index
 *	is initialized and empty
 */
void famfsl_tree_init(struct famfsl_sb_info *sbi)
{
	famfsl_tree_reset_root(sbi);
}

/**
 * famfsl_tree_destroy() - free every node but the root, and reset it
 * @sbi: the file system
 */
void famfsl_tree_destroy(struct famfsl_sb_info *sbi)
{
	struct famfsl_node *n;
	unsigned long ino;

	xa_for_each(&sbi->tree, ino, n)
		famfsl_node_free(n);
	xa_destroy(&sbi->tree);
	famfsl_tree_reset_root(sbi);
}

/**
 * famfsl_tree_cost() - the entries a compacted log of the tree needs
 * @sbi: the file system
 *
 * Return: what famfsl_tree_write() would write now: one for the root,
 * at most two per directory, and per file at most two and one per
 * FAMFSL_MAX_EXTENTS of its extents.
 */
u64 famfsl_tree_cost(struct famfsl_sb_info *sbi)
{
	return sbi->tree_cost;
}

/**
 * famfsl_tree_find() - a node of the tree by inode number
 * @sbi: the file system
 * @ino: the inode number
 *
 * Context: under sbi->log_lock, or in the replay.
 * Return: the node (the root's for FAMFSL_ROOT_INO), or NULL if the log
 * knows no live inode @ino.
 */
struct famfsl_node *famfsl_tree_find(struct famfsl_sb_info *sbi, u64 ino)
{
	if (ino == FAMFSL_ROOT_INO)
		return &sbi->tree_root;
	return xa_load(&sbi->tree, ino);
}

/*
 * Make room in @n->ext for @more extents (an ALLOC's or EXTEND's) before
 * the entry is committed, so that applying it cannot fail.  The array
 * only grows; what it holds is not changed.
 */
static int famfsl_node_reserve(struct famfsl_node *n, u32 more)
{
	struct famfsl_extent *ext;
	u32 need = n->nr + more, cap;

	if (need <= n->ext_cap)
		return 0;
	cap = max_t(u32, roundup_pow_of_two(need), FAMFSL_MAX_EXTENTS);
	ext = krealloc_array(n->ext, cap, sizeof(*ext), GFP_KERNEL);
	if (!ext)
		return -ENOMEM;
	n->ext = ext;
	n->ext_cap = cap;
	return 0;
}

/**
 * famfsl_tree_prepare() - get what applying an entry will need
 * @sbi: the file system
 * @e: an entry about to be committed or applied
 *
 * A CREATE needs a node, and its place in the index; an ALLOC or EXTEND
 * room in its file's extent array: all are taken here, before the entry
 * is committed, so that applying it cannot fail.
 *
 * Return: the node for a CREATE, NULL for other entries, or
 * ERR_PTR(-ENOMEM).
 */
struct famfsl_node *famfsl_tree_prepare(struct famfsl_sb_info *sbi,
					const struct famfsl_entry *e)
{
	struct famfsl_node *n;
	u32 type = le32_to_cpu(e->type);
	int rc;

	if (type == FAMFSL_ALLOC || type == FAMFSL_EXTEND) {
		/* an EXTEND has an ALLOC's layout */
		n = famfsl_tree_find(sbi, le64_to_cpu(e->alloc.ino));
		if (!n || n == &sbi->tree_root)
			return NULL;
		rc = famfsl_node_reserve(n,
					 min_t(u32, le32_to_cpu(e->alloc.nr_extents),
					       FAMFSL_MAX_EXTENTS));
		return rc ? ERR_PTR(rc) : NULL;
	}
	if (type != FAMFSL_CREATE)
		return NULL;
	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return ERR_PTR(-ENOMEM);
	/* a placeholder the apply replaces; NULL would not reserve */
	rc = xa_reserve(&sbi->tree, le64_to_cpu(e->create.ino), GFP_KERNEL);
	if (rc) {
		kfree(n);
		return ERR_PTR(rc);
	}
	return n;
}

/**
 * famfsl_tree_unprepare() - give back what famfsl_tree_prepare() took
 * @sbi: the file system
 * @e: the entry, which was not committed
 * @n: what famfsl_tree_prepare() returned
 */
void famfsl_tree_unprepare(struct famfsl_sb_info *sbi,
			   const struct famfsl_entry *e, struct famfsl_node *n)
{
	if (IS_ERR_OR_NULL(n))
		return;
	xa_release(&sbi->tree, le64_to_cpu(e->create.ino));
	kfree(n);
}

static void famfsl_tree_remove(struct famfsl_sb_info *sbi,
			       struct famfsl_node *n)
{
	struct famfsl_node *p = n->parent;

	list_del(&n->sibling);
	xa_erase(&sbi->tree, n->ino);
	sbi->tree_cost -= n->cost;
	famfsl_node_free(n);
	famfsl_tree_recost(sbi, p);
}

/*
 * Append an ALLOC's or EXTEND's extents to file @n, merging one that
 * continues the last as the replay does, and take its size.  The room
 * was made by famfsl_tree_prepare().
 */
static int famfsl_node_add_extents(struct famfsl_sb_info *sbi,
				   struct famfsl_node *n,
				   const struct famfsl_alloc *a)
{
	u32 i, nr = le32_to_cpu(a->nr_extents);
	struct famfsl_extent *last;

	if (WARN_ON_ONCE(nr > FAMFSL_MAX_EXTENTS || n->nr + nr > n->ext_cap))
		return -EUCLEAN;
	for (i = 0; i < nr; i++) {
		last = n->nr ? &n->ext[n->nr - 1] : NULL;
		if (last && le64_to_cpu(last->dev_offset) +
			    le64_to_cpu(last->len) ==
			    le64_to_cpu(a->ext[i].dev_offset))
			le64_add_cpu(&last->len, le64_to_cpu(a->ext[i].len));
		else
			n->ext[n->nr++] = a->ext[i];
	}
	n->size = le64_to_cpu(a->size);
	famfsl_tree_recost(sbi, n);
	return 0;
}

/**
 * famfsl_tree_apply() - apply a committed entry to the tree
 * @sbi: the file system
 * @e: the entry, checked against the tree (the live operation or the
 *	replay into the dcache did)
 * @n: what famfsl_tree_prepare() returned for it
 *
 * Return: 0, or -EUCLEAN if the entry does not fit the tree, which its
 * check against the dcache should have made impossible.
 */
int famfsl_tree_apply(struct famfsl_sb_info *sbi, const struct famfsl_entry *e,
		      struct famfsl_node *n)
{
	struct famfsl_node *p, *victim;
	u32 valid;

	switch (le32_to_cpu(e->type)) {
	case FAMFSL_CREATE:
		p = famfsl_tree_find(sbi, le64_to_cpu(e->create.parent));
		if (WARN_ON_ONCE(!n || !p || !S_ISDIR(p->mode) ||
				 famfsl_tree_find(sbi,
						  le64_to_cpu(e->create.ino))))
			goto mismatch;
		n->ino = le64_to_cpu(e->create.ino);
		n->parent = p;
		n->mode = le32_to_cpu(e->create.mode);
		n->uid = le32_to_cpu(e->create.uid);
		n->gid = le32_to_cpu(e->create.gid);
		n->atime = e->create.time;
		n->mtime = e->create.time;
		n->ctime = e->create.time;
		n->name_len = le16_to_cpu(e->create.name_len);
		memcpy(n->name, e->create.name, n->name_len);
		INIT_LIST_HEAD(&n->children);
		list_add_tail(&n->sibling, &p->children);
		/* the reserved slot takes it: no allocation, no failure */
		xa_store(&sbi->tree, n->ino, n, GFP_NOWAIT);
		n->cost = 0;
		famfsl_tree_recost(sbi, n);
		/* as the replay of a CREATE changes its directory's times */
		p->mtime = e->create.time;
		p->ctime = e->create.time;
		famfsl_tree_recost(sbi, p);
		return 0;
	case FAMFSL_ALLOC:
	case FAMFSL_EXTEND:
		/* an EXTEND has an ALLOC's layout */
		n = famfsl_tree_find(sbi, le64_to_cpu(e->alloc.ino));
		if (WARN_ON_ONCE(!n || n == &sbi->tree_root ||
				 !S_ISREG(n->mode) ||
				 (le32_to_cpu(e->type) == FAMFSL_ALLOC && n->nr)))
			goto mismatch;
		return famfsl_node_add_extents(sbi, n, &e->alloc);
	case FAMFSL_SETATTR:
		n = famfsl_tree_find(sbi, le64_to_cpu(e->setattr.ino));
		if (WARN_ON_ONCE(!n))
			goto mismatch;
		valid = le32_to_cpu(e->setattr.valid);
		if (valid & FAMFSL_ATTR_MODE)
			n->mode = (n->mode & S_IFMT) |
				  (le32_to_cpu(e->setattr.mode) & 07777);
		if (valid & FAMFSL_ATTR_UID)
			n->uid = le32_to_cpu(e->setattr.uid);
		if (valid & FAMFSL_ATTR_GID)
			n->gid = le32_to_cpu(e->setattr.gid);
		if (valid & FAMFSL_ATTR_ATIME)
			n->atime = e->setattr.atime;
		if (valid & FAMFSL_ATTR_MTIME)
			n->mtime = e->setattr.mtime;
		if (valid & FAMFSL_ATTR_CTIME)
			n->ctime = e->setattr.ctime;
		famfsl_tree_recost(sbi, n);
		return 0;
	case FAMFSL_UNLINK:
		n = famfsl_tree_find(sbi, le64_to_cpu(e->unlink.ino));
		if (WARN_ON_ONCE(!n || n == &sbi->tree_root ||
				 !list_empty(&n->children)))
			goto mismatch;
		famfsl_tree_remove(sbi, n);
		return 0;
	case FAMFSL_RENAME:
		n = famfsl_tree_find(sbi, le64_to_cpu(e->rename.ino));
		p = famfsl_tree_find(sbi, le64_to_cpu(e->rename.new_parent));
		victim = e->rename.replaced ?
			 famfsl_tree_find(sbi, le64_to_cpu(e->rename.replaced)) :
			 NULL;
		if (WARN_ON_ONCE(!n || n == &sbi->tree_root || !p ||
				 !S_ISDIR(p->mode) ||
				 (e->rename.replaced && (!victim ||
				  victim == &sbi->tree_root ||
				  !list_empty(&victim->children)))))
			goto mismatch;
		if (victim)
			famfsl_tree_remove(sbi, victim);
		n->name_len = le16_to_cpu(e->rename.name_len);
		memcpy(n->name, e->rename.name, n->name_len);
		victim = n->parent;
		n->parent = p;
		list_move_tail(&n->sibling, &p->children);
		famfsl_tree_recost(sbi, victim);
		famfsl_tree_recost(sbi, p);
		return 0;
	}
mismatch:
	return -EUCLEAN;
}

/* Where a compaction writes: the area, its capacity, the entries so far. */
struct famfsl_tree_out {
	struct famfsl_sb_info *sbi;
	u64 area;
	u64 capacity;
	u64 count;
	struct famfsl_entry e;
};

/* Write out->e as the next entry of the new area. */
static int famfsl_tree_emit(struct famfsl_tree_out *out)
{
	if (out->count >= out->capacity)
		return -ENOSPC;
	out->e.seq = cpu_to_le64(out->count);
	famfsl_entry_set_crc(&out->e);
	if (daxl_region_write(out->sbi->region, out->area +
			      FAMFSL_LOG_HEADER_SIZE +
			      out->count * FAMFSL_ENTRY_SIZE,
			      &out->e, sizeof(out->e)))
		return -EIO;
	out->count++;
	memset(&out->e, 0, sizeof(out->e));
	return 0;
}

/* A SETATTR of @n's times, and (@all) of its mode and owner. */
static int famfsl_tree_emit_setattr(struct famfsl_tree_out *out,
				    const struct famfsl_node *n, bool all)
{
	struct famfsl_setattr *s = &out->e.setattr;

	out->e.type = cpu_to_le32(FAMFSL_SETATTR);
	s->ino = cpu_to_le64(n->ino);
	s->valid = cpu_to_le32(all ? FAMFSL_ATTR_ALL : FAMFSL_ATTR_ATIME |
			       FAMFSL_ATTR_MTIME | FAMFSL_ATTR_CTIME);
	s->mode = cpu_to_le32(n->mode & 07777);
	s->uid = cpu_to_le32(n->uid);
	s->gid = cpu_to_le32(n->gid);
	s->atime = n->atime;
	s->mtime = n->mtime;
	s->ctime = n->ctime;
	return famfsl_tree_emit(out);
}

/*
 * @n's CREATE, with its mtime for all three times; a file's ALLOC; and a
 * SETATTR if its times differ, except for a directory with children,
 * whose times are written after them.
 */
static int famfsl_tree_emit_node(struct famfsl_tree_out *out,
				 const struct famfsl_node *n)
{
	struct famfsl_create *c = &out->e.create;
	u32 i, j, k;
	u64 len;
	int rc;

	out->e.type = cpu_to_le32(FAMFSL_CREATE);
	c->ino = cpu_to_le64(n->ino);
	c->parent = cpu_to_le64(n->parent->ino);
	c->mode = cpu_to_le32(n->mode);
	c->uid = cpu_to_le32(n->uid);
	c->gid = cpu_to_le32(n->gid);
	c->name_len = cpu_to_le16(n->name_len);
	c->time = n->mtime;
	memcpy(c->name, n->name, n->name_len);
	rc = famfsl_tree_emit(out);
	if (rc)
		return rc;
	/*
	 * One ALLOC holds FAMFSL_MAX_EXTENTS extents, an EXTEND each as
	 * many more.  Each says the size its extents so far can hold, the
	 * last the file's; none of their extents continues the one before
	 * (@n's are merged), so the replay rebuilds @n->ext as it is.
	 */
	for (i = 0, len = 0; i < n->nr; i += k) {
		k = min_t(u32, n->nr - i, FAMFSL_MAX_EXTENTS);
		out->e.type = cpu_to_le32(i ? FAMFSL_EXTEND : FAMFSL_ALLOC);
		out->e.alloc.ino = cpu_to_le64(n->ino);
		out->e.alloc.nr_extents = cpu_to_le32(k);
		for (j = 0; j < k; j++) {
			out->e.alloc.ext[j] = n->ext[i + j];
			len += le64_to_cpu(n->ext[i + j].len);
		}
		out->e.alloc.size = cpu_to_le64(min(n->size, len));
		rc = famfsl_tree_emit(out);
		if (rc)
			return rc;
	}
	if (S_ISDIR(n->mode) && !list_empty(&n->children))
		return 0;
	if (famfsl_node_times_one(n))
		return 0;
	return famfsl_tree_emit_setattr(out, n, false);
}

/**
 * famfsl_tree_write() - write the smallest log that rebuilds the tree
 * @sbi: the file system
 * @area: device offset of the log area to write the entries into
 * @capacity: the area's entry slots
 * @count: receives the number of entries written
 *
 * Writes, parents before children, each node's CREATE (and ALLOC and
 * EXTENDs, and SETATTR for times the CREATE cannot say), a directory's SETATTR after
 * its children, and the root's SETATTR last.  Nothing is flushed and no
 * header written: the caller does that.
 *
 * Return: 0, -ENOSPC if the entries do not fit @capacity, or -EIO.
 */
int famfsl_tree_write(struct famfsl_sb_info *sbi, u64 area, u64 capacity,
		      u64 *count)
{
	struct famfsl_node *root = &sbi->tree_root, *n;
	struct famfsl_tree_out *out;
	int rc = 0;

	out = kzalloc(sizeof(*out), GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	out->sbi = sbi;
	out->area = area;
	out->capacity = capacity;

	n = list_first_entry_or_null(&root->children, struct famfsl_node,
				     sibling);
	while (n && !rc) {
		rc = famfsl_tree_emit_node(out, n);
		if (rc)
			break;
		if (S_ISDIR(n->mode) && !list_empty(&n->children)) {
			n = list_first_entry(&n->children, struct famfsl_node,
					     sibling);
			continue;
		}
		/* on to the next sibling, closing the directories left */
		while (list_is_last(&n->sibling, &n->parent->children)) {
			n = n->parent;
			if (n == root)
				break;
			rc = famfsl_tree_emit_setattr(out, n, false);
			if (rc)
				break;
		}
		n = n == root ? NULL : list_next_entry(n, sibling);
	}
	if (!rc)
		rc = famfsl_tree_emit_setattr(out, root, true);
	*count = out->count;
	kfree(out);
	return rc;
}

/**
 * famfsl_tree_removals() - the removals that would empty the tree
 * @sbi: the file system
 * @fn: called with an UNLINK entry for each node, children before their
 *	directory; a non-zero return stops the walk
 * @arg: passed to @fn
 *
 * The nodes are not changed: famfsl_tree_destroy() drops them after.
 *
 * Return: 0 or what @fn returned.
 */
int famfsl_tree_removals(struct famfsl_sb_info *sbi,
			 famfsl_removal_fn fn, void *arg)
{
	struct famfsl_node *root = &sbi->tree_root, *n = root, *next;
	struct famfsl_entry *e;
	int rc = 0;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->type = cpu_to_le32(FAMFSL_UNLINK);
	/* post-order: go down to a leaf, remove it, then its next sibling */
	while (!list_empty(&n->children))
		n = list_first_entry(&n->children, struct famfsl_node, sibling);
	while (n != root && !rc) {
		next = list_is_last(&n->sibling, &n->parent->children) ?
		       n->parent : list_next_entry(n, sibling);
		if (next != n->parent)
			while (!list_empty(&next->children))
				next = list_first_entry(&next->children,
							struct famfsl_node,
							sibling);
		e->unlink.ino = cpu_to_le64(n->ino);
		e->unlink.parent = cpu_to_le64(n->parent->ino);
		rc = fn(arg, e);
		n = next;
	}
	kfree(e);
	return rc;
}
