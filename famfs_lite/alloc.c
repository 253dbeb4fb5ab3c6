// SPDX-License-Identifier: GPL-2.0-only
/*
 * The data area's allocator.  Space is counted in 2 MiB units; on a
 * version 3 file system a unit may also be shared, block by block (4 KiB),
 * by the small files packed into it:
 *
 *   map bit clear               the unit is wholly free
 *   map bit set, no chunk       the unit is wholly in use (by one file)
 *   map bit set, a chunk        some of its blocks are in use: the chunk
 *                               (in @chunks by unit index) says which
 *
 * Large files take runs of wholly free units, first fit from the start of
 * the data area; small files take blocks in chunks that have room, else
 * a new chunk from the wholly free unit nearest the end, so small files
 * gather at the end and do not break up the runs large files need.
 * The caller serializes calls.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/bitmap.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "famfs_lite.h"

/* Marks the chunks that have a free block, so that full ones are skipped. */
#define FAMFSL_CHUNK_ROOM	XA_MARK_0

/**
 * struct famfsl_chunk - a unit shared block by block
 * @used: one bit per block, set when in use
 * @nr_used: bits set in @used; the chunk goes when none are
 */
struct famfsl_chunk {
	DECLARE_BITMAP(used, FAMFSL_CHUNK_BLOCKS);
	unsigned int nr_used;
};

/**
 * famfsl_space_init() - make an allocator with all space free
 * @s: the allocator
 * @base: device offset of the data area, a multiple of 2 MiB
 * @end: device offset just past it, a multiple of 2 MiB
 * @granule: FAMFSL_BLOCK_SIZE or FAMFSL_ALLOC_UNIT: what extents are
 *	multiples of
 *
 * Return: 0 or -ENOMEM.
 */
int famfsl_space_init(struct famfsl_space *s, u64 base, u64 end, u64 granule)
{
	/* a page must not reach past a block into another file's */
	BUILD_BUG_ON(PAGE_SIZE != FAMFSL_BLOCK_SIZE);
	s->base = base;
	s->granule = granule;
	s->nr_units = (end - base) / FAMFSL_ALLOC_UNIT;
	s->nr_free = s->nr_units;
	s->free_bytes = end - base;
	s->nr_zeroed = 0;
	xa_init(&s->chunks);
	s->map = bitmap_zalloc(s->nr_units, GFP_KERNEL);
	s->zeroed = bitmap_zalloc(s->nr_units, GFP_KERNEL);
	if (s->map && s->zeroed)
		return 0;
	famfsl_space_destroy(s);
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_init);

/**
 * famfsl_space_destroy() - free what famfsl_space_init() allocated
 * @s: the allocator
 */
void famfsl_space_destroy(struct famfsl_space *s)
{
	struct famfsl_chunk *c;
	unsigned long i;

	/*
	 * A mount that failed before famfsl_space_init() has a zeroed,
	 * uninitialized @chunks; chunks exist only once @map does.
	 */
	if (s->map) {
		xa_for_each(&s->chunks, i, c)
			kfree(c);
		xa_destroy(&s->chunks);
	}
	bitmap_free(s->map);
	bitmap_free(s->zeroed);
	s->map = NULL;
	s->zeroed = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_destroy);

/* Whether [dev_offset, +len) is whole granules inside the data area. */
static bool famfsl_space_valid(struct famfsl_space *s, u64 dev_offset, u64 len)
{
	return dev_offset >= s->base && len &&
	       !((dev_offset - s->base) % s->granule) && !(len % s->granule) &&
	       dev_offset - s->base <= s->nr_units * FAMFSL_ALLOC_UNIT &&
	       len <= s->nr_units * FAMFSL_ALLOC_UNIT - (dev_offset - s->base);
}

/*
 * The part of [@off, @end) in unit @u: its first block and block count,
 * and whether it is the whole unit.
 */
struct famfsl_piece {
	unsigned long unit;
	unsigned int block;
	unsigned int nr;
	bool whole;
};

static void famfsl_piece_of(struct famfsl_space *s, u64 off, u64 end,
			    unsigned long u, struct famfsl_piece *p)
{
	u64 ustart = s->base + (u64)u * FAMFSL_ALLOC_UNIT;
	u64 lo = max(off, ustart), hi = min(end, ustart + FAMFSL_ALLOC_UNIT);

	p->unit = u;
	p->block = (lo - ustart) / FAMFSL_BLOCK_SIZE;
	p->nr = (hi - lo) / FAMFSL_BLOCK_SIZE;
	p->whole = p->nr == FAMFSL_CHUNK_BLOCKS;
}

