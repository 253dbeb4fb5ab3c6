// SPDX-License-Identifier: GPL-2.0-only
/*
 * Regular files: their extents, and a data path that goes only through
 * fs/dax.c (dax_iomap_rw, dax_iomap_fault, dax_writeback_mapping_range).
 *
 * Space: a file gets one contiguous extent by fallocate() or truncate()
 * while it is empty.  On a version 2 or 3 file system it then grows: a
 * write past its end, a larger fallocate() or truncate() appends space,
 * continuing the last extent where the space after it is free (so a file
 * written sequentially stays one extent and faults in 2 MiB pages), one
 * EXTEND log entry per growth.  Space comes in 2 MiB units, except on
 * version 3 while a file is under 2 MiB: then in 4 KiB blocks of units
 * shared with other small files (famfsl_small()); a small file that grows
 * past 2 MiB goes on in 2 MiB units placed so that the rest of it is
 * 2 MiB-aligned in file and device alike.  New space is zeroed
 * before it is logged or mapped.  A write logs only the space; the size
 * it reaches is logged at fsync() and at close (->flush, ->release).  On
 * a version 1 file system writes never extend a file (past its size they
 * are cut short, at or after it they fail with ENOSPC).  Files never
 * shrink.
 *
 * A removed file's space is given to another file only once nothing can
 * reach the old data: its last user is gone, and no page of it is held
 * beyond its mappings (a pipe it was vmspliced into, direct I/O in flight
 * into it).  A removed file whose pages were ever mapped is quarantined
 * with an inode reference until its pages are idle; eviction waits for
 * them too, as a last line (at umount).
 *
 * Lock order (as fs/ext2/file.c):
 *   mmap_lock (page faults)
 *     sb_start_pagefault (write faults)
 *       mapping->invalidate_lock (faults: shared)
 *         DAX entry locks (fs/dax.c)
 *   i_rwsem (read: shared, write/fallocate/setattr: exclusive)
 *     sbi->log_lock
 *       sbi->space_lock
 *     mapping->invalidate_lock (a growth installing extents: exclusive)
 *     sbi->prezero_lock (an allocation waits on it for a unit being zeroed)
 *       sbi->space_lock
 * A file's extents (struct famfsl_map) are published before its size, only
 * ever replaced whole by a larger copy under i_rwsem and invalidate_lock
 * (both exclusive; see struct famfsl_file), and freed when its last user
 * is gone, so iomap lookups under either lock need no other.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dax.h>
#include <linux/falloc.h>
#include <linux/fiemap.h>
#include <linux/huge_mm.h>
#include <linux/iomap.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/moduleparam.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include <daxlite/compat.h>

#include "famfs_lite.h"

/*
 * A file's space.  Callers read i_size first (fs/dax.c does before it
 * asks iomap_begin) and trust any offset below it to have an extent, so
 * the extents must be read after the size: pairs with the smp_wmb() in
 * famfsl_publish_size().
 */
static struct famfsl_file *famfsl_file(struct inode *inode)
{
	smp_rmb();	/* the size was read before; see above */
	return smp_load_acquire((struct famfsl_file **)&inode->i_private);
}

/* A file's extents, or NULL; see struct famfsl_file for who may use them. */
static struct famfsl_map *famfsl_file_map(struct inode *inode)
{
	struct famfsl_file *fe = famfsl_file(inode);

	/* pairs with the release in famfsl_install_map() */
	return fe ? smp_load_acquire(&fe->map) : NULL;
}

static struct famfsl_map *famfsl_map_alloc(unsigned int nr)
{
	struct famfsl_map *map;

	map = kvzalloc(struct_size(map, ext, nr), GFP_KERNEL);
	if (map)
		map->nr = nr;
	return map;
}

/**
 * famfsl_map_append() - a copy of a file's extents with more appended
 * @old: the file's extents, or NULL if it has none
 * @add: extents to append in this order
 * @nr: how many
 *
 * An appended extent that starts where the last one ends on the device
 * continues it (see FAMFSL_EXTEND in the format).
 *
 * Return: the new extents, ERR_PTR(-ENOMEM), or ERR_PTR(-EFBIG) if the
 * file would have more than FAMFSL_FILE_MAX_EXTENTS.
 */
struct famfsl_map *famfsl_map_append(const struct famfsl_map *old,
				     const struct famfsl_extent_mem *add,
				     unsigned int nr)
{
	unsigned int i, n = old ? old->nr : 0;
	struct famfsl_map *map;

	if (n > FAMFSL_FILE_MAX_EXTENTS || nr > FAMFSL_MAX_EXTENTS)
		return ERR_PTR(-EFBIG);
	map = famfsl_map_alloc(n + nr);
	if (!map)
		return ERR_PTR(-ENOMEM);
	if (old) {
		memcpy(map->ext, old->ext, n * sizeof(old->ext[0]));
		map->len = old->len;
	}
	for (i = 0; i < nr; i++) {
		if (n && map->ext[n - 1].dev_offset + map->ext[n - 1].len ==
			 add[i].dev_offset)
			map->ext[n - 1].len += add[i].len;
		else
			map->ext[n++] = add[i];
		map->len += add[i].len;
	}
	map->nr = n;
	if (n > FAMFSL_FILE_MAX_EXTENTS) {
		kvfree(map);
		return ERR_PTR(-EFBIG);
	}
	return map;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_map_append);

/*
 * Publish a file's (new) size after its extents: an iomap lookup trusts
 * any offset below i_size to have an extent (see famfsl_file()).
 */
static void famfsl_publish_size(struct inode *inode, loff_t size)
{
	/* the extents before the size: pairs with the smp_rmb() in famfsl_file() */
	smp_wmb();
	i_size_write(inode, size);
}

/*
 * Give a file its extents.  A file that has none gets its struct
 * famfsl_file (@fe, which then takes @map); a file that has extents gets
 * @map in their place, once no fault and no read uses the old ones.
 *
 * Context: the caller holds i_rwsem exclusively, or is the log replay of
 * a new inode.
 */
static void famfsl_install_map(struct inode *inode, struct famfsl_file *fe,
			       struct famfsl_map *map)
{
	struct famfsl_file *cur = inode->i_private;
	struct famfsl_map *old;

	inode->i_blocks = map->len >> SECTOR_SHIFT;
	if (!cur) {
		fe->map = map;
		fe->inode = inode;
		INIT_LIST_HEAD(&fe->held_node);
		INIT_LIST_HEAD(&fe->quarantine_node);
		/* the extents before the pointer, for readers that only follow it */
		smp_store_release((struct famfsl_file **)&inode->i_private, fe);
		return;
	}
	/* faults hold invalidate_lock shared while they use the extents */
	filemap_invalidate_lock(inode->i_mapping);
	old = cur->map;
	/* the new extents before the pointer: see famfsl_file_map() */
	smp_store_release(&cur->map, map);
	filemap_invalidate_unlock(inode->i_mapping);
	kvfree(old);
}

/* The end of an extent of @map that [@off, @off + @len) overlaps, or 0. */
static u64 famfsl_map_overlap(const struct famfsl_map *map, u64 off, u64 len)
{
	unsigned int i;

	for (i = 0; i < map->nr; i++)
		if (off < map->ext[i].dev_offset + map->ext[i].len &&
		    map->ext[i].dev_offset < off + len)
			return map->ext[i].dev_offset + map->ext[i].len;
	return 0;
}

/*
 * Whether device space [@off, @off + @len) still belongs to the mapping of
 * a held file: one that has DAX entries (mapping->nrpages counts them)
 * over it.  fs/dax.c ties each page to the one mapping whose entry maps
 * it, so no other file may map it until that file's entries are gone
 * (famfsl_held_drop_entries() once nothing maps it, or its eviction; a
 * held file maps nothing new, see famfsl_huge_fault()).
 */
static bool famfsl_held_mapped(struct famfsl_sb_info *sbi, u64 off, u64 len)
{
	struct famfsl_file *fe;
	bool found = false;

	/*
	 * A file that could overlap a held one got that space from a replay
	 * that made the other held first, and its caller's acquire of the
	 * extents (famfsl_file_map()) orders that before this read.
	 */
	if (list_empty(&sbi->held))
		return false;
	mutex_lock(&sbi->space_lock);
	list_for_each_entry(fe, &sbi->held, held_node) {
		found = READ_ONCE(fe->inode->i_mapping->nrpages) &&
			famfsl_map_overlap(fe->map, off, len);
		if (found)
			break;
	}
	mutex_unlock(&sbi->space_lock);
	return found;
}

