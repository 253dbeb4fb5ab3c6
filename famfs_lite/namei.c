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

	if (S_ISDIR(mode))
		inc_nlink(dir);
	daxl_inode_set_mtime(dir, daxl_inode_mtime(inode));
	daxl_inode_set_ctime(dir, daxl_inode_mtime(inode));
	daxl_compat_d_pin(dentry, inode);	/* as ramfs does */
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
	struct inode *inode = d_inode(dentry);
	int rc = famfsl_log_unlink(dir, dentry);

	if (rc)
		return rc;
	simple_unlink(dir, dentry);
	famfsl_file_removed(inode, false);
	return 0;
}

static int famfsl_rmdir(struct inode *dir, struct dentry *dentry)
{
	int rc;

	if (!simple_empty(dentry))
		return -ENOTEMPTY;
	rc = famfsl_log_unlink(dir, dentry);
	return rc ? rc : simple_rmdir(dir, dentry);
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
	rc = simple_rename(idmap, old_dir, old_dentry, new_dir,
			   new_dentry, flags);
	if (!rc && victim && S_ISREG(victim->i_mode))
		famfsl_file_removed(victim, false);
	return rc;
}

/* Log the attributes @ia_valid names, with the inode's (new) values. */
static int famfsl_log_setattr(struct inode *inode, unsigned int ia)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	struct famfsl_entry e = {
		.type = cpu_to_le32(FAMFSL_SETATTR),
		.setattr.ino = cpu_to_le64(inode->i_ino),
		.setattr.mode = cpu_to_le32(inode->i_mode & 07777),
		.setattr.uid = cpu_to_le32(from_kuid(&init_user_ns, inode->i_uid)),
		.setattr.gid = cpu_to_le32(from_kgid(&init_user_ns, inode->i_gid)),
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
	e.setattr.valid = cpu_to_le32(valid);
	famfsl_time_to_disk(&e.setattr.atime, daxl_inode_atime(inode));
	famfsl_time_to_disk(&e.setattr.mtime, daxl_inode_mtime(inode));
	famfsl_time_to_disk(&e.setattr.ctime, daxl_inode_ctime(inode));

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
	umode_t mode = inode->i_mode;
	kuid_t uid = inode->i_uid;
	kgid_t gid = inode->i_gid;
	struct timespec64 atime = daxl_inode_atime(inode);
	struct timespec64 mtime = daxl_inode_mtime(inode);
	struct timespec64 ctime = daxl_inode_ctime(inode);
	int rc = 0;

	setattr_copy(idmap, inode, attr);
	if (inode->i_nlink)
		rc = famfsl_log_setattr(inode, attr->ia_valid);
	if (rc) {
		inode->i_mode = mode;
		inode->i_uid = uid;
		inode->i_gid = gid;
		daxl_inode_set_atime(inode, atime);
		daxl_inode_set_mtime(inode, mtime);
		daxl_inode_set_ctime(inode, ctime);
	}
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
