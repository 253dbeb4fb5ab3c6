// SPDX-License-Identifier: GPL-2.0-only
/*
 * daxbench: the measurements of make bench.  Built static on the host and
 * copied into the guest; each command prints one line of key=value pairs
 * that scripts/bench.sh turns into a table.  It measures; it judges
 * nothing.
 *
 *   daxbench mmap FILE LEN      map LEN bytes shared and time: the first
 *                               store to every byte (faults included),
 *                               a second store, a read of every byte, and
 *                               msync; print MB/s, ms and the faults taken
 *   daxbench rw FILE LEN BS     pwrite LEN bytes in BS-byte calls, fsync,
 *                               then pread them back; print MB/s and the
 *                               fsync's ms.  A block device is opened
 *                               O_DIRECT
 *   daxbench alloc DIR LEN N    create DIR/a0 .. DIR/aN-1 and fallocate
 *                               LEN bytes to each; print the ms per file
 *   daxbench copy SRC DST BS    copy SRC to a new DST in BS-byte writes
 *                               (as cp does), close it; print the ms and
 *                               MB/s
 *
 * Exit status: 0, or 2 on a usage or system error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef __u64 u64;

/* Where the load loop's sum goes, so the compiler keeps the loads. */
u64 daxbench_sink;

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "daxbench: %s %s: %s\n", what, path, strerror(errno));
	return 2;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double mbps(size_t len, double secs)
{
	return secs > 0 ? len / secs / 1048576 : 0;
}

static long minor_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static int bench_mmap(const char *path, size_t len)
{
	double t0, t1, t2, t3, t4;
	u64 *words, sum = 0;
	long faults;
	struct stat st;
	void *map;
	size_t i;
	int fd;

	fd = open(path, O_RDWR | O_CREAT, 0644);
	if (fd < 0)
		return fail("open", path);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size < len && ftruncate(fd, len))
		return fail("ftruncate", path);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return fail("mmap", path);
	words = map;

	faults = minor_faults();
	t0 = now();
	memset(map, 0x5a, len);
	t1 = now();
	faults = minor_faults() - faults;
	memset(map, 0xa5, len);
	t2 = now();
	for (i = 0; i < len / sizeof(*words); i++)
		sum += words[i];
	daxbench_sink = sum;
	t3 = now();
	/* device_dax's /dev/daxX.Y has no fsync: EINVAL, nothing to time */
	if (msync(map, len, MS_SYNC) && errno != EINVAL)
		return fail("msync", path);
	t4 = now();

	printf("first_write=%.0f write=%.0f read=%.0f msync_ms=%.1f faults=%ld\n",
	       mbps(len, t1 - t0), mbps(len, t2 - t1), mbps(len, t3 - t2),
	       (t4 - t3) * 1000, faults);
	munmap(map, len);
	close(fd);
	return 0;
}

static int bench_rw(const char *path, size_t len, size_t bs)
{
	double t0, t1, t2, t3;
	struct stat st;
	size_t off;
	void *buf;
	int fd, flags = O_RDWR | O_CREAT;

	if (stat(path, &st) == 0 && S_ISBLK(st.st_mode))
		flags |= O_DIRECT;
	fd = open(path, flags, 0644);
	if (fd < 0)
		return fail("open", path);
	if (posix_memalign(&buf, 4096, bs))
		return fail("posix_memalign", path);
	memset(buf, 0x3c, bs);

	t0 = now();
	for (off = 0; off < len; off += bs)
		if (pwrite(fd, buf, bs, off) != (ssize_t)bs)
			return fail("pwrite", path);
	t1 = now();
	if (fsync(fd))
		return fail("fsync", path);
	t2 = now();
	for (off = 0; off < len; off += bs)
		if (pread(fd, buf, bs, off) != (ssize_t)bs)
			return fail("pread", path);
	t3 = now();

	printf("write=%.0f read=%.0f fsync_ms=%.1f\n", mbps(len, t1 - t0),
	       mbps(len, t3 - t2), (t2 - t1) * 1000);
	free(buf);
	close(fd);
	return 0;
}

static int bench_alloc(const char *dir, size_t len, unsigned int n)
{
	char path[4096];
	unsigned int i;
	double t0, t1;
	int fd;

	t0 = now();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/a%u", dir, i);
		fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			return fail("create", path);
		if (fallocate(fd, 0, 0, len))
			return fail("fallocate", path);
		close(fd);
	}
	t1 = now();
	printf("ms=%.2f files=%u\n", (t1 - t0) * 1000 / n, n);
	return 0;
}

static int bench_copy(const char *src, const char *dst, size_t bs)
{
	double t0, t1;
	size_t total = 0;
	ssize_t got;
	int in, out;
	void *buf;

	buf = malloc(bs);
	if (!buf)
		return fail("malloc for", src);
	in = open(src, O_RDONLY);
	if (in < 0)
		return fail("open", src);
	t0 = now();
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (out < 0)
		return fail("create", dst);
	while ((got = read(in, buf, bs)) > 0) {
		if (write(out, buf, got) != got)
			return fail("write", dst);
		total += got;
	}
	if (got < 0)
		return fail("read", src);
	if (close(out))
		return fail("close", dst);
	t1 = now();
	printf("ms=%.2f mbps=%.0f\n", (t1 - t0) * 1000, mbps(total, t1 - t0));
	free(buf);
	close(in);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (argc == 4 && !strcmp(cmd, "mmap"))
		return bench_mmap(argv[2], strtoull(argv[3], NULL, 0));
	if (argc == 5 && !strcmp(cmd, "rw"))
		return bench_rw(argv[2], strtoull(argv[3], NULL, 0),
				strtoull(argv[4], NULL, 0));
	if (argc == 5 && !strcmp(cmd, "alloc"))
		return bench_alloc(argv[2], strtoull(argv[3], NULL, 0),
				   strtoul(argv[4], NULL, 0));
	if (argc == 5 && !strcmp(cmd, "copy"))
		return bench_copy(argv[2], argv[3], strtoull(argv[4], NULL, 0));
	fprintf(stderr, "usage: see the comment at the top of daxbench.c\n");
	return 2;
}
