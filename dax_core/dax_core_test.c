// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for dax_core: range parsing and span arithmetic on plain
 * values, and regions, dax_operations, flush policy and holders on real
 * memory, and the sanity check of dax bus devices on made-up devices.
 * The region cases need DAXL_TEST_START..+DAXL_TEST_SIZE reserved
 * at boot (the KUnit runner boots with memmap=64M$0x30000000); without it
 * they are skipped, and say so.
 */
#include <kunit/test.h>
#include <linux/dax.h>
#include <linux/ioport.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

#include "dax_bus_layout.h"
#include "dax_core_internal.h"

#define DAXL_TEST_START	0x30000000ULL
#define DAXL_TEST_SIZE	(64ULL << 20)

static void parse_single(struct kunit *test)
{
	struct daxl_phys r[DAXL_MAX_RANGES];

	KUNIT_ASSERT_EQ(test, daxl_parse_ranges("512M@0x80000000", r, 16), 1);
	KUNIT_EXPECT_EQ(test, r[0].size, 512ULL << 20);
	KUNIT_EXPECT_EQ(test, r[0].start, 0x80000000ULL);
}

static void parse_multiple_in_order(struct kunit *test)
{
	struct daxl_phys r[DAXL_MAX_RANGES];

	KUNIT_ASSERT_EQ(test, daxl_parse_ranges("2M@4G,1G@0x100000000,4096@8192",
						r, 16), 3);
	KUNIT_EXPECT_EQ(test, r[0].start, 4ULL << 30);
	KUNIT_EXPECT_EQ(test, r[1].size, 1ULL << 30);
	KUNIT_EXPECT_EQ(test, r[2].size, 4096ULL);
	KUNIT_EXPECT_EQ(test, r[2].start, 8192ULL);
}

static void parse_suffixes(struct kunit *test)
{
	struct daxl_phys r[DAXL_MAX_RANGES];

	KUNIT_ASSERT_EQ(test, daxl_parse_ranges("1k@1K,1m@1M,1g@1G,1t@1T", r, 16), 4);
	KUNIT_EXPECT_EQ(test, r[0].size, 1024ULL);
	KUNIT_EXPECT_EQ(test, r[1].start, 1ULL << 20);
	KUNIT_EXPECT_EQ(test, r[2].size, 1ULL << 30);
	KUNIT_EXPECT_EQ(test, r[3].start, 1ULL << 40);
}

static void parse_octal_and_hex_like_memparse(struct kunit *test)
{
	struct daxl_phys r[DAXL_MAX_RANGES];

	KUNIT_ASSERT_EQ(test, daxl_parse_ranges("010@0x10,0x1E@0X20", r, 16), 2);
	KUNIT_EXPECT_EQ(test, r[0].size, 8ULL);
	KUNIT_EXPECT_EQ(test, r[0].start, 16ULL);
	KUNIT_EXPECT_EQ(test, r[1].size, 30ULL);
	KUNIT_EXPECT_EQ(test, r[1].start, 32ULL);
	KUNIT_EXPECT_EQ(test, daxl_parse_ranges("09@0", r, 16), -EINVAL);
}

static void parse_trailing_newline_and_empty(struct kunit *test)
{
	struct daxl_phys r[DAXL_MAX_RANGES];

	KUNIT_EXPECT_EQ(test, daxl_parse_ranges("2M@0\n", r, 16), 1);
	KUNIT_EXPECT_EQ(test, daxl_parse_ranges("", r, 16), 0);
	KUNIT_EXPECT_EQ(test, daxl_parse_ranges(NULL, r, 16), 0);
	KUNIT_EXPECT_EQ(test, daxl_parse_ranges("\n", r, 16), 0);
}

static void parse_garbage_refused(struct kunit *test)
{
	static const char * const bad[] = {
		"foo", "512M", "512M@", "@0x1000", "512M@0x1000junk",
		"512M@0x1000,", ",512M@0x1000", "512M@@0x1000", "512X@0",
		"2M@0\n\n", "-2M@0", "2M 0",
	};
	struct daxl_phys r[DAXL_MAX_RANGES];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, daxl_parse_ranges(bad[i], r, 16),
				    -EINVAL, "spec \"%s\"", bad[i]);
}

