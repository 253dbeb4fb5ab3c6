// SPDX-License-Identifier: GPL-2.0-only
/*
 * daxtest: the small operations daxlite's guest tests need and busybox
 * lacks.  Built static on the host and copied into the test initramfs.
 *
 * Data is a pattern that depends on the seed and on the absolute byte
 * offset, so any span of a file can be verified on its own.
 *
 *   daxtest mmap-fill   FILE OFF LEN SEED  store the pattern through mmap
 *   daxtest mmap-verify FILE OFF LEN SEED  check it through mmap
 *   daxtest write       FILE OFF LEN SEED  store it with pwrite, then fsync
 *   daxtest read-verify FILE OFF LEN SEED  check it with pread
 *   daxtest mmap-cat    FILE OFF LEN       copy bytes out through mmap
 *   daxtest statx-dax   FILE               exit 0 if STATX_ATTR_DAX is set
 *   daxtest gup         FILE BLKDEV        O_DIRECT read and futex on a
 *                                          DAX mapping (get_user_pages)
 *   daxtest fault-count FILE OFF LEN [nohuge]
 *                                          map, read every 4 KiB, print the
 *                                          minor faults it took; nohuge
 *                                          forbids PMD mappings first
 *   daxtest mmap-errno  FILE OFF LEN shared|private|sync
 *                                          print "ok" or the mmap errno
 *                                          (sync: MAP_SHARED_VALIDATE with
 *                                          MAP_SYNC)
 *   daxtest mkfiles     DIR N              create DIR/f0.. until N exist
 *                                          or one fails; print how many
 *                                          and the errno
 *   daxtest io          FILE read|write OFF LEN
 *                                          one pread/pwrite; print "ret=N"
 *                                          or "err=ERRNO"
 *   daxtest seek-end    FILE               print lseek(0, SEEK_END)
 *   daxtest mmap-hold   FILE SECS          map 4 MiB, read from it, fork,
 *                                          punch a hole in the mapping,
 *                                          print "mapped", and keep it all
 *                                          for SECS; writes nothing
 *   daxtest mmap-wait   FILE SECS          map the first 2 MiB, read from it,
 *                                          print "mapped", keep it for SECS
 *   daxtest qemu-exit   STATUS             leave QEMU via isa-debug-exit
 *
 * Exit status: 0 success, 1 check failed, 2 usage or system error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/types.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

typedef __u64 u64;

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

#define CHUNK 0x100000UL

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "daxtest: %s %s: %s\n", what, path, strerror(errno));
	return 2;
}

/* splitmix64 of the seed and the 8-byte word's offset */
static u64 pattern(u64 seed, u64 off)
{
	u64 z = seed + (off / 8 + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void fill(unsigned char *buf, u64 off, u64 len, u64 seed)
{
	u64 i, v;

	for (i = 0; i < len; i++) {
		v = pattern(seed, off + i);
		buf[i] = v >> (8 * ((off + i) % 8));
	}
}

/* Index of the first byte that differs from the pattern, or len. */
static u64 check(const unsigned char *buf, u64 off, u64 len, u64 seed)
{
	u64 i, v;

	for (i = 0; i < len; i++) {
		v = pattern(seed, off + i);
		if (buf[i] != (unsigned char)(v >> (8 * ((off + i) % 8))))
			return i;
	}
	return len;
}

static int report(const char *path, u64 off, u64 len, u64 bad)
{
	if (bad == len) {
		printf("%s: %llu bytes at %llu verified\n", path,
		       (unsigned long long)len, (unsigned long long)off);
		return 0;
	}
	printf("%s: mismatch at byte %llu\n", path,
	       (unsigned long long)(off + bad));
	return 1;
}

static int do_mmap(const char *path, u64 off, u64 len,
		   u64 seed, int write)
{
	u64 start = off & ~(u64)(getpagesize() - 1), bad = len;
	unsigned char *map;
	struct stat st;
	int fd;

	fd = open(path, write ? O_RDWR | O_CREAT : O_RDONLY, 0644);
	if (fd < 0)
		return fail("open", path);
	if (write && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (u64)st.st_size < off + len && ftruncate(fd, off + len))
		return fail("ftruncate", path);
	map = mmap(NULL, off + len - start,
		   write ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED,
		   fd, start);
	if (map == MAP_FAILED)
		return fail("mmap", path);
	if (write) {
		fill(map + (off - start), off, len, seed);
		/* device_dax's /dev/daxX.Y has no fsync: EINVAL */
		if (msync(map, off + len - start, MS_SYNC) &&
		    !(errno == EINVAL && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode)))
			return fail("msync", path);
	} else {
		bad = check(map + (off - start), off, len, seed);
	}
	munmap(map, off + len - start);
	close(fd);
	return write ? 0 : report(path, off, len, bad);
}

static int do_rw(const char *path, u64 off, u64 len, u64 seed,
		 int write)
{
	unsigned char *buf = malloc(CHUNK);
	u64 done, n, bad;
	int fd;

	fd = open(path, write ? O_WRONLY | O_CREAT : O_RDONLY, 0644);
	if (fd < 0 || !buf)
		return fail("open", path);
	for (done = 0; done < len; done += n) {
		n = len - done < CHUNK ? len - done : CHUNK;
		if (write) {
			fill(buf, off + done, n, seed);
			if (pwrite(fd, buf, n, off + done) != (ssize_t)n)
				return fail("pwrite", path);
			continue;
		}
		if (pread(fd, buf, n, off + done) != (ssize_t)n)
			return fail("pread", path);
		bad = check(buf, off + done, n, seed);
		if (bad != n)
			return report(path, off, len, done + bad);
	}
	if (write && fsync(fd))
		return fail("fsync", path);
	close(fd);
	free(buf);
	return write ? 0 : report(path, off, len, len);
}

static int do_mmap_cat(const char *path, u64 off, u64 len)
{
	u64 start = off & ~(u64)(getpagesize() - 1);
	unsigned char *map;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail("open", path);
	map = mmap(NULL, off + len - start, PROT_READ, MAP_SHARED, fd, start);
	if (map == MAP_FAILED)
		return fail("mmap", path);
	if (fwrite(map + (off - start), 1, len, stdout) != len)
		return fail("write to stdout from", path);
	munmap(map, off + len - start);
	close(fd);
	return 0;
}

static int do_statx_dax(const char *path)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx))
		return fail("statx", path);
	printf("%s: STATX_ATTR_DAX=%d\n", path,
	       !!(stx.stx_attributes & STATX_ATTR_DAX));
	return stx.stx_attributes & STATX_ATTR_DAX ? 0 : 1;
}