/* The units [*first, *last] that [off, +len) touches. */
static void famfsl_units_of(struct famfsl_space *s, u64 off, u64 len,
			    unsigned long *first, unsigned long *last)
{
	*first = (off - s->base) / FAMFSL_ALLOC_UNIT;
	*last = (off + len - 1 - s->base) / FAMFSL_ALLOC_UNIT;
}

/* Whether all of piece @p is free. */
static bool famfsl_piece_free(struct famfsl_space *s,
			      const struct famfsl_piece *p)
{
	struct famfsl_chunk *c;

	if (!test_bit(p->unit, s->map))
		return true;
	c = xa_load(&s->chunks, p->unit);
	return c && !p->whole &&
	       find_next_bit(c->used, p->block + p->nr, p->block) >=
	       p->block + p->nr;
}

/**
 * famfsl_space_find() - find free space for one run of whole units
 * @s: the allocator
 * @len: bytes wanted; rounded up to whole units
 * @from: device offset to start looking at
 * @dev_offset: receives the device offset of the first run of wholly free
 *	units at or after @from that is long enough; nothing is taken
 *
 * Return: 0, -EINVAL for a zero length, or -ENOSPC if no run of free
 * units is long enough.
 */
int famfsl_space_find(struct famfsl_space *s, u64 len, u64 from,
		      u64 *dev_offset)
{
	u64 nr = DIV_ROUND_UP_ULL(len, FAMFSL_ALLOC_UNIT);
	unsigned long first, start = 0;

	if (!len)
		return -EINVAL;
	if (nr > s->nr_free)
		return -ENOSPC;
	if (from > s->base)
		start = DIV_ROUND_UP_ULL(from - s->base, FAMFSL_ALLOC_UNIT);
	if (start >= s->nr_units)
		return -ENOSPC;
	first = bitmap_find_next_zero_area(s->map, s->nr_units, start, nr, 0);
	if (first >= s->nr_units)
		return -ENOSPC;
	*dev_offset = s->base + first * FAMFSL_ALLOC_UNIT;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_find);

/**
 * famfsl_space_find_shared() - find free blocks in a unit shared already
 * @s: the allocator
 * @len: bytes wanted, a multiple of FAMFSL_BLOCK_SIZE up to 2 MiB
 * @from: device offset to start looking at
 * @dev_offset: receives the device offset of the first run of @len free
 *	bytes at or after @from inside one shared unit; nothing is taken
 *
 * Return: 0, -EINVAL for a length that is not whole blocks of one unit,
 * or -ENOSPC if no shared unit has such a run.
 */
int famfsl_space_find_shared(struct famfsl_space *s, u64 len, u64 from,
			     u64 *dev_offset)
{
	unsigned int nr = len / FAMFSL_BLOCK_SIZE, block, pos;
	unsigned long u = 0;
	struct famfsl_chunk *c;

	if (!len || len % FAMFSL_BLOCK_SIZE || len > FAMFSL_ALLOC_UNIT)
		return -EINVAL;
	if (from > s->base)
		u = (from - s->base) / FAMFSL_ALLOC_UNIT;
	for (c = xa_find(&s->chunks, &u, ULONG_MAX, FAMFSL_CHUNK_ROOM); c;
	     c = xa_find_after(&s->chunks, &u, ULONG_MAX, FAMFSL_CHUNK_ROOM)) {
		if (FAMFSL_CHUNK_BLOCKS - c->nr_used < nr)
			continue;
		block = 0;
		if (s->base + (u64)u * FAMFSL_ALLOC_UNIT < from)
			block = (from - s->base) % FAMFSL_ALLOC_UNIT /
				FAMFSL_BLOCK_SIZE;
		pos = bitmap_find_next_zero_area(c->used, FAMFSL_CHUNK_BLOCKS,
						 block, nr, 0);
		if (pos + nr <= FAMFSL_CHUNK_BLOCKS) {
			*dev_offset = s->base + (u64)u * FAMFSL_ALLOC_UNIT +
				      (u64)pos * FAMFSL_BLOCK_SIZE;
			return 0;
		}
	}
	return -ENOSPC;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_find_shared);