static int famfsl_iomap_begin(struct inode *inode, loff_t pos, loff_t length,
			      unsigned int flags, struct iomap *iomap,
			      struct iomap *srcmap)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	struct famfsl_map *map = famfsl_file_map(inode);
	u64 file_off = 0;
	unsigned int i;

	for (i = 0; map && i < map->nr; i++) {
		if (pos < file_off + map->ext[i].len) {
			if ((flags & IOMAP_FAULT) &&
			    famfsl_held_mapped(sbi, map->ext[i].dev_offset +
					       pos - file_off,
					       min_t(u64, length, file_off +
						     map->ext[i].len - pos))) {
				pr_info_ratelimited("%s: inode %llu: a removed file still maps the space at offset %lld; not mapped until it lets go\n",
						    sbi->name, (u64)inode->i_ino,
						    pos);
				return -EBUSY;
			}
			iomap->offset = file_off;
			iomap->length = map->ext[i].len;
			iomap->addr = map->ext[i].dev_offset;
			iomap->type = IOMAP_MAPPED;
			iomap->flags = 0;
			iomap->bdev = NULL;
			iomap->dax_dev = sbi->region->dax_dev;
			return 0;
		}
		file_off += map->ext[i].len;
	}
	/*
	 * Past the extents, so past EOF: dax_iomap_rw() asks for the rest of
	 * a read that crosses EOF before it clamps to i_size.  Writes and
	 * faults are stopped at i_size earlier and never get here.
	 */
	if (!(flags & (IOMAP_WRITE | IOMAP_FAULT))) {
		iomap->offset = pos;
		iomap->length = length;
		iomap->addr = IOMAP_NULL_ADDR;
		iomap->type = IOMAP_HOLE;
		iomap->flags = 0;
		iomap->bdev = NULL;
		iomap->dax_dev = sbi->region->dax_dev;
		return 0;
	}
	pr_err_ratelimited("%s: inode %llu: no extent at offset %lld\n",
			   sbi->name, (u64)inode->i_ino, pos);
	return -EIO;
}

static const struct iomap_ops famfsl_iomap_ops = {
	.iomap_begin	= famfsl_iomap_begin,
};

/* The end of a held extent that [@off, @off + @len) overlaps, or 0. */
static u64 famfsl_held_overlap(struct famfsl_sb_info *sbi, u64 off, u64 len)
{
	struct famfsl_file *fe;
	u64 end;

	lockdep_assert_held(&sbi->space_lock);
	list_for_each_entry(fe, &sbi->held, held_node) {
		end = famfsl_map_overlap(fe->map, off, len);
		if (end)
			return end;
	}
	return 0;
}

/*
 * Whether a file whose space is to reach @end takes 4 KiB blocks of units
 * shared with other small files (version 3, under 2 MiB), rather than
 * whole 2 MiB units.
 */
static bool famfsl_small(struct famfsl_sb_info *sbi, u64 end)
{
	return sbi->space.granule == FAMFSL_BLOCK_SIZE && end < FAMFSL_ALLOC_UNIT;
}

/*
 * Find @len bytes (whole blocks, at most 2 MiB) for a small file: in a
 * shared unit if one has room, else at the start of the last wholly free
 * unit.  Space a file of this host still uses (sbi->held) is skipped: the
 * log may have freed space that a file open here still maps.
 */
static int famfsl_find_small(struct famfsl_sb_info *sbi, u64 len, u64 *off)
{
	struct famfsl_space *s = &sbi->space;
	u64 from = 0, below = U64_MAX;

	lockdep_assert_held(&sbi->space_lock);
	while (!famfsl_space_find_shared(s, len, from, off)) {
		from = famfsl_held_overlap(sbi, *off, len);
		if (!from)
			return 0;
	}
	while (!famfsl_space_find_last(s, below, off)) {
		if (!famfsl_held_overlap(sbi, *off, len))
			return 0;
		below = *off;
	}
	return -ENOSPC;
}

/*
 * Find @len bytes in wholly free units, starting @pre bytes into the
 * first (so that a file whose space ends @pre bytes into a unit goes on at
 * the same offset in a unit, and its later units are aligned, for 2 MiB
 * pages); @pre + @len is whole units.  Held space is skipped.
 */
static int famfsl_find_large(struct famfsl_sb_info *sbi, u64 len, u64 pre,
			     u64 *off)
{
	u64 from = 0;

	lockdep_assert_held(&sbi->space_lock);
	while (!famfsl_space_find(&sbi->space, pre + len, from, off)) {
		from = famfsl_held_overlap(sbi, *off + pre, len);
		if (!from) {
			*off += pre;
			return 0;
		}
	}
	return -ENOSPC;
}

/* Take @len bytes of free space for a new file, in one extent. */
static int famfsl_take_space_once(struct famfsl_sb_info *sbi, u64 len,
				  bool small, u64 *off)
{
	int rc;

	mutex_lock(&sbi->space_lock);
	if (small)
		rc = famfsl_find_small(sbi, len, off);
	else
		rc = famfsl_find_large(sbi, len, 0, off);
	if (!rc)
		rc = famfsl_space_mark(&sbi->space, *off, len);
	mutex_unlock(&sbi->space_lock);
	return rc;
}

static int famfsl_take_space(struct famfsl_sb_info *sbi, u64 len, bool small,
			     u64 *off)
{
	int rc = famfsl_take_space_once(sbi, len, small, off);

	/* Files removed just now may be idle already: evict them and retry. */
	if (rc == -ENOSPC && famfsl_quarantine_sweep(sbi))
		rc = famfsl_take_space_once(sbi, len, small, off);
	return rc;
}

static void famfsl_prezero_refill(struct famfsl_sb_info *sbi);

/*
 * Make new space of a file zero before anything can see it: units the
 * background zeroing did already are taken as they are, the rest zeroed
 * now.  A unit the background zeroing is at is waited for.  The space is
 * the caller's alone meanwhile.  A unit's known-zero mark is used once,
 * by whichever taker of space in it asks first (a unit may have become
 * shared while the background zeroing worked on it): it was zeroed whole
 * after it was last used; every other taker zeroes its own part.
 */
static int famfsl_zero_new(struct famfsl_sb_info *sbi, u64 off, u64 len)
{
	u64 at, next, unit, end = off + len;
	bool known, busy;
	int rc;

	for (at = off; at < end; at = next) {
		unit = round_down(at, FAMFSL_ALLOC_UNIT);
		next = min(end, unit + FAMFSL_ALLOC_UNIT);
		mutex_lock(&sbi->space_lock);
		busy = unit == sbi->prezero_unit;
		mutex_unlock(&sbi->space_lock);
		if (busy) {
			/* it holds prezero_lock until it is done with the unit */
			mutex_lock(&sbi->prezero_lock);
			mutex_unlock(&sbi->prezero_lock);
		}
		mutex_lock(&sbi->space_lock);
		known = famfsl_space_take_zeroed(&sbi->space, unit);
		mutex_unlock(&sbi->space_lock);
		if (known)
			continue;
		rc = daxl_region_zero(sbi->region, at, next - at);
		if (rc)
			return rc;
	}
	famfsl_prezero_refill(sbi);
	return 0;
}

/* Whether to zero free space in the background (see famfsl_prezero_work()). */
static bool prezero = true;
module_param(prezero, bool, 0644);
MODULE_PARM_DESC(prezero, "zero free space in the background on read-write mounts, so allocations need not wait for it (default on)");

/*
 * How much free space the background zeroing keeps zeroed ahead of the
 * allocations.  Known-zero space is not recorded on the media, so a mount
 * starts from none: without a bound, each mount of a device of terabytes
 * would write all its free space again.
 */
static unsigned int prezero_ahead_mb = 1024;
module_param(prezero_ahead_mb, uint, 0644);
MODULE_PARM_DESC(prezero_ahead_mb, "MiB of free space the background zeroing keeps zeroed ahead of allocations, lowest offsets first (default 1024)");

/* Whether the background zeroing may start: on, read-write, replayed. */
static bool famfsl_prezero_wanted(struct famfsl_sb_info *sbi)
{
	return READ_ONCE(prezero) && !sb_rdonly(sbi->vfs_sb) &&
	       READ_ONCE(sbi->replayed);
}