static void parse_overflow_refused(struct kunit *test)
{
	struct daxl_phys r[DAXL_MAX_RANGES];

	KUNIT_EXPECT_EQ(test, daxl_parse_ranges("99999999999999999999@0", r, 16),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, daxl_parse_ranges("16777216T@0", r, 16), -ERANGE);
	KUNIT_EXPECT_EQ(test, daxl_parse_ranges("2M@0x10000000000000000", r, 16),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, daxl_parse_ranges("16777215T@0", r, 16), 1);
}

static void parse_range_count_limit(struct kunit *test)
{
	struct daxl_phys r[DAXL_MAX_RANGES];
	char spec[128] = "";
	int i;

	for (i = 0; i < DAXL_MAX_RANGES; i++)
		strlcat(spec, i ? ",2M@0" : "2M@0", sizeof(spec));
	KUNIT_EXPECT_EQ(test, daxl_parse_ranges(spec, r, DAXL_MAX_RANGES),
			DAXL_MAX_RANGES);
	strlcat(spec, ",2M@0", sizeof(spec));
	KUNIT_EXPECT_EQ(test, daxl_parse_ranges(spec, r, DAXL_MAX_RANGES),
			-E2BIG);
}

static void parse_map_option(struct kunit *test)
{
	static const char * const bad[] = {
		"2M@0:map=disk", "2M@0:", "2M@0:map=", "2M@0:map=dev:map=mem",
		"2M@0:map=devx", "2M:map=dev@0",
	};
	struct daxl_phys r[4];
	unsigned int i;

	KUNIT_ASSERT_EQ(test, daxl_parse_ranges("2M@0x80000000:map=dev,4M@8M,6M@16M:map=mem\n",
						r, 4), 3);
	KUNIT_EXPECT_TRUE(test, r[0].map_dev);
	KUNIT_EXPECT_EQ(test, r[0].start, 0x80000000ULL);
	KUNIT_EXPECT_FALSE(test, r[1].map_dev);
	KUNIT_EXPECT_EQ(test, r[1].size, 4ULL << 20);
	KUNIT_EXPECT_FALSE(test, r[2].map_dev);
	KUNIT_EXPECT_EQ(test, r[2].start, 16ULL << 20);
	KUNIT_EXPECT_PTR_EQ(test, r[0].source, NULL);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, daxl_parse_ranges(bad[i], r, 4),
				    -EINVAL, "spec \"%s\"", bad[i]);
}

/* 64 bytes of struct page per 4 KiB, rounded up to 2 MiB, from the size alone. */
static void memmap_size_of_map_dev(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, daxl_memmap_size(64ULL << 30), 1ULL << 30);
	KUNIT_EXPECT_EQ(test, daxl_memmap_size(512ULL << 20), 8ULL << 20);
	KUNIT_EXPECT_EQ(test, daxl_memmap_size(2ULL << 20), 2ULL << 20);
	KUNIT_EXPECT_EQ(test, daxl_memmap_size(130ULL << 20), 4ULL << 20);
	KUNIT_EXPECT_EQ(test, daxl_memmap_size(2ULL << 40), 32ULL << 30);
}

/* The carve-out: the 2 MiB info block, then the memmap. */
static void memmap_carve_size_of_map_dev(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, daxl_memmap_carve_size(64ULL << 30), 1026ULL << 20);
	KUNIT_EXPECT_EQ(test, daxl_memmap_carve_size(256ULL << 20), 6ULL << 20);
}

/*
 * A block is valid only whole: magic, version, checksum and a geometry
 * that the recorded size makes.  Data that merely starts with the magic,
 * or a block with one field changed, is not one.
 */
