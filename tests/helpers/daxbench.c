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
 *   daxbench meta DIR N         create N empty files in DIR, stat each,
 *                               rename each (same directory), unlink
 *                               each; print each phase's operations per
 *                               second
 *   daxbench files DIR FIRST N SIZE
 *                               create DIR/fFIRST .. and write SIZE bytes
 *                               to each (SIZE 0: empty), until N exist or
 *                               one fails (ENOSPC: how many fit); print
 *                               how many, the ms, and the file system's
 *                               used space before and after (statfs)
 *   daxbench renames DIR N COUNT
 *                               COUNT renames of DIR/f0 .. DIR/fN-1 to
 *                               DIR/gI and back, in turn (log churn);
 *                               print the ms
 *   daxbench mount SRC DIR TYPE [OPTS]
 *                               time one mount(2); print the ms
 *   daxbench time CMD [ARG...]  run CMD (searched in PATH); print its ms
 *                               and exit status
 *   daxbench memcpy LEN         memcpy between two anonymous buffers of
 *                               LEN bytes (both touched first); MB/s
 *   daxbench touch FILE LEN     map LEN bytes shared, read one byte in
 *                               every 4 KiB; print the ms, the ms per
 *                               2 MiB and the faults taken (best of
 *                               three mappings)
 *   daxbench fsync FILE LEN MIB...
 *                               map all LEN bytes of FILE, store to all
 *                               and time that fsync (every page mapped,
 *                               written, then clean); then for each MIB,
 *                               store to the first MIB MiB and time the
 *                               fsync (best of three): print dMIB=ms
 *
 * Exit status: 0, or 2 on a usage or system error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/wait.h>
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

static int bench_meta(const char *dir, unsigned int n)
{
	char path[4096], to[4096];
	double t[5];
	struct stat st;
	unsigned int i;
	int fd;

	t[0] = now();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%u", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			return fail("create", path);
		close(fd);
	}
	t[1] = now();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%u", dir, i);
		if (stat(path, &st))
			return fail("stat", path);
	}
	t[2] = now();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%u", dir, i);
		snprintf(to, sizeof(to), "%s/g%u", dir, i);
		if (rename(path, to))
			return fail("rename", path);
	}
	t[3] = now();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/g%u", dir, i);
		if (unlink(path))
			return fail("unlink", path);
	}
	t[4] = now();
	printf("n=%u creates=%.0f stats=%.0f renames=%.0f unlinks=%.0f\n", n,
	       n / (t[1] - t[0]), n / (t[2] - t[1]), n / (t[3] - t[2]),
	       n / (t[4] - t[3]));
	return 0;
}

/* Space in use, in KiB, or -1. */
static long long used_kib(const char *dir)
{
	struct statfs s;

	if (statfs(dir, &s))
		return -1;
	return (long long)(s.f_blocks - s.f_bfree) * s.f_bsize / 1024;
}

static int bench_files(const char *dir, unsigned int first, unsigned int n,
		       size_t size)
{
	long long before = used_kib(dir);
	char path[4096];
	unsigned int i;
	double t0, t1;
	int fd, err = 0;
	char *buf;

	buf = malloc(size ? size : 1);
	if (!buf)
		return fail("malloc for", dir);
	memset(buf, 0x6b, size);
	t0 = now();
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%u", dir, first + i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0) {
			err = errno;
			break;
		}
		errno = 0;
		if (size && write(fd, buf, size) != (ssize_t)size)
			err = errno ? errno : ENOSPC;
		if (close(fd) && !err)
			err = errno;
		if (err) {
			/* a file that did not get its bytes is not counted */
			if (unlink(path))
				return fail("unlink", path);
			break;
		}
	}
	t1 = now();
	if (err && err != ENOSPC) {
		errno = err;
		return fail("write", path);
	}
	sync();
	printf("made=%u ms=%.1f used_kib=%lld%s\n", i, (t1 - t0) * 1000,
	       used_kib(dir) - before, err ? " stopped=ENOSPC" : "");
	free(buf);
	return 0;
}

static int bench_renames(const char *dir, unsigned int n, unsigned long count)
{
	char path[4096], to[4096];
	unsigned long i;
	unsigned int k;
	double t0;

	t0 = now();
	for (i = 0; i < count; i++) {
		k = i % n;
		snprintf(path, sizeof(path), "%s/%c%u", dir,
			 (i / n) % 2 ? 'g' : 'f', k);
		snprintf(to, sizeof(to), "%s/%c%u", dir,
			 (i / n) % 2 ? 'f' : 'g', k);
		if (rename(path, to))
			return fail("rename", path);
	}
	/*
	 * End with every file under its f name again: after an even number
	 * of whole rounds, the first count % n are g; after an odd number,
	 * the others.
	 */
	for (k = 0; k < n; k++) {
		if ((k < count % n) != !((count / n) % 2))
			continue;
		snprintf(path, sizeof(path), "%s/g%u", dir, k);
		snprintf(to, sizeof(to), "%s/f%u", dir, k);
		if (rename(path, to))
			return fail("rename", path);
		i++;
	}
	printf("renames=%lu ms=%.1f\n", i, (now() - t0) * 1000);
	return 0;
}

