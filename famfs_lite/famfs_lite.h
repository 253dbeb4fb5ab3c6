/* SPDX-License-Identifier: GPL-2.0-only */
/* Declarations shared by the files of famfs_lite.ko. */
#ifndef _FAMFS_LITE_H
#define _FAMFS_LITE_H

#include <linux/completion.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>
#include <daxlite/famfs_lite_format.h>

/* The 4 KiB blocks of a 2 MiB unit. */
#define FAMFSL_CHUNK_BLOCKS	(FAMFSL_ALLOC_UNIT / FAMFSL_BLOCK_SIZE)

/**
 * struct famfsl_space - free space of the data area (alloc.c)
 * @map: one bit per 2 MiB unit, set when any of it is in use
 * @zeroed: one bit per wholly free unit known to hold only zeros (the
 *	background zeroing set it); cleared when the unit is freed or
 *	space of it is handed out
 * @chunks: units shared by small files, by index: which 4 KiB blocks of
 *	each are in use (struct famfsl_chunk); version 3 only
 * @base: device offset of the first unit
 * @granule: what extents are multiples of: FAMFSL_BLOCK_SIZE (version
 *	3) or FAMFSL_ALLOC_UNIT
 * @nr_units: units in the data area
 * @nr_free: units wholly free
 * @free_bytes: all free space, shared units' free blocks included
 * @nr_zeroed: bits set in @zeroed
 */
struct famfsl_space {
	unsigned long *map;
	unsigned long *zeroed;
	struct xarray chunks;
	u64 base;
	u64 granule;
	u64 nr_units;
	u64 nr_free;
	u64 free_bytes;
	u64 nr_zeroed;
};

int famfsl_space_init(struct famfsl_space *s, u64 base, u64 end, u64 granule);
void famfsl_space_destroy(struct famfsl_space *s);
int famfsl_space_find(struct famfsl_space *s, u64 len, u64 from,
		      u64 *dev_offset);
int famfsl_space_find_shared(struct famfsl_space *s, u64 len, u64 from,
			     u64 *dev_offset);
int famfsl_space_find_last(struct famfsl_space *s, u64 below, u64 *dev_offset);
int famfsl_space_alloc(struct famfsl_space *s, u64 len, u64 *dev_offset);
int famfsl_space_mark(struct famfsl_space *s, u64 dev_offset, u64 len);
int famfsl_space_test(struct famfsl_space *s, u64 dev_offset, u64 len);
void famfsl_space_free(struct famfsl_space *s, u64 dev_offset, u64 len);
u64 famfsl_space_free_run(struct famfsl_space *s, u64 dev_offset, u64 len);
bool famfsl_space_take_zeroed(struct famfsl_space *s, u64 dev_offset);
bool famfsl_space_next_unzeroed(struct famfsl_space *s, u64 from,
				u64 *dev_offset);
void famfsl_space_set_zeroed(struct famfsl_space *s, u64 dev_offset);
u64 famfsl_space_nr_zeroed(struct famfsl_space *s);
void famfsl_space_forget_zeroed(struct famfsl_space *s);

/**
 * struct famfsl_map - the extents of a file, laid end to end in it
 * @nr: number of extents, at most FAMFSL_FILE_MAX_EXTENTS
 * @len: bytes of all extents together
 * @ext: the extents, adjacent ones merged
 */
struct famfsl_map {
	unsigned int nr;
	u64 len;
	struct famfsl_extent_mem {
		u64 dev_offset;
		u64 len;
	} ext[];
};

/**
 * struct famfsl_file - a regular file's space, once it has some
 * @map: its extents.  Replaced whole, never changed in place, when the
 *	file grows: under i_rwsem and invalidate_lock, both exclusive, so a
 *	reader holding either (reads, faults) or one of the file's pages
 *	(which keeps its prefix in place) may use it without a lock
 * @logged_size: the size the log last recorded; under i_rwsem.  Growth
 *	by write(2) changes i_size at once and the log at fsync or close
 * @inode: the file
 * @held: on sbi->held: the log gave the space back (another host removed
 *	the file, and this host replayed it), but this host still uses it.
 *	Set under invalidate_lock (exclusive) and sbi->space_lock: a fault
 *	holds one of them, and maps nothing of a held file (its pages may
 *	be another file's now)
 * @held_node: entry on sbi->held
 * @quarantined: on sbi->quarantine: removed, but kept until nothing holds
 *	its pages any more
 * @quarantine_node: entry on sbi->quarantine
 *
 * A removed file never grows again (growth needs a name), so the space
 * lists may read @map of the files on them under sbi->space_lock alone.
 */
struct famfsl_file {
	struct famfsl_map *map;
	u64 logged_size;
	struct inode *inode;
	bool held;
	struct list_head held_node;
	bool quarantined;
	struct list_head quarantine_node;
};