static void memmap_info_valid_only_whole(struct kunit *test)
{
	struct daxl_memmap_info info, bad;

	memset(&info, 0, sizeof(info));
	KUNIT_EXPECT_FALSE(test, daxl_memmap_info_valid(&info));
	memcpy(info.magic, DAXL_MEMMAP_INFO_MAGIC, sizeof(info.magic));
	KUNIT_EXPECT_FALSE(test, daxl_memmap_info_valid(&info));

	daxl_memmap_info_fill(&info, 256ULL << 20);
	KUNIT_EXPECT_TRUE(test, daxl_memmap_info_valid(&info));
	KUNIT_EXPECT_EQ(test, le64_to_cpu(info.carve_size), 6ULL << 20);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(info.range_size), 256ULL << 20);

	bad = info;
	bad.magic[0] ^= 1;
	KUNIT_EXPECT_FALSE(test, daxl_memmap_info_valid(&bad));
	bad = info;
	bad.range_size = cpu_to_le64(128ULL << 20);
	KUNIT_EXPECT_FALSE(test, daxl_memmap_info_valid(&bad));
	bad = info;
	bad.csum = cpu_to_le64(le64_to_cpu(bad.csum) + 1);
	KUNIT_EXPECT_FALSE(test, daxl_memmap_info_valid(&bad));
	bad = info;
	bad.version = cpu_to_le32(DAXL_MEMMAP_INFO_VERSION + 1);
	KUNIT_EXPECT_FALSE(test, daxl_memmap_info_valid(&bad));

	bad = info;
	bad.carve_size = cpu_to_le64(4ULL << 20);
	KUNIT_EXPECT_FALSE(test, daxl_memmap_info_valid(&bad));
	/* Too small a range for its own carve-out, checksum and all. */
	daxl_memmap_info_fill(&bad, 2ULL << 20);
	KUNIT_EXPECT_FALSE(test, daxl_memmap_info_valid(&bad));
}

static void span_inside_and_at_edges(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, daxl_check_span(0, 4096, 4096), 0);
	KUNIT_EXPECT_EQ(test, daxl_check_span(4095, 1, 4096), 0);
	KUNIT_EXPECT_EQ(test, daxl_check_span(4096, 0, 4096), 0);
	KUNIT_EXPECT_EQ(test, daxl_check_span(4096, 1, 4096), -ERANGE);
	KUNIT_EXPECT_EQ(test, daxl_check_span(4000, 97, 4096), -ERANGE);
}

static void span_overflow(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, daxl_check_span(U64_MAX, 2, U64_MAX), -ERANGE);
	KUNIT_EXPECT_EQ(test, daxl_check_span(2, U64_MAX, U64_MAX), -ERANGE);
	KUNIT_EXPECT_EQ(test, daxl_check_span(0, U64_MAX, U64_MAX), 0);
}

static void map_refuses_bad_ranges(struct kunit *test)
{
	struct daxl_phys unaligned = { DAXL_TEST_START + 4096, 2 << 20 };
	struct daxl_phys odd_size = { DAXL_TEST_START, (2 << 20) + 4096 };
	struct daxl_phys empty = { DAXL_TEST_START, 0 };
	struct daxl_phys wraps = { ~0ULL - (2 << 20) + 1, 4 << 20 };
	struct daxl_phys ram = { 0x1000000, 2 << 20 };

	KUNIT_EXPECT_EQ(test, PTR_ERR(daxl_region_map(&unaligned, DAXL_VOLATILE, "t")),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(daxl_region_map(&odd_size, DAXL_VOLATILE, "t")),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(daxl_region_map(&empty, DAXL_VOLATILE, "t")),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(daxl_region_map(&wraps, DAXL_VOLATILE, "t")),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(daxl_region_map(&ram, DAXL_VOLATILE, "t")),
			-EINVAL);
}

static void map_refuses_unreserved_memory(struct kunit *test)
{
	struct daxl_phys nothing = { 1ULL << 40, 2 << 20 };

	KUNIT_EXPECT_EQ(test, PTR_ERR(daxl_region_map(&nothing, DAXL_VOLATILE, "t")),
			-EINVAL);
}

/* Map the test's reserved memory, or skip the case if there is none. */
static struct daxl_region *map_test_memory(struct kunit *test, u64 off,
					   u64 size, enum daxl_backing backing,
					   const char *owner)
{
	struct daxl_phys phys = { DAXL_TEST_START + off, size };
	struct daxl_region *region;

	if (region_intersects(DAXL_TEST_START, DAXL_TEST_SIZE, IORESOURCE_MEM,
			      IORES_DESC_RESERVED) != REGION_INTERSECTS)
		kunit_skip(test, "boot with memmap=64M$0x30000000 to run this case");
	region = daxl_region_map(&phys, backing, owner);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(region), "map: %ld", PTR_ERR(region));
	return region;
}

