// SPDX-License-Identifier: GPL-2.0-only
/*
 * The metadata log: appending entries, and replaying them into the
 * in-memory tree at mount and at remount.
 *
 * Appends are serialized by sbi->log_lock, taken inside the VFS's inode
 * locks.  Replay runs only where no local writer can exist: at mount,
 * before the tree is visible, and at remount of a read-only mount.  So it
 * takes the directory locks as the VFS would, but not log_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/namei.h>
#include <linux/slab.h>

#include "famfs_lite.h"

static u64 famfsl_log_offset(struct famfsl_sb_info *sbi)
{
	return le64_to_cpu(sbi->sb.log_offset);
}

static u64 famfsl_slot(struct famfsl_sb_info *sbi, u64 index)
{
	return famfsl_log_offset(sbi) + FAMFSL_LOG_HEADER_SIZE +
	       index * FAMFSL_ENTRY_SIZE;
}

void famfsl_time_to_disk(struct famfsl_time *t, struct timespec64 ts)
{
	t->sec = cpu_to_le64(ts.tv_sec);
	t->nsec = cpu_to_le32(ts.tv_nsec);
	t->pad = 0;
}

static struct timespec64 famfsl_time_from_disk(const struct famfsl_time *t)
{
	return (struct timespec64){
		.tv_sec = le64_to_cpu(t->sec),
		.tv_nsec = le32_to_cpu(t->nsec) % NSEC_PER_SEC,
	};
}

/**
 * famfsl_log_append() - write one entry and commit it
 * @sbi: the file system
 * @e: the entry; its seq and crc are filled in here
 *
 * The entry is written and flushed first, then the header's next_index
 * is advanced past it with one 8-byte store and flushed: that store is
 * the commit.
 *
 * Context: the caller holds sbi->log_lock.
 * Return: 0, -ENOSPC when the log is full, -EIO.
 */
int famfsl_log_append(struct famfsl_sb_info *sbi, struct famfsl_entry *e)
{
	__le64 next;

	lockdep_assert_held(&sbi->log_lock);
	if (READ_ONCE(sbi->shutdown))
		return -EIO;
	if (sbi->next_index >= sbi->capacity) {
		if (!sbi->log_full_warned)
			pr_warn("%s: log full (%llu entries); metadata changes fail with ENOSPC\n",
				sbi->name, sbi->capacity);
		sbi->log_full_warned = true;
		return -ENOSPC;
	}

	e->seq = cpu_to_le64(sbi->next_index);
	famfsl_entry_set_crc(e);
	if (daxl_region_write(sbi->region, famfsl_slot(sbi, sbi->next_index),
			      e, sizeof(*e)))
		return -EIO;
	daxl_region_flush(sbi->region);

	next = cpu_to_le64(sbi->next_index + 1);
	if (daxl_region_write(sbi->region, famfsl_log_offset(sbi) +
			      offsetof(struct famfsl_log_header, next_index),
			      &next, sizeof(next)))
		return -EIO;
	daxl_region_flush(sbi->region);
	sbi->next_index++;
	return 0;
}

/*
 * Replay.  Each apply function checks that the entry fits the tree built
 * so far; on a mismatch it sets *why and returns -EUCLEAN.
 */

#define MISMATCH(msg) ({ *why = (msg); -EUCLEAN; })

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

/* The entry's name as a NUL-terminated string in @buf. */
static void famfsl_name(char *buf, const char *name, __le16 len)
{
	memcpy(buf, name, le16_to_cpu(len));
	buf[le16_to_cpu(len)] = '\0';
}

