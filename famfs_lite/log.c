// SPDX-License-Identifier: GPL-2.0-only
/*
 * The metadata log: appending entries, compacting the log when it is full,
 * and replaying it into the in-memory tree at mount and at remount.
 *
 * Appends are serialized by sbi->log_lock, taken inside the VFS's inode
 * locks; a compaction runs inside an append (or a remount), under it too.
 * Replay runs only where no local writer can exist: at mount, before the
 * tree is visible, and at remount of a read-only mount.  So it takes the
 * directory locks as the VFS would, but not log_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/namei.h>
#include <linux/slab.h>

#include "famfs_lite.h"

static u64 famfsl_slot(struct famfsl_sb_info *sbi, u64 index)
{
	return sbi->area + FAMFSL_LOG_HEADER_SIZE + index * FAMFSL_ENTRY_SIZE;
}

static bool famfsl_v1(struct famfsl_sb_info *sbi)
{
	return le32_to_cpu(sbi->sb.version) == FAMFSL_VERSION_1;
}

void famfsl_time_to_disk(struct famfsl_time *t, struct timespec64 ts)
{
	t->sec = cpu_to_le64(ts.tv_sec);
	t->nsec = cpu_to_le32(ts.tv_nsec);
	t->pad = 0;
}

/**
 * famfsl_time_from_disk() - a time as a log entry says it
 * @t: the entry's time
 *
 * Return: the time, its nanoseconds brought below a second.
 */
struct timespec64 famfsl_time_from_disk(const struct famfsl_time *t)
{
	return (struct timespec64){
		.tv_sec = le64_to_cpu(t->sec),
		.tv_nsec = le32_to_cpu(t->nsec) % NSEC_PER_SEC,
	};
}

/**
 * famfsl_log_reserve() - log room kept back from ordinary users
 * @capacity: the entry slots of a log area
 *
 * As ext4 keeps 5 % of its blocks for root by default, ordinary users may
 * change the tree only while a compacted log of it fits in 95 % of a log
 * area; root may go on to 97.5 %; removals, by anyone, always.  So
 * whoever filled the log, a compaction always leaves room: unlink and
 * rmdir by anyone, and any change by root, go on.
 *
 * Return: the number of slots ordinary users cannot fill with the tree.
 */
u64 famfsl_log_reserve(u64 capacity)
{
	return capacity / 20;
}

/*
 * A privileged user, by ext4's rule for its reserved blocks: fsuid 0
 * (ext4's default resuid) or CAP_SYS_RESOURCE, looked at last, as ext4
 * does, so that an ordinary user is not reported to the audit log.
 */
static bool famfsl_privileged(void)
{
	return uid_eq(current_fsuid(), GLOBAL_ROOT_UID) ||
	       capable(CAP_SYS_RESOURCE);
}

/*
 * May the change @e be logged, for the room a compacted log of the tree
 * needs?  Any change but a removal may grow that (by FAMFSL_GROWTH_MAX at
 * most: a create adds its inode and may give its directory a SETATTR, an
 * allocation adds an ALLOC, an attribute change a SETATTR, a rename may
 * give its new directory a SETATTR, a growth with extents may add an ALLOC
 * or an EXTEND); a removal only shrinks it, a rename over another inode
 * removes at least that inode's entry for the SETATTR it may add, and an
 * EXTEND with no extents (the size a write reached, logged at close)
 * leaves it as it is, so none of these is refused here, and all always
 * find room after a compaction.
 */
static int famfsl_log_may_grow(struct famfsl_sb_info *sbi,
			       const struct famfsl_entry *e)
{
	u64 cost = famfsl_tree_cost(sbi) + FAMFSL_GROWTH_MAX;

	if (le32_to_cpu(e->type) == FAMFSL_UNLINK ||
	    (le32_to_cpu(e->type) == FAMFSL_RENAME && e->rename.replaced) ||
	    (le32_to_cpu(e->type) == FAMFSL_EXTEND &&
	     !e->extend.nr_extents))
		return 0;
	if (cost <= sbi->capacity - sbi->reserve)
		return 0;
	if (famfsl_privileged()) {
		if (cost <= sbi->capacity - sbi->reserve / 2)
			return 0;
		if (!sbi->log_full_warned)
			pr_warn("%s: log full: the tree needs %llu of %llu entries; changes but removals fail with ENOSPC\n",
				sbi->name, famfsl_tree_cost(sbi),
				sbi->capacity);
		sbi->log_full_warned = true;
		return -ENOSPC;
	}
	if (!sbi->log_reserve_warned)
		pr_warn("%s: log reserve reached: the tree needs %llu of %llu entries; only removals and root may change it\n",
			sbi->name, famfsl_tree_cost(sbi), sbi->capacity);
	sbi->log_reserve_warned = true;
	return -ENOSPC;
}

/* Write the 8-byte word at @off with one aligned store, and flush it. */
static int famfsl_store_word(struct famfsl_sb_info *sbi, u64 off, u64 val)
{
	if (daxl_region_write_u64(sbi->region, off,
				  (__force u64)cpu_to_le64(val)))
		return -EIO;
	daxl_region_flush(sbi->region);
	return 0;
}

/*
 * A committed entry did not go into the tree view (a bug): the tree no
 * longer rebuilds the log, so compaction is refused from now on.  A
 * new mount builds the tree again from the log.
 */
