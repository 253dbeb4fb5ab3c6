// SPDX-License-Identifier: GPL-2.0-only
/*
 * Store recording, for crash-point tests only.
 *
 * Built only with DAXL_RECORD=1 (make crash, the test builds); never in
 * the default or DKMS build.  While it records one region, every store
 * daxlite's own code makes to the region's memory (daxl_region_write,
 * daxl_region_zero, daxl_region_copy_from_iter, ->recovery_write) is
 * appended to a bounded buffer with its offset, length and bytes (zeroes
 * as a length only), and so is every ordering point (daxl_region_flush).
 * A test rebuilds from this record the image a crash at any point would
 * leave (tests/helpers/famfsl_crash.c).  Stores through user mappings
 * and fs/dax.c's own copies of file data do not pass through dax_core
 * and are not recorded.
 *
 * debugfs, /sys/kernel/debug/daxlite_record/:
 *   control  write "start daxN", "stop" or "mark N" (a workload's marker,
 *            in order with the stores); read the state
 *   log      the record, readable when stopped: records of
 *            struct daxl_rec (24 bytes), each store's bytes after it,
 *            padded to 8 bytes
 * A record that does not fit stops the recording and is counted as an
 * overflow, which the state reports; none is dropped silently.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

#include "dax_core_internal.h"

static unsigned int record_max_mb = 64;
module_param(record_max_mb, uint, 0644);
MODULE_PARM_DESC(record_max_mb, "size of the store record in MiB (test builds only)");

enum {
	DAXL_REC_STORE = 1,
	DAXL_REC_ZERO = 2,
	DAXL_REC_FLUSH = 3,
	DAXL_REC_MARK = 4,
};

/* One record of the log; a store's bytes follow it, padded to 8. */
struct daxl_rec {
	u32 type;
	u32 pad;
	u64 offset;
	u64 len;
};

static struct {
	/* protects everything below but buf's lifetime */
	spinlock_t lock;
	struct daxl_region *region;
	char owner[DAXL_OWNER_LEN];
	void *buf;
	size_t size;
	size_t used;
	u64 records;
	u64 stores;
	u64 flushes;
	u64 overflows;
} daxl_rec = {
	.lock = __SPIN_LOCK_UNLOCKED(daxl_rec.lock),
};

/* Serializes start, stop and reads of the log: the buffer's lifetime. */
static DEFINE_MUTEX(daxl_rec_mutex);
static struct dentry *daxl_rec_dir;

/* Append one record; the caller holds daxl_rec.lock. */
static void daxl_rec_append(u32 type, u64 offset, u64 len, const void *bytes)
{
	struct daxl_rec r = { .type = type, .offset = offset, .len = len };
	size_t need = sizeof(r) + (bytes ? ALIGN(len, 8) : 0);

	lockdep_assert_held(&daxl_rec.lock);
	if (!daxl_rec.region)
		return;
	if (need > daxl_rec.size - daxl_rec.used) {
		daxl_rec.overflows++;
		pr_warn("record of %s overflowed (%zu bytes); recording stopped\n",
			daxl_rec.owner, daxl_rec.size);
		WRITE_ONCE(daxl_rec.region, NULL);
		return;
	}
	memcpy(daxl_rec.buf + daxl_rec.used, &r, sizeof(r));
	if (bytes) {
		memcpy(daxl_rec.buf + daxl_rec.used + sizeof(r), bytes, len);
		memset(daxl_rec.buf + daxl_rec.used + sizeof(r) + len, 0,
		       ALIGN(len, 8) - len);
	}
	daxl_rec.used += need;
	daxl_rec.records++;
}

static void daxl_rec_note(struct daxl_region *region, u32 type, u64 offset,
			  u64 len, const void *bytes)
{
	unsigned long flags;

	if (likely(READ_ONCE(daxl_rec.region) != region))
		return;
	spin_lock_irqsave(&daxl_rec.lock, flags);
	if (daxl_rec.region == region) {
		if (type == DAXL_REC_FLUSH)
			daxl_rec.flushes++;
		else
			daxl_rec.stores++;
		daxl_rec_append(type, offset, len, bytes);
	}
	spin_unlock_irqrestore(&daxl_rec.lock, flags);
}

/* @len bytes at @src were just stored at @offset of @region. */
void daxl_record_store(struct daxl_region *region, u64 offset,
		       const void *src, u64 len)
{
	if (len)
		daxl_rec_note(region, DAXL_REC_STORE, offset, len, src);
}

/* @len bytes at @offset of @region were just zeroed. */
void daxl_record_zero(struct daxl_region *region, u64 offset, u64 len)
{
	if (len)
		daxl_rec_note(region, DAXL_REC_ZERO, offset, len, NULL);
}

/* An ordering point: every earlier store to @region is durable. */
void daxl_record_flush(struct daxl_region *region)
{
	daxl_rec_note(region, DAXL_REC_FLUSH, 0, 0, NULL);
}

/* @region goes away: stop recording it. */
void daxl_record_forget(struct daxl_region *region)
{
	unsigned long flags;

	spin_lock_irqsave(&daxl_rec.lock, flags);
	if (daxl_rec.region == region) {
		pr_warn("recorded region %s went away; recording stopped\n",
			daxl_rec.owner);
		WRITE_ONCE(daxl_rec.region, NULL);
	}
	spin_unlock_irqrestore(&daxl_rec.lock, flags);
}