/**
 * famfsl_space_find_last() - find the last wholly free unit before an offset
 * @s: the allocator
 * @below: device offset the unit must start before
 * @dev_offset: receives the unit's device offset; nothing is taken
 *
 * Small files start new shared units here, at the end of the data area.
 *
 * Return: 0, or -ENOSPC if no unit before @below is wholly free.
 */
int famfsl_space_find_last(struct famfsl_space *s, u64 below, u64 *dev_offset)
{
	unsigned long u, end = s->nr_units, w;

	if (below <= s->base)
		return -ENOSPC;
	if (below - s->base < s->nr_units * FAMFSL_ALLOC_UNIT)
		end = DIV_ROUND_UP_ULL(below - s->base, FAMFSL_ALLOC_UNIT);
	/* a word at a time from the end: the map has no find_last_zero_bit */
	for (u = end; u > 0;) {
		w = ~s->map[(u - 1) / BITS_PER_LONG] &
		    BITMAP_LAST_WORD_MASK(u);
		if (w) {
			u = round_down(u - 1, BITS_PER_LONG) + __fls(w);
			*dev_offset = s->base + (u64)u * FAMFSL_ALLOC_UNIT;
			return 0;
		}
		u = round_down(u - 1, BITS_PER_LONG);
	}
	return -ENOSPC;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_find_last);

/**
 * famfsl_space_alloc() - allocate one run of whole units
 * @s: the allocator
 * @len: bytes wanted; rounded up to whole units
 * @dev_offset: receives the extent's device offset
 *
 * Return: 0, -EINVAL for a zero length, or -ENOSPC if no run of free
 * units is long enough.
 */
int famfsl_space_alloc(struct famfsl_space *s, u64 len, u64 *dev_offset)
{
	int rc = famfsl_space_find(s, len, 0, dev_offset);

	if (rc)
		return rc;
	return famfsl_space_mark(s, *dev_offset,
				 round_up(len, FAMFSL_ALLOC_UNIT));
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_alloc);

/**
 * famfsl_space_test() - may an extent found in the log be marked in use?
 * @s: the allocator
 * @dev_offset: device offset of the extent
 * @len: its length
 *
 * Changes nothing: what famfsl_space_mark() would refuse as corrupt, it
 * refuses.
 *
 * Return: 0, or -EUCLEAN if the extent is not whole granules inside the
 * data area or overlaps space already in use.
 */
