// SPDX-License-Identifier: GPL-2.0-only
/*
 * The firmware's own memory map, as the kernel publishes it in
 * /sys/firmware/memmap: for kernels that do not export
 * e820__mapped_raw_any() to daxlite (include/daxlite/compat.h).
 *
 * Each entry N is a directory with files start, end (inclusive) and type,
 * the e820 type's name.  The map is read once and kept until dax_core
 * goes: the firmware's map does not change, and a hot-added range that
 * might extend it is never reserved memory.  It is read at module init,
 * in the loading process, because the checks may run in a kernel worker,
 * whose root need not see /sys (7.3's kernel threads have a root of their
 * own); a check that finds it unread tries again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <asm/e820/api.h>

#include "dax_core_internal.h"

/* More entries than any firmware has; the reader stops there. */
#define DAXL_FWMAP_MAX	1024

/* An entry of the map, covering [start, end). */
struct daxl_fwmap_entry {
	u64 start;
	u64 end;
	enum e820_type type;
};

static DEFINE_MUTEX(daxl_fwmap_lock);
static struct daxl_fwmap_entry *daxl_fwmap;
static int daxl_fwmap_nr;

/* The names of arch/x86/kernel/e820.c's e820_type_to_string(). */
static const struct {
	const char *name;
	enum e820_type type;
} daxl_fwmap_types[] = {
	{ "System RAM",			E820_TYPE_RAM },
	{ "ACPI Tables",		E820_TYPE_ACPI },
	{ "ACPI Non-volatile Storage",	E820_TYPE_NVS },
	{ "Unusable memory",		E820_TYPE_UNUSABLE },
	{ "Persistent Memory (legacy)",	E820_TYPE_PRAM },
	{ "Persistent Memory",		E820_TYPE_PMEM },
	{ "Reserved",			E820_TYPE_RESERVED },
	{ "Soft Reserved",		E820_TYPE_SOFT_RESERVED },
};

/* Any name not known is taken as reserved: never memory to serve. */
static enum e820_type daxl_fwmap_type(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(daxl_fwmap_types); i++)
		if (!strcmp(name, daxl_fwmap_types[i].name))
			return daxl_fwmap_types[i].type;
	return E820_TYPE_RESERVED;
}

/* Read /sys/firmware/memmap/@n/@attr into @buf, without its newline. */
static int daxl_fwmap_read(unsigned int n, const char *attr, char *buf,
			   size_t len)
{
	char path[64];
	struct file *file;
	loff_t pos = 0;
	ssize_t got;

	snprintf(path, sizeof(path), "/sys/firmware/memmap/%u/%s", n, attr);
	file = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(file))
		return PTR_ERR(file);
	got = kernel_read(file, buf, len - 1, &pos);
	fput(file);
	if (got < 0)
		return got;
	buf[got] = '\0';
	strim(buf);
	return 0;
}

static int daxl_fwmap_read_entry(unsigned int n, struct daxl_fwmap_entry *e)
{
	char buf[64];
	u64 last;
	int rc;

	rc = daxl_fwmap_read(n, "start", buf, sizeof(buf));
	if (rc)
		return rc;
	rc = kstrtou64(buf, 0, &e->start);
	if (rc)
		return rc;
	rc = daxl_fwmap_read(n, "end", buf, sizeof(buf));
	if (rc)
		return rc;
	rc = kstrtou64(buf, 0, &last);
	if (rc)
		return rc;
	if (last < e->start)
		return -EINVAL;
	e->end = last + 1;
	rc = daxl_fwmap_read(n, "type", buf, sizeof(buf));
	if (rc)
		return rc;
	e->type = daxl_fwmap_type(buf);
	return 0;
}

/* Read the whole map; called under daxl_fwmap_lock. */
static int daxl_fwmap_load(bool quiet)
{
	struct daxl_fwmap_entry *map;
	int n, rc = 0;

	map = kcalloc(DAXL_FWMAP_MAX, sizeof(*map), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	for (n = 0; n < DAXL_FWMAP_MAX; n++) {
		rc = daxl_fwmap_read_entry(n, &map[n]);
		if (rc)
			break;
	}
	/* The entries are numbered from 0 without gaps; the first missing ends them. */
	if (rc == -ENOENT && n)
		rc = 0;
	if (rc) {
		if (!quiet)
			pr_err("cannot read the firmware's memory map in /sys/firmware/memmap (entry %d: %d)\n",
			       n, rc);
		kfree(map);
		return rc;
	}
	daxl_fwmap = map;
	daxl_fwmap_nr = n;
	return 0;
}

/**
 * daxl_fwmap_any() - whether the firmware's memory map has @type in a range
 * @start: first byte
 * @end: one past the last byte
 * @type: the e820 type
 *
 * As x86's e820__mapped_raw_any(): true if any part of [@start, @end) is
 * of @type in the map the firmware gave, before the command line's
 * memmap= changed it.
 *
 * Context: process context; may sleep.
 * Return: 1 if so, 0 if not, or a negative errno if the map cannot be read.
 */
int daxl_fwmap_any(u64 start, u64 end, enum e820_type type)
{
	int i, rc = 0;

	mutex_lock(&daxl_fwmap_lock);
	if (!daxl_fwmap)
		rc = daxl_fwmap_load(false);
	for (i = 0; !rc && i < daxl_fwmap_nr; i++)
		if (daxl_fwmap[i].type == type && daxl_fwmap[i].start < end &&
		    start < daxl_fwmap[i].end)
			rc = 1;
	mutex_unlock(&daxl_fwmap_lock);
	return rc;
}

/* Read the map at module init, if it can be read now. */
void daxl_fwmap_init(void)
{
	mutex_lock(&daxl_fwmap_lock);
	if (!daxl_fwmap)
		daxl_fwmap_load(true);
	mutex_unlock(&daxl_fwmap_lock);
}

/* Forget the map, at module exit. */
void daxl_fwmap_exit(void)
{
	kfree(daxl_fwmap);
	daxl_fwmap = NULL;
	daxl_fwmap_nr = 0;
}
