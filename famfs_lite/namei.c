// SPDX-License-Identifier: GPL-2.0-only
/*
 * Inodes and the namespace: directories live in the dcache, as on ramfs,
 * and every change is logged before it is made visible.  Names are at most
 * FAMFSL_NAME_MAX bytes; hard links, symlinks and device nodes are not
 * supported.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/slab.h>

#include "famfs_lite.h"

/**
 * famfsl_new_inode() - a new in-memory inode, registered by number
 * @sb: the super block
 * @ino: its number
 * @mode: S_IFREG or S_IFDIR and permissions
 *
 * Return: the inode or an ERR_PTR.
 */
struct inode *famfsl_new_inode(struct super_block *sb, u64 ino, umode_t mode)
{
	struct inode *inode = new_inode(sb);
	struct timespec64 now;
	int rc;

	if (!inode)
		return ERR_PTR(-ENOMEM);
	inode->i_ino = ino;
	inode->i_mode = mode;
	now = current_time(inode);
	daxl_inode_set_atime(inode, now);
	daxl_inode_set_mtime(inode, now);
	daxl_inode_set_ctime(inode, now);
	if (S_ISDIR(mode)) {
		inode->i_op = &famfsl_dir_inode_ops;
		inode->i_fop = &simple_dir_operations;
		inc_nlink(inode);
	} else {
		inode->i_op = &famfsl_file_inode_ops;
		inode->i_fop = &famfsl_file_ops;
		inode->i_mapping->a_ops = &famfsl_dax_aops;
		inode->i_flags |= S_DAX;
	}
	rc = xa_err(xa_store(&FAMFSL_SB(sb)->inodes, ino, inode, GFP_KERNEL));
	if (rc) {
		iput(inode);
		return ERR_PTR(rc);
	}
	return inode;
}

static void famfsl_copy_name(char *dst, __le16 *len, const struct qstr *name)
{
	memcpy(dst, name->name, name->len);
	*len = cpu_to_le16(name->len);
}

