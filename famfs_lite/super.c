// SPDX-License-Identifier: GPL-2.0-only
/*
 * famfs_lite: a minimal DAX file system on a daxlite character device.
 *
 *   mount -t famfs_lite /dev/daxN /mnt [-o ro]
 *
 * The device is held exclusively through dax_core.  Mount checks the
 * superblock and replays the metadata log kept in the memory itself into
 * an in-memory tree, so every file is there after a plain mount (famfs
 * needs its user space to replay the log).  A read-only remount replays
 * what another host appended since.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crc32c.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/statfs.h>

#include <daxlite/compat.h>

#include "famfs_lite.h"

u32 famfsl_crc32c(u32 crc, const void *buf, size_t len)
{
	return crc32c(crc, buf, len);
}

/*
 * The next inode of the tree at or after *@ino, with a reference, or NULL.
 * An inode being evicted cannot be taken: its eviction drops its DAX
 * entries itself, so wait for it to finish, while the memory is still
 * there (the shutdown runs before the lender unmaps it).
 */
static struct inode *famfsl_next_inode(struct famfsl_sb_info *sbi,
				       unsigned long *ino)
{
	struct inode *inode, *found;

	for (;;) {
		rcu_read_lock();
		found = xa_find(&sbi->inodes, ino, ULONG_MAX, XA_PRESENT);
		inode = found ? igrab(found) : NULL;
		rcu_read_unlock();
		if (inode || !found)
			return inode;
		while (xa_load(&sbi->inodes, *ino) == found)
			schedule_timeout_idle(HZ / 100);
	}
}

/*
 * The device's memory is going away (its lender, such as nd_pmem, is
 * being unbound), and it cannot be refused.  From now on every data and
 * metadata operation fails with EIO and faults with SIGBUS; every file's
 * mappings and DAX entries go before this returns, so nothing refers to
 * the memory once it is unmapped.  Unmounting still works.
 */
static void famfsl_shutdown(struct super_block *sb)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(sb);
	unsigned long ino = 0;
	struct inode *inode;

	mutex_lock(&sbi->shutdown_lock);
	if (sbi->dying) {
		/* Unmount evicts every inode; wait until it has. */
		mutex_unlock(&sbi->shutdown_lock);
		wait_for_completion(&sbi->evicted);
		return;
	}
	WRITE_ONCE(sbi->shutdown, true);
	pr_err("%s: the device went away; file access now fails with EIO\n",
	       sbi->name);
	while ((inode = famfsl_next_inode(sbi, &ino))) {
		if (S_ISREG(inode->i_mode))
			famfsl_break_mappings(inode);
		iput(inode);
		if (ino == ULONG_MAX)
			break;
		ino++;
	}
	mutex_unlock(&sbi->shutdown_lock);
}

static int famfsl_notify_failure(void *holder, u64 offset, u64 len,
				 int mf_flags)
{
	struct super_block *sb = holder;

	if (!offset && len == DAXL_WHOLE_REGION) {
		famfsl_shutdown(sb);
		return 0;
	}
	pr_err("%s: memory failure at device offset %#llx, %llu bytes\n",
	       FAMFSL_SB(sb)->name, offset, len);
	/* Let the kernel find and signal the processes that map it. */
	return -EOPNOTSUPP;
}

static const struct daxl_holder_ops famfsl_holder_ops = {
	.notify_failure	= famfsl_notify_failure,
};

static int famfsl_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(dentry->d_sb);
	u64 per_unit = FAMFSL_ALLOC_UNIT >> PAGE_SHIFT;
	u64 *uuid = (u64 *)sbi->sb.uuid;

	buf->f_type = FAMFSL_SUPER_MAGIC;
	buf->f_bsize = PAGE_SIZE;
	buf->f_frsize = PAGE_SIZE;
	mutex_lock(&sbi->space_lock);
	buf->f_blocks = sbi->space.nr_units * per_unit;
	buf->f_bfree = sbi->space.nr_free * per_unit;
	mutex_unlock(&sbi->space_lock);
	buf->f_bavail = buf->f_bfree;
	buf->f_files = sbi->capacity;
	buf->f_ffree = sbi->capacity - READ_ONCE(sbi->next_index);
	buf->f_namelen = FAMFSL_NAME_MAX;
	buf->f_fsid = u64_to_fsid(uuid[0] ^ uuid[1]);
	return 0;
}

