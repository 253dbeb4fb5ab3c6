// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for dax_blk: how one bio segment maps to the device, at the
 * edges of a page and of the device, for both flush policies.  The
 * device is a plain buffer standing in for a mapped region.
 */
#include <kunit/test.h>
#include <linux/blk_types.h>
#include <linux/bvec.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

#include "dax_blk.h"

#define DEV_SIZE	(64 * 1024)

struct blk_fixture {
	struct daxl_region region;
	struct page *page;
};

static int blk_test_init(struct kunit *test)
{
	struct blk_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	f->region.kaddr = kunit_kzalloc(test, DEV_SIZE, GFP_KERNEL);
	f->region.size = DEV_SIZE;
	f->region.backing = DAXL_VOLATILE;
	f->page = alloc_page(GFP_KERNEL);
	if (!f->region.kaddr || !f->page)
		return -ENOMEM;
	test->priv = f;
	return 0;
}

static void blk_test_exit(struct kunit *test)
{
	struct blk_fixture *f = test->priv;

	__free_page(f->page);
}

static blk_status_t do_bvec(struct blk_fixture *f, unsigned int off,
			    unsigned int len, sector_t sector, bool write)
{
	struct bio_vec bv = { .bv_page = f->page, .bv_offset = off, .bv_len = len };

	return daxblk_do_bvec(&f->region, &bv, sector, write);
}

static void write_lands_at_sector_offset(struct kunit *test)
{
	struct blk_fixture *f = test->priv;
	unsigned char *dev = f->region.kaddr;

	memset(page_address(f->page), 0x11, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, do_bvec(f, 0, 512, 3, true), BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, dev[3 * 512 - 1], 0);
	KUNIT_EXPECT_EQ(test, dev[3 * 512], 0x11);
	KUNIT_EXPECT_EQ(test, dev[4 * 512 - 1], 0x11);
	KUNIT_EXPECT_EQ(test, dev[4 * 512], 0);
}

static void read_returns_device_bytes(struct kunit *test)
{
	struct blk_fixture *f = test->priv;
	unsigned char *mem = page_address(f->page);

	memset(f->region.kaddr + 8192, 0x22, 4096);
	memset(mem, 0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, do_bvec(f, 0, 4096, 16, false), BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, mem[0], 0x22);
	KUNIT_EXPECT_EQ(test, mem[4095], 0x22);
}

static void segment_offset_in_page_is_honoured(struct kunit *test)
{
	struct blk_fixture *f = test->priv;
	unsigned char *mem = page_address(f->page);
	unsigned char *dev = f->region.kaddr;

	memset(mem, 0, PAGE_SIZE);
	memset(mem + 1024, 0x33, 1024);
	KUNIT_EXPECT_EQ(test, do_bvec(f, 1024, 1024, 0, true), BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, dev[0], 0x33);
	KUNIT_EXPECT_EQ(test, dev[1023], 0x33);
	KUNIT_EXPECT_EQ(test, dev[1024], 0);
}

/* 512-byte logical blocks: a lone sector in the middle of a page. */
static void sector_inside_a_page_both_ways(struct kunit *test)
{
	struct blk_fixture *f = test->priv;
	unsigned char *mem = page_address(f->page);
	unsigned char *dev = f->region.kaddr;

	memset(mem, 0, PAGE_SIZE);
	memset(mem + 512, 0x77, 512);
	KUNIT_EXPECT_EQ(test, do_bvec(f, 512, 512, 9, true), BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, dev[9 * 512 - 1], 0);
	KUNIT_EXPECT_EQ(test, dev[9 * 512], 0x77);
	KUNIT_EXPECT_EQ(test, dev[10 * 512 - 1], 0x77);
	KUNIT_EXPECT_EQ(test, dev[10 * 512], 0);
	memset(mem, 0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, do_bvec(f, 1536, 512, 9, false), BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, mem[1535], 0);
	KUNIT_EXPECT_EQ(test, mem[1536], 0x77);
	KUNIT_EXPECT_EQ(test, mem[2047], 0x77);
	KUNIT_EXPECT_EQ(test, mem[2048], 0);
}

static void last_sector_is_reachable(struct kunit *test)
{
	struct blk_fixture *f = test->priv;
	unsigned char *dev = f->region.kaddr;

	memset(page_address(f->page), 0x44, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, do_bvec(f, 0, 512, DEV_SIZE / 512 - 1, true),
			BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, dev[DEV_SIZE - 1], 0x44);
}

static void past_capacity_fails(struct kunit *test)
{
	struct blk_fixture *f = test->priv;

	KUNIT_EXPECT_NE(test, do_bvec(f, 0, 512, DEV_SIZE / 512, true), BLK_STS_OK);
	KUNIT_EXPECT_NE(test, do_bvec(f, 0, 512, DEV_SIZE / 512, false), BLK_STS_OK);
	/* Straddling the end is refused whole. */
	KUNIT_EXPECT_NE(test, do_bvec(f, 0, 1024, DEV_SIZE / 512 - 1, true),
			BLK_STS_OK);
	KUNIT_EXPECT_NE(test, do_bvec(f, 0, 512, (sector_t)-1, true), BLK_STS_OK);
}

static void persistent_backing_round_trip(struct kunit *test)
{
	struct blk_fixture *f = test->priv;
	unsigned char *mem = page_address(f->page);

	f->region.backing = DAXL_PERSISTENT;
	memset(mem, 0x55, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, do_bvec(f, 0, 4096, 8, true), BLK_STS_OK);
	memset(mem, 0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, do_bvec(f, 0, 4096, 8, false), BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, mem[0], 0x55);
	KUNIT_EXPECT_EQ(test, mem[4095], 0x55);
}

static void discard_range_reads_back_zero(struct kunit *test)
{
	struct blk_fixture *f = test->priv;
	unsigned char *dev = f->region.kaddr;

	memset(dev, 0x66, DEV_SIZE);
	/* What REQ_OP_DISCARD and REQ_OP_WRITE_ZEROES do: zero the span. */
	KUNIT_EXPECT_EQ(test, daxl_region_zero(&f->region, 4096, 8192), 0);
	KUNIT_EXPECT_EQ(test, dev[4095], 0x66);
	KUNIT_EXPECT_EQ(test, dev[4096], 0);
	KUNIT_EXPECT_EQ(test, dev[12287], 0);
	KUNIT_EXPECT_EQ(test, dev[12288], 0x66);
	KUNIT_EXPECT_EQ(test, daxl_region_zero(&f->region, DEV_SIZE - 4096, 8192),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, dev[DEV_SIZE - 1], 0x66);
}

static struct kunit_case dax_blk_cases[] = {
	KUNIT_CASE(write_lands_at_sector_offset),
	KUNIT_CASE(read_returns_device_bytes),
	KUNIT_CASE(segment_offset_in_page_is_honoured),
	KUNIT_CASE(sector_inside_a_page_both_ways),
	KUNIT_CASE(last_sector_is_reachable),
	KUNIT_CASE(past_capacity_fails),
	KUNIT_CASE(persistent_backing_round_trip),
	KUNIT_CASE(discard_range_reads_back_zero),
	{}
};

static struct kunit_suite dax_blk_suite = {
	.name = "dax_blk",
	.init = blk_test_init,
	.exit = blk_test_exit,
	.test_cases = dax_blk_cases,
};

kunit_test_suite(dax_blk_suite);

MODULE_AUTHOR("daxlite maintainers");
MODULE_DESCRIPTION("KUnit tests for dax_blk");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DAXL_NS);
MODULE_IMPORT_NS(DAXL_KUNIT_NS);