/*
 * Both need get_user_pages on the DAX mapping, which works only when the
 * device hands out pfns with struct pages (ZONE_DEVICE).
 */
static int do_gup(const char *path, const char *blkdev)
{
	long page = getpagesize();
	unsigned char *map;
	ssize_t n;
	int fd, bfd;
	long woken;

	fd = open(path, O_RDWR);
	bfd = open(blkdev, O_RDONLY | O_DIRECT);
	if (fd < 0 || bfd < 0)
		return fail("open", fd < 0 ? path : blkdev);
	map = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return fail("mmap", path);
	n = pread(bfd, map, page, 0);
	if (n != page)
		return fail("O_DIRECT pread into the DAX mapping from", blkdev);
	woken = syscall(SYS_futex, (uint32_t *)map, FUTEX_WAKE, 1, NULL,
			NULL, 0);
	if (woken < 0)
		return fail("futex wake on the DAX mapping of", path);
	printf("%s: O_DIRECT into mapping ok, futex ok\n", path);
	munmap(map, page);
	close(bfd);
	close(fd);
	return 0;
}

static const char *errno_name(int err)
{
	switch (err) {
	case EINVAL: return "EINVAL";
	case EBUSY: return "EBUSY";
	case ENOSPC: return "ENOSPC";
	case ENXIO: return "ENXIO";
	case EFAULT: return "EFAULT";
	case ENODEV: return "ENODEV";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOTTY: return "ENOTTY";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EROFS: return "EROFS";
	case EEXIST: return "EEXIST";
	default: return strerror(err);
	}
}

static int do_fault_count(const char *path, u64 off, u64 len, int nohuge)
{
	struct rusage before, after;
	unsigned char *map;
	unsigned int sum = 0;
	u64 i;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail("open", path);
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, off);
	if (map == MAP_FAILED)
		return fail("mmap", path);
	if (nohuge && madvise(map, len, MADV_NOHUGEPAGE))
		return fail("madvise", path);
	getrusage(RUSAGE_SELF, &before);
	for (i = 0; i < len; i += 4096)
		sum += *(unsigned char *)__builtin_assume_aligned(map + i, 4096);
	getrusage(RUSAGE_SELF, &after);
	printf("%s: %llu MiB at %llu, mapped at %p%s: faults=%ld (sum %u)\n",
	       path, (unsigned long long)(len >> 20),
	       (unsigned long long)off, map, nohuge ? ", MADV_NOHUGEPAGE" : "",
	       after.ru_minflt - before.ru_minflt, sum);
	munmap(map, len);
	close(fd);
	return 0;
}

static int do_mmap_errno(const char *path, u64 off, u64 len,
			 const char *kind)
{
	int flags = !strcmp(kind, "private") ? MAP_PRIVATE :
		    !strcmp(kind, "sync") ? MAP_SHARED_VALIDATE | MAP_SYNC :
		    MAP_SHARED;
	void *map;
	int fd;

	fd = open(path, O_RDWR);
	if (fd < 0)
		return fail("open", path);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, off);
	if (map == MAP_FAILED) {
		printf("%s\n", errno_name(errno));
	} else {
		printf("ok\n");
		munmap(map, len);
	}
	close(fd);
	return 0;
}