static void famfsl_tree_broken(struct famfsl_sb_info *sbi, u64 index)
{
	if (!sbi->tree_bad)
		pr_err("%s: log entry %llu is committed but not in the tree view; compaction is off until the next mount\n",
		       sbi->name, index);
	sbi->tree_bad = true;
}

/**
 * famfsl_log_compact() - replace the log with the smallest that rebuilds
 * the tree
 * @sbi: the file system, version 2, mounted read-write
 *
 * Writes the tree (famfsl_tree_write()) into the log area not in use,
 * then that area's header, which names the next generation, and flushes
 * both; then switches the log_gen word to that generation with one
 * aligned 8-byte store, and flushes it.  A crash before the switch leaves
 * the old log, untouched; after it, the new one, complete.
 *
 * Context: the caller holds sbi->log_lock.
 * Return: 0, -ENOSPC if the compacted log would leave no free slot (the
 * log is left as it was), -ENOMEM, -EIO.
 */
int famfsl_log_compact(struct famfsl_sb_info *sbi)
{
	u64 gen = sbi->gen + 1, was = sbi->next_index, count;
	u64 area = famfsl_area_offset(&sbi->sb, gen);
	struct famfsl_log_header h = {};
	int rc;

	lockdep_assert_held(&sbi->log_lock);
	if (READ_ONCE(sbi->shutdown))
		return -EIO;
	if (WARN_ON_ONCE(famfsl_v1(sbi)))
		return -EROFS;
	if (sbi->tree_bad) {
		pr_err_ratelimited("%s: not compacting: the log's tree view misses a committed entry; unmount and mount again\n",
				   sbi->name);
		return -EUCLEAN;
	}
	rc = famfsl_tree_write(sbi, area, sbi->capacity, &count);
	if (!rc && count >= sbi->capacity)
		rc = -ENOSPC;
	if (rc)
		return rc;
	/*
	 * Slots past the new log still hold the entries of two generations
	 * ago, whose sequence numbers fit: clear them, so that none looks
	 * like an entry written but not committed (a torn tail).
	 */
	if (daxl_region_zero(sbi->region, area + FAMFSL_LOG_HEADER_SIZE +
			     count * FAMFSL_ENTRY_SIZE,
			     (sbi->capacity - count) * FAMFSL_ENTRY_SIZE))
		return -EIO;

	h.magic = cpu_to_le64(FAMFSL_LOG_MAGIC);
	h.capacity = cpu_to_le64(sbi->capacity);
	h.entry_size = cpu_to_le32(FAMFSL_ENTRY_SIZE);
	h.next_index = cpu_to_le64(count);
	h.gen = cpu_to_le64(gen);
	h.next_ino = cpu_to_le64(sbi->next_ino);
	famfsl_log_header_set_crc(&h, le32_to_cpu(sbi->sb.version));
	if (daxl_region_write(sbi->region, area, &h, sizeof(h)))
		return -EIO;
	daxl_region_flush(sbi->region);

	/* the switch */
	rc = famfsl_store_word(sbi, FAMFSL_GEN_OFFSET, gen);
	if (rc)
		return rc;
	sbi->gen = gen;
	sbi->area = area;
	sbi->next_index = count;
	pr_info_ratelimited("%s: log compacted to generation %llu: %llu entries, from %llu\n",
			    sbi->name, gen, count, was);
	return 0;
}

/**
 * famfsl_log_append() - write one entry and commit it
 * @sbi: the file system
 * @e: the entry; its seq and crc are filled in here
 *
 * A change is refused if the tree could outgrow what its user may fill
 * (famfsl_log_reserve()).  A full log is compacted first.  The entry is
 * written and flushed, then the header's next_index is advanced past it
 * with one 8-byte store and flushed: that store is the commit.  The log's
 * view of the tree follows.
 *
 * Context: the caller holds sbi->log_lock, in the task making the
 * change (whose credentials decide whether it may use the reserve).
 * Return: 0, -ENOSPC when the tree may not grow or the log is full even
 * compacted, -ENOMEM, -EIO.
 */
int famfsl_log_append(struct famfsl_sb_info *sbi, struct famfsl_entry *e)
{
	struct famfsl_node *node;
	int rc;

	lockdep_assert_held(&sbi->log_lock);
	if (READ_ONCE(sbi->shutdown))
		return -EIO;
	rc = famfsl_log_may_grow(sbi, e);
	if (rc)
		return rc;
	if (sbi->next_index >= sbi->capacity) {
		rc = famfsl_log_compact(sbi);
		if (rc == -ENOSPC && !sbi->log_full_warned)
			pr_warn("%s: log full (%llu entries) even compacted; metadata changes fail with ENOSPC\n",
				sbi->name, sbi->capacity);
		if (rc == -ENOSPC)
			sbi->log_full_warned = true;
		if (rc)
			return rc;
	}
	node = famfsl_tree_prepare(sbi, e);
	if (IS_ERR(node))
		return PTR_ERR(node);

	e->seq = cpu_to_le64(sbi->next_index);
	famfsl_entry_set_crc(e);
	rc = -EIO;
	if (daxl_region_write(sbi->region, famfsl_slot(sbi, sbi->next_index),
			      e, sizeof(*e)))
		goto out_unprepare;
	daxl_region_flush(sbi->region);
	if (famfsl_store_word(sbi, sbi->area +
			      offsetof(struct famfsl_log_header, next_index),
			      sbi->next_index + 1))
		goto out_unprepare;
	sbi->next_index++;
	/*
	 * Cannot fail but for a bug: the VFS checked the change.  The entry
	 * is committed all the same, and the tree no longer rebuilds the
	 * log: a compaction would lose it.
	 */
	if (famfsl_tree_apply(sbi, e, node)) {
		famfsl_tree_unprepare(sbi, e, node);
		famfsl_tree_broken(sbi, sbi->next_index - 1);
	}
	return 0;

out_unprepare:
	famfsl_tree_unprepare(sbi, e, node);
	return rc;
}

