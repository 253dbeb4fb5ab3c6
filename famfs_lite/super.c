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
#include <linux/fs_parser.h>
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
	u64 *uuid = (u64 *)sbi->sb.uuid;

	buf->f_type = FAMFSL_SUPER_MAGIC;
	buf->f_bsize = PAGE_SIZE;
	buf->f_frsize = PAGE_SIZE;
	mutex_lock(&sbi->space_lock);
	/* 4 KiB blocks: small files' space is counted block by block */
	buf->f_blocks = sbi->space.nr_units * FAMFSL_ALLOC_UNIT >> PAGE_SHIFT;
	buf->f_bfree = sbi->space.free_bytes >> PAGE_SHIFT;
	mutex_unlock(&sbi->space_lock);
	buf->f_bavail = buf->f_bfree;
	/* log entries: what a compacted log of the tree leaves, at least */
	buf->f_files = sbi->capacity;
	buf->f_ffree = sbi->capacity - min(READ_ONCE(sbi->tree_cost),
					   sbi->capacity);
	buf->f_namelen = FAMFSL_NAME_MAX;
	buf->f_fsid = u64_to_fsid(uuid[0] ^ uuid[1]);
	return 0;
}

/* Drop @inode's index entry past FAMFSL_INO_DETACHED, if it has one. */
static void famfsl_forget_detached(struct famfsl_sb_info *sbi,
				   struct inode *inode)
{
	unsigned long index;
	void *entry;

	xa_for_each_start(&sbi->inodes, index, entry, FAMFSL_INO_DETACHED) {
		if (entry == inode) {
			xa_erase(&sbi->inodes, index);
			return;
		}
	}
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
	if (xa_cmpxchg(&sbi->inodes, inode->i_ino, inode, NULL,
		       GFP_KERNEL) != inode)
		famfsl_forget_detached(sbi, inode);
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
	sbi->capacity = famfsl_sb_capacity(&sbi->sb);
	sbi->reserve = famfsl_log_reserve(sbi->capacity);
	sbi->area = famfsl_area_offset(&sbi->sb, 0);
	famfsl_tree_init(sbi);
	return famfsl_space_init(&sbi->space, le64_to_cpu(sbi->sb.data_offset),
				 le64_to_cpu(sbi->sb.dev_size),
				 famfsl_sb_granule(&sbi->sb));
}

/**
 * struct famfsl_options - mount options
 * @compact: compact the log now (mount or remount, read-write)
 */
struct famfsl_options {
	bool compact;
};

static int famfsl_parse_param(struct fs_context *fc,
			      struct fs_parameter *param)
{
	struct famfsl_options *opts = fc->fs_private;

	if (strcmp(param->key, "compact"))
		return -ENOPARAM;	/* the VFS's: source */
	if (param->type != fs_value_is_flag)
		return invalfc(fc, "compact takes no value");
	opts->compact = true;
	return 0;
}

/*
 * -o compact: compact the log of a version 2 mount that is (@rw) to be
 * read-write, now.
 */
/*
 * The background zeroing runs only while @replayed is set; it tests it
 * under space_lock before each unit.
 */
static void famfsl_set_replayed(struct famfsl_sb_info *sbi, bool replayed)
{
	mutex_lock(&sbi->space_lock);
	WRITE_ONCE(sbi->replayed, replayed);
	mutex_unlock(&sbi->space_lock);
}