/**
 * famfsl_prezero_kick() - have free space zeroed a while from now
 * @sbi: the file system
 *
 * Each call pushes the start back, so a burst of removals is zeroed
 * after it.
 */
void famfsl_prezero_kick(struct famfsl_sb_info *sbi)
{
	if (famfsl_prezero_wanted(sbi))
		mod_delayed_work(daxl_unbound_wq, &sbi->prezero_work,
				 FAMFSL_PREZERO_DELAY);
}

/*
 * Have the zeroed space refilled after an allocation took from it.  Unlike
 * a kick after a removal, this leaves a pending start where it is, so a
 * steady stream of allocations does not keep pushing it back.
 */
static void famfsl_prezero_refill(struct famfsl_sb_info *sbi)
{
	if (famfsl_prezero_wanted(sbi))
		queue_delayed_work(daxl_unbound_wq, &sbi->prezero_work,
				   FAMFSL_PREZERO_DELAY);
}

/**
 * famfsl_prezero_stop() - stop the background zeroing for a read-only time
 * @sbi: the file system, switching to read-only
 *
 * Waits for the unit being zeroed, then forgets what is known zero: while
 * this host is read-only, another host's writer may put data in any free
 * space, and its log may be compacted so that a rebuilt tree never shows
 * it was used.  The caller has cleared sbi->replayed, so no kick starts it
 * again.
 */
void famfsl_prezero_stop(struct famfsl_sb_info *sbi)
{
	cancel_delayed_work_sync(&sbi->prezero_work);
	mutex_lock(&sbi->space_lock);
	famfsl_space_forget_zeroed(&sbi->space);
	mutex_unlock(&sbi->space_lock);
}

/**
 * famfsl_prezero_work() - zero free units in the background
 * @work: sbi->prezero_work
 *
 * One unit at a time: under space_lock it picks a free unit that is not
 * known to be zero (and that no file of this host still uses, see
 * sbi->held) as sbi->prezero_unit, zeroes it without the lock, then
 * marks it zero.  The unit stays free meanwhile: an allocation may take
 * it (so a file growing into it stays contiguous) and then waits in
 * famfsl_zero_new() for this zeroing to end.  Allocations skip zeroing
 * the units marked zero.  Each run starts at the lowest free unit, where
 * the first-fit allocator takes space, and stops once prezero_ahead_mb
 * of space is known zero; allocations kick it to refill.  It also stops
 * on a read-only mount, at shutdown, or when the prezero parameter is
 * off.  What is known zero is not persistent: after a mount, free space
 * is zeroed again, up to the bound.
 */
void famfsl_prezero_work(struct work_struct *work)
{
	struct famfsl_sb_info *sbi = container_of(to_delayed_work(work),
						  struct famfsl_sb_info,
						  prezero_work);
	u64 off, first_held, ahead;
	int rc;

	mutex_lock(&sbi->space_lock);
	sbi->prezero_next = 0;
	mutex_unlock(&sbi->space_lock);
	while (READ_ONCE(prezero) && !sb_rdonly(sbi->vfs_sb) &&
	       !READ_ONCE(sbi->shutdown)) {
		ahead = (u64)READ_ONCE(prezero_ahead_mb) * SZ_1M /
			FAMFSL_ALLOC_UNIT;
		mutex_lock(&sbi->prezero_lock);
		mutex_lock(&sbi->space_lock);
		first_held = 0;
		for (;;) {
			/*
			 * Before the mount's replay is done, space that later
			 * entries give to files looks free: never zero it.
			 */
			if (!sbi->replayed ||
			    famfsl_space_nr_zeroed(&sbi->space) >= ahead ||
			    !famfsl_space_next_unzeroed(&sbi->space,
							sbi->prezero_next, &off)) {
				mutex_unlock(&sbi->space_lock);
				mutex_unlock(&sbi->prezero_lock);
				return;
			}
			sbi->prezero_next = off + FAMFSL_ALLOC_UNIT;
			if (!famfsl_held_overlap(sbi, off, FAMFSL_ALLOC_UNIT))
				break;
			/*
			 * A held unit is never zeroed: skip it.  The search
			 * wraps around, so meeting the first held unit again
			 * means a whole lap found nothing else (0 is never a
			 * unit: the superblock is there).
			 */
			if (off == first_held) {
				mutex_unlock(&sbi->space_lock);
				mutex_unlock(&sbi->prezero_lock);
				return;
			}
			if (!first_held)
				first_held = off;
		}
		sbi->prezero_unit = off;
		mutex_unlock(&sbi->space_lock);

		rc = daxl_region_zero(sbi->region, off, FAMFSL_ALLOC_UNIT);

		mutex_lock(&sbi->space_lock);
		/*
		 * Zero now whether still free or taken meanwhile: the taker
		 * waits for this and then skips it.  A unit freed since was
		 * zeroed after its last use all the same.
		 */
		if (!rc)
			famfsl_space_set_zeroed(&sbi->space, off);
		sbi->prezero_unit = 0;
		mutex_unlock(&sbi->space_lock);
		mutex_unlock(&sbi->prezero_lock);
		if (rc)
			return;
		cond_resched();
	}
}

static void famfsl_give_space(struct famfsl_sb_info *sbi, u64 off, u64 len)
{
	mutex_lock(&sbi->space_lock);
	famfsl_space_free(&sbi->space, off, len);
	mutex_unlock(&sbi->space_lock);
}

/*
 * Give an empty file its one extent and size @size: take the space, zero
 * it, log it, then publish the extent and the size.  The zeroing, which
 * takes long for a large file, holds no file system lock; the space is
 * the caller's alone meanwhile.
 */
static int famfsl_allocate(struct inode *inode, loff_t size)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	bool small = famfsl_small(sbi, size);
	u64 len = round_up(size, small ? FAMFSL_BLOCK_SIZE : FAMFSL_ALLOC_UNIT);
	struct famfsl_map *map;
	struct famfsl_entry *e;
	struct famfsl_file *fe;
	u64 off;
	int rc;

	if (!inode->i_nlink)
		return -ENOENT;
	fe = kzalloc(sizeof(*fe), GFP_KERNEL);
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	map = famfsl_map_alloc(1);
	if (!fe || !e || !map) {
		rc = -ENOMEM;
		goto out_free;
	}

	rc = famfsl_take_space(sbi, len, small, &off);
	if (rc)
		goto out_free;
	rc = famfsl_zero_new(sbi, off, len);
	if (rc)
		goto out_give_space;
	daxl_region_flush(sbi->region);

	e->type = cpu_to_le32(FAMFSL_ALLOC);
	e->alloc.ino = cpu_to_le64(inode->i_ino);
	e->alloc.size = cpu_to_le64(size);
	e->alloc.nr_extents = cpu_to_le32(1);
	e->alloc.ext[0].dev_offset = cpu_to_le64(off);
	e->alloc.ext[0].len = cpu_to_le64(len);
	mutex_lock(&sbi->log_lock);
	rc = famfsl_log_append(sbi, e);
	mutex_unlock(&sbi->log_lock);
	if (rc)
		goto out_give_space;

	map->ext[0].dev_offset = off;
	map->ext[0].len = len;
	map->len = len;
	WRITE_ONCE(fe->logged_size, size);
	famfsl_install_map(inode, fe, map);
	famfsl_publish_size(inode, size);
	kfree(e);
	return 0;

out_give_space:
	famfsl_give_space(sbi, off, len);
out_free:
	kvfree(map);
	kfree(e);
	kfree(fe);
	return rc;
}

/*
 * Whether the free space can hold a file's growth from @have to @end bytes
 * of space, as far as one can tell: a small file's in any free blocks, a
 * large one's in wholly free units (counting the unit its space ends in,
 * which a growth may not be able to continue).
 */
static bool famfsl_space_covers_once(struct famfsl_sb_info *sbi, u64 have,
				     u64 end)
{
	bool ok;

	mutex_lock(&sbi->space_lock);
	if (famfsl_small(sbi, end))
		ok = round_up(end, FAMFSL_BLOCK_SIZE) - have <=
		     sbi->space.free_bytes;
	else
		ok = (round_up(end, FAMFSL_ALLOC_UNIT) -
		      round_down(have, FAMFSL_ALLOC_UNIT)) / FAMFSL_ALLOC_UNIT <=
		     sbi->space.nr_free;
	mutex_unlock(&sbi->space_lock);
	return ok;
}