static void map_unmap_and_overlap(struct kunit *test)
{
	struct daxl_region *a, *b;
	struct daxl_phys inside = { DAXL_TEST_START + (4 << 20), 2 << 20 };

	a = map_test_memory(test, 0, 8 << 20, DAXL_VOLATILE, "test-a");
	KUNIT_EXPECT_EQ(test, a->start, DAXL_TEST_START);
	KUNIT_EXPECT_EQ(test, a->size, 8ULL << 20);
	KUNIT_EXPECT_PTR_EQ(test, a->kaddr, __va(DAXL_TEST_START));
	KUNIT_EXPECT_EQ(test, PTR_ERR(daxl_region_map(&inside, DAXL_VOLATILE, "test-b")),
			-EBUSY);
	/* The neighbouring range is free. */
	b = map_test_memory(test, 8 << 20, 2 << 20, DAXL_VOLATILE, "test-b");
	daxl_region_unmap(b);
	daxl_region_unmap(a);
	/* Unmapped means free again. */
	a = map_test_memory(test, 4 << 20, 2 << 20, DAXL_VOLATILE, "test-a");
	daxl_region_unmap(a);
}

static void map_claims_iomem_under_owner_name(struct kunit *test)
{
	struct daxl_region *region;

	region = map_test_memory(test, 2 << 20, 2 << 20, DAXL_PERSISTENT,
				 "test-owner");
	KUNIT_EXPECT_STREQ(test, region->owner, "test-owner");
	KUNIT_EXPECT_STREQ(test, region->res->name, "test-owner");
	KUNIT_EXPECT_EQ(test, (u64)region->res->start, DAXL_TEST_START + (2 << 20));
	KUNIT_EXPECT_EQ(test, (u64)resource_size(region->res), 2ULL << 20);
	KUNIT_EXPECT_EQ(test, region->backing, DAXL_PERSISTENT);
	daxl_region_unmap(region);
}

static void direct_access_contiguity_and_end(struct kunit *test)
{
	struct daxl_region *region;
	struct dax_device *dax_dev;
	void *kaddr;
	daxl_pfn_t pfn;
	long n;
	int id;

	region = map_test_memory(test, 0, 4 << 20, DAXL_VOLATILE, "test-da");
	dax_dev = daxl_region_alloc_dax(region);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dax_dev));

	id = dax_read_lock();
	n = dax_direct_access(dax_dev, 0, 1, DAX_ACCESS, &kaddr, &pfn);
	KUNIT_EXPECT_EQ(test, n, 1L);
	KUNIT_EXPECT_PTR_EQ(test, kaddr, region->kaddr);
	KUNIT_EXPECT_EQ(test, daxl_compat_pfn_phys(pfn), (phys_addr_t)DAXL_TEST_START);
	KUNIT_EXPECT_TRUE(test, daxl_compat_pfn_has_page(pfn));
	/* Everything from pgoff to the end is contiguous. */
	n = dax_direct_access(dax_dev, 10, 2048, DAX_ACCESS, &kaddr, NULL);
	KUNIT_EXPECT_EQ(test, n, 1024L - 10);
	KUNIT_EXPECT_PTR_EQ(test, kaddr, region->kaddr + 10 * PAGE_SIZE);
	n = dax_direct_access(dax_dev, 1023, 1, DAX_ACCESS, NULL, NULL);
	KUNIT_EXPECT_EQ(test, n, 1L);
	n = dax_direct_access(dax_dev, 1024, 1, DAX_ACCESS, NULL, NULL);
	KUNIT_EXPECT_EQ(test, n, (long)-ERANGE);
	n = daxl_direct_access(dax_dev, 1000, 100, &kaddr);
	KUNIT_EXPECT_EQ(test, n, 24L);
	dax_read_unlock(id);

	daxl_region_kill_dax(region);
	daxl_region_unmap(region);
}

static void zero_page_range_zeroes_one_page(struct kunit *test)
{
	struct daxl_region *region;
	struct dax_device *dax_dev;
	unsigned char *p;

	region = map_test_memory(test, 0, 2 << 20, DAXL_PERSISTENT, "test-zero");
	dax_dev = daxl_region_alloc_dax(region);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dax_dev));
	p = region->kaddr;
	memset(p, 0xa5, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, dax_zero_page_range(dax_dev, 1, 1), 0);
	KUNIT_EXPECT_EQ(test, p[PAGE_SIZE - 1], 0xa5);
	KUNIT_EXPECT_EQ(test, p[PAGE_SIZE], 0);
	KUNIT_EXPECT_EQ(test, p[2 * PAGE_SIZE - 1], 0);
	KUNIT_EXPECT_EQ(test, p[2 * PAGE_SIZE], 0xa5);
	daxl_region_kill_dax(region);
	daxl_region_unmap(region);
}