/*
 * Replay.  Each entry is first checked against the tree built so far
 * (famfsl_replay_check(): the log's tree view for what is known by inode
 * number, the dcache for names), which changes nothing, and then applied
 * (famfsl_replay_apply()), which can then fail only for want of memory.
 */

/*
 * A live inode of the tree by number, with a reference, or NULL.  A local
 * close may be evicting it meanwhile: inodes are freed after an RCU grace
 * period, and igrab() refuses one being freed.
 */
static struct inode *famfsl_iget_live(struct famfsl_sb_info *sbi, u64 ino)
{
	struct inode *inode;

	rcu_read_lock();
	inode = xa_load(&sbi->inodes, ino);
	inode = inode ? igrab(inode) : NULL;
	rcu_read_unlock();
	if (inode && !inode->i_nlink) {
		iput(inode);
		inode = NULL;
	}
	return inode;
}

/* The directory inode @ino, with a reference, or NULL. */
static struct inode *famfsl_iget_dir(struct famfsl_sb_info *sbi, u64 ino)
{
	struct inode *dir = famfsl_iget_live(sbi, ino);

	if (dir && !S_ISDIR(dir->i_mode)) {
		iput(dir);
		dir = NULL;
	}
	return dir;
}

/* The dentry of live inode @ino, with a reference, or NULL. */
static struct dentry *famfsl_ino_dentry(struct famfsl_sb_info *sbi, u64 ino)
{
	struct inode *inode = famfsl_iget_live(sbi, ino);
	struct dentry *dentry;

	if (!inode)
		return NULL;
	dentry = d_find_alias(inode);
	iput(inode);
	return dentry;
}

/* The dentry of directory @ino, with a reference, or NULL. */
static struct dentry *famfsl_dir_dentry(struct famfsl_sb_info *sbi, u64 ino)
{
	struct inode *dir = famfsl_iget_dir(sbi, ino);
	struct dentry *dentry;

	if (!dir)
		return NULL;
	dentry = d_find_alias(dir);
	iput(dir);
	return dentry;
}

/* The entry's name as a NUL-terminated string in @buf. */
static void famfsl_name(char *buf, const char *name, __le16 len)
{
	memcpy(buf, name, le16_to_cpu(len));
	buf[le16_to_cpu(len)] = '\0';
}

/*
 * The number of the inode that holds @name in directory @dir (a node of
 * the tree) in *@holder, or 0 if the name is free.  The dcache is the
 * tree's index by name.
 *
 * Return: 0, or -EUCLEAN if the name cannot be looked up.
 */
static int famfsl_name_holder(struct famfsl_sb_info *sbi,
			      const struct famfsl_node *dir,
			      const char *name, __le16 name_len, u64 *holder)
{
	struct qstr qname = QSTR_INIT(name, le16_to_cpu(name_len));
	struct dentry *parent, *dentry;

	*holder = 0;
	parent = famfsl_dir_dentry(sbi, dir->ino);
	if (WARN_ON_ONCE(!parent))
		return -EUCLEAN;
	inode_lock_shared(d_inode(parent));
	dentry = daxl_compat_dcache_lookup(parent, &qname);
	inode_unlock_shared(d_inode(parent));
	dput(parent);
	if (IS_ERR(dentry))
		return -EUCLEAN;
	if (dentry && d_really_is_positive(dentry))
		*holder = d_inode(dentry)->i_ino;
	dput(dentry);
	return 0;
}

/* The directory node @ino of the tree, or NULL. */
static struct famfsl_node *famfsl_tree_dir(struct famfsl_sb_info *sbi,
					   u64 ino)
{
	struct famfsl_node *n = famfsl_tree_find(sbi, ino);

	return n && S_ISDIR(n->mode) ? n : NULL;
}

static int famfsl_check_create(struct famfsl_sb_info *sbi,
			       const struct famfsl_create *c, const char **why)
{
	u64 ino = le64_to_cpu(c->ino), holder;
	struct famfsl_node *p;

	/* an inode removed by the log but still open keeps its number */
	if (xa_load(&sbi->inodes, ino) || famfsl_tree_find(sbi, ino))
		return famfsl_mismatch(why, "create of an inode number in use");
	p = famfsl_tree_dir(sbi, le64_to_cpu(c->parent));
	if (!p)
		return famfsl_mismatch(why, "create in a directory that does not exist");
	if (famfsl_name_holder(sbi, p, c->name, c->name_len, &holder))
		return famfsl_mismatch(why, "name cannot be looked up");
	if (holder)
		return famfsl_mismatch(why, "create of a name that exists");
	return 0;
}