static int do_io(const char *path, const char *op, u64 off, u64 len)
{
	int write = !strcmp(op, "write");
	unsigned char *buf = calloc(1, len ? len : 1);
	ssize_t n;
	int fd;

	fd = open(path, write ? O_RDWR : O_RDONLY);
	if (fd < 0 || !buf)
		return fail("open", path);
	n = write ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);
	if (n < 0)
		printf("err=%s\n", errno_name(errno));
	else
		printf("ret=%zd\n", n);
	close(fd);
	free(buf);
	return 0;
}

static int do_mkfiles(const char *dir, long n)
{
	char path[4096];
	long i;
	int fd;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0) {
			printf("created=%ld err=%s\n", i, errno_name(errno));
			return 0;
		}
		close(fd);
	}
	printf("created=%ld\n", i);
	return 0;
}

static int do_seek_end(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return fail("open", path);
	printf("%lld\n", (long long)lseek(fd, 0, SEEK_END));
	close(fd);
	return 0;
}

static int do_mmap_hold(const char *path, int secs)
{
	size_t len = 4UL << 20;
	unsigned char *map;
	pid_t child;
	int fd;

	fd = open(path, O_RDWR);
	if (fd < 0)
		return fail("open", path);
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return fail("mmap", path);
	printf("first byte %u\n", map[0]);
	child = fork();
	if (child < 0)
		return fail("fork", path);
	if (child == 0) {
		sleep(secs);
		_exit(0);
	}
	/* Split the mapping in two around a hole. */
	if (munmap(map + (1UL << 20), 4096))
		return fail("munmap", path);
	printf("mapped\n");
	fflush(stdout);
	sleep(secs);
	waitpid(child, NULL, 0);
	return 0;
}

static int do_mmap_wait(const char *path, int secs)
{
	size_t len = 2UL << 20;
	unsigned char *map;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail("open", path);
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return fail("mmap", path);
	printf("first byte %u\nmapped\n", map[0]);
	fflush(stdout);
	sleep(secs);
	munmap(map, len);
	close(fd);
	return 0;
}

static int do_qemu_exit(int status)
{
	/*
	 * Let the serial console send what was written to it first: QEMU
	 * exits at once, and a busy host would lose the last lines (the
	 * guest's GUEST-DONE) still queued in the UART.
	 */
	tcdrain(STDOUT_FILENO);
	if (ioperm(0xf4, 4, 1))
		return fail("ioperm", "0xf4");
	outl(status, 0xf4);
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	u64 off, len, seed;

	if (argc == 6) {
		off = strtoull(argv[3], NULL, 0);
		len = strtoull(argv[4], NULL, 0);
		seed = strtoull(argv[5], NULL, 0);
		if (!strcmp(cmd, "mmap-fill"))
			return do_mmap(argv[2], off, len, seed, 1);
		if (!strcmp(cmd, "mmap-verify"))
			return do_mmap(argv[2], off, len, seed, 0);
		if (!strcmp(cmd, "write"))
			return do_rw(argv[2], off, len, seed, 1);
		if (!strcmp(cmd, "read-verify"))
			return do_rw(argv[2], off, len, seed, 0);
	}
	if (argc == 5 && !strcmp(cmd, "mmap-cat"))
		return do_mmap_cat(argv[2], strtoull(argv[3], NULL, 0),
				   strtoull(argv[4], NULL, 0));
	if (argc == 3 && !strcmp(cmd, "statx-dax"))
		return do_statx_dax(argv[2]);
	if (argc == 4 && !strcmp(cmd, "gup"))
		return do_gup(argv[2], argv[3]);
	if ((argc == 5 || argc == 6) && !strcmp(cmd, "fault-count"))
		return do_fault_count(argv[2], strtoull(argv[3], NULL, 0),
				      strtoull(argv[4], NULL, 0),
				      argc == 6 && !strcmp(argv[5], "nohuge"));
	if (argc == 6 && !strcmp(cmd, "mmap-errno"))
		return do_mmap_errno(argv[2], strtoull(argv[3], NULL, 0),
				     strtoull(argv[4], NULL, 0), argv[5]);
	if (argc == 6 && !strcmp(cmd, "io"))
		return do_io(argv[2], argv[3], strtoull(argv[4], NULL, 0),
			     strtoull(argv[5], NULL, 0));
	if (argc == 4 && !strcmp(cmd, "mkfiles"))
		return do_mkfiles(argv[2], atol(argv[3]));
	if (argc == 3 && !strcmp(cmd, "seek-end"))
		return do_seek_end(argv[2]);
	if (argc == 4 && !strcmp(cmd, "mmap-hold"))
		return do_mmap_hold(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(cmd, "mmap-wait"))
		return do_mmap_wait(argv[2], atoi(argv[3]));
	if (argc == 3 && !strcmp(cmd, "qemu-exit"))
		return do_qemu_exit(atoi(argv[2]));
	fprintf(stderr, "usage: see the comment at the top of daxtest.c\n");
	return 2;
}