static void flush_policy_follows_backing(struct kunit *test)
{
	struct daxl_region *vol, *pm;

	vol = map_test_memory(test, 0, 2 << 20, DAXL_VOLATILE, "test-vol");
	pm = map_test_memory(test, 2 << 20, 2 << 20, DAXL_PERSISTENT, "test-pm");
	KUNIT_ASSERT_FALSE(test, IS_ERR(daxl_region_alloc_dax(vol)));
	KUNIT_ASSERT_FALSE(test, IS_ERR(daxl_region_alloc_dax(pm)));
	KUNIT_EXPECT_FALSE(test, dax_write_cache_enabled(vol->dax_dev));
	KUNIT_EXPECT_TRUE(test, dax_write_cache_enabled(pm->dax_dev));
	KUNIT_EXPECT_TRUE(test, dax_synchronous(vol->dax_dev));
	KUNIT_EXPECT_TRUE(test, dax_synchronous(pm->dax_dev));
	daxl_region_kill_dax(pm);
	daxl_region_kill_dax(vol);
	daxl_region_unmap(pm);
	daxl_region_unmap(vol);
}

static void region_copies_are_bounded(struct kunit *test)
{
	char buf[16] = "0123456789abcde";
	char out[16] = "";
	struct daxl_region *region;
	u64 end, word = 0;

	region = map_test_memory(test, 0, 2 << 20, DAXL_PERSISTENT, "test-copy");
	end = region->size;
	KUNIT_EXPECT_EQ(test, daxl_region_write(region, end - 16, buf, 16), 0);
	KUNIT_EXPECT_EQ(test, daxl_region_read(region, end - 16, out, 16), 0);
	KUNIT_EXPECT_EQ(test, memcmp(out, buf, 16), 0);
	KUNIT_EXPECT_EQ(test, daxl_region_write(region, end - 15, buf, 16), -ERANGE);
	KUNIT_EXPECT_EQ(test, daxl_region_read(region, end, out, 1), -ERANGE);
	KUNIT_EXPECT_EQ(test, daxl_region_zero(region, end - 8, 8), 0);
	KUNIT_EXPECT_EQ(test, daxl_region_read(region, end - 16, out, 16), 0);
	KUNIT_EXPECT_EQ(test, memcmp(out, "01234567\0\0\0\0\0\0\0\0", 16), 0);
	KUNIT_EXPECT_EQ(test, daxl_region_zero(region, end - 8, 9), -ERANGE);
	KUNIT_EXPECT_EQ(test, daxl_region_write_u64(region, end - 8,
						    0x0102030405060708ULL), 0);
	KUNIT_EXPECT_EQ(test, daxl_region_read(region, end - 8, &word, 8), 0);
	KUNIT_EXPECT_EQ(test, word, 0x0102030405060708ULL);
	KUNIT_EXPECT_EQ(test, daxl_region_write_u64(region, end - 12, 0),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, daxl_region_write_u64(region, end - 4, 0),
			-ERANGE);
	daxl_region_unmap(region);
}

static void holder_excludes_holder_and_raw_use(struct kunit *test)
{
	dev_t devt = MKDEV(4095, 1);
	struct daxl_region *region, *got;
	int a, b;

	region = map_test_memory(test, 0, 2 << 20, DAXL_VOLATILE, "test-hold");
	KUNIT_EXPECT_EQ(test, PTR_ERR(daxl_region_claim(devt, &a, "a", NULL)),
			-ENODEV);
	daxl_region_publish(region, devt, THIS_MODULE);

	got = daxl_region_claim(devt, &a, "a", NULL);
	KUNIT_EXPECT_PTR_EQ(test, got, region);
	KUNIT_EXPECT_EQ(test, PTR_ERR(daxl_region_claim(devt, &b, "b", NULL)),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, daxl_region_raw_get(region), -EBUSY);
	daxl_region_release(region, &a);

	KUNIT_EXPECT_EQ(test, daxl_region_raw_get(region), 0);
	daxl_region_raw_dup(region);
	KUNIT_EXPECT_EQ(test, PTR_ERR(daxl_region_claim(devt, &b, "b", NULL)),
			-EBUSY);
	daxl_region_raw_put(region);
	KUNIT_EXPECT_EQ(test, PTR_ERR(daxl_region_claim(devt, &b, "b", NULL)),
			-EBUSY);
	daxl_region_raw_put(region);
	got = daxl_region_claim(devt, &b, "b", NULL);
	KUNIT_EXPECT_PTR_EQ(test, got, region);
	if (!IS_ERR(got))
		daxl_region_release(region, &b);

	daxl_region_unpublish(region);
	KUNIT_EXPECT_EQ(test, PTR_ERR(daxl_region_claim(devt, &a, "a", NULL)),
			-ENODEV);
	daxl_region_unmap(region);
}