static bool famfsl_space_covers(struct famfsl_sb_info *sbi, u64 have, u64 end)
{
	/* Files removed just now may be idle already: count their space. */
	return famfsl_space_covers_once(sbi, have, end) ||
	       (famfsl_quarantine_sweep(sbi) &&
		famfsl_space_covers_once(sbi, have, end));
}

/* Whether files of this file system grow (version 2 and later). */
static bool famfsl_can_grow(struct famfsl_sb_info *sbi)
{
	return le32_to_cpu(sbi->sb.version) >= FAMFSL_VERSION_EXTEND;
}

/*
 * Take free space for a growth: up to @len bytes at @at if @at is not 0
 * (continuing the file's last extent), else one run of @len bytes, else
 * the first free run however short.  A @small file's space is whole
 * blocks in shared units (famfsl_find_small()); a large one's is whole
 * units, starting @pre bytes into the first (famfsl_find_large()).
 * Space a file of this host still uses (sbi->held) is skipped.
 * Return: the bytes taken at *@off, or 0 (and *@err set if it was for
 * another reason than space).
 */
static u64 famfsl_take_run(struct famfsl_sb_info *sbi, u64 at, u64 len,
			   u64 pre, bool small, u64 *off, int *err)
{
	struct famfsl_space *s = &sbi->space;
	u64 from, got, stop;
	int rc;

	lockdep_assert_held(&sbi->space_lock);
	if (at) {
		got = famfsl_space_free_run(s, at, len);
		/* a large file's growth ends on a unit boundary */
		stop = round_down(at + got, FAMFSL_ALLOC_UNIT);
		if (!small)
			got = stop > at ? stop - at : 0;
		if (!got || famfsl_held_overlap(sbi, at, got))
			return 0;
		*off = at;
		goto take;
	}
	got = len;
	if (small) {
		if (!famfsl_find_small(sbi, len, off))
			goto take;
		for (from = 0; !famfsl_space_find_shared(s, FAMFSL_BLOCK_SIZE,
							 from, off);) {
			got = famfsl_space_free_run(s, *off, len);
			from = famfsl_held_overlap(sbi, *off, got);
			if (!from)
				goto take;
		}
		return 0;
	}
	if (!famfsl_find_large(sbi, len, pre, off))
		goto take;
	for (from = 0; !famfsl_space_find(s, FAMFSL_ALLOC_UNIT, from, off);) {
		/* a wholly free unit: the run is longer than @pre */
		got = round_down(famfsl_space_free_run(s, *off, pre + len),
				 FAMFSL_ALLOC_UNIT) - pre;
		from = famfsl_held_overlap(sbi, *off + pre, got);
		if (!from) {
			*off += pre;
			goto take;
		}
	}
	return 0;
take:
	rc = famfsl_space_mark(s, *off, got);
	if (rc) {
		/* it was found free: only memory can be short */
		WARN_ON_ONCE(rc != -ENOMEM);
		*err = rc;
		return 0;
	}
	return got;
}

/*
 * Take up to @len bytes in at most @max runs into @add, for file bytes
 * from @pos on, the first continuing the extent that ends at @tail (if
 * not 0; for a large file only where the unit offsets agree).
 * Return: the number of runs; *@err is set if space was not the reason
 * for fewer.
 */
static unsigned int famfsl_take_growth(struct famfsl_sb_info *sbi, u64 tail,
				       u64 pos, u64 len, bool small,
				       struct famfsl_extent_mem *add,
				       unsigned int max, int *err)
{
	unsigned int n = 0;
	u64 got, off, pre;

	mutex_lock(&sbi->space_lock);
	while (len && n < max && !*err) {
		pre = small ? 0 : pos % FAMFSL_ALLOC_UNIT;
		if (!small && tail % FAMFSL_ALLOC_UNIT != pre)
			tail = 0;
		got = famfsl_take_run(sbi, tail, len, pre, small, &off, err);
		if (!got && tail) {
			tail = 0;
			continue;
		}
		if (!got)
			break;
		add[n].dev_offset = off;
		add[n++].len = got;
		len -= got;
		pos += got;
		tail = off + got;
	}
	mutex_unlock(&sbi->space_lock);
	return n;
}

/*
 * Zero [@from, @to) of a file, bytes its extents hold past its size: the
 * page that holds the end of the file may have been written through a
 * mapping past the end, and a growth must show zeros there.
 */
static int famfsl_zero_range(struct inode *inode, u64 from, u64 to)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	struct famfsl_map *map = famfsl_file_map(inode);
	u64 file_off = 0, a, b;
	unsigned int i;
	int rc = 0;

	for (i = 0; map && i < map->nr && file_off < to && !rc; i++) {
		a = max(from, file_off);
		b = min(to, file_off + map->ext[i].len);
		if (a < b)
			rc = daxl_region_zero(sbi->region, map->ext[i].dev_offset +
					      a - file_off, b - a);
		file_off += map->ext[i].len;
	}
	return rc;
}

/*
 * Log the size of a file that grew by write(2) since the log last said,
 * so that a remount (here or on another host) sees it.
 *
 * Context: the caller holds i_rwsem exclusively.
 */
static int famfsl_log_size(struct inode *inode)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	struct famfsl_file *fe = inode->i_private;
	loff_t size = i_size_read(inode);
	struct famfsl_entry *e;
	int rc;

	/* A removed file's size no longer matters to the log. */
	if (!fe || fe->logged_size == size || !inode->i_nlink)
		return 0;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	e->type = cpu_to_le32(FAMFSL_EXTEND);
	e->extend.ino = cpu_to_le64(inode->i_ino);
	e->extend.size = cpu_to_le64(size);
	mutex_lock(&sbi->log_lock);
	rc = famfsl_log_append(sbi, e);
	mutex_unlock(&sbi->log_lock);
	kfree(e);
	if (!rc)
		WRITE_ONCE(fe->logged_size, size);
	return rc;
}

/**
 * famfsl_grow() - give a file space up to @end, as much as can be had
 * @inode: a regular file of a version 2 or 3 file system
 * @end: the file offset its extents should reach
 * @size: the size to log with the new space: the file's size, or more
 *	for a growth that sets the size (fallocate, truncate)
 *
 * Takes free space, continuing the last extent where it can: 4 KiB
 * blocks of shared units while the file stays under 2 MiB on version 3
 * (famfsl_small(); by writes, at least doubling), else 2 MiB units, at
 * the unit offset where the file's space ends so that its later 2 MiB of
 * file are 2 MiB of device, whole (for 2 MiB pages).  Zeroes it, logs one
 * EXTEND entry and publishes the new extents (not the size: the
 * caller's).  Takes less than asked when the space or
 * an entry's extents run out.
 *
 * Context: the caller holds i_rwsem exclusively.
 * Return: 0 if the extents reach further than before (maybe not to @end:
 * call again), else why not: -ENOSPC, -EFBIG, -ENOENT for a removed
 * file, -ENOMEM, -EIO.
 */