/* An ALLOC, or an EXTEND (@extend) read through the same layout. */
static int famfsl_check_alloc(struct famfsl_sb_info *sbi,
			      const struct famfsl_alloc *a, bool extend,
			      const char **why)
{
	struct famfsl_node *n = famfsl_tree_find(sbi, le64_to_cpu(a->ino));
	struct inode *inode;
	int rc;

	if (!n)
		return famfsl_mismatch(why, "allocation for an inode that does not exist");
	if (!S_ISREG(n->mode))
		return famfsl_mismatch(why, "allocation for a directory");
	inode = famfsl_iget_live(sbi, n->ino);
	if (WARN_ON_ONCE(!inode))
		return famfsl_mismatch(why, "allocation for an inode that does not exist");
	rc = famfsl_check_extents(inode, a, extend, why);
	iput(inode);
	return rc;
}

static int famfsl_check_unlink(struct famfsl_sb_info *sbi,
			       const struct famfsl_unlink *u, const char **why)
{
	struct famfsl_node *n = famfsl_tree_find(sbi, le64_to_cpu(u->ino));

	if (!n)
		return famfsl_mismatch(why, "unlink of an inode that does not exist");
	if (n->parent != famfsl_tree_dir(sbi, le64_to_cpu(u->parent)))
		return famfsl_mismatch(why, "unlink from a directory that does not hold the inode");
	if (!list_empty(&n->children))
		return famfsl_mismatch(why, "removal of a directory that is not empty");
	return 0;
}

/* Is @n @ancestor or below it? */
static bool famfsl_node_below(const struct famfsl_node *n,
			      const struct famfsl_node *ancestor)
{
	for (;;) {
		if (n == ancestor)
			return true;
		if (n == n->parent)
			return false;
		n = n->parent;
	}
}

static int famfsl_check_rename(struct famfsl_sb_info *sbi,
			       const struct famfsl_rename *r, const char **why)
{
	u64 ino = le64_to_cpu(r->ino), replaced = le64_to_cpu(r->replaced);
	struct famfsl_node *n, *old_p, *new_p, *victim;
	u64 holder;

	n = famfsl_tree_find(sbi, ino);
	old_p = famfsl_tree_dir(sbi, le64_to_cpu(r->old_parent));
	new_p = famfsl_tree_dir(sbi, le64_to_cpu(r->new_parent));
	if (!n || !old_p || !new_p)
		return famfsl_mismatch(why,
				       "rename names an inode or directory that does not exist");
	if (n->parent != old_p)
		return famfsl_mismatch(why, "rename from a directory that does not hold the inode");
	if (S_ISDIR(n->mode) && famfsl_node_below(new_p, n))
		return famfsl_mismatch(why, "rename of a directory into itself");
	if (famfsl_name_holder(sbi, new_p, r->name, r->name_len, &holder))
		return famfsl_mismatch(why, "name cannot be looked up");
	/* @replaced names the name's holder, or is 0 if the name is free. */
	victim = replaced ? famfsl_tree_find(sbi, replaced) : NULL;
	if (holder != replaced || holder == ino || (replaced && !victim))
		return famfsl_mismatch(why, "rename target does not match the replaced inode");
	if (victim && (S_ISDIR(victim->mode) != S_ISDIR(n->mode) ||
		       !list_empty(&victim->children)))
		return famfsl_mismatch(why,
				       "rename over a non-empty directory or an inode of another type");
	return 0;
}

/*
 * Does entry @e make sense in the tree as it is?  Changes nothing.
 *
 * Return: 0, or -EUCLEAN with the reason in *@why.
 */
static int famfsl_replay_check(struct famfsl_sb_info *sbi,
			       const struct famfsl_entry *e, const char **why)
{
	switch (le32_to_cpu(e->type)) {
	case FAMFSL_CREATE:
		return famfsl_check_create(sbi, &e->create, why);
	case FAMFSL_ALLOC:
		return famfsl_check_alloc(sbi, &e->alloc, false, why);
	case FAMFSL_EXTEND:
		return famfsl_check_alloc(sbi, (const struct famfsl_alloc *)
					  &e->extend, true, why);
	case FAMFSL_SETATTR:
		if (!famfsl_tree_find(sbi, le64_to_cpu(e->setattr.ino)))
			return famfsl_mismatch(why, "attributes for an inode that does not exist");
		return 0;
	case FAMFSL_UNLINK:
		return famfsl_check_unlink(sbi, &e->unlink, why);
	case FAMFSL_RENAME:
		return famfsl_check_rename(sbi, &e->rename, why);
	}
	return famfsl_mismatch(why, "unknown entry type");
}

/*
 * The applying half: each entry was checked (famfsl_replay_check()), so a
 * mismatch found here is a bug, and warns.
 */

/*
 * The dentry of @name in @parent as a lookup by the VFS leaves it:
 * hashed, and positive if the name is in use, else negative.
 *
 * Context: @parent's inode is locked.
 * Return: the dentry, with a reference, or an ERR_PTR.
 */
static struct dentry *famfsl_replay_lookup(struct dentry *parent,
					   const char *name)
{
	struct qstr qname = QSTR_INIT(name, strlen(name));
	struct inode *dir = d_inode(parent);
	struct dentry *dentry, *found;

	dentry = daxl_compat_dcache_lookup(parent, &qname);
	if (dentry)
		return dentry;
	dentry = d_alloc_name(parent, name);
	if (!dentry)
		return ERR_PTR(-ENOMEM);
	found = dir->i_op->lookup(dir, dentry, 0);
	if (found)
		dput(dentry);
	return found ? found : dentry;
}