static int famfsl_apply_create(struct super_block *sb,
			       const struct famfsl_create *c, const char **why)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(sb);
	u64 ino = le64_to_cpu(c->ino);
	umode_t mode = le32_to_cpu(c->mode);
	char name[FAMFSL_NAME_MAX + 1];
	struct dentry *parent, *dentry;
	struct inode *dir, *inode;
	struct timespec64 ts;
	struct qstr qname;
	int rc = 0;

	if (xa_load(&sbi->inodes, ino))
		return MISMATCH("create of an inode number in use");
	dir = famfsl_iget_dir(sbi, le64_to_cpu(c->parent));
	if (!dir)
		return MISMATCH("create in a directory that does not exist");
	parent = d_find_alias(dir);
	famfsl_name(name, c->name, c->name_len);

	inode_lock_nested(dir, I_MUTEX_PARENT);
	qname = (struct qstr)QSTR_INIT(name, strlen(name));
	dentry = daxl_compat_dcache_lookup(parent, &qname);
	if (IS_ERR(dentry)) {
		rc = MISMATCH("name cannot be looked up");
		goto out_unlock;
	}
	if (dentry && d_really_is_positive(dentry)) {
		rc = MISMATCH("create of a name that exists");
		goto out_dput;
	}
	inode = famfsl_new_inode(sb, ino, mode);
	if (IS_ERR(inode)) {
		rc = PTR_ERR(inode);
		goto out_dput;
	}
	inode->i_uid = make_kuid(&init_user_ns, le32_to_cpu(c->uid));
	inode->i_gid = make_kgid(&init_user_ns, le32_to_cpu(c->gid));
	ts = famfsl_time_from_disk(&c->time);
	daxl_inode_set_atime(inode, ts);
	daxl_inode_set_mtime(inode, ts);
	daxl_inode_set_ctime(inode, ts);
	if (S_ISDIR(mode))
		inc_nlink(dir);
	daxl_inode_set_mtime(dir, ts);
	daxl_inode_set_ctime(dir, ts);

	/* The dentry's reference pins it, as on ramfs. */
	if (dentry) {
		daxl_compat_d_pin(dentry, inode);
		dput(dentry);
	} else {
		dentry = d_alloc_name(parent, name);
		if (!dentry) {
			iput(inode);
			rc = -ENOMEM;
			goto out_unlock;
		}
		daxl_compat_d_add_pinned(dentry, inode);
	}
	dentry = NULL;
	sbi->next_ino = max(sbi->next_ino, ino + 1);
out_dput:
	dput(dentry);
out_unlock:
	inode_unlock(dir);
	dput(parent);
	iput(dir);
	return rc;
}

/* An ALLOC, or an EXTEND (@extend) read through the same layout. */
static int famfsl_apply_alloc(struct super_block *sb,
			      const struct famfsl_alloc *a, bool extend,
			      const char **why)
{
	struct inode *inode = famfsl_iget_live(FAMFSL_SB(sb),
					       le64_to_cpu(a->ino));
	int rc;

	if (!inode)
		return MISMATCH("allocation for an inode that does not exist");
	if (!S_ISREG(inode->i_mode))
		rc = MISMATCH("allocation for a directory");
	else
		rc = famfsl_set_extents(inode, a, extend, why);
	iput(inode);
	return rc;
}

static int famfsl_apply_setattr(struct super_block *sb,
				const struct famfsl_setattr *s,
				const char **why)
{
	struct inode *inode = famfsl_iget_live(FAMFSL_SB(sb),
					       le64_to_cpu(s->ino));
	u32 valid = le32_to_cpu(s->valid);

	if (!inode)
		return MISMATCH("attributes for an inode that does not exist");
	inode_lock(inode);
	if (valid & FAMFSL_ATTR_MODE)
		inode->i_mode = (inode->i_mode & S_IFMT) |
				(le32_to_cpu(s->mode) & 07777);
	if (valid & FAMFSL_ATTR_UID)
		inode->i_uid = make_kuid(&init_user_ns, le32_to_cpu(s->uid));
	if (valid & FAMFSL_ATTR_GID)
		inode->i_gid = make_kgid(&init_user_ns, le32_to_cpu(s->gid));
	if (valid & FAMFSL_ATTR_ATIME)
		daxl_inode_set_atime(inode, famfsl_time_from_disk(&s->atime));
	if (valid & FAMFSL_ATTR_MTIME)
		daxl_inode_set_mtime(inode, famfsl_time_from_disk(&s->mtime));
	if (valid & FAMFSL_ATTR_CTIME)
		daxl_inode_set_ctime(inode, famfsl_time_from_disk(&s->ctime));
	inode_unlock(inode);
	iput(inode);
	return 0;
}