static int famfsl_grow(struct inode *inode, u64 end, u64 size)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	struct famfsl_extent_mem add[FAMFSL_MAX_EXTENTS];
	struct famfsl_file *fe = inode->i_private, *new_fe = NULL;
	struct famfsl_map *old = fe ? fe->map : NULL, *map;
	u64 have = old ? old->len : 0, tail = 0, len = 0;
	bool small = famfsl_small(sbi, end);
	unsigned int i, k, n, tries;
	struct famfsl_entry *e;
	int rc = 0, err = 0;

	if (end <= have)
		return 0;
	if (!inode->i_nlink)
		return -ENOENT;
	if (old)
		tail = old->ext[old->nr - 1].dev_offset +
		       old->ext[old->nr - 1].len;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!fe) {
		new_fe = kzalloc(sizeof(*fe), GFP_KERNEL);
		fe = new_fe;
	}
	if (!e || !fe) {
		rc = -ENOMEM;
		goto out_free;
	}

	/*
	 * A small file growing by writes (@size below @end) takes at least
	 * as much again as it has, up to just under 2 MiB, so that appends
	 * take few growths, log entries and extents; a file written in one
	 * go, or given a size (fallocate, truncate), takes what it asked for.
	 */
	if (small && size < end)
		end = max(end, min(2 * have, FAMFSL_ALLOC_UNIT - FAMFSL_BLOCK_SIZE));
	end = round_up(end, small ? FAMFSL_BLOCK_SIZE : FAMFSL_ALLOC_UNIT);
	n = 0;
	for (tries = 0; ; tries++) {
		k = famfsl_take_growth(sbi, n ? add[n - 1].dev_offset +
				       add[n - 1].len : tail, have + len,
				       end - have - len, small, add + n,
				       FAMFSL_MAX_EXTENTS - n, &err);
		for (i = n; i < n + k; i++)
			len += add[i].len;
		n += k;
		if (have + len >= end || n == FAMFSL_MAX_EXTENTS || tries ||
		    err)
			break;
		/* Files removed just now may be idle already: evict them. */
		if (!famfsl_quarantine_sweep(sbi))
			break;
	}
	if (!n) {
		rc = err ?: -ENOSPC;
		goto out_free;
	}
	for (i = 0; i < n && !rc; i++)
		rc = famfsl_zero_new(sbi, add[i].dev_offset, add[i].len);
	if (rc)
		goto out_give_space;
	daxl_region_flush(sbi->region);

	map = famfsl_map_append(old, add, n);
	if (IS_ERR(map)) {
		rc = PTR_ERR(map);
		goto out_give_space;
	}
	/* a size the new extents cannot hold yet is logged later */
	if (size > map->len || size < fe->logged_size)
		size = fe->logged_size;
	e->type = cpu_to_le32(FAMFSL_EXTEND);
	e->extend.ino = cpu_to_le64(inode->i_ino);
	e->extend.size = cpu_to_le64(size);
	e->extend.nr_extents = cpu_to_le32(n);
	for (i = 0; i < n; i++) {
		e->extend.ext[i].dev_offset = cpu_to_le64(add[i].dev_offset);
		e->extend.ext[i].len = cpu_to_le64(add[i].len);
	}
	mutex_lock(&sbi->log_lock);
	rc = famfsl_log_append(sbi, e);
	mutex_unlock(&sbi->log_lock);
	if (rc) {
		kvfree(map);
		goto out_give_space;
	}
	WRITE_ONCE(fe->logged_size, size);
	famfsl_install_map(inode, fe, map);
	kfree(e);
	return 0;

out_give_space:
	for (i = 0; i < n; i++)
		famfsl_give_space(sbi, add[i].dev_offset, add[i].len);
out_free:
	kfree(new_fe);
	kfree(e);
	return rc;
}

static ssize_t famfsl_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	ssize_t ret;

	if (READ_ONCE(FAMFSL_SB(inode->i_sb)->shutdown))
		return -EIO;
	if (!iov_iter_count(to))
		return 0;
	inode_lock_shared(inode);
	ret = dax_iomap_rw(iocb, to, &famfsl_iomap_ops);
	inode_unlock_shared(inode);
	file_accessed(iocb->ki_filp);
	return ret;
}

static ssize_t famfsl_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	struct famfsl_map *map;
	u64 end, room, had;
	loff_t size;
	ssize_t ret;

	if (READ_ONCE(sbi->shutdown))
		return -EIO;
	inode_lock(inode);
	ret = generic_write_checks(iocb, from);
	if (ret <= 0)
		goto out_unlock;
	ret = file_remove_privs(iocb->ki_filp);
	if (ret)
		goto out_unlock;
	size = i_size_read(inode);
	end = iocb->ki_pos + iov_iter_count(from);
	if (end > size && famfsl_can_grow(sbi)) {
		/*
		 * Grow as far as space allows, a short write past that; but
		 * take nothing for a write that could not even begin (a
		 * file's space is never given back).
		 */
		map = famfsl_file_map(inode);
		room = map ? map->len : 0;
		had = room;
		/* a growth allocates, zeroes and logs: all of it may block */
		if (room < end && (iocb->ki_flags & IOCB_NOWAIT)) {
			ret = -EAGAIN;
			goto out_unlock;
		}
		if (room <= iocb->ki_pos &&
		    !famfsl_space_covers(sbi, room, iocb->ki_pos + 1)) {
			ret = -ENOSPC;
			goto out_unlock;
		}
		for (;;) {
			map = famfsl_file_map(inode);
			room = map ? map->len : 0;
			if (room >= end)
				break;
			ret = famfsl_grow(inode, end, size);
			if (ret)
				break;
		}
		if (room <= iocb->ki_pos)
			goto out_unlock;	/* ret holds why */
		/*
		 * Zeros up to the write: a mapping may have written past the
		 * end, and after a crash (or a failed size log) the extents
		 * may hold data written past the size the log says.  Space
		 * taken just now comes zeroed.
		 */
		if (iocb->ki_pos > size)
			ret = famfsl_zero_range(inode, size,
						min_t(u64, iocb->ki_pos, had));
		else
			ret = 0;
		if (ret)
			goto out_unlock;
		size = min(room, end);
	} else if (iocb->ki_pos >= size) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	iov_iter_truncate(from, size - iocb->ki_pos);
	ret = dax_iomap_rw(iocb, from, &famfsl_iomap_ops);
	if (ret > 0 && iocb->ki_pos > i_size_read(inode))
		famfsl_publish_size(inode, iocb->ki_pos);
out_unlock:
	inode_unlock(inode);
	if (ret > 0)
		ret = generic_write_sync(iocb, ret);
	return ret;
}

/*
 * One handler for every fault size and for write-notify faults.
 *
 * MAP_SYNC needs nothing here: a write fault never has metadata to make
 * durable first, because a file's extents are logged, and durable, when
 * they are allocated, before any fault can map them.  So iomap_begin
 * never reports IOMAP_F_DIRTY, and dax_iomap_fault() never asks for a
 * synchronous fault (VM_FAULT_NEEDDSYNC).
 *
 * A fault that finds the file system shut down (its device went away)
 * maps nothing: the shutdown holds invalidate_lock while it takes every
 * mapping away, so it either waits for this fault or this fault sees it.
 * Nor does a fault of a held file (famfsl_file_removed()), whose space
 * the log gave back: another host may have reused it, or this host's
 * rebuild given it to a new inode, and only one mapping may have a page.
 * What it mapped before stays mapped.
 */
static vm_fault_t famfsl_huge_fault(struct vm_fault *vmf,
				    DAXL_COMPAT_FAULT_SIZE(size))
{
	struct inode *inode = file_inode(vmf->vma->vm_file);
	bool write = (vmf->flags & FAULT_FLAG_WRITE) &&
		     (vmf->vma->vm_flags & VM_SHARED);
	struct famfsl_file *fe;
	vm_fault_t ret;

	if (write)
		sb_start_pagefault(inode->i_sb);
	filemap_invalidate_lock_shared(inode->i_mapping);
	fe = famfsl_file(inode);
	if (READ_ONCE(FAMFSL_SB(inode->i_sb)->shutdown)) {
		ret = VM_FAULT_SIGBUS;
	} else if (fe && fe->held) {
		pr_info_ratelimited("%s: inode %llu: removed by another host; what it has not mapped yet is not mapped\n",
				    FAMFSL_SB(inode->i_sb)->name,
				    (u64)inode->i_ino);
		ret = VM_FAULT_SIGBUS;
	} else {
		ret = dax_iomap_fault(vmf, size, NULL, NULL,
				      &famfsl_iomap_ops);
	}
	filemap_invalidate_unlock_shared(inode->i_mapping);
	if (write)
		sb_end_pagefault(inode->i_sb);
	return ret;
}

static vm_fault_t famfsl_fault(struct vm_fault *vmf)
{
	return famfsl_huge_fault(vmf, DAXL_COMPAT_FAULT_PTE);
}

/*
 * .pfn_mkwrite matters: without it a read-faulted PTE becomes writable
 * without fs/dax.c tagging the entry dirty, and fsync would skip the
 * cache write-back.
 */
static const struct vm_operations_struct famfsl_vm_ops = {
	.fault		= famfsl_fault,
	.huge_fault	= famfsl_huge_fault,
	.page_mkwrite	= famfsl_fault,
	.pfn_mkwrite	= famfsl_fault,
};