static int famfsl_compact_option(struct fs_context *fc, struct super_block *sb,
				 bool rw)
{
	struct famfsl_options *opts = fc->fs_private;
	struct famfsl_sb_info *sbi = FAMFSL_SB(sb);
	int rc;

	if (!opts->compact)
		return 0;
	if (!rw || le32_to_cpu(sbi->sb.version) == FAMFSL_VERSION_1) {
		pr_err("%s: compact needs a read-write mount of format version 2 or later\n",
		       sbi->name);
		return -EROFS;
	}
	mutex_lock(&sbi->log_lock);
	rc = famfsl_log_compact(sbi);
	mutex_unlock(&sbi->log_lock);
	if (rc)
		pr_err("%s: compaction failed (%d)\n", sbi->name, rc);
	return rc;
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
	xa_init(&sbi->tree);
	INIT_LIST_HEAD(&sbi->tree_root.children);
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
	if (le32_to_cpu(sbi->sb.version) == FAMFSL_VERSION_1 && !sb_rdonly(sb)) {
		pr_warn("%s: format version 1 (a log that cannot be compacted) is mounted read-only; to write, copy the files to a new file system (mkfs.famfs_lite makes version 2)\n",
			sbi->name);
		sb->s_flags |= SB_RDONLY;
	}

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
	famfsl_set_replayed(sbi, true);
	famfsl_prezero_kick(sbi);
	pr_info("%s: mounted%s: %llu of %llu log entries used, %llu of %llu MiB free\n",
		sbi->name, sb_rdonly(sb) ? " read-only" : "", sbi->next_index,
		sbi->capacity, sbi->space.free_bytes >> 20,
		sbi->space.nr_units * (FAMFSL_ALLOC_UNIT >> 20));
	return famfsl_compact_option(fc, sb, !sb_rdonly(sb));
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
		if (!(fc->sb_flags & SB_RDONLY))
			return famfsl_compact_option(fc, sb, true);
		/*
		 * Read-write to read-only: the zeroing stops writing.  The
		 * VFS sets SB_RDONLY only once this returns, so stop it (and
		 * any kick) through the flag, after the unit it is at.
		 */
		famfsl_set_replayed(sbi, false);
		famfsl_prezero_stop(sbi);
		rc = famfsl_compact_option(fc, sb, false);
		if (rc) {
			/* still read-write */
			famfsl_set_replayed(sbi, true);
			famfsl_prezero_kick(sbi);
		}
		return rc;
	}
	if (READ_ONCE(sbi->shutdown))
		return -EIO;
	if (le32_to_cpu(sbi->sb.version) == FAMFSL_VERSION_1 &&
	    !(fc->sb_flags & SB_RDONLY)) {
		pr_err("%s: format version 1 is read-only here; copy the files to a new file system (mkfs.famfs_lite makes version 2)\n",
		       sbi->name);
		return -EROFS;
	}
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
	/*
	 * Until the catch-up replay is done, space that its entries give to
	 * files looks free: the zeroing must not touch it.
	 */
	famfsl_set_replayed(sbi, false);
	rc = famfsl_log_replay(sb, false);
	if (rc)
		return rc;
	/* a switch to read-write may compact at once */
	rc = famfsl_compact_option(fc, sb, !(fc->sb_flags & SB_RDONLY));
	if (rc)
		return rc;
	famfsl_set_replayed(sbi, true);
	/* read-only to read-write: the zeroing starts once the flag is gone */
	if (!(fc->sb_flags & SB_RDONLY))
		mod_delayed_work(daxl_unbound_wq, &sbi->prezero_work,
				 FAMFSL_PREZERO_DELAY);
	return 0;
}

static void famfsl_free_fc(struct fs_context *fc)
{
	kfree(fc->fs_private);
}

static const struct fs_context_operations famfsl_context_ops = {
	.parse_param	= famfsl_parse_param,
	.get_tree	= famfsl_get_tree,
	.reconfigure	= famfsl_reconfigure,
	.free		= famfsl_free_fc,
};

static int famfsl_init_fs_context(struct fs_context *fc)
{
	struct famfsl_options *opts = kzalloc(sizeof(*opts), GFP_KERNEL);

	if (!opts)
		return -ENOMEM;
	fc->fs_private = opts;
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
		famfsl_set_replayed(sbi, false);
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
	famfsl_tree_destroy(sbi);
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