static struct dentry *famfsl_lookup(struct inode *dir, struct dentry *dentry,
				    unsigned int flags)
{
	if (dentry->d_name.len > FAMFSL_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	return simple_lookup(dir, dentry, flags);
}

/**
 * famfsl_name_inode() - give a new inode its name
 * @dir: the directory, locked
 * @dentry: the name: a hashed negative dentry
 * @inode: the new inode, whose mtime is its creation's time
 *
 * What create and mkdir do once the CREATE is logged, and what the
 * replay of a CREATE does: the directory counts a new subdirectory and
 * takes the creation's time, and the dentry pins the inode, as on ramfs.
 */
void famfsl_name_inode(struct inode *dir, struct dentry *dentry,
		       struct inode *inode)
{
	if (S_ISDIR(inode->i_mode))
		inc_nlink(dir);
	daxl_inode_set_mtime(dir, daxl_inode_mtime(inode));
	daxl_inode_set_ctime(dir, daxl_inode_mtime(inode));
	daxl_compat_d_pin(dentry, inode);
}

/**
 * famfsl_remove_name() - take a name out of its directory
 * @dir: the directory, locked
 * @dentry: the name; its inode is locked
 * @by_log: the removal is replayed (another host made it): the log gives
 *	a file's space back while this host may still use it
 *
 * What unlink and rmdir do once the UNLINK is logged, and what the replay
 * of an UNLINK does.  A file's space is freed when its last user goes
 * (famfsl_file_removed()).
 *
 * Return: 0, or -ENOTEMPTY for a directory that is not empty.
 */
int famfsl_remove_name(struct inode *dir, struct dentry *dentry, bool by_log)
{
	struct inode *inode = d_inode(dentry);
	int rc;

	if (S_ISDIR(inode->i_mode))
		return simple_rmdir(dir, dentry);
	rc = simple_unlink(dir, dentry);
	if (!rc)
		famfsl_file_removed(inode, by_log);
	return rc;
}

/**
 * famfsl_move_name() - move a name, replacing what the new name held
 * @idmap: the mount's idmapping
 * @old_dir: the directory of @old_dentry
 * @old_dentry: the name to move
 * @new_dir: the directory of @new_dentry
 * @new_dentry: the new name, negative or holding the inode it replaces
 * @flags: 0 or RENAME_NOREPLACE
 * @by_log: the rename is replayed (another host made it), see
 *	famfsl_remove_name()
 *
 * What rename does once the RENAME is logged, and what the replay of a
 * RENAME does, with the directories (and the inodes) locked as
 * vfs_rename() locks them.  A replaced file is removed as by unlink.
 * The caller moves the dentry (d_move()), as vfs_rename() does.
 *
 * Return: 0 or the error of simple_rename().
 */
int famfsl_move_name(struct daxl_idmap *idmap,
		     struct inode *old_dir, struct dentry *old_dentry,
		     struct inode *new_dir, struct dentry *new_dentry,
		     unsigned int flags, bool by_log)
{
	struct inode *victim = d_inode(new_dentry);
	int rc;

	rc = simple_rename(idmap, old_dir, old_dentry, new_dir, new_dentry,
			   flags);
	if (!rc && victim && S_ISREG(victim->i_mode))
		famfsl_file_removed(victim, by_log);
	return rc;
}

/**
 * famfsl_get_attrs() - an inode's attributes as a SETATTR says them
 * @inode: the inode
 * @valid: the FAMFSL_ATTR_* the entry says
 * @s: receives the entry's fields but its inode number
 */
void famfsl_get_attrs(struct inode *inode, u32 valid,
		      struct famfsl_setattr *s)
{
	s->valid = cpu_to_le32(valid);
	s->mode = cpu_to_le32(inode->i_mode & 07777);
	s->uid = cpu_to_le32(from_kuid(&init_user_ns, inode->i_uid));
	s->gid = cpu_to_le32(from_kgid(&init_user_ns, inode->i_gid));
	famfsl_time_to_disk(&s->atime, daxl_inode_atime(inode));
	famfsl_time_to_disk(&s->mtime, daxl_inode_mtime(inode));
	famfsl_time_to_disk(&s->ctime, daxl_inode_ctime(inode));
}

/**
 * famfsl_set_attrs() - give an inode the attributes a SETATTR says
 * @inode: the inode, locked
 * @s: the entry; only the attributes its valid names are set
 *
 * The replay of a SETATTR, and the undoing of a change that could not be
 * logged (with what famfsl_get_attrs() saved).
 */
void famfsl_set_attrs(struct inode *inode, const struct famfsl_setattr *s)
{
	u32 valid = le32_to_cpu(s->valid);

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
}

/* create and mkdir: log a CREATE entry, then make the inode visible. */
static int famfsl_mknod(struct daxl_idmap *idmap, struct inode *dir,
			struct dentry *dentry, umode_t mode)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(dir->i_sb);
	struct famfsl_entry *e;
	struct inode *inode;
	int rc;

	if (dentry->d_name.len > FAMFSL_NAME_MAX)
		return -ENAMETOOLONG;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;

	mutex_lock(&sbi->log_lock);
	if (sbi->next_ino > FAMFSL_INO_MAX) {
		pr_warn_ratelimited("%s: inode numbers are used up\n", sbi->name);
		rc = -ENOSPC;
		goto out_unlock;
	}
	inode = famfsl_new_inode(dir->i_sb, sbi->next_ino, mode);
	if (IS_ERR(inode)) {
		rc = PTR_ERR(inode);
		goto out_unlock;
	}
	inode_init_owner(idmap, inode, dir, mode);

	e->type = cpu_to_le32(FAMFSL_CREATE);
	e->create.ino = cpu_to_le64(inode->i_ino);
	e->create.parent = cpu_to_le64(dir->i_ino);
	e->create.mode = cpu_to_le32(inode->i_mode);
	e->create.uid = cpu_to_le32(from_kuid(&init_user_ns, inode->i_uid));
	e->create.gid = cpu_to_le32(from_kgid(&init_user_ns, inode->i_gid));
	famfsl_time_to_disk(&e->create.time, daxl_inode_mtime(inode));
	famfsl_copy_name(e->create.name, &e->create.name_len, &dentry->d_name);
	rc = famfsl_log_append(sbi, e);
	if (rc) {
		clear_nlink(inode);
		iput(inode);
		goto out_unlock;
	}
	sbi->next_ino++;
	mutex_unlock(&sbi->log_lock);

	famfsl_name_inode(dir, dentry, inode);
	kfree(e);
	return 0;

out_unlock:
	mutex_unlock(&sbi->log_lock);
	kfree(e);
	return rc;
}

static int famfsl_create(DAXL_COMPAT_CREATE_ARGS)
{
	return famfsl_mknod(idmap, dir, dentry, (mode & 07777) | S_IFREG);
}

static DAXL_COMPAT_MKDIR_RET famfsl_mkdir(struct daxl_idmap *idmap,
					  struct inode *dir,
					  struct dentry *dentry, umode_t mode)
{
	return daxl_compat_mkdir_ret(famfsl_mknod(idmap, dir, dentry,
						  (mode & 07777) | S_IFDIR));
}

/* Log that @dentry's inode leaves @dir. */
static int famfsl_log_unlink(struct inode *dir, struct dentry *dentry)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(dir->i_sb);
	struct famfsl_entry e = {
		.type = cpu_to_le32(FAMFSL_UNLINK),
		.unlink.ino = cpu_to_le64(d_inode(dentry)->i_ino),
		.unlink.parent = cpu_to_le64(dir->i_ino),
	};
	int rc;

	mutex_lock(&sbi->log_lock);
	rc = famfsl_log_append(sbi, &e);
	mutex_unlock(&sbi->log_lock);
	return rc;
}