/**
 * struct famfsl_node - an inode as the log describes it (tree.c)
 * @ino: its number
 * @parent: its directory (the root's is itself)
 * @children: a directory's nodes
 * @sibling: entry on the parent's @children
 * @mode: type and permissions
 * @uid: owner
 * @gid: group
 * @atime: the last access time the log gave it
 * @mtime: the last modification time the log gave it
 * @ctime: the last change time the log gave it
 * @size: a file's size, once allocated
 * @nr: a file's extent count (adjacent ones merged, as the replay does),
 *	0 until allocated; at most FAMFSL_FILE_MAX_EXTENTS
 * @ext_cap: the slots of @ext
 * @ext: the extents of its ALLOC and EXTEND entries, laid end to end
 * @cost: the entries a compacted log gives it (famfsl_tree_write())
 * @name_len: length of @name
 * @name: its name in @parent, not NUL-terminated
 */
struct famfsl_node {
	u64 ino;
	struct famfsl_node *parent;
	struct list_head children;
	struct list_head sibling;
	u32 mode;
	u32 uid;
	u32 gid;
	struct famfsl_time atime;
	struct famfsl_time mtime;
	struct famfsl_time ctime;
	u64 size;
	u32 nr;
	u32 ext_cap;
	struct famfsl_extent *ext;
	u32 cost;
	u16 name_len;
	char name[FAMFSL_NAME_MAX];
};

/**
 * struct famfsl_sb_info - one mounted famfs_lite
 * @region: the device's memory, held exclusively through dax_core
 * @name: the device's name, for messages
 * @sb: the validated superblock
 * @capacity: entry slots of a log area
 * @reserve: of them, how many ordinary users may not fill with the tree
 *	(famfsl_log_reserve())
 * @log_lock: serializes log appends; protects @next_index, @next_ino,
 *	@gen, @area, the tree, @tree_bad, @log_full_warned and
 *	@log_reserve_warned
 *	(replay runs where no appender can exist)
 * @next_index: entries written or replayed so far
 * @next_ino: the next inode number to hand out
 * @gen: the log generation in use (version 2; 0 in version 1)
 * @area: device offset of the log area in use
 * @tree: the log's view of the tree (tree.c): nodes by inode number
 * @tree_root: its root
 * @tree_cost: the entries a compacted log of it needs
 * @tree_bad: a committed entry is missing from the tree: no compaction
 * @log_full_warned: "log full" was logged once
 * @log_reserve_warned: "log reserve reached" was logged once
 * @space_lock: protects @space, @held and @quarantine; taken inside
 *	@log_lock
 * @space: the data area's allocator: the space of the files the log
 *	knows, and of files removed here but not yet evicted
 * @held: files whose space the log gave back while this host still uses
 *	it; the allocator avoids their extents, and faults of other files
 *	do not map them while a held file still has DAX entries there
 * @quarantine: removed files whose pages were mapped, kept (with an inode
 *	reference) until no pipe or I/O holds a page of theirs
 * @quarantine_work: evicts quarantined files once they are idle
 * @shutdown: the device went away; every use fails with EIO
 * @shutdown_lock: serializes the shutdown with unmount; protects @dying
 * @dying: unmount has begun; a shutdown only waits for @evicted then
 * @evicted: unmount evicted every inode (nothing refers to the memory)
 * @inodes: live inodes by number, and detached ones (FAMFSL_INO_DETACHED)
 * @detached_seq: the next key for a detached inode; only a read-only
 *	remount, one at a time, detaches
 * @vfs_sb: the VFS super block
 * @prezero_work: zeroes free space in the background (read-write mounts)
 * @prezero_lock: held by @prezero_work while it zeroes @prezero_unit; an
 *	allocation that took that unit waits for it.  Taken outside
 *	@space_lock
 * @prezero_next: where @prezero_work looks next; under @space_lock
 * @prezero_unit: the free unit @prezero_work is zeroing, or 0; under
 *	@space_lock
 * @replayed: the mount's log replay is done and unmount has not begun
 *	(changed under @space_lock): only then is free space in the
 *	allocator really free, and zeroed in the background
 */
struct famfsl_sb_info {
	struct daxl_region *region;
	const char *name;
	struct famfsl_superblock sb;
	u64 capacity;
	u64 reserve;

	/* see @log_lock above */
	struct mutex log_lock;
	u64 next_index;
	u64 next_ino;
	u64 gen;
	u64 area;
	struct xarray tree;
	struct famfsl_node tree_root;
	u64 tree_cost;
	bool tree_bad;
	bool log_full_warned;
	bool log_reserve_warned;
	/* see @space_lock above */
	struct mutex space_lock;
	struct famfsl_space space;
	struct list_head held;
	struct list_head quarantine;
	struct delayed_work quarantine_work;
	bool shutdown;
	/* see @shutdown_lock above */
	struct mutex shutdown_lock;
	bool dying;
	struct completion evicted;
	struct xarray inodes;
	struct super_block *vfs_sb;
	struct delayed_work prezero_work;
	/* see @prezero_lock above */
	struct mutex prezero_lock;
	u64 prezero_next;
	u64 prezero_unit;
	bool replayed;
	unsigned long detached_seq;
};

static inline struct famfsl_sb_info *FAMFSL_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