static bool daxl_rec_active(void)
{
	bool active;

	spin_lock_irq(&daxl_rec.lock);
	active = daxl_rec.region;
	spin_unlock_irq(&daxl_rec.lock);
	return active;
}

static int daxl_rec_start(const char *owner)
{
	struct daxl_region *region;
	size_t size = (size_t)record_max_mb << 20;
	void *buf, *old;
	int rc = -ENODEV;

	if (!size)
		return -EINVAL;
	if (daxl_rec_active())
		return -EBUSY;
	buf = vzalloc(size);
	if (!buf)
		return -ENOMEM;
	/* The region cannot go while daxl_lock is held (daxl_region_unmap). */
	daxl_regions_lock();
	region = daxl_region_find_owner(owner);
	if (region) {
		spin_lock_irq(&daxl_rec.lock);
		old = daxl_rec.buf;
		daxl_rec.buf = buf;
		daxl_rec.size = size;
		daxl_rec.used = 0;
		daxl_rec.records = 0;
		daxl_rec.stores = 0;
		daxl_rec.flushes = 0;
		daxl_rec.overflows = 0;
		strscpy(daxl_rec.owner, region->owner, sizeof(daxl_rec.owner));
		WRITE_ONCE(daxl_rec.region, region);
		spin_unlock_irq(&daxl_rec.lock);
		buf = old;
		rc = 0;
	}
	daxl_regions_unlock();
	vfree(buf);
	if (!rc)
		pr_info("recording the stores to %s (up to %u MiB)\n", owner,
			record_max_mb);
	return rc;
}

static void daxl_rec_stop(void)
{
	spin_lock_irq(&daxl_rec.lock);
	WRITE_ONCE(daxl_rec.region, NULL);
	spin_unlock_irq(&daxl_rec.lock);
}

static int daxl_rec_mark(u64 value)
{
	int rc = -EINVAL;

	spin_lock_irq(&daxl_rec.lock);
	if (daxl_rec.region) {
		daxl_rec_append(DAXL_REC_MARK, value, 0, NULL);
		rc = 0;
	}
	spin_unlock_irq(&daxl_rec.lock);
	return rc;
}

static ssize_t daxl_rec_control_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	char cmd[64], *arg;
	u64 value;
	int rc;

	if (count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	strim(cmd);
	arg = strchr(cmd, ' ');
	if (arg)
		*arg++ = '\0';

	if (!strcmp(cmd, "mark") && arg) {
		rc = kstrtou64(arg, 0, &value);
		if (!rc)
			rc = daxl_rec_mark(value);
		return rc ? rc : count;
	}
	mutex_lock(&daxl_rec_mutex);
	if (!strcmp(cmd, "start") && arg) {
		rc = daxl_rec_start(arg);
	} else if (!strcmp(cmd, "stop") && !arg) {
		daxl_rec_stop();
		rc = 0;
	} else {
		rc = -EINVAL;
	}
	mutex_unlock(&daxl_rec_mutex);
	return rc ? rc : count;
}

static int daxl_rec_control_show(struct seq_file *m, void *v)
{
	spin_lock_irq(&daxl_rec.lock);
	seq_printf(m, "%s %s\nrecords %llu\nstores %llu\nflushes %llu\nbytes %zu of %zu\noverflows %llu\n",
		   daxl_rec.region ? "recording" : "stopped",
		   daxl_rec.owner[0] ? daxl_rec.owner : "-",
		   daxl_rec.records, daxl_rec.stores, daxl_rec.flushes,
		   daxl_rec.used, daxl_rec.size, daxl_rec.overflows);
	spin_unlock_irq(&daxl_rec.lock);
	return 0;
}

static int daxl_rec_control_open(struct inode *inode, struct file *file)
{
	return single_open(file, daxl_rec_control_show, NULL);
}

static const struct file_operations daxl_rec_control_fops = {
	.owner		= THIS_MODULE,
	.open		= daxl_rec_control_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.write		= daxl_rec_control_write,
	.release	= single_release,
};

static ssize_t daxl_rec_log_read(struct file *file, char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	ssize_t rc;

	mutex_lock(&daxl_rec_mutex);
	if (daxl_rec_active())
		rc = -EBUSY;
	else
		rc = simple_read_from_buffer(ubuf, count, ppos, daxl_rec.buf,
					     daxl_rec.used);
	mutex_unlock(&daxl_rec_mutex);
	return rc;
}

static const struct file_operations daxl_rec_log_fops = {
	.owner		= THIS_MODULE,
	.read		= daxl_rec_log_read,
	.llseek		= default_llseek,
};

void daxl_record_init(void)
{
	daxl_rec_dir = debugfs_create_dir("daxlite_record", NULL);
	debugfs_create_file("control", 0600, daxl_rec_dir, NULL,
			    &daxl_rec_control_fops);
	debugfs_create_file("log", 0400, daxl_rec_dir, NULL,
			    &daxl_rec_log_fops);
	pr_notice("built with DAXL_RECORD: store recording for tests, not for production\n");
}

void daxl_record_exit(void)
{
	debugfs_remove_recursive(daxl_rec_dir);
	vfree(daxl_rec.buf);
	daxl_rec.buf = NULL;
}