/* The file's space is freed when its last user goes (see file.c). */
static int famfsl_unlink(struct inode *dir, struct dentry *dentry)
{
	int rc = famfsl_log_unlink(dir, dentry);

	return rc ? rc : famfsl_remove_name(dir, dentry, false);
}

static int famfsl_rmdir(struct inode *dir, struct dentry *dentry)
{
	int rc;

	if (!simple_empty(dentry))
		return -ENOTEMPTY;
	rc = famfsl_log_unlink(dir, dentry);
	return rc ? rc : famfsl_remove_name(dir, dentry, false);
}

static int famfsl_rename(struct daxl_idmap *idmap,
			 struct inode *old_dir, struct dentry *old_dentry,
			 struct inode *new_dir, struct dentry *new_dentry,
			 unsigned int flags)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(old_dir->i_sb);
	struct inode *victim = d_inode(new_dentry);
	struct famfsl_entry *e;
	int rc;

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	if (new_dentry->d_name.len > FAMFSL_NAME_MAX)
		return -ENAMETOOLONG;
	if (victim && S_ISDIR(victim->i_mode) && !simple_empty(new_dentry))
		return -ENOTEMPTY;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;

	e->type = cpu_to_le32(FAMFSL_RENAME);
	e->rename.ino = cpu_to_le64(d_inode(old_dentry)->i_ino);
	e->rename.old_parent = cpu_to_le64(old_dir->i_ino);
	e->rename.new_parent = cpu_to_le64(new_dir->i_ino);
	e->rename.replaced = cpu_to_le64(victim ? victim->i_ino : 0);
	famfsl_copy_name(e->rename.name, &e->rename.name_len,
			 &new_dentry->d_name);
	mutex_lock(&sbi->log_lock);
	rc = famfsl_log_append(sbi, e);
	mutex_unlock(&sbi->log_lock);
	kfree(e);
	if (rc)
		return rc;
	return famfsl_move_name(idmap, old_dir, old_dentry, new_dir,
				new_dentry, flags, false);
}

/* Log the attributes @ia_valid names, with the inode's (new) values. */
static int famfsl_log_setattr(struct inode *inode, unsigned int ia)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	struct famfsl_entry e = {
		.type = cpu_to_le32(FAMFSL_SETATTR),
		.setattr.ino = cpu_to_le64(inode->i_ino),
	};
	u32 valid = 0;
	int rc;

	if (ia & ATTR_MODE)
		valid |= FAMFSL_ATTR_MODE;
	if (ia & ATTR_UID)
		valid |= FAMFSL_ATTR_UID;
	if (ia & ATTR_GID)
		valid |= FAMFSL_ATTR_GID;
	if (ia & ATTR_ATIME)
		valid |= FAMFSL_ATTR_ATIME;
	if (ia & ATTR_MTIME)
		valid |= FAMFSL_ATTR_MTIME;
	if (ia & ATTR_CTIME)
		valid |= FAMFSL_ATTR_CTIME;
	if (!valid)
		return 0;
	famfsl_get_attrs(inode, valid, &e.setattr);

	mutex_lock(&sbi->log_lock);
	rc = famfsl_log_append(sbi, &e);
	mutex_unlock(&sbi->log_lock);
	return rc;
}

/**
 * famfsl_change_attrs() - apply and log mode, owner and time changes
 * @idmap: the mount's idmapping
 * @inode: the inode, locked
 * @attr: the changes, already checked by setattr_prepare(); a size
 *	change is the caller's
 *
 * The inode is changed only if the change could be logged.  Nothing is
 * logged for an inode that was removed but is still open: the log no
 * longer knows it.
 *
 * Return: 0 or the error of the log append.
 */
int famfsl_change_attrs(struct daxl_idmap *idmap, struct inode *inode,
			struct iattr *attr)
{
	struct famfsl_setattr was;
	int rc = 0;

	famfsl_get_attrs(inode, FAMFSL_ATTR_ALL, &was);
	setattr_copy(idmap, inode, attr);
	if (inode->i_nlink)
		rc = famfsl_log_setattr(inode, attr->ia_valid);
	if (rc)
		famfsl_set_attrs(inode, &was);
	return rc;
}

/* chmod, chown, utimes on a directory; files have their own (file.c). */
static int famfsl_dir_setattr(struct daxl_idmap *idmap,
			      struct dentry *dentry, struct iattr *attr)
{
	int rc = setattr_prepare(idmap, dentry, attr);

	if (rc)
		return rc;
	if (attr->ia_valid & ATTR_SIZE)
		return -EISDIR;
	return famfsl_change_attrs(idmap, d_inode(dentry), attr);
}

const struct inode_operations famfsl_dir_inode_ops = {
	.create		= famfsl_create,
	.lookup		= famfsl_lookup,
	.mkdir		= famfsl_mkdir,
	.rmdir		= famfsl_rmdir,
	.unlink		= famfsl_unlink,
	.rename		= famfsl_rename,
	.setattr	= famfsl_dir_setattr,
};