/* A CREATE, as mkdir(2) or open(2) with O_CREAT make the name. */
static int famfsl_apply_create(struct super_block *sb,
			       const struct famfsl_create *c)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(sb);
	struct timespec64 ts = famfsl_time_from_disk(&c->time);
	u64 ino = le64_to_cpu(c->ino);
	char name[FAMFSL_NAME_MAX + 1];
	struct dentry *parent, *dentry;
	struct inode *dir, *inode;
	int rc = -EUCLEAN;

	parent = famfsl_dir_dentry(sbi, le64_to_cpu(c->parent));
	if (WARN_ON_ONCE(!parent))
		return -EUCLEAN;
	dir = d_inode(parent);
	famfsl_name(name, c->name, c->name_len);

	inode_lock_nested(dir, I_MUTEX_PARENT);
	dentry = famfsl_replay_lookup(parent, name);
	if (IS_ERR(dentry)) {
		rc = PTR_ERR(dentry);
		goto out_unlock;
	}
	if (WARN_ON_ONCE(d_really_is_positive(dentry)))
		goto out_dput;
	inode = famfsl_new_inode(sb, ino, le32_to_cpu(c->mode));
	if (IS_ERR(inode)) {
		rc = PTR_ERR(inode);
		goto out_dput;
	}
	inode->i_uid = make_kuid(&init_user_ns, le32_to_cpu(c->uid));
	inode->i_gid = make_kgid(&init_user_ns, le32_to_cpu(c->gid));
	daxl_inode_set_atime(inode, ts);
	daxl_inode_set_mtime(inode, ts);
	daxl_inode_set_ctime(inode, ts);
	famfsl_name_inode(dir, dentry, inode);
	sbi->next_ino = max(sbi->next_ino, ino + 1);
	rc = 0;
out_dput:
	dput(dentry);
out_unlock:
	inode_unlock(dir);
	dput(parent);
	return rc;
}

/* An ALLOC, or an EXTEND read through the same layout. */
static int famfsl_apply_alloc(struct super_block *sb,
			      const struct famfsl_alloc *a)
{
	struct inode *inode = famfsl_iget_live(FAMFSL_SB(sb),
					       le64_to_cpu(a->ino));
	int rc;

	if (WARN_ON_ONCE(!inode))
		return -EUCLEAN;
	rc = famfsl_set_extents(inode, a);
	iput(inode);
	return rc;
}

static int famfsl_apply_setattr(struct super_block *sb,
				const struct famfsl_setattr *s)
{
	struct inode *inode = famfsl_iget_live(FAMFSL_SB(sb),
					       le64_to_cpu(s->ino));

	if (WARN_ON_ONCE(!inode))
		return -EUCLEAN;
	inode_lock(inode);
	famfsl_set_attrs(inode, s);
	inode_unlock(inode);
	iput(inode);
	return 0;
}

/*
 * What vfs_unlink() and vfs_rmdir() do once a name is removed, for one the
 * writer host removed: a directory is dead (no lookups in it), nothing
 * can be mounted on the name, and what this host mounted on it (a bind
 * mount) is detached; the VFS would have refused the removal here, but
 * another host made it.  @dentry's inode is locked.
 */
static void famfsl_name_gone(struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);

	if (S_ISDIR(inode->i_mode)) {
		shrink_dcache_parent(dentry);
		inode->i_flags |= S_DEAD;
	}
	dont_mount(dentry);
	d_invalidate(dentry);
}

/* An UNLINK, as unlink(2) or rmdir(2) (vfs_unlink(), vfs_rmdir()). */
static int famfsl_apply_unlink(struct super_block *sb,
			       const struct famfsl_unlink *u)
{
	struct dentry *dentry, *parent;
	struct inode *inode, *dir;
	int rc = -EUCLEAN;

	dentry = famfsl_ino_dentry(FAMFSL_SB(sb), le64_to_cpu(u->ino));
	if (WARN_ON_ONCE(!dentry))
		return -EUCLEAN;
	inode = d_inode(dentry);
	parent = dget_parent(dentry);
	dir = d_inode(parent);
	if (WARN_ON_ONCE(dir->i_ino != le64_to_cpu(u->parent)))
		goto out;

	inode_lock_nested(dir, I_MUTEX_PARENT);
	inode_lock(inode);
	rc = famfsl_remove_name(dir, dentry, true);
	if (!rc)
		famfsl_name_gone(dentry);
	inode_unlock(inode);
	if (!rc)
		d_delete(dentry);
	inode_unlock(dir);
out:
	dput(parent);
	dput(dentry);
	return rc;
}

/*
 * The renamed inode @inode and the one it replaces, @victim (or NULL),
 * locked as vfs_rename() locks them: a directory moved to another parent
 * (@cross, under lock_rename()'s s_vfs_rename_mutex) is locked as a child
 * first; a non-directory is locked with its victim in address order.
 */
static void famfsl_lock_renamed(struct inode *inode, struct inode *victim,
				bool cross)
{
	if (!S_ISDIR(inode->i_mode)) {
		lock_two_nondirectories(inode, victim);
		return;
	}
	if (cross)
		inode_lock_nested(inode, I_MUTEX_CHILD);
	if (victim)
		inode_lock(victim);
}

