// SPDX-License-Identifier: GPL-2.0-only
/*
 * The data area's allocator: a bitmap of 2 MiB units, first fit, one
 * contiguous extent per request.  The caller serializes calls.
 */
#include <kunit/visibility.h>
#include <linux/bitmap.h>
#include <linux/slab.h>

#include "famfs_lite.h"

/**
 * famfsl_space_init() - make an allocator with all space free
 * @s: the allocator
 * @base: device offset of the data area, a multiple of 2 MiB
 * @end: device offset just past it, a multiple of 2 MiB
 *
 * Return: 0 or -ENOMEM.
 */
int famfsl_space_init(struct famfsl_space *s, u64 base, u64 end)
{
	s->base = base;
	s->nr_units = (end - base) / FAMFSL_ALLOC_UNIT;
	s->nr_free = s->nr_units;
	s->nr_zeroed = 0;
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
	bitmap_free(s->map);
	bitmap_free(s->zeroed);
	s->map = NULL;
	s->zeroed = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_destroy);

/* Unit index and count of [dev_offset, +len), or false if not whole units inside. */
static bool famfsl_space_units(struct famfsl_space *s, u64 dev_offset, u64 len,
			       unsigned long *first, unsigned long *nr)
{
	if (dev_offset < s->base || !len ||
	    (dev_offset - s->base) % FAMFSL_ALLOC_UNIT ||
	    len % FAMFSL_ALLOC_UNIT)
		return false;
	*first = (dev_offset - s->base) / FAMFSL_ALLOC_UNIT;
	*nr = len / FAMFSL_ALLOC_UNIT;
	return *first < s->nr_units && *nr <= s->nr_units - *first;
}

/**
 * famfsl_space_find() - find free space for one contiguous extent
 * @s: the allocator
 * @len: bytes wanted; rounded up to whole units
 * @from: device offset to start looking at
 * @dev_offset: receives the device offset of the first free run at or
 *	after @from that is long enough; nothing is taken
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
 * famfsl_space_alloc() - allocate one contiguous extent
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
 * famfsl_space_mark() - record an extent found in the log as in use
 * @s: the allocator
 * @dev_offset: device offset of the extent
 * @len: its length
 *
 * Return: 0, or -EUCLEAN if the extent is not whole units inside the
 * data area or overlaps space already in use.
 */
int famfsl_space_mark(struct famfsl_space *s, u64 dev_offset, u64 len)
{
	unsigned long first, nr;

	if (!famfsl_space_units(s, dev_offset, len, &first, &nr))
		return -EUCLEAN;
	if (find_next_bit(s->map, first + nr, first) < first + nr)
		return -EUCLEAN;
	bitmap_set(s->map, first, nr);
	s->nr_free -= nr;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_mark);

/**
 * famfsl_space_test() - may an extent found in the log be marked in use?
 * @s: the allocator
 * @dev_offset: device offset of the extent
 * @len: its length
 *
 * Changes nothing: what famfsl_space_mark() would refuse, it refuses.
 *
 * Return: 0, or -EUCLEAN if the extent is not whole units inside the
 * data area or overlaps space already in use.
 */
int famfsl_space_test(struct famfsl_space *s, u64 dev_offset, u64 len)
{
	unsigned long first, nr;

	if (!famfsl_space_units(s, dev_offset, len, &first, &nr))
		return -EUCLEAN;
	if (find_next_bit(s->map, first + nr, first) < first + nr)
		return -EUCLEAN;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_test);

/**
 * famfsl_space_free() - give back an extent
 * @s: the allocator
 * @dev_offset: device offset of an extent famfsl_space_alloc() or
 *	famfsl_space_mark() took
 * @len: its length
 *
 * An extent that is not whole units inside the data area is a bug: it
 * warns and frees nothing.
 */
void famfsl_space_free(struct famfsl_space *s, u64 dev_offset, u64 len)
{
	unsigned long first, nr, i;

	if (WARN_ON(!famfsl_space_units(s, dev_offset, len, &first, &nr)))
		return;
	bitmap_clear(s->map, first, nr);
	/* what a file held is not zero any more */
	for (i = first; i < first + nr; i++)
		if (__test_and_clear_bit(i, s->zeroed))
			s->nr_zeroed--;
	s->nr_free += nr;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_free);

/**
 * famfsl_space_free_run() - how much free space starts at an offset
 * @s: the allocator
 * @dev_offset: device offset, a multiple of 2 MiB
 * @len: the most bytes of interest, a multiple of 2 MiB
 *
 * Return: the bytes of free units from @dev_offset on, at most @len; 0 if
 * @dev_offset is in use or outside the data area.
 */
u64 famfsl_space_free_run(struct famfsl_space *s, u64 dev_offset, u64 len)
{
	unsigned long first, nr, busy;

	if (dev_offset < s->base || (dev_offset - s->base) % FAMFSL_ALLOC_UNIT)
		return 0;
	first = (dev_offset - s->base) / FAMFSL_ALLOC_UNIT;
	if (first >= s->nr_units)
		return 0;
	nr = min_t(u64, len / FAMFSL_ALLOC_UNIT, s->nr_units - first);
	busy = find_next_bit(s->map, first + nr, first);
	return (u64)(busy - first) * FAMFSL_ALLOC_UNIT;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_free_run);

/**
 * famfsl_space_take_zeroed() - whether a unit just taken was known zero
 * @s: the allocator
 * @dev_offset: a unit the caller took from the free space
 *
 * Forgets it: the caller will write to the unit.
 *
 * Return: true if the unit holds only zeros, so need not be zeroed.
 */
bool famfsl_space_take_zeroed(struct famfsl_space *s, u64 dev_offset)
{
	unsigned long first, nr;

	if (WARN_ON(!famfsl_space_units(s, dev_offset, FAMFSL_ALLOC_UNIT,
					&first, &nr)))
		return false;
	if (!__test_and_clear_bit(first, s->zeroed))
		return false;
	s->nr_zeroed--;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(famfsl_space_take_zeroed);

/**
 * famfsl_space_next_unzeroed() - find a free unit not known to be zero
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
 * famfsl_space_set_zeroed() - note that a free unit holds only zeros
 * @s: the allocator
 * @dev_offset: the unit
 */
void famfsl_space_set_zeroed(struct famfsl_space *s, u64 dev_offset)
{
	unsigned long first, nr;

	if (!WARN_ON(!famfsl_space_units(s, dev_offset, FAMFSL_ALLOC_UNIT,
					 &first, &nr)) &&
	    !__test_and_set_bit(first, s->zeroed))
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