static int famfsl_mmap(DAXL_COMPAT_MMAP_ARGS)
{
	struct file *file = daxl_compat_mmap_file(map);
	struct famfsl_sb_info *sbi = FAMFSL_SB(file_inode(file)->i_sb);

	if (!daxl_compat_mmap_supported(map, sbi->region->dax_dev))
		return -EOPNOTSUPP;
	file_accessed(file);
	daxl_compat_mmap_set(map, &famfsl_vm_ops);
	return 0;
}

/* Whether a file grew by write(2) beyond the size the log knows. */
static bool famfsl_size_unlogged(struct inode *inode)
{
	struct famfsl_file *fe = famfsl_file(inode);

	return fe && READ_ONCE(fe->logged_size) != i_size_read(inode);
}

/* Log the size a file grew to, after its data (see famfsl_log_append()). */
static int famfsl_sync_size(struct inode *inode)
{
	int rc;

	if (!famfsl_size_unlogged(inode))
		return 0;
	inode_lock(inode);
	rc = famfsl_log_size(inode);
	inode_unlock(inode);
	return rc;
}

static int famfsl_fsync(struct file *file, loff_t start, loff_t end,
			int datasync)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(file_inode(file)->i_sb);
	int rc, rc2;

	/* writes back the CPU cache for dirty DAX entries (->writepages) */
	rc = daxl_compat_fsync(file, start, end, datasync);
	daxl_region_flush(sbi->region);
	rc2 = famfsl_sync_size(file_inode(file));
	return rc ? rc : rc2;
}

/*
 * At close, the size a file grew to by write(2) goes to the log, so that
 * a remount here or on another host sees it (cp, tar and the like never
 * call fsync).  ->release covers files closed without ->flush.
 */
static int famfsl_flush(struct file *file, fl_owner_t id)
{
	if (!(file->f_mode & FMODE_WRITE))
		return 0;
	return famfsl_sync_size(file_inode(file));
}

static int famfsl_release(struct inode *inode, struct file *file)
{
	int rc;

	if (!(file->f_mode & FMODE_WRITE))
		return 0;
	/* nobody gets ->release's return value: say it here */
	rc = famfsl_sync_size(inode);
	if (rc)
		pr_warn_ratelimited("%s: inode %llu: size %lld not logged at close (%d)\n",
				    FAMFSL_SB(inode->i_sb)->name,
				    (u64)inode->i_ino, i_size_read(inode), rc);
	return 0;
}

/*
 * A size request, from truncate (@exact) or fallocate: allocates an empty
 * file (one extent, or several where no free run is long enough); grows an
 * allocated one (version 2); a smaller size is refused.
 */
static int famfsl_resize(struct inode *inode, loff_t size, bool exact)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	loff_t cur = i_size_read(inode);
	struct famfsl_map *map;
	int rc;

	if (famfsl_file(inode)) {
		if (size == cur || (!exact && size <= cur))
			return 0;
		if (size > cur && famfsl_can_grow(sbi)) {
			/*
			 * What a larger size needs, then the size.  Space taken
			 * before an ENOSPC stays the file's, its size unchanged.
			 */
			map = famfsl_file_map(inode);
			if (size > map->len &&
			    !famfsl_space_covers(sbi, map->len, size))
				return -ENOSPC;
			/*
			 * Zeros past the size in the space the file has (a
			 * mapping, or a write before a crash, may have left
			 * data there) before an EXTEND logs the new size; new
			 * space comes zeroed.
			 */
			rc = famfsl_zero_range(inode, cur,
					       min_t(u64, size, map->len));
			if (rc)
				return rc;
			while (famfsl_file_map(inode)->len < size) {
				rc = famfsl_grow(inode, size, size);
				if (rc)
					return rc;
			}
			/* a growth logged the size, or else log it now */
			famfsl_publish_size(inode, size);
			return famfsl_log_size(inode);
		}
		pr_info_ratelimited("%s: inode %llu: %s; refusing %lld -> %lld\n",
				    sbi->name, (u64)inode->i_ino, size < cur ?
				    "files never shrink" :
				    "files of a version 1 file system never grow",
				    cur, size);
		return -EINVAL;
	}
	if (!size)
		return 0;
	rc = famfsl_allocate(inode, size);
	/*
	 * No one free run holds it: where files grow, take the space in
	 * several runs, as a write does, if the free space covers it.
	 */
	if (rc != -ENOSPC || !famfsl_can_grow(sbi) ||
	    !famfsl_space_covers(sbi, 0, size))
		return rc;
	while (!famfsl_file(inode) || famfsl_file_map(inode)->len < size) {
		rc = famfsl_grow(inode, size, size);
		if (rc)
			return rc;
	}
	famfsl_publish_size(inode, size);
	return famfsl_log_size(inode);
}

static long famfsl_fallocate(struct file *file, int mode, loff_t offset,
			     loff_t len)
{
	struct inode *inode = file_inode(file);
	int rc;

	if (mode)
		return -EOPNOTSUPP;
	inode_lock(inode);
	rc = famfsl_resize(inode, offset + len, false);
	inode_unlock(inode);
	return rc;
}

static int famfsl_file_setattr(struct daxl_idmap *idmap,
			       struct dentry *dentry, struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	int rc;

	rc = setattr_prepare(idmap, dentry, attr);
	if (rc)
		return rc;
	if (attr->ia_valid & ATTR_SIZE) {
		rc = famfsl_resize(inode, attr->ia_size, true);
		if (rc)
			return rc;
		attr->ia_valid &= ~ATTR_SIZE;
	}
	return famfsl_change_attrs(idmap, inode, attr);
}

static int famfsl_fiemap(struct inode *inode, struct fiemap_extent_info *fi,
			 u64 start, u64 len)
{
	struct famfsl_map *map;
	u64 file_off = 0;
	unsigned int i;
	int rc;

	rc = fiemap_prep(inode, fi, start, &len, 0);
	if (rc)
		return rc;
	/* the extents stay while a growth cannot replace them */
	inode_lock_shared(inode);
	map = famfsl_file_map(inode);
	for (i = 0; map && i < map->nr; i++) {
		const struct famfsl_extent_mem *x = &map->ext[i];

		if (file_off + x->len > start && file_off < start + len) {
			rc = fiemap_fill_next_extent(fi, file_off, x->dev_offset,
						     x->len, i + 1 == map->nr ?
						     FIEMAP_EXTENT_LAST : 0);
			if (rc)
				break;
		}
		file_off += x->len;
	}
	inode_unlock_shared(inode);
	return rc < 0 ? rc : 0;
}

/* An ALLOC's or EXTEND's extents in CPU byte order; their count. */
static unsigned int famfsl_alloc_extents(const struct famfsl_alloc *a,
					 struct famfsl_extent_mem *add)
{
	unsigned int i, nr = le32_to_cpu(a->nr_extents);

	for (i = 0; i < nr; i++) {
		add[i].dev_offset = le64_to_cpu(a->ext[i].dev_offset);
		add[i].len = le64_to_cpu(a->ext[i].len);
	}
	return nr;
}

/**
 * famfsl_map_count() - the extent count famfsl_map_append() would give
 * @old: the file's extents, or NULL if it has none
 * @add: extents to append in this order
 * @nr: how many
 *
 * Allocates nothing: a replayed entry is checked with it before it is
 * applied.
 *
 * Return: the extent count of @old with @add appended, adjacent ones
 * merged.
 */