int famfsl_space_test(struct famfsl_space *s, u64 dev_offset, u64 len)
{
	unsigned long u, first, last;
	struct famfsl_piece p;

	if (!famfsl_space_valid(s, dev_offset, len))
		return -EUCLEAN;
	famfsl_units_of(s, dev_offset, len, &first, &last);
	/* the whole units between the ends: one bitmap search */
	if (last > first + 1 &&
	    find_next_bit(s->map, last, first + 1) < last)
		return -EUCLEAN;
	for (u = first; u <= last; u += max(last - first, 1UL)) {
		famfsl_piece_of(s, dev_offset, dev_offset + len, u, &p);
		if (!famfsl_piece_free(s, &p))
			return -EUCLEAN;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_test);

/* A new chunk for a wholly free unit, stored; NULL without memory. */
static struct famfsl_chunk *famfsl_chunk_new(struct famfsl_space *s,
					     unsigned long u)
{
	struct famfsl_chunk *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (c && xa_err(xa_store(&s->chunks, u, c, GFP_KERNEL))) {
		kfree(c);
		return NULL;
	}
	if (c)
		xa_set_mark(&s->chunks, u, FAMFSL_CHUNK_ROOM);
	return c;
}

/* Take piece @p, free and with its chunk in place if it is not whole. */
static void famfsl_piece_take(struct famfsl_space *s,
			      const struct famfsl_piece *p)
{
	struct famfsl_chunk *c;

	if (!test_and_set_bit(p->unit, s->map))
		s->nr_free--;
	if (!p->whole) {
		c = xa_load(&s->chunks, p->unit);
		bitmap_set(c->used, p->block, p->nr);
		c->nr_used += p->nr;
		if (c->nr_used == FAMFSL_CHUNK_BLOCKS)
			xa_clear_mark(&s->chunks, p->unit, FAMFSL_CHUNK_ROOM);
	}
}

/**
 * famfsl_space_mark() - record an extent as in use
 * @s: the allocator
 * @dev_offset: device offset of the extent
 * @len: its length
 *
 * Return: 0, -EUCLEAN if the extent is not whole granules inside the data
 * area or overlaps space already in use, or -ENOMEM (nothing is marked).
 */
int famfsl_space_mark(struct famfsl_space *s, u64 dev_offset, u64 len)
{
	unsigned long u, first, last, made[2];
	unsigned int nr_made = 0, i;
	struct famfsl_piece p;
	int rc;

	rc = famfsl_space_test(s, dev_offset, len);
	if (rc)
		return rc;
	famfsl_units_of(s, dev_offset, len, &first, &last);
	/* only the end units can be part units, needing a chunk */
	for (u = first; u <= last; u += max(last - first, 1UL)) {
		famfsl_piece_of(s, dev_offset, dev_offset + len, u, &p);
		if (p.whole || test_bit(u, s->map))
			continue;
		if (!famfsl_chunk_new(s, u)) {
			for (i = 0; i < nr_made; i++)
				kfree(xa_erase(&s->chunks, made[i]));
			return -ENOMEM;
		}
		made[nr_made++] = u;
	}
	for (u = first; u <= last; u++) {
		famfsl_piece_of(s, dev_offset, dev_offset + len, u, &p);
		famfsl_piece_take(s, &p);
	}
	s->free_bytes -= len;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_mark);

/*
 * Give back piece @p of a unit in use.  A whole unit may have been taken
 * in parts (a file's extents are merged where they meet), so it may have
 * a chunk.  Space not in use is a bug: warn and give back nothing.
 * Return: whether it was given back.
 */
static bool famfsl_piece_give(struct famfsl_space *s,
			      const struct famfsl_piece *p)
{
	struct famfsl_chunk *c = xa_load(&s->chunks, p->unit);

	if (WARN_ON_ONCE(!test_bit(p->unit, s->map)))
		return false;
	if (c) {
		if (WARN_ON_ONCE(find_next_zero_bit(c->used, p->block + p->nr,
						    p->block) < p->block + p->nr))
			return false;
		bitmap_clear(c->used, p->block, p->nr);
		c->nr_used -= p->nr;
		if (c->nr_used) {
			xa_set_mark(&s->chunks, p->unit, FAMFSL_CHUNK_ROOM);
			return true;
		}
		kfree(xa_erase(&s->chunks, p->unit));
	} else if (WARN_ON_ONCE(!p->whole)) {
		return false;
	}
	clear_bit(p->unit, s->map);
	/* what a file held is not zero any more */
	if (__test_and_clear_bit(p->unit, s->zeroed))
		s->nr_zeroed--;
	s->nr_free++;
	return true;
}

/**
 * famfsl_space_free() - give back an extent
 * @s: the allocator
 * @dev_offset: device offset of an extent famfsl_space_alloc() or
 *	famfsl_space_mark() took
 * @len: its length
 *
 * An extent that is not whole granules inside the data area is a bug: it
 * warns and frees nothing.
 */
void famfsl_space_free(struct famfsl_space *s, u64 dev_offset, u64 len)
{
	unsigned long u, first, last;
	struct famfsl_piece p;

	if (WARN_ON(!famfsl_space_valid(s, dev_offset, len)))
		return;
	famfsl_units_of(s, dev_offset, len, &first, &last);
	for (u = first; u <= last; u++) {
		famfsl_piece_of(s, dev_offset, dev_offset + len, u, &p);
		if (famfsl_piece_give(s, &p))
			s->free_bytes += (u64)p.nr * FAMFSL_BLOCK_SIZE;
		else
			pr_err_ratelimited("freeing [%#llx, +%#llx): unit %lu was not in use\n",
					   dev_offset, len, u);
	}
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_free);

/**
 * famfsl_space_free_run() - how much free space starts at an offset
 * @s: the allocator
 * @dev_offset: device offset, a multiple of the granule
 * @len: the most bytes of interest
 *
 * Return: the bytes of free space from @dev_offset on, at most @len and
 * whole granules; 0 if @dev_offset is in use or outside the data area.
 */
u64 famfsl_space_free_run(struct famfsl_space *s, u64 dev_offset, u64 len)
{
	unsigned long u;
	struct famfsl_chunk *c;
	unsigned int block, busy;
	u64 run = 0, room;

	if (!famfsl_space_valid(s, dev_offset, s->granule))
		return 0;
	u = (dev_offset - s->base) / FAMFSL_ALLOC_UNIT;
	block = (dev_offset - s->base) % FAMFSL_ALLOC_UNIT / FAMFSL_BLOCK_SIZE;
	for (; u < s->nr_units && run < len; u++, block = 0) {
		room = (u64)(FAMFSL_CHUNK_BLOCKS - block) * FAMFSL_BLOCK_SIZE;
		if (test_bit(u, s->map)) {
			c = xa_load(&s->chunks, u);
			if (!c)
				break;
			busy = find_next_bit(c->used, FAMFSL_CHUNK_BLOCKS, block);
			run += (u64)(busy - block) * FAMFSL_BLOCK_SIZE;
			if (busy < FAMFSL_CHUNK_BLOCKS)
				break;
		} else {
			run += room;
		}
	}
	return round_down(min(run, len), s->granule);
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_free_run);

/**
 * famfsl_space_take_zeroed() - whether a unit just taken was known zero
 * @s: the allocator
 * @dev_offset: a unit the caller took space of from the free space
 *
 * Forgets it: the caller will write to the unit.
 *
 * Return: true if the unit holds only zeros, so need not be zeroed.
 */
bool famfsl_space_take_zeroed(struct famfsl_space *s, u64 dev_offset)
{
	unsigned long u;

	if (WARN_ON(!famfsl_space_valid(s, dev_offset, FAMFSL_ALLOC_UNIT) ||
		    (dev_offset - s->base) % FAMFSL_ALLOC_UNIT))
		return false;
	u = (dev_offset - s->base) / FAMFSL_ALLOC_UNIT;
	if (!__test_and_clear_bit(u, s->zeroed))
		return false;
	s->nr_zeroed--;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_take_zeroed);

/**
 * famfsl_space_next_unzeroed() - find a wholly free unit not known zero
 * @s: the allocator
 * @from: device offset to look from; the search wraps around once
 * @dev_offset: receives the unit's device offset
 *
 * Return: true if there is one.
 */
bool famfsl_space_next_unzeroed(struct famfsl_space *s, u64 from,
				u64 *dev_offset)
{
	unsigned long i, start = 0, end;
	int pass;

	if (from > s->base)
		start = min_t(u64, (from - s->base) / FAMFSL_ALLOC_UNIT,
			      s->nr_units);
	for (pass = 0; pass < 2; pass++) {
		end = pass ? start : s->nr_units;
		for (i = pass ? 0 : start; i < end; i++) {
			i = find_next_zero_bit(s->map, end, i);
			if (i >= end)
				break;
			if (!test_bit(i, s->zeroed)) {
				*dev_offset = s->base + (u64)i * FAMFSL_ALLOC_UNIT;
				return true;
			}
		}
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_next_unzeroed);

/**
 * famfsl_space_set_zeroed() - note that a unit holds only zeros
 * @s: the allocator
 * @dev_offset: the unit
 */
void famfsl_space_set_zeroed(struct famfsl_space *s, u64 dev_offset)
{
	unsigned long u;

	if (WARN_ON(!famfsl_space_valid(s, dev_offset, FAMFSL_ALLOC_UNIT) ||
		    (dev_offset - s->base) % FAMFSL_ALLOC_UNIT))
		return;
	u = (dev_offset - s->base) / FAMFSL_ALLOC_UNIT;
	if (!__test_and_set_bit(u, s->zeroed))
		s->nr_zeroed++;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_set_zeroed);

/**
 * famfsl_space_nr_zeroed() - how many units are known to be zero
 * @s: the allocator
 *
 * Return: the units marked zero: free ones, and any taken a moment ago
 * that famfsl_space_take_zeroed() has not yet been asked about.
 */
u64 famfsl_space_nr_zeroed(struct famfsl_space *s)
{
	return s->nr_zeroed;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_nr_zeroed);

/**
 * famfsl_space_forget_zeroed() - know no unit to be zero any more
 * @s: the allocator
 *
 * For when another host may write the free space: a read-only mount,
 * whose tree another host's writer changes meanwhile.
 */
void famfsl_space_forget_zeroed(struct famfsl_space *s)
{
	bitmap_zero(s->zeroed, s->nr_units);
	s->nr_zeroed = 0;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_forget_zeroed);