/*
 * A made-up dax bus device, "dax3.1" with one 6 MiB range at 2 MiB, whose
 * dev_t is its dax_device's, as devm_create_dev_dax() makes them.
 */
struct fake_dev_dax {
	struct daxl_dev_dax dev_dax;
	struct daxl_dev_dax_range range;
};

static void fake_dev_dax_release(struct device *dev)
{
	kfree(container_of(dev, struct fake_dev_dax, dev_dax.dev));
}

static struct daxl_dev_dax *fake_dev_dax(struct kunit *test)
{
	struct fake_dev_dax *f = kzalloc(sizeof(*f), GFP_KERNEL);
	struct dax_device *dax_dev;

	KUNIT_ASSERT_NOT_NULL(test, f);
	dax_dev = alloc_dax(NULL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dax_dev));
	device_initialize(&f->dev_dax.dev);
	f->dev_dax.dev.release = fake_dev_dax_release;
	KUNIT_ASSERT_EQ(test, dev_set_name(&f->dev_dax.dev, "dax3.1"), 0);
	f->dev_dax.dev.devt = dax_inode(dax_dev)->i_rdev;
	f->dev_dax.dax_dev = dax_dev;
	f->dev_dax.id = 1;
	f->dev_dax.align = SZ_2M;
	f->dev_dax.nr_range = 1;
	f->dev_dax.ranges = &f->range;
	f->range.range.start = SZ_2M;
	f->range.range.end = SZ_8M - 1;
	return &f->dev_dax;
}

static void fake_dev_dax_put(struct daxl_dev_dax *dev_dax)
{
	struct dax_device *dax_dev = dev_dax->dax_dev;

	put_device(&dev_dax->dev);
	kill_dax(dax_dev);
	put_dax(dax_dev);
}

static void devdax_check_accepts_a_sane_device(struct kunit *test)
{
	struct daxl_dev_dax *d = fake_dev_dax(test);
	struct daxl_phys phys;

	KUNIT_EXPECT_EQ(test, daxl_devdax_check(d, &phys), 0);
	KUNIT_EXPECT_EQ(test, phys.start, (u64)SZ_2M);
	KUNIT_EXPECT_EQ(test, phys.size, (u64)(SZ_4M + SZ_2M));
	/* A tail short of 2 MiB is not served. */
	d->ranges[0].range.end = SZ_8M + SZ_1M - 1;
	KUNIT_EXPECT_EQ(test, daxl_devdax_check(d, &phys), 0);
	KUNIT_EXPECT_EQ(test, phys.size, (u64)(SZ_4M + SZ_2M));
	fake_dev_dax_put(d);
}

/* What a wrong layout would look like: each is refused, not guessed at. */
static void devdax_check_refuses_an_insane_layout(struct kunit *test)
{
	struct daxl_dev_dax *d = fake_dev_dax(test);
	struct dax_device *dax_dev = d->dax_dev;
	struct daxl_phys phys;

	d->id = 2;
	KUNIT_EXPECT_EQ(test, daxl_devdax_check(d, &phys), -EOPNOTSUPP);
	d->id = 1;
	d->dax_dev = (void *)&phys;
	KUNIT_EXPECT_EQ(test, daxl_devdax_check(d, &phys), -EOPNOTSUPP);
	d->dax_dev = NULL;
	KUNIT_EXPECT_EQ(test, daxl_devdax_check(d, &phys), -EOPNOTSUPP);
	d->dax_dev = dax_dev;
	d->dev.devt++;
	KUNIT_EXPECT_EQ(test, daxl_devdax_check(d, &phys), -EOPNOTSUPP);
	d->dev.devt--;
	d->nr_range = 0;
	KUNIT_EXPECT_EQ(test, daxl_devdax_check(d, &phys), -EOPNOTSUPP);
	d->nr_range = -1;
	KUNIT_EXPECT_EQ(test, daxl_devdax_check(d, &phys), -EOPNOTSUPP);
	d->nr_range = 1;
	d->ranges[0].range.end = SZ_1M;
	KUNIT_EXPECT_EQ(test, daxl_devdax_check(d, &phys), -EOPNOTSUPP);
	d->ranges[0].range.end = SZ_8M - 2;
	KUNIT_EXPECT_EQ(test, daxl_devdax_check(d, &phys), -EOPNOTSUPP);
	d->ranges[0].range.end = SZ_8M - 1;
	d->align = SZ_8K;
	KUNIT_EXPECT_EQ(test, daxl_devdax_check(d, &phys), -EOPNOTSUPP);
	d->align = SZ_2M;
	KUNIT_EXPECT_EQ(test, daxl_devdax_check(d, &phys), 0);
	fake_dev_dax_put(d);
}