static void famfsl_evict_inode(struct inode *inode)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);

	/* Removed files wait in quarantine; this is for the rest, at umount. */
	if (S_ISREG(inode->i_mode)) {
		/*
		 * Wait (and say so) for pages a pipe or an I/O still holds,
		 * then drop the DAX entries where the kernel wants that done
		 * before the page cache goes (it finds no busy page now).
		 */
		famfsl_wait_pages_idle(inode);
		daxl_compat_break_layout_final(inode);
	}
	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
	if (S_ISREG(inode->i_mode))
		famfsl_free_extents(inode);
	xa_cmpxchg(&sbi->inodes, inode->i_ino, inode, NULL, GFP_KERNEL);
}

static const struct super_operations famfsl_super_ops = {
	.statfs		= famfsl_statfs,
	.evict_inode	= famfsl_evict_inode,
};

/* Read and check the superblock of the held device into @sb. */
static int famfsl_load_super(struct famfsl_sb_info *sbi,
			     struct famfsl_superblock *sb)
{
	const char *why;
	int rc;

	daxl_region_invalidate(sbi->region, 0, sizeof(*sb));
	if (daxl_region_read(sbi->region, 0, sb, sizeof(*sb)))
		return -EIO;
	rc = famfsl_check_superblock(sb, sbi->region->size, &why);
	if (rc)
		pr_err("%s: %s\n", sbi->name, why);
	return rc;
}

/* Read and check the superblock at mount, and size the allocator. */
static int famfsl_read_super(struct famfsl_sb_info *sbi)
{
	int rc = famfsl_load_super(sbi, &sbi->sb);

	if (rc)
		return rc;
	sbi->capacity = famfsl_log_capacity(le64_to_cpu(sbi->sb.log_len));
	return famfsl_space_init(&sbi->space, le64_to_cpu(sbi->sb.data_offset),
				 le64_to_cpu(sbi->sb.dev_size));
}

static int famfsl_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct famfsl_sb_info *sbi;
	struct daxl_region *region;
	struct timespec64 mkfs_time;
	struct inode *root;
	dev_t devt;
	int rc;

	sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	if (!sbi)
		return -ENOMEM;
	mutex_init(&sbi->log_lock);
	mutex_init(&sbi->space_lock);
	INIT_LIST_HEAD(&sbi->held);
	INIT_LIST_HEAD(&sbi->quarantine);
	INIT_DELAYED_WORK(&sbi->quarantine_work, famfsl_quarantine_work);
	INIT_DELAYED_WORK(&sbi->prezero_work, famfsl_prezero_work);
	mutex_init(&sbi->prezero_lock);
	sbi->vfs_sb = sb;
	mutex_init(&sbi->shutdown_lock);
	init_completion(&sbi->evicted);
	xa_init(&sbi->inodes);
	sb->s_fs_info = sbi;

	if (!fc->source)
		return invalf(fc, "famfs_lite: no device given");
	rc = daxl_lookup_devt(fc->source, &devt);
	if (rc) {
		pr_err("%s: not a character device (%d)\n", fc->source, rc);
		return rc;
	}
	region = daxl_region_claim(devt, sb, KBUILD_MODNAME, &famfsl_holder_ops);
	if (IS_ERR(region)) {
		rc = PTR_ERR(region);
		pr_err("%s: %s (%d)\n", fc->source, rc == -EBUSY ?
		       "device busy: mounted, or in use through the device" :
		       "not a dax_chardev device", rc);
		return rc;
	}
	sbi->region = region;
	sbi->name = region->owner;

	rc = famfsl_read_super(sbi);
	if (rc)
		return rc;

	sb->s_magic = FAMFSL_SUPER_MAGIC;
	sb->s_op = &famfsl_super_ops;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_time_gran = 1;
	memcpy(&sb->s_uuid, sbi->sb.uuid, sizeof(sb->s_uuid));
	/* a bdi that is not noop, so sync(2) and syncfs(2) reach the files */
	rc = super_setup_bdi(sb);
	if (rc)
		return rc;

	root = famfsl_new_inode(sb, FAMFSL_ROOT_INO, S_IFDIR | 0755);
	if (IS_ERR(root))
		return PTR_ERR(root);
	mkfs_time.tv_sec = le64_to_cpu(sbi->sb.mkfs_time);
	mkfs_time.tv_nsec = 0;
	daxl_inode_set_atime(root, mkfs_time);
	daxl_inode_set_mtime(root, mkfs_time);
	daxl_inode_set_ctime(root, mkfs_time);
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	sbi->next_ino = FAMFSL_ROOT_INO + 1;

	rc = famfsl_log_replay(sb, true);
	if (rc)
		return rc;
	mutex_lock(&sbi->space_lock);
	WRITE_ONCE(sbi->replayed, true);
	mutex_unlock(&sbi->space_lock);
	famfsl_prezero_kick(sbi);
	pr_info("%s: mounted%s: %llu of %llu log entries used, %llu of %llu MiB free\n",
		sbi->name, sb_rdonly(sb) ? " read-only" : "", sbi->next_index,
		sbi->capacity, sbi->space.nr_free * (FAMFSL_ALLOC_UNIT >> 20),
		sbi->space.nr_units * (FAMFSL_ALLOC_UNIT >> 20));
	return 0;
}