static int famfsl_apply_unlink(struct super_block *sb,
			       const struct famfsl_unlink *u, const char **why)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(sb);
	struct inode *inode, *dir;
	struct dentry *dentry;
	int rc = 0;

	inode = famfsl_iget_live(sbi, le64_to_cpu(u->ino));
	if (!inode)
		return MISMATCH("unlink of an inode that does not exist");
	dir = famfsl_iget_dir(sbi, le64_to_cpu(u->parent));
	dentry = d_find_alias(inode);
	if (!dir || !dentry || d_inode(dentry->d_parent) != dir) {
		rc = MISMATCH("unlink from a directory that does not hold the inode");
		goto out;
	}

	inode_lock_nested(dir, I_MUTEX_PARENT);
	inode_lock(inode);
	if (S_ISDIR(inode->i_mode)) {
		if (simple_rmdir(dir, dentry))
			rc = MISMATCH("removal of a directory that is not empty");
	} else {
		simple_unlink(dir, dentry);
	}
	inode_unlock(inode);
	if (!rc)
		d_delete(dentry);
	inode_unlock(dir);
	/* The log says the space is free; this host may still use it. */
	if (!rc && S_ISREG(inode->i_mode))
		famfsl_file_removed(inode, true);
out:
	dput(dentry);
	if (dir)
		iput(dir);
	iput(inode);
	return rc;
}

/* Is @dentry @ancestor or below it? */
static bool famfsl_is_below(struct dentry *dentry, struct dentry *ancestor)
{
	for (;;) {
		if (dentry == ancestor)
			return true;
		if (IS_ROOT(dentry))
			return false;
		dentry = dentry->d_parent;
	}
}

static int famfsl_apply_rename(struct super_block *sb,
			       const struct famfsl_rename *r, const char **why)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(sb);
	struct dentry *old_dentry = NULL, *old_parent = NULL;
	struct dentry *new_parent = NULL, *target = NULL;
	struct inode *inode, *old_dir, *new_dir, *victim = NULL;
	u64 replaced = le64_to_cpu(r->replaced);
	char name[FAMFSL_NAME_MAX + 1];
	struct qstr qname;
	int rc = 0;

	inode = famfsl_iget_live(sbi, le64_to_cpu(r->ino));
	old_dir = famfsl_iget_dir(sbi, le64_to_cpu(r->old_parent));
	new_dir = famfsl_iget_dir(sbi, le64_to_cpu(r->new_parent));
	if (!inode || !old_dir || !new_dir) {
		rc = MISMATCH("rename names an inode or directory that does not exist");
		goto out;
	}
	old_dentry = d_find_alias(inode);
	old_parent = d_find_alias(old_dir);
	new_parent = d_find_alias(new_dir);
	if (!old_dentry || d_inode(old_dentry->d_parent) != old_dir) {
		rc = MISMATCH("rename from a directory that does not hold the inode");
		goto out;
	}
	if (S_ISDIR(inode->i_mode) && famfsl_is_below(new_parent, old_dentry)) {
		rc = MISMATCH("rename of a directory into itself");
		goto out;
	}
	famfsl_name(name, r->name, r->name_len);

	daxl_compat_lock_rename(new_parent, old_parent);
	qname = (struct qstr)QSTR_INIT(name, strlen(name));
	target = daxl_compat_dcache_lookup(new_parent, &qname);
	if (IS_ERR(target)) {
		rc = MISMATCH("name cannot be looked up");
		target = NULL;
		goto out_unlock;
	}
	if (target && d_really_is_positive(target))
		victim = d_inode(target);
	/* @replaced names the name's holder, or is 0 if the name is free. */
	if ((victim ? victim->i_ino : 0) != replaced || victim == inode) {
		rc = MISMATCH("rename target does not match the replaced inode");
		goto out_unlock;
	}
	if (victim && (S_ISDIR(victim->i_mode) != S_ISDIR(inode->i_mode) ||
		       !simple_empty(target))) {
		rc = MISMATCH("rename over a non-empty directory or an inode of another type");
		goto out_unlock;
	}
	if (!target) {
		target = d_alloc_name(new_parent, name);
		if (!target) {
			rc = -ENOMEM;
			goto out_unlock;
		}
		d_add(target, NULL);
	}
	if (victim)
		ihold(victim);
	simple_rename(daxl_nop_idmap, old_dir, old_dentry, new_dir, target, 0);
	d_move(old_dentry, target);