/* A sane device that cannot be served: several ranges, no 2 MiB page. */
static void devdax_check_refuses_what_cannot_be_served(struct kunit *test)
{
	struct daxl_dev_dax *d = fake_dev_dax(test);
	struct daxl_dev_dax_range *one = d->ranges, *two;
	struct daxl_phys phys;

	/* Like the kernel's, the ranges live in the direct map. */
	two = kunit_kcalloc(test, 2, sizeof(*two), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, two);
	two[0].range = one->range;
	two[1].range.start = SZ_16M;
	two[1].range.end = SZ_32M - 1;
	d->ranges = two;
	d->nr_range = 2;
	KUNIT_EXPECT_EQ(test, daxl_devdax_check(d, &phys), -EOPNOTSUPP);
	d->nr_range = 1;
	KUNIT_EXPECT_EQ(test, daxl_devdax_check(d, &phys), 0);
	two[0].range.start = SZ_2M + SZ_4K;
	KUNIT_EXPECT_EQ(test, daxl_devdax_check(d, &phys), -EINVAL);
	two[0].range.start = SZ_2M;
	two[0].range.end = SZ_2M + SZ_1M - 1;
	KUNIT_EXPECT_EQ(test, daxl_devdax_check(d, &phys), -EINVAL);
	d->ranges = one;
	fake_dev_dax_put(d);
}

static struct kunit_case dax_core_cases[] = {
	KUNIT_CASE(parse_single),
	KUNIT_CASE(parse_multiple_in_order),
	KUNIT_CASE(parse_suffixes),
	KUNIT_CASE(parse_octal_and_hex_like_memparse),
	KUNIT_CASE(parse_trailing_newline_and_empty),
	KUNIT_CASE(parse_garbage_refused),
	KUNIT_CASE(parse_overflow_refused),
	KUNIT_CASE(parse_range_count_limit),
	KUNIT_CASE(parse_map_option),
	KUNIT_CASE(memmap_size_of_map_dev),
	KUNIT_CASE(memmap_carve_size_of_map_dev),
	KUNIT_CASE(memmap_info_valid_only_whole),
	KUNIT_CASE(span_inside_and_at_edges),
	KUNIT_CASE(span_overflow),
	KUNIT_CASE(map_refuses_bad_ranges),
	KUNIT_CASE(map_refuses_unreserved_memory),
	KUNIT_CASE(map_unmap_and_overlap),
	KUNIT_CASE(map_claims_iomem_under_owner_name),
	KUNIT_CASE(direct_access_contiguity_and_end),
	KUNIT_CASE(zero_page_range_zeroes_one_page),
	KUNIT_CASE(flush_policy_follows_backing),
	KUNIT_CASE(region_copies_are_bounded),
	KUNIT_CASE(holder_excludes_holder_and_raw_use),
	KUNIT_CASE(devdax_check_accepts_a_sane_device),
	KUNIT_CASE(devdax_check_refuses_an_insane_layout),
	KUNIT_CASE(devdax_check_refuses_what_cannot_be_served),
	{}
};

static struct kunit_suite dax_core_suite = {
	.name = "dax_core",
	.test_cases = dax_core_cases,
};

kunit_test_suite(dax_core_suite);

MODULE_AUTHOR("daxlite maintainers");
MODULE_DESCRIPTION("KUnit tests for dax_core");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DAXL_NS);
MODULE_IMPORT_NS(DAXL_KUNIT_NS);