static void famfsl_unlock_renamed(struct inode *inode, struct inode *victim,
				  bool cross)
{
	if (!S_ISDIR(inode->i_mode)) {
		unlock_two_nondirectories(inode, victim);
		return;
	}
	if (cross)
		inode_unlock(inode);
	if (victim)
		inode_unlock(victim);
}

/*
 * The part of a RENAME under its directories' locks (vfs_rename()): the
 * new name's dentry, the renamed and the replaced inode locked, the move.
 */
static int famfsl_rename_locked(struct dentry *old_dentry,
				struct dentry *new_parent, const char *name,
				struct dentry *trap)
{
	struct inode *inode = d_inode(old_dentry), *victim;
	struct dentry *target;
	int rc = -EUCLEAN;
	bool cross;

	/* the check refused a directory moved below itself ... */
	if (WARN_ON_ONCE(trap == old_dentry))
		return -EUCLEAN;
	target = famfsl_replay_lookup(new_parent, name);
	if (IS_ERR(target))
		return PTR_ERR(target);
	/* ... and a directory replaced that is not empty */
	if (!WARN_ON_ONCE(target == trap)) {
		victim = d_inode(target);
		cross = old_dentry->d_parent != new_parent;
		famfsl_lock_renamed(inode, victim, cross);
		rc = famfsl_move_name(daxl_nop_idmap,
				      d_inode(old_dentry->d_parent), old_dentry,
				      d_inode(new_parent), target, 0, true);
		/* the replaced name goes as a removed one (vfs_rename()) */
		if (!rc && victim)
			famfsl_name_gone(target);
		if (!rc)
			d_move(old_dentry, target);
		famfsl_unlock_renamed(inode, victim, cross);
	}
	dput(target);
	return rc;
}

/* A RENAME, as rename(2) (do_renameat2()). */
static int famfsl_apply_rename(struct super_block *sb,
			       const struct famfsl_rename *r)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(sb);
	struct dentry *old_dentry, *old_parent = NULL, *new_parent, *trap;
	char name[FAMFSL_NAME_MAX + 1];
	int rc = -EUCLEAN;

	old_dentry = famfsl_ino_dentry(sbi, le64_to_cpu(r->ino));
	new_parent = famfsl_dir_dentry(sbi, le64_to_cpu(r->new_parent));
	if (old_dentry)
		old_parent = dget_parent(old_dentry);
	if (WARN_ON_ONCE(!old_parent || !new_parent ||
			 d_inode(old_parent)->i_ino !=
			 le64_to_cpu(r->old_parent)))
		goto out;
	famfsl_name(name, r->name, r->name_len);

	trap = daxl_compat_lock_rename(new_parent, old_parent);
	if (IS_ERR(trap)) {
		rc = PTR_ERR(trap);
		goto out;
	}
	rc = famfsl_rename_locked(old_dentry, new_parent, name, trap);
	daxl_compat_unlock_rename(new_parent, old_parent);
out:
	dput(old_parent);
	dput(new_parent);
	dput(old_dentry);
	return rc;
}

/*
 * Apply entry @e, which famfsl_replay_check() accepted, to the dcache
 * tree.
 *
 * Return: 0 or -ENOMEM; -EUCLEAN, with a warning, if the entry does not
 * fit after all (a bug).
 */
static int famfsl_replay_apply(struct super_block *sb,
			       const struct famfsl_entry *e)
{
	switch (le32_to_cpu(e->type)) {
	case FAMFSL_CREATE:
		return famfsl_apply_create(sb, &e->create);
	case FAMFSL_ALLOC:
		return famfsl_apply_alloc(sb, &e->alloc);
	case FAMFSL_EXTEND:
		return famfsl_apply_alloc(sb, (const struct famfsl_alloc *)
					  &e->extend);
	case FAMFSL_SETATTR:
		return famfsl_apply_setattr(sb, &e->setattr);
	case FAMFSL_UNLINK:
		return famfsl_apply_unlink(sb, &e->unlink);
	case FAMFSL_RENAME:
		return famfsl_apply_rename(sb, &e->rename);
	}
	WARN_ON_ONCE(1);
	return -EUCLEAN;
}

/* Note an entry that was written but never committed. */
static void famfsl_note_torn_tail(struct famfsl_sb_info *sbi, u64 end)
{
	struct famfsl_entry e;

	if (end >= sbi->capacity ||
	    daxl_region_read(sbi->region, famfsl_slot(sbi, end), &e, sizeof(e)))
		return;
	if (e.type && le64_to_cpu(e.seq) == end)
		pr_notice("%s: ignoring uncommitted log entry %llu (torn tail)\n",
			  sbi->name, end);
}

/**
 * struct famfsl_log_view - the committed entries of a log, as read
 * @gen: the log generation they belong to
 * @area: device offset of its area
 * @next_ino: the area header's lowest inode number never handed out
 * @first: index of @entries[0]
 * @end: the commit point
 * @entries: a copy of entries [@first, @end)
 */
struct famfsl_log_view {
	u64 gen;
	u64 area;
	u64 next_ino;
	u64 first;
	u64 end;
	struct famfsl_entry *entries;
};