unsigned int famfsl_map_count(const struct famfsl_map *old,
			      const struct famfsl_extent_mem *add,
			      unsigned int nr)
{
	unsigned int i, n = old ? old->nr : 0;
	u64 end = n ? old->ext[n - 1].dev_offset + old->ext[n - 1].len : 0;

	for (i = 0; i < nr; i++) {
		if (!n || end != add[i].dev_offset)
			n++;
		end = add[i].dev_offset + add[i].len;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_map_count);

/* Do @a and @b share a byte (a block, on version 3)? */
static bool famfsl_extents_overlap(const struct famfsl_extent_mem *a,
				   const struct famfsl_extent_mem *b)
{
	return a->dev_offset < b->dev_offset + b->len &&
	       b->dev_offset < a->dev_offset + a->len;
}

/*
 * May the allocator take @add[0..@nr), one after the other?  None may
 * overlap space in use, nor one of the extents before it.
 */
static bool famfsl_extents_free(struct famfsl_sb_info *sbi,
				const struct famfsl_extent_mem *add,
				unsigned int nr)
{
	unsigned int i, j;
	bool ok = true;

	mutex_lock(&sbi->space_lock);
	for (i = 0; i < nr && ok; i++) {
		ok = !famfsl_space_test(&sbi->space, add[i].dev_offset,
					add[i].len);
		for (j = 0; j < i && ok; j++)
			ok = !famfsl_extents_overlap(&add[i], &add[j]);
	}
	mutex_unlock(&sbi->space_lock);
	return ok;
}

/**
 * famfsl_check_extents() - does a replayed ALLOC or EXTEND fit its file?
 * @inode: a regular file
 * @a: the entry (an EXTEND read through the same layout), already
 *	checked by famfsl_check_entry()
 * @extend: it is an EXTEND: the extents are appended, and the size may
 *	only grow; else the file must have no extents yet
 * @why: receives what does not fit, on -EUCLEAN
 *
 * Changes nothing; famfsl_set_extents() applies the entry after.
 *
 * Context: replay, where nothing else changes the file or the allocator.
 * Return: 0, or -EUCLEAN if the entry does not fit the file or an extent
 * overlaps space in use.
 */
int famfsl_check_extents(struct inode *inode, const struct famfsl_alloc *a,
			 bool extend, const char **why)
{
	struct famfsl_extent_mem add[FAMFSL_MAX_EXTENTS];
	unsigned int i, nr = famfsl_alloc_extents(a, add);
	u64 size = le64_to_cpu(a->size);
	const char *reason = NULL;
	struct famfsl_map *old;
	u64 len;

	/* a reader host may be reading or faulting the file meanwhile */
	inode_lock_shared(inode);
	old = famfsl_file_map(inode);
	len = old ? old->len : 0;
	for (i = 0; i < nr; i++)
		len += add[i].len;
	if (!extend && old)
		reason = "second allocation for a file";
	else if (size < i_size_read(inode))
		reason = "extend shrinks a file";
	else if (nr && famfsl_map_count(old, add, nr) > FAMFSL_FILE_MAX_EXTENTS)
		reason = "file has too many extents";
	else if (size > len)
		reason = "file size exceeds its extents";
	else if (!famfsl_extents_free(FAMFSL_SB(inode->i_sb), add, nr))
		reason = "extent overlaps another file";
	inode_unlock_shared(inode);
	return reason ? famfsl_mismatch(why, reason) : 0;
}

/**
 * famfsl_set_extents() - apply a replayed ALLOC or EXTEND entry
 * @inode: a regular file
 * @a: the entry (an EXTEND read through the same layout), which
 *	famfsl_check_extents() accepted
 *
 * Appends the entry's extents to the file's (an ALLOC's file has none),
 * marks them in use, and sets the file's size.
 *
 * Return: 0 or -ENOMEM.  (-EUCLEAN, with a warning, if the entry does
 * not fit after all: a bug.)
 */
int famfsl_set_extents(struct inode *inode, const struct famfsl_alloc *a)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	struct famfsl_extent_mem add[FAMFSL_MAX_EXTENTS];
	unsigned int i, nr = famfsl_alloc_extents(a, add);
	struct famfsl_file *fe, *new_fe = NULL;
	u64 size = le64_to_cpu(a->size);
	struct famfsl_map *map;
	int rc = 0;

	inode_lock(inode);
	fe = inode->i_private;
	if (!nr) {
		/* an ALLOC of nothing leaves a file of size 0 as it is */
		if (fe)
			goto set_size;
		goto out_unlock;
	}
	map = famfsl_map_append(fe ? fe->map : NULL, add, nr);
	if (IS_ERR(map)) {
		rc = PTR_ERR(map);
		if (WARN_ON_ONCE(rc == -EFBIG))
			rc = -EUCLEAN;
		goto out_unlock;
	}
	if (!fe) {
		new_fe = kzalloc(sizeof(*fe), GFP_KERNEL);
		fe = new_fe;
		if (!fe) {
			rc = -ENOMEM;
			goto out_free;
		}
	}
	mutex_lock(&sbi->space_lock);
	for (i = 0; i < nr && !rc; i++)
		rc = famfsl_space_mark(&sbi->space, add[i].dev_offset,
				       add[i].len);
	if (rc) {
		/* checked against the tree already: only memory can be short */
		WARN_ON_ONCE(rc != -ENOMEM);
		while (--i > 0)
			famfsl_space_free(&sbi->space, add[i - 1].dev_offset,
					  add[i - 1].len);
		mutex_unlock(&sbi->space_lock);
		goto out_free;
	}
	mutex_unlock(&sbi->space_lock);
	famfsl_install_map(inode, fe, map);
set_size:
	WRITE_ONCE(fe->logged_size, size);
	famfsl_publish_size(inode, size);
	inode_unlock(inode);
	return 0;

out_free:
	kfree(new_fe);
	kvfree(map);
out_unlock:
	inode_unlock(inode);
	return rc;
}

/**
 * famfsl_free_extents() - give a file's space back, at eviction
 * @inode: a regular file that is gone, with no user and no busy page left
 *
 * Space the log freed already (a removal replayed from another host) is
 * only forgotten: the allocator stops avoiding it.  Frees the file's
 * struct famfsl_file.
 */
void famfsl_free_extents(struct inode *inode)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	struct famfsl_file *fe = famfsl_file(inode);
	unsigned int i;

	if (!fe)
		return;
	mutex_lock(&sbi->space_lock);
	if (fe->held)
		list_del(&fe->held_node);
	else
		for (i = 0; i < fe->map->nr; i++)
			famfsl_space_free(&sbi->space, fe->map->ext[i].dev_offset,
					  fe->map->ext[i].len);
	fe->held = false;
	mutex_unlock(&sbi->space_lock);
	famfsl_prezero_kick(sbi);
	inode->i_private = NULL;
	kvfree(fe->map);
	kfree(fe);
}

/* The first page of @inode's extents that something still holds, or NULL. */
static struct page *famfsl_busy_page(struct inode *inode)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	struct famfsl_map *map = famfsl_file_map(inode);
	struct page *page = NULL;
	unsigned int i;

	/* Only pages that were mapped, which left a DAX entry, can be held. */
	if (!map || !READ_ONCE(inode->i_mapping->nrpages))
		return NULL;
	for (i = 0; i < map->nr && !page; i++)
		page = daxl_region_busy_page(sbi->region, map->ext[i].dev_offset,
					     map->ext[i].len);
	return page;
}

/* Wait for one held page of @inode, saying so. */
static void famfsl_wait_page(struct inode *inode, struct page *page)
{
	pr_info_ratelimited("%s: inode %llu: waiting for a pipe or an I/O to release its pages\n",
			    FAMFSL_SB(inode->i_sb)->name, (u64)inode->i_ino);
	daxl_wait_page_idle(FAMFSL_SB(inode->i_sb)->region, page);
}

/**
 * famfsl_wait_pages_idle() - wait until no page of a file is held
 * @inode: a regular file that nothing maps any more
 *
 * Context: may sleep for as long as a pipe or an I/O holds a page.
 */
void famfsl_wait_pages_idle(struct inode *inode)
{
	struct page *page;

	while ((page = famfsl_busy_page(inode)))
		famfsl_wait_page(inode, page);
}

/* How often quarantined files that are still in use are looked at again. */
#define FAMFSL_QUARANTINE_DELAY	(HZ / 5)

/*
 * The log gave @fe's space back while this host still has the file: the
 * allocator forgets the space but avoids it (sbi->held) until eviction.
 * Context: sbi->space_lock and the file's invalidate_lock held.
 */
static void famfsl_make_held(struct famfsl_sb_info *sbi, struct famfsl_file *fe)
{
	unsigned int i;

	lockdep_assert_held(&sbi->space_lock);
	for (i = 0; i < fe->map->nr; i++)
		famfsl_space_free(&sbi->space, fe->map->ext[i].dev_offset,
				  fe->map->ext[i].len);
	fe->held = true;
	list_add(&fe->held_node, &sbi->held);
}

/**
 * famfsl_file_removed() - a regular file lost its last name
 * @inode: the file, still referenced by the caller
 * @by_log: the removal was replayed from the log (another host removed
 *	it), so the log gives the space back while this host may still use it
 *
 * The file is quarantined: it keeps an inode reference, so it is not
 * evicted (and its space not reused) until the quarantine work finds it
 * unused and its pages idle.  Every file with space is, whether or not it
 * was mapped yet: a file still open can be mapped, and its pages pinned,
 * after its removal, and eviction must never have to wait for a pin held
 * by the very task whose close evicts it.
 */