/*
 * Inodes that a rebuild of the tree took out of it (another host compacted
 * the log) while this host still had them open are indexed in @inodes at
 * FAMFSL_INO_DETACHED + a sequence number (sbi->detached_seq), so that a
 * new inode can take their number and a shutdown still finds them.
 */
#define FAMFSL_INO_DETACHED	BIT(62)

/*
 * The most one entry can grow a compacted log by: a CREATE adds its
 * inode's CREATE and may add its directory's SETATTR.  (An ALLOC or an
 * EXTEND adds at most one entry: the file's ALLOC, or one more EXTEND for
 * every FAMFSL_MAX_EXTENTS of its extents past the first.)
 */
#define FAMFSL_GROWTH_MAX	2

/*
 * A log entry does not fit the tree: give @msg as the reason in *@why
 * (for the kernel log) and return -EUCLEAN.
 */
static inline int famfsl_mismatch(const char **why, const char *msg)
{
	*why = msg;
	return -EUCLEAN;
}

/* log.c */
int famfsl_log_compact(struct famfsl_sb_info *sbi);
u64 famfsl_log_reserve(u64 capacity);
int famfsl_log_append(struct famfsl_sb_info *sbi, struct famfsl_entry *e);
int famfsl_log_replay(struct super_block *sb, bool at_mount);
void famfsl_time_to_disk(struct famfsl_time *t, struct timespec64 ts);
struct timespec64 famfsl_time_from_disk(const struct famfsl_time *t);

/* tree.c */
void famfsl_tree_init(struct famfsl_sb_info *sbi);
void famfsl_tree_destroy(struct famfsl_sb_info *sbi);
u64 famfsl_tree_cost(struct famfsl_sb_info *sbi);
struct famfsl_node *famfsl_tree_find(struct famfsl_sb_info *sbi, u64 ino);
struct famfsl_node *famfsl_tree_prepare(struct famfsl_sb_info *sbi,
					const struct famfsl_entry *e);
void famfsl_tree_unprepare(struct famfsl_sb_info *sbi,
			   const struct famfsl_entry *e, struct famfsl_node *n);
int famfsl_tree_apply(struct famfsl_sb_info *sbi, const struct famfsl_entry *e,
		      struct famfsl_node *n);
int famfsl_tree_write(struct famfsl_sb_info *sbi, u64 area, u64 capacity,
		      u64 *count);
typedef int (*famfsl_removal_fn)(void *arg, const struct famfsl_entry *e);
int famfsl_tree_removals(struct famfsl_sb_info *sbi,
			 famfsl_removal_fn fn, void *arg);

/* namei.c */
extern const struct inode_operations famfsl_dir_inode_ops;
struct inode *famfsl_new_inode(struct super_block *sb, u64 ino, umode_t mode);
int famfsl_change_attrs(struct daxl_idmap *idmap, struct inode *inode,
			struct iattr *attr);
void famfsl_name_inode(struct inode *dir, struct dentry *dentry,
		       struct inode *inode);
int famfsl_remove_name(struct inode *dir, struct dentry *dentry, bool by_log);
int famfsl_move_name(struct daxl_idmap *idmap,
		     struct inode *old_dir, struct dentry *old_dentry,
		     struct inode *new_dir, struct dentry *new_dentry,
		     unsigned int flags, bool by_log);
void famfsl_get_attrs(struct inode *inode, u32 valid,
		      struct famfsl_setattr *s);
void famfsl_set_attrs(struct inode *inode, const struct famfsl_setattr *s);

/* file.c */
extern const struct inode_operations famfsl_file_inode_ops;
extern const struct file_operations famfsl_file_ops;
extern const struct address_space_operations famfsl_dax_aops;
int famfsl_check_extents(struct inode *inode, const struct famfsl_alloc *a,
			 bool extend, const char **why);
int famfsl_set_extents(struct inode *inode, const struct famfsl_alloc *a);
struct famfsl_map *famfsl_map_append(const struct famfsl_map *old,
				     const struct famfsl_extent_mem *add,
				     unsigned int nr);
unsigned int famfsl_map_count(const struct famfsl_map *old,
			      const struct famfsl_extent_mem *add,
			      unsigned int nr);
void famfsl_free_extents(struct inode *inode);
void famfsl_file_removed(struct inode *inode, bool by_log);
void famfsl_quarantine_work(struct work_struct *work);
bool famfsl_quarantine_sweep(struct famfsl_sb_info *sbi);
void famfsl_quarantine_drain(struct famfsl_sb_info *sbi);
void famfsl_wait_pages_idle(struct inode *inode);
void famfsl_break_mappings(struct inode *inode);
void famfsl_prezero_work(struct work_struct *work);
/* How long the background zeroing waits after a removal or a mount. */
#define FAMFSL_PREZERO_DELAY	HZ
void famfsl_prezero_kick(struct famfsl_sb_info *sbi);
void famfsl_prezero_stop(struct famfsl_sb_info *sbi);

#endif /* _FAMFS_LITE_H */