static int bench_mount(const char *src, const char *dir, const char *type,
		       const char *opts)
{
	double t0 = now();

	if (mount(src, dir, type, 0, opts))
		return fail("mount", src);
	printf("ms=%.2f\n", (now() - t0) * 1000);
	return 0;
}

static int bench_time(char **argv)
{
	double t0 = now();
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return fail("fork for", argv[0]);
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return fail("wait for", argv[0]);
	printf("ms=%.2f rc=%d\n", (now() - t0) * 1000,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	return 0;
}

static int bench_memcpy(size_t len)
{
	char *a, *b;
	double best = 0, t0, t1;
	int i;

	a = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	b = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED || b == MAP_FAILED)
		return fail("mmap", "anonymous");
	memset(a, 0x11, len);
	memset(b, 0x22, len);
	for (i = 0; i < 3; i++) {
		t0 = now();
		memcpy(i % 2 ? a : b, i % 2 ? b : a, len);
		t1 = now();
		if (mbps(len, t1 - t0) > best)
			best = mbps(len, t1 - t0);
	}
	daxbench_sink = a[len - 1] + b[0];
	printf("copy=%.0f\n", best);
	munmap(a, len);
	munmap(b, len);
	return 0;
}

static int bench_touch(const char *path, size_t len)
{
	double t0, t1, best = 0;
	long faults, best_faults = 0;
	const char *p;
	size_t off;
	u64 sum = 0;
	int fd, i;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail("open", path);
	/* best of three: each pass is a new mapping, so it faults again */
	for (i = 0; i < 3; i++) {
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return fail("mmap", path);
		faults = minor_faults();
		t0 = now();
		for (off = 0; off < len; off += 4096)
			sum += p[off];
		t1 = now();
		faults = minor_faults() - faults;
		if (!i || t1 - t0 < best) {
			best = t1 - t0;
			best_faults = faults;
		}
		munmap((void *)p, len);
	}
	daxbench_sink = sum;
	printf("ms=%.2f ms_per_2m=%.3f faults=%ld\n", best * 1000,
	       best * 1000 / (len >> 21), best_faults);
	close(fd);
	return 0;
}

static int bench_fsync(const char *path, size_t len, char **mib, int n)
{
	double t0, t1, best;
	size_t dirty;
	char *map;
	int fd, i, j;

	fd = open(path, O_RDWR);
	if (fd < 0)
		return fail("open", path);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return fail("mmap", path);
	memset(map, 0x66, len);
	t0 = now();
	if (fsync(fd))
		return fail("fsync", path);
	t1 = now();
	printf("d%zu=%.2f", len >> 20, (t1 - t0) * 1000);
	for (i = 0; i < n; i++) {
		dirty = strtoull(mib[i], NULL, 0) << 20;
		if (dirty > len)
			dirty = len;
		/* best of three: store, fsync, again */
		for (j = 0, best = 0; j < 3; j++) {
			memset(map, 0x70 + 3 * i + j, dirty);
			t0 = now();
			if (fsync(fd))
				return fail("fsync", path);
			t1 = now();
			if (!j || t1 - t0 < best)
				best = t1 - t0;
		}
		printf(" d%zu=%.2f", dirty >> 20, best * 1000);
	}
	printf("\n");
	munmap(map, len);
	close(fd);
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
	if (argc == 4 && !strcmp(cmd, "meta"))
		return bench_meta(argv[2], strtoul(argv[3], NULL, 0));
	if (argc == 6 && !strcmp(cmd, "files"))
		return bench_files(argv[2], strtoul(argv[3], NULL, 0),
				   strtoul(argv[4], NULL, 0),
				   strtoull(argv[5], NULL, 0));
	if (argc == 5 && !strcmp(cmd, "renames"))
		return bench_renames(argv[2], strtoul(argv[3], NULL, 0),
				     strtoul(argv[4], NULL, 0));
	if ((argc == 5 || argc == 6) && !strcmp(cmd, "mount"))
		return bench_mount(argv[2], argv[3], argv[4],
				   argc == 6 ? argv[5] : NULL);
	if (argc >= 3 && !strcmp(cmd, "time"))
		return bench_time(argv + 2);
	if (argc == 3 && !strcmp(cmd, "memcpy"))
		return bench_memcpy(strtoull(argv[2], NULL, 0));
	if (argc == 4 && !strcmp(cmd, "touch"))
		return bench_touch(argv[2], strtoull(argv[3], NULL, 0));
	if (argc >= 5 && !strcmp(cmd, "fsync"))
		return bench_fsync(argv[2], strtoull(argv[3], NULL, 0),
				   argv + 4, argc - 4);
	fprintf(stderr, "usage: see the comment at the top of daxbench.c\n");
	return 2;
}