static int famfsl_read_gen(struct famfsl_sb_info *sbi, u64 *gen)
{
	__le64 word;

	*gen = 0;
	if (famfsl_v1(sbi))
		return 0;
	daxl_region_invalidate(sbi->region, FAMFSL_GEN_OFFSET, sizeof(word));
	if (daxl_region_read(sbi->region, FAMFSL_GEN_OFFSET, &word,
			     sizeof(word)))
		return -EIO;
	*gen = le64_to_cpu(word);
	return 0;
}

/*
 * Read the log's committed entries this mount has not applied: all of
 * them at mount or when the generation changed, else those after
 * sbi->next_index.  The writer only appends to the area in use, and
 * compacts into the other, so what is read is whole unless the writer
 * compacted twice meanwhile: the log_gen word, read again at the end,
 * then differs, and the caller reads again (-EAGAIN).
 */
static int famfsl_log_read(struct famfsl_sb_info *sbi, bool at_mount,
			   struct famfsl_log_view *v)
{
	u64 again;
	struct famfsl_log_header h;
	const char *why = NULL;
	int rc;

	memset(v, 0, sizeof(*v));
	rc = famfsl_read_gen(sbi, &v->gen);
	if (rc)
		return rc;
	v->area = famfsl_area_offset(&sbi->sb, v->gen);
	daxl_region_invalidate(sbi->region, v->area, sizeof(h));
	if (daxl_region_read(sbi->region, v->area, &h, sizeof(h)))
		return -EIO;
	rc = famfsl_check_log_header(&h, &sbi->sb, v->gen, &why);
	if (rc) {
		pr_err("%s: %s (log generation %llu)\n", sbi->name, why, v->gen);
		return rc;
	}
	v->next_ino = le64_to_cpu(h.next_ino);
	v->end = le64_to_cpu(h.next_index);
	v->first = at_mount || v->gen != sbi->gen ? 0 : sbi->next_index;
	if (v->end < v->first) {
		pr_err("%s: log shrank from %llu to %llu entries\n", sbi->name,
		       v->first, v->end);
		return -EUCLEAN;
	}
	if (v->end > v->first) {
		u64 at = v->area + FAMFSL_LOG_HEADER_SIZE +
			 v->first * FAMFSL_ENTRY_SIZE;
		u64 len = (v->end - v->first) * FAMFSL_ENTRY_SIZE;

		v->entries = kvmalloc_array(v->end - v->first,
					    sizeof(*v->entries), GFP_KERNEL);
		if (!v->entries)
			return -ENOMEM;
		/*
		 * Only now, after the header: a line of an entry fetched
		 * before the header was read could predate its commit.
		 */
		daxl_region_invalidate(sbi->region, at, len);
		if (daxl_region_read(sbi->region, at, v->entries, len))
			return -EIO;
	}
	rc = famfsl_read_gen(sbi, &again);
	if (!rc && again != v->gen)
		rc = -EAGAIN;
	return rc;
}

/*
 * Take one inode out of the dcache tree, as a replayed removal does.  One
 * already out (by an earlier rebuild that failed part way) is skipped, so
 * that a later rebuild can finish the job.
 */
static int famfsl_detach_one(void *arg, const struct famfsl_entry *e)
{
	struct super_block *sb = arg;
	struct inode *inode;
	int rc;

	inode = famfsl_iget_live(FAMFSL_SB(sb), le64_to_cpu(e->unlink.ino));
	if (!inode)
		return 0;
	iput(inode);
	/* the tree's own removals, children first: nothing to check */
	rc = famfsl_replay_apply(sb, e);
	if (rc)
		pr_err("%s: inode %llu cannot leave the tree: %s (%d)\n",
		       FAMFSL_SB(sb)->name, le64_to_cpu(e->unlink.ino),
		       "cannot be applied", rc);
	return rc;
}

/*
 * Index the inodes that are out of the tree but still in use at keys of
 * their own past FAMFSL_INO_DETACHED (a number may come back in the new
 * tree, and go again at a later rebuild while its older inode is still
 * open), so that the new tree's inodes can take the numbers.  A reference
 * keeps each from being evicted (and so from leaving the index) while it
 * moves.
 */
static int famfsl_detach_inodes(struct famfsl_sb_info *sbi)
{
	unsigned long ino = FAMFSL_ROOT_INO + 1;
	struct inode *inode, *found;
	int rc;

	for (;;) {
		rcu_read_lock();
		found = xa_find(&sbi->inodes, &ino, FAMFSL_INO_MAX, XA_PRESENT);
		inode = found ? igrab(found) : NULL;
		rcu_read_unlock();
		if (!found)
			return 0;
		if (!inode) {
			/* being evicted: it leaves the index itself */
			while (xa_load(&sbi->inodes, ino) == found)
				schedule_timeout_idle(HZ / 100);
			continue;
		}
		rc = xa_err(xa_store(&sbi->inodes, FAMFSL_INO_DETACHED +
				     (sbi->detached_seq++ &
				      (FAMFSL_INO_DETACHED - 1)),
				     inode, GFP_KERNEL));
		if (!rc)
			xa_cmpxchg(&sbi->inodes, ino, inode, NULL, GFP_KERNEL);
		iput(inode);
		if (rc)
			return rc;
		ino++;
	}
}