static int famfsl_get_tree(struct fs_context *fc)
{
	return get_tree_nodev(fc, famfsl_fill_super);
}

/*
 * A read-only mount replays what the writer appended since it last looked
 * (before any switch to read-write).  A writer has nothing to replay.
 */
static int famfsl_reconfigure(struct fs_context *fc)
{
	struct super_block *sb = fc->root->d_sb;
	struct famfsl_sb_info *sbi = FAMFSL_SB(sb);
	struct famfsl_superblock now;
	int rc;

	sync_filesystem(sb);
	if (!sb_rdonly(sb)) {
		/* read-write to read-only: the zeroing stops writing */
		if (fc->sb_flags & SB_RDONLY)
			cancel_delayed_work_sync(&sbi->prezero_work);
		return 0;
	}
	/* read-only to read-write: the zeroing starts once the flag is gone */
	if (!(fc->sb_flags & SB_RDONLY))
		mod_delayed_work(system_unbound_wq, &sbi->prezero_work,
				 HZ);
	if (READ_ONCE(sbi->shutdown))
		return -EIO;
	/*
	 * Another host may have made a new file system here meanwhile; its
	 * log must not be replayed onto this tree.
	 */
	rc = famfsl_load_super(sbi, &now);
	if (rc)
		return rc;
	if (memcmp(&now, &sbi->sb, sizeof(now))) {
		pr_err("%s: the device holds another file system than the one mounted (made again since?); unmount and mount it again\n",
		       sbi->name);
		return -ESTALE;
	}
	return famfsl_log_replay(sb, false);
}

static const struct fs_context_operations famfsl_context_ops = {
	.get_tree	= famfsl_get_tree,
	.reconfigure	= famfsl_reconfigure,
};

static int famfsl_init_fs_context(struct fs_context *fc)
{
	fc->ops = &famfsl_context_ops;
	return 0;
}

static void famfsl_kill_sb(struct super_block *sb)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(sb);

	/*
	 * A shutdown in progress holds inode references: let it finish, and
	 * make a later one wait for the evictions below instead.
	 */
	if (sbi) {
		mutex_lock(&sbi->shutdown_lock);
		sbi->dying = true;
		mutex_unlock(&sbi->shutdown_lock);
		/*
		 * Stop the background zeroing first: evicting the files below
		 * gives their space back to the allocator, and it must not
		 * look free to the zeroing then.
		 */
		mutex_lock(&sbi->space_lock);
		WRITE_ONCE(sbi->replayed, false);
		mutex_unlock(&sbi->space_lock);
		cancel_delayed_work_sync(&sbi->prezero_work);
		famfsl_quarantine_drain(sbi);
	}
	daxl_compat_kill_sb(sb);
	if (!sbi)
		return;
	complete_all(&sbi->evicted);
	if (sbi->region)
		daxl_region_release(sbi->region, sb);
	famfsl_space_destroy(&sbi->space);
	xa_destroy(&sbi->inodes);
	kfree(sbi);
}

static struct file_system_type famfsl_fs_type = {
	.owner			= THIS_MODULE,
	.name			= "famfs_lite",
	.init_fs_context	= famfsl_init_fs_context,
	.kill_sb		= famfsl_kill_sb,
};
MODULE_ALIAS_FS("famfs_lite");
/* famfs_lite mounts dax_chardev devices: load the driver with it. */
MODULE_SOFTDEP("pre: dax_chardev");

static int __init famfsl_init(void)
{
	return register_filesystem(&famfsl_fs_type);
}

static void __exit famfsl_exit(void)
{
	unregister_filesystem(&famfsl_fs_type);
}

module_init(famfsl_init);
module_exit(famfsl_exit);

MODULE_AUTHOR("daxlite maintainers");
MODULE_DESCRIPTION("famfs_lite: a minimal DAX file system on /dev/daxN");
MODULE_LICENSE("GPL");
MODULE_VERSION(DAXLITE_VERSION);
MODULE_IMPORT_NS(DAXL_NS);