void famfsl_file_removed(struct inode *inode, bool by_log)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(inode->i_sb);
	struct famfsl_file *fe = famfsl_file(inode);
	bool quarantined = false;

	if (!fe)
		return;
	/* no fault of the file is under way once it is held */
	if (by_log)
		filemap_invalidate_lock(inode->i_mapping);
	mutex_lock(&sbi->space_lock);
	if (by_log && !fe->held)
		famfsl_make_held(sbi, fe);
	if (!fe->quarantined) {
		ihold(inode);
		fe->quarantined = true;
		list_add_tail(&fe->quarantine_node, &sbi->quarantine);
		quarantined = true;
	}
	mutex_unlock(&sbi->space_lock);
	if (by_log)
		filemap_invalidate_unlock(inode->i_mapping);
	/* Most removed files are idle already: look at once. */
	if (quarantined)
		mod_delayed_work(daxl_unbound_wq, &sbi->quarantine_work, 0);
}

/* Take the quarantined files that are unused and idle off the list. */
static void famfsl_quarantine_collect(struct famfsl_sb_info *sbi,
				      struct list_head *idle, bool all)
{
	struct famfsl_file *fe, *next;

	mutex_lock(&sbi->space_lock);
	list_for_each_entry_safe(fe, next, &sbi->quarantine, quarantine_node) {
		if (!all && (atomic_read(&fe->inode->i_count) > 1 ||
			     famfsl_busy_page(fe->inode)))
			continue;
		fe->quarantined = false;
		list_move_tail(&fe->quarantine_node, idle);
	}
	mutex_unlock(&sbi->space_lock);
}

/* Drop the quarantine's references; eviction frees the space. */
static void famfsl_quarantine_release(struct list_head *idle)
{
	struct famfsl_file *fe, *next;

	list_for_each_entry_safe(fe, next, idle, quarantine_node) {
		list_del_init(&fe->quarantine_node);
		iput(fe->inode);
	}
}

/**
 * famfsl_quarantine_sweep() - evict the quarantined files that are idle now
 * @sbi: the file system
 *
 * Context: may sleep; the caller holds no lock of the file system but
 * maybe its own file's i_rwsem.
 * Return: whether any file was evicted.
 */
bool famfsl_quarantine_sweep(struct famfsl_sb_info *sbi)
{
	LIST_HEAD(idle);
	bool any;

	famfsl_quarantine_collect(sbi, &idle, false);
	any = !list_empty(&idle);
	famfsl_quarantine_release(&idle);
	return any;
}

/* How many held files one pass of famfsl_held_drop_entries() looks at. */
#define FAMFSL_HELD_BATCH	16

/*
 * Drop the DAX entries of held files that nothing maps and whose pages are
 * idle, while they stay open: a held file maps nothing new, so its entries
 * do not come back, and other files may then map that space
 * (famfsl_held_mapped()).
 */
static void famfsl_held_drop_entries(struct famfsl_sb_info *sbi)
{
	struct inode *batch[FAMFSL_HELD_BATCH];
	struct address_space *mapping;
	struct famfsl_file *fe;
	unsigned int n = 0, i;

	if (list_empty(&sbi->held))
		return;
	mutex_lock(&sbi->space_lock);
	list_for_each_entry(fe, &sbi->held, held_node) {
		mapping = fe->inode->i_mapping;
		/*
		 * Files with a page still pinned stay for a later pass and do
		 * not fill the batch; one the quarantine let go is evicted
		 * by its own last iput, not here.
		 */
		if (!READ_ONCE(mapping->nrpages) || mapping_mapped(mapping) ||
		    !fe->quarantined || famfsl_busy_page(fe->inode))
			continue;
		batch[n] = igrab(fe->inode);
		if (batch[n] && ++n == FAMFSL_HELD_BATCH)
			break;
	}
	mutex_unlock(&sbi->space_lock);
	for (i = 0; i < n; i++) {
		mapping = batch[i]->i_mapping;
		/* faults of the file wait here, then see it held */
		filemap_invalidate_lock(mapping);
		if (!mapping_mapped(mapping) && !famfsl_busy_page(batch[i])) {
			daxl_compat_break_layout_final(batch[i]);
			truncate_inode_pages(mapping, 0);
		}
		filemap_invalidate_unlock(mapping);
		iput(batch[i]);
	}
}

/**
 * famfsl_quarantine_work() - evict quarantined files that became idle
 * @work: sbi->quarantine_work
 *
 * A file is idle once the quarantine holds its only reference (nothing
 * has it open or mapped, so no new page reference can appear) and no page
 * of it is held.
 */
void famfsl_quarantine_work(struct work_struct *work)
{
	struct famfsl_sb_info *sbi = container_of(to_delayed_work(work),
						  struct famfsl_sb_info,
						  quarantine_work);
	bool more;

	famfsl_quarantine_sweep(sbi);
	famfsl_held_drop_entries(sbi);
	mutex_lock(&sbi->space_lock);
	more = !list_empty(&sbi->quarantine);
	mutex_unlock(&sbi->space_lock);
	if (more)
		queue_delayed_work(daxl_unbound_wq, &sbi->quarantine_work,
				   FAMFSL_QUARANTINE_DELAY);
}

/**
 * famfsl_quarantine_drain() - end the quarantine at unmount
 * @sbi: the file system, whose files are all closed
 *
 * Evicts every quarantined file; eviction waits for pages still held.
 */
void famfsl_quarantine_drain(struct famfsl_sb_info *sbi)
{
	LIST_HEAD(all);

	cancel_delayed_work_sync(&sbi->quarantine_work);
	famfsl_quarantine_collect(sbi, &all, true);
	famfsl_quarantine_release(&all);
}

/**
 * famfsl_break_mappings() - take a file's memory away from its users
 * @inode: a regular file of a file system that is shut down
 *
 * Unmaps every mapping, waits for held pages, and drops the file's DAX
 * entries, so nothing refers to the memory any more.  Faults that come
 * later see the shutdown and fail.
 */
void famfsl_break_mappings(struct inode *inode)
{
	struct address_space *mapping = inode->i_mapping;
	struct page *page;

	/*
	 * As ext4 and XFS break layouts: never wait with invalidate_lock
	 * held, since get_user_pages may hold one page of the file and be
	 * faulting the next, which takes the lock shared (and now fails).
	 */
	for (;;) {
		filemap_invalidate_lock(mapping);
		unmap_mapping_range(mapping, 0, 0, 1);
		page = famfsl_busy_page(inode);
		if (!page)
			break;
		filemap_invalidate_unlock(mapping);
		famfsl_wait_page(inode, page);
	}
	/* where the kernel wants the DAX entries gone before a truncate */
	daxl_compat_break_layout_final(inode);
	truncate_inode_pages(mapping, 0);
	filemap_invalidate_unlock(mapping);
}

static int famfsl_writepages(struct address_space *mapping,
			     struct writeback_control *wbc)
{
	struct famfsl_sb_info *sbi = FAMFSL_SB(mapping->host->i_sb);

	return dax_writeback_mapping_range(mapping, sbi->region->dax_dev, wbc);
}

const struct address_space_operations famfsl_dax_aops = {
	.writepages	= famfsl_writepages,
	.direct_IO	= noop_direct_IO,
	.dirty_folio	= noop_dirty_folio,
};

const struct file_operations famfsl_file_ops = {
	.llseek			= generic_file_llseek,
	.read_iter		= famfsl_read_iter,
	.write_iter		= famfsl_write_iter,
	.splice_read		= daxl_compat_dax_splice_read,
	.splice_write		= iter_file_splice_write,
	.DAXL_COMPAT_FOP_MMAP	= famfsl_mmap,
	DAXL_COMPAT_FOP_MAP_SYNC,
	.get_unmapped_area	= thp_get_unmapped_area,
	.fsync			= famfsl_fsync,
	.flush			= famfsl_flush,
	.release		= famfsl_release,
	.fallocate		= famfsl_fallocate,
};

const struct inode_operations famfsl_file_inode_ops = {
	.setattr	= famfsl_file_setattr,
	.fiemap		= famfsl_fiemap,
};