/*
 * Another host compacted the log: take every inode out of the tree, as if
 * the log had removed it (files still open here stay readable until
 * closed, their space held), so that the new log can be replayed from its
 * start.  The root stays, with the attributes mkfs gave it.
 */
static int famfsl_log_detach_tree(struct super_block *sb)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(sb);
	struct inode *root = d_inode(sb->s_root);
	struct timespec64 t = { .tv_sec = le64_to_cpu(sbi->sb.mkfs_time) };
	int rc;

	rc = famfsl_tree_removals(sbi, famfsl_detach_one, sb);
	if (!rc)
		rc = famfsl_detach_inodes(sbi);
	if (rc)
		return rc;
	famfsl_tree_destroy(sbi);
	inode_lock(root);
	root->i_mode = S_IFDIR | 0755;
	root->i_uid = GLOBAL_ROOT_UID;
	root->i_gid = GLOBAL_ROOT_GID;
	daxl_inode_set_atime(root, t);
	daxl_inode_set_mtime(root, t);
	daxl_inode_set_ctime(root, t);
	inode_unlock(root);
	sbi->next_index = 0;
	return 0;
}

/* Check entry @i of @v on its own. */
static int famfsl_check_one(struct famfsl_sb_info *sbi,
			    struct famfsl_log_view *v, u64 i)
{
	const char *why = NULL;
	int rc = famfsl_check_entry(&v->entries[i - v->first], i, &sbi->sb,
				    &why);

	if (rc)
		pr_err("%s: log entry %llu: %s (%d)\n", sbi->name, i, why, rc);
	return rc;
}

/*
 * Check entry @i of @v against the tree, then apply it to the dcache tree
 * and to the log's view.
 */
static int famfsl_replay_one(struct super_block *sb, struct famfsl_log_view *v,
			     u64 i)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(sb);
	const struct famfsl_entry *e = &v->entries[i - v->first];
	struct famfsl_node *node;
	const char *why = NULL;
	int rc;

	rc = famfsl_replay_check(sbi, e, &why);
	if (rc) {
		pr_err("%s: log entry %llu: %s (%d)\n", sbi->name, i, why, rc);
		return rc;
	}
	node = famfsl_tree_prepare(sbi, e);
	if (IS_ERR(node)) {
		rc = PTR_ERR(node);
		goto out_err;
	}
	rc = famfsl_replay_apply(sb, e);
	if (rc)
		goto out_unprepare;
	/* cannot fail but for a bug: the entry was checked against the tree */
	rc = famfsl_tree_apply(sbi, e, node);
	if (rc) {
		famfsl_tree_broken(sbi, i);
		goto out_unprepare;
	}
	return 0;

out_unprepare:
	famfsl_tree_unprepare(sbi, e, node);
out_err:
	pr_err("%s: log entry %llu: cannot be applied (%d)\n", sbi->name, i, rc);
	return rc;
}

/**
 * famfsl_log_replay() - apply the committed entries not applied yet
 * @sb: the super block; at mount its root exists and the tree is empty
 * @at_mount: true at mount, false at remount
 *
 * Reads the log_gen word and the log area it names afresh (dropping
 * cached copies first, for memory another host writes), checks the
 * area's header and every new entry, and applies them in order.  If the
 * generation changed since the last replay (another host compacted the
 * log), the tree is taken apart first and the new log replayed from its
 * start.  Stops at the first bad entry, naming it in the kernel log.
 *
 * Context: no local writer may exist (mount, or a read-only remount).
 * Return: 0, -EIO, -ENOMEM, -EBUSY if the log kept changing while it was
 * read, or the -EINVAL / -EUCLEAN of the failed check.
 */
int famfsl_log_replay(struct super_block *sb, bool at_mount)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(sb);
	struct famfsl_log_view v;
	int tries = 0, rc;
	bool rebuild;
	u64 i;

	for (;;) {
		rc = famfsl_log_read(sbi, at_mount, &v);
		if (rc != -EAGAIN)
			break;
		kvfree(v.entries);
		if (++tries == 10) {
			pr_err("%s: the log was compacted again and again while it was read; try again\n",
			       sbi->name);
			return -EBUSY;
		}
	}
	if (rc)
		goto out;
	rebuild = !at_mount && v.gen != sbi->gen;
	for (i = v.first; rebuild && i < v.end; i++) {
		/* a corrupt new log must leave the tree as it is */
		rc = famfsl_check_one(sbi, &v, i);
		if (rc)
			goto out;
	}
	if (rebuild) {
		pr_info("%s: the log was compacted (generation %llu to %llu); replaying it from its start\n",
			sbi->name, sbi->gen, v.gen);
		rc = famfsl_log_detach_tree(sb);
		if (rc)
			goto out;
	}
	sbi->gen = v.gen;
	sbi->area = v.area;
	sbi->next_ino = max(sbi->next_ino, v.next_ino);
	for (i = v.first; i < v.end; i++) {
		rc = famfsl_check_one(sbi, &v, i);
		if (!rc)
			rc = famfsl_replay_one(sb, &v, i);
		if (rc)
			break;
		sbi->next_index = i + 1;
	}
	if (!rc) {
		famfsl_note_torn_tail(sbi, v.end);
		if (!at_mount && v.end > v.first)
			pr_info("%s: remount applied log entries %llu to %llu\n",
				sbi->name, v.first, v.end - 1);
	}
out:
	kvfree(v.entries);
	return rc;
}