out_unlock:
	daxl_compat_unlock_rename(new_parent, old_parent);
	if (victim && !rc) {
		if (S_ISREG(victim->i_mode))
			famfsl_file_removed(victim, true);
		iput(victim);
	}
out:
	dput(target);
	dput(new_parent);
	dput(old_parent);
	dput(old_dentry);
	if (new_dir)
		iput(new_dir);
	if (old_dir)
		iput(old_dir);
	if (inode)
		iput(inode);
	return rc;
}

static int famfsl_apply(struct super_block *sb, const struct famfsl_entry *e,
			const char **why)
{
	switch (le32_to_cpu(e->type)) {
	case FAMFSL_CREATE:
		return famfsl_apply_create(sb, &e->create, why);
	case FAMFSL_ALLOC:
		return famfsl_apply_alloc(sb, &e->alloc, false, why);
	case FAMFSL_EXTEND:
		return famfsl_apply_alloc(sb, (const struct famfsl_alloc *)
					  &e->extend, true, why);
	case FAMFSL_SETATTR:
		return famfsl_apply_setattr(sb, &e->setattr, why);
	case FAMFSL_UNLINK:
		return famfsl_apply_unlink(sb, &e->unlink, why);
	case FAMFSL_RENAME:
		return famfsl_apply_rename(sb, &e->rename, why);
	}
	return MISMATCH("unknown entry type");
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
 * famfsl_log_replay() - apply the committed entries not applied yet
 * @sb: the super block; at mount its root exists and the tree is empty
 * @at_mount: true at mount, false at remount
 *
 * Reads the log header afresh (dropping cached copies first, for memory
 * another host writes), checks it and every new entry, and applies them
 * in order.  Stops at the first bad entry, naming it in the kernel log.
 *
 * Context: no local writer may exist (mount, or a read-only remount).
 * Return: 0, -EIO, or the -EINVAL / -EUCLEAN of the failed check.
 */
int famfsl_log_replay(struct super_block *sb, bool at_mount)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(sb);
	u64 log_len = le64_to_cpu(sbi->sb.log_len);
	struct famfsl_log_header h;
	struct famfsl_entry *e;
	const char *why = NULL;
	u64 i, end, first = sbi->next_index;
	int rc;

	daxl_region_invalidate(sbi->region, famfsl_log_offset(sbi), log_len);
	if (daxl_region_read(sbi->region, famfsl_log_offset(sbi), &h, sizeof(h)))
		return -EIO;
	rc = famfsl_check_log_header(&h, &sbi->sb, &why);
	if (rc) {
		pr_err("%s: %s\n", sbi->name, why);
		return rc;
	}
	end = le64_to_cpu(h.next_index);
	if (end < sbi->next_index) {
		pr_err("%s: log shrank from %llu to %llu entries\n", sbi->name,
		       sbi->next_index, end);
		return -EUCLEAN;
	}

	e = kmalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	for (i = sbi->next_index; i < end; i++) {
		why = NULL;
		rc = daxl_region_read(sbi->region, famfsl_slot(sbi, i), e,
				      sizeof(*e)) ? -EIO : 0;
		if (!rc)
			rc = famfsl_check_entry(e, i, &sbi->sb, &why);
		if (!rc)
			rc = famfsl_apply(sb, e, &why);
		if (rc) {
			pr_err("%s: log entry %llu: %s (%d)\n", sbi->name, i,
			       why ? why : "cannot be applied", rc);
			break;
		}
		sbi->next_index = i + 1;
	}
	kfree(e);
	if (!rc) {
		famfsl_note_torn_tail(sbi, end);
		if (!at_mount && end > first)
			pr_info("%s: remount applied log entries %llu to %llu\n",
				sbi->name, first, end - 1);
	}
	return rc;
}
