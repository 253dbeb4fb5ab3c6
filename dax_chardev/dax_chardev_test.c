// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for dax_chardev: read/write lengths at the end of the
 * device, and when a fault may be served with a 2 MiB mapping.
 */
#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>

#include <daxlite/compat.h>

#include "dax_chardev.h"

#define SZ	(64ULL << 20)
#define PMD_PAGES	(PMD_SIZE >> PAGE_SHIFT)
#define VA	0x7f0000000000UL	/* a PMD-aligned address */

static void io_inside_the_device(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, daxcdev_io_len(0, 4096, SZ, false), 4096L);
	KUNIT_EXPECT_EQ(test, daxcdev_io_len(SZ - 4096, 4096, SZ, true), 4096L);
	KUNIT_EXPECT_EQ(test, daxcdev_io_len(123, 1, SZ, false), 1L);
}

static void io_crossing_the_end_is_cut_short(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, daxcdev_io_len(SZ - 100, 4096, SZ, false), 100L);
	KUNIT_EXPECT_EQ(test, daxcdev_io_len(SZ - 100, 4096, SZ, true), 100L);
	KUNIT_EXPECT_EQ(test, daxcdev_io_len(SZ - 1, SIZE_MAX, SZ, false), 1L);
}

static void read_at_or_past_end_reads_nothing(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, daxcdev_io_len(SZ, 4096, SZ, false), 0L);
	KUNIT_EXPECT_EQ(test, daxcdev_io_len(SZ + 4096, 1, SZ, false), 0L);
	KUNIT_EXPECT_EQ(test, daxcdev_io_len(LLONG_MAX, 1, SZ, false), 0L);
}

static void write_at_or_past_end_is_enospc(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, daxcdev_io_len(SZ, 4096, SZ, true), (long)-ENOSPC);
	KUNIT_EXPECT_EQ(test, daxcdev_io_len(SZ * 2, 1, SZ, true), (long)-ENOSPC);
	KUNIT_EXPECT_EQ(test, daxcdev_io_len(-1, 1, SZ, true), (long)-ENOSPC);
}

static void zero_length_is_zero_anywhere(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, daxcdev_io_len(0, 0, SZ, true), 0L);
	KUNIT_EXPECT_EQ(test, daxcdev_io_len(SZ * 2, 0, SZ, true), 0L);
}

static void io_is_capped_at_max_rw_count(struct kunit *test)
{
	u64 huge = 1ULL << 40;

	KUNIT_EXPECT_EQ(test, daxcdev_io_len(0, SIZE_MAX, huge, false),
			(long)MAX_RW_COUNT);
}

static void pmd_fits_when_aligned_and_inside(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, daxcdev_pmd_fits(VA, VA + PMD_SIZE, VA, 0, SZ));
	KUNIT_EXPECT_TRUE(test, daxcdev_pmd_fits(VA, VA + 8 * PMD_SIZE,
						 VA + 3 * PMD_SIZE,
						 3 * PMD_PAGES, SZ));
}

static void pmd_refused_for_unaligned_offset(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, daxcdev_pmd_fits(VA, VA + 4 * PMD_SIZE, VA, 1, SZ));
	KUNIT_EXPECT_FALSE(test, daxcdev_pmd_fits(VA, VA + 4 * PMD_SIZE, VA,
						  PMD_PAGES - 1, SZ));
}

static void pmd_refused_outside_the_mapping(struct kunit *test)
{
	/* The mapping starts 4 KiB into the PMD, or ends 4 KiB short of it. */
	KUNIT_EXPECT_FALSE(test, daxcdev_pmd_fits(VA + PAGE_SIZE, VA + PMD_SIZE,
						  VA, 0, SZ));
	KUNIT_EXPECT_FALSE(test, daxcdev_pmd_fits(VA, VA + PMD_SIZE - PAGE_SIZE,
						  VA, 0, SZ));
}

static void pmd_refused_past_the_device(struct kunit *test)
{
	u64 last = SZ / PAGE_SIZE - PMD_PAGES;

	KUNIT_EXPECT_TRUE(test, daxcdev_pmd_fits(VA, VA + PMD_SIZE, VA, last, SZ));
	KUNIT_EXPECT_FALSE(test, daxcdev_pmd_fits(VA, VA + PMD_SIZE, VA,
						  last + PMD_PAGES, SZ));
}

static void pmd_at_the_last_pmd_of_a_mapping(struct kunit *test)
{
	unsigned long end = VA + 4 * PMD_SIZE;

	KUNIT_EXPECT_TRUE(test, daxcdev_pmd_fits(VA, end, end - PMD_SIZE,
						 3 * PMD_PAGES, SZ));
	KUNIT_EXPECT_FALSE(test, daxcdev_pmd_fits(VA, end, end, 4 * PMD_PAGES, SZ));
}

static void pmd_refused_on_a_tiny_device(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, daxcdev_pmd_fits(VA, VA + PMD_SIZE, VA, 0,
						  PMD_SIZE - PAGE_SIZE));
	KUNIT_EXPECT_TRUE(test, daxcdev_pmd_fits(VA, VA + PMD_SIZE, VA, 0,
						 PMD_SIZE));
}

static struct kunit_case dax_chardev_cases[] = {
	KUNIT_CASE(io_inside_the_device),
	KUNIT_CASE(io_crossing_the_end_is_cut_short),
	KUNIT_CASE(read_at_or_past_end_reads_nothing),
	KUNIT_CASE(write_at_or_past_end_is_enospc),
	KUNIT_CASE(zero_length_is_zero_anywhere),
	KUNIT_CASE(io_is_capped_at_max_rw_count),
	KUNIT_CASE(pmd_fits_when_aligned_and_inside),
	KUNIT_CASE(pmd_refused_for_unaligned_offset),
	KUNIT_CASE(pmd_refused_outside_the_mapping),
	KUNIT_CASE(pmd_refused_past_the_device),
	KUNIT_CASE(pmd_at_the_last_pmd_of_a_mapping),
	KUNIT_CASE(pmd_refused_on_a_tiny_device),
	{}
};

static struct kunit_suite dax_chardev_suite = {
	.name = "dax_chardev",
	.test_cases = dax_chardev_cases,
};

kunit_test_suite(dax_chardev_suite);

MODULE_AUTHOR("daxlite maintainers");
MODULE_DESCRIPTION("KUnit tests for dax_chardev");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DAXL_KUNIT_NS);
