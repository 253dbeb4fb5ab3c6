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
 *   daxtest raw-gup     FILE               map FILE's first 4 MiB shared,
 *                                          read every 4 KiB, print the
 *                                          faults, then vmsplice 16 KiB at
 *                                          0, at 2 MiB and at 2 MiB + 4 KiB
 *                                          (get_user_pages_fast), each into
 *                                          a pipe of its own: print
 *                                          "vmsplice=ok" or the errno of each
 *   daxtest mmap-errno  FILE OFF LEN shared|private|sync
 *                                          print "ok" or the mmap errno
 *                                          (sync: MAP_SHARED_VALIDATE with
 *                                          MAP_SYNC)
 *   daxtest mkfiles     DIR N              create DIR/f0.. until N exist
 *                                          or one fails; print how many
 *                                          and the errno
 *   daxtest fill-files  DIR FIRST N LEN TAG   create DIR/fFIRST.. (N files) by
 *                                          write(2) of LEN bytes each, a
 *                                          pattern of the number and TAG
 *   daxtest check-files DIR FIRST N LEN TAG   read them back, exit 1 on a
 *                                          difference
 *   daxtest churn       DIR SEED ROUNDS PERCENT  fallocate files of mixed
 *                                          sizes until PERCENT is in use,
 *                                          remove every third, ROUNDS times
 *   daxtest io          FILE read|write OFF LEN
 *                                          open, then one pread/pwrite;
 *                                          print "ret=N", or "err=ERRNO"
 *                                          of the open or of the I/O
 *   daxtest seek-end    FILE               print lseek(0, SEEK_END)
 *   daxtest mmap-hold   FILE SECS          map 4 MiB, read from it, fork,
 *                                          punch a hole in the mapping,
 *                                          print "mapped", and keep it all
 *                                          for SECS; writes nothing
 *   daxtest mmap-wait   FILE SECS          map the first 2 MiB, read from it,
 *                                          print "mapped", keep it for SECS
 *   daxtest pin-reuse   DIR [LEN]          the pinned-page reuse attack: fill
 *                                          DIR/a (2 MiB, or LEN) with 'A', vmsplice
 *                                          4 KiB of its mapping into a pipe,
 *                                          unmap, close, unlink it, fill a new
 *                                          DIR/b with 'S', then read the pipe;
 *                                          exit 1 if it shows b's bytes
 *   daxtest pin-reuse-unlinked DIR         the same, but a is removed while
 *                                          open and only then mapped, pinned,
 *                                          unmapped and closed (the close
 *                                          must not wait for our own pipe)
 *   daxtest pin-hold    FILE SECS          map FILE, vmsplice its first 4 KiB
 *                                          into a pipe, unmap and close it,
 *                                          print "pinned", keep the pipe SECS
 *   daxtest mmap-probe  FILE SECS          map FILE's first 2 MiB, read it,
 *                                          print "mapped", sleep SECS, read it
 *                                          again: print "sigbus" or "read"
 *   daxtest sendfile    SRC DST LEN        sendfile(2) LEN bytes from SRC to
 *                                          DST; print "ret=N" or "err=ERRNO"
 *   daxtest open-loop   FILE SECS          open and close FILE for SECS;
 *                                          print how often it opened and
 *                                          failed with ENXIO or ENOENT; any
 *                                          other error fails
 *   daxtest odirect     FILE OFF LEN SEED  O_DIRECT pwrite of the pattern
 *                                          from an aligned buffer, then
 *                                          O_DIRECT pread and check it
 *   daxtest qemu-exit   STATUS             leave QEMU via isa-debug-exit
 *   daxtest renames     DIR FROM TO N      rename DIR/FROMi to DIR/TOi for
 *                                          i in 0..N-1; print how many and
 *                                          the errno of the first failure
 *   daxtest as-user     UID GID CMD [ARGS] run CMD as that user and group,
 *                                          without supplementary groups or
 *                                          capabilities (busybox lacks su
 *                                          without a passwd entry)
 *
 * Exit status: 0 success, 1 check failed, 2 usage or system error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/futex.h>
#include <linux/types.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
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
	case EIO: return "EIO";
	case ENOENT: return "ENOENT";
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

/* Open PATH read-write and map its first LEN bytes shared; NULL on failure. */
static unsigned char *map_shared(const char *path, size_t len, int *fd)
{
	unsigned char *map;

	*fd = open(path, O_RDWR);
	if (*fd < 0)
		return fail("open", path), NULL;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	if (map == MAP_FAILED)
		return fail("mmap", path), NULL;
	return map;
}

/*
 * A raw mapping of /dev/daxN is VM_PFNMAP: get_user_pages() must refuse
 * it (EFAULT) at 4 KiB and at 2 MiB, and take no page reference.
 */
static int do_raw_gup(const char *path)
{
	static const u64 at[3] = { 0, 2 << 20, (2 << 20) + 4096 };
	const u64 len = 4 << 20;
	struct rusage before, after;
	unsigned char *map;
	unsigned int sum = 0, i;
	struct iovec iov;
	int fd, p[2];
	u64 off;

	map = map_shared(path, len, &fd);
	if (!map)
		return 2;
	getrusage(RUSAGE_SELF, &before);
	for (off = 0; off < len; off += 4096)
		sum += map[off];
	getrusage(RUSAGE_SELF, &after);
	printf("faults=%ld (sum %u)", after.ru_minflt - before.ru_minflt, sum);
	for (i = 0; i < 3; i++) {
		if (pipe(p))
			return fail("pipe", path);
		iov.iov_base = map + at[i];
		iov.iov_len = 16 << 10;
		if (vmsplice(p[1], &iov, 1, SPLICE_F_NONBLOCK) < 0)
			printf(" vmsplice=%s", errno_name(errno));
		else
			printf(" vmsplice=ok");
		close(p[0]);
		close(p[1]);
	}
	printf("\n");
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

	if (!buf)
		return fail("calloc for", path);
	fd = open(path, write ? O_RDWR : O_RDONLY);
	if (fd < 0) {
		printf("err=%s\n", errno_name(errno));
		free(buf);
		return 0;
	}
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

/* Byte @j of file number @i of fill-files with tag @tag. */
static unsigned char files_byte(long i, size_t j, int tag)
{
	return (unsigned char)(i * 131 + j * 7 + tag * 29 + (j >> 12));
}

/*
 * fill-files: create DIR/fI for I in [FIRST, FIRST + N) with write(2) of
 * LEN bytes of a pattern of I and TAG (no fallocate: the files grow as
 * written); print "created=N" and the errno of a failure.  check-files:
 * read them back; print "verified=N" or exit 1 at the first difference.
 */
static int do_files(const char *dir, long first, long n, size_t len, int tag,
		    int fill)
{
	unsigned char *buf = malloc(len + 1);
	char path[4096];
	ssize_t got;
	size_t j;
	long i;
	int fd;

	if (!buf)
		return fail("malloc", dir);
	for (i = first; i < first + n; i++) {
		snprintf(path, sizeof(path), "%s/f%ld", dir, i);
		if (fill) {
			for (j = 0; j < len; j++)
				buf[j] = files_byte(i, j, tag);
			fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
			if (fd < 0 || write(fd, buf, len) != (ssize_t)len ||
			    close(fd)) {
				printf("created=%ld err=%s\n", i - first,
				       errno_name(errno));
				free(buf);
				return 1;
			}
			continue;
		}
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return fail("open", path);
		got = read(fd, buf, len + 1);
		close(fd);
		if (got != (ssize_t)len) {
			printf("%s: %zd bytes, expected %zu\n", path, got, len);
			return 1;
		}
		for (j = 0; j < len; j++)
			if (buf[j] != files_byte(i, j, tag)) {
				printf("%s: byte %zu differs\n", path, j);
				return 1;
			}
	}
	printf("%s=%ld\n", fill ? "created" : "verified", n);
	free(buf);
	return 0;
}

/* A small generator of its own, so that a seed means the same everywhere. */
static u64 churn_state;

static u64 churn_next(void)
{
	churn_state ^= churn_state << 13;
	churn_state ^= churn_state >> 7;
	churn_state ^= churn_state << 17;
	return churn_state;
}

/* Percent of DIR's file system in use, by statvfs. */
static int churn_used(const char *dir, unsigned long long *used_kib,
		      unsigned long long *total_kib)
{
	struct statvfs v;

	if (statvfs(dir, &v))
		return -1;
	*total_kib = (unsigned long long)v.f_blocks * v.f_frsize / 1024;
	*used_kib = (unsigned long long)(v.f_blocks - v.f_bfree) * v.f_frsize /
		    1024;
	return (int)(*used_kib * 100 / *total_kib);
}

/*
 * churn: ROUNDS times, fallocate DIR/fN of a mix of sizes (7 in 10 small,
 * 4 KiB to 2 MiB - 4 KiB in whole blocks; the rest 2 to 16 MiB, any
 * length) until PERCENT of the file system is in use; between rounds
 * remove every third file still there.  Print each round's figures; exit
 * 1 on an allocation failure below PERCENT.
 */
static int do_churn(const char *dir, u64 seed, int rounds, int percent)
{
	unsigned long long used = 0, total = 0;
	char path[4096];
	long n = 0, i;
	int r, fd, rc, pct;
	off_t size;

	churn_state = seed * 2654435761u + 1;
	for (r = 1; r <= rounds; r++) {
		for (;;) {
			pct = churn_used(dir, &used, &total);
			if (pct < 0)
				return fail("statvfs", dir);
			if (pct >= percent)
				break;
			if (churn_next() % 10 < 7)
				size = 4096 * (1 + churn_next() % 511);
			else
				size = (2 << 20) + churn_next() % (14 << 20);
			snprintf(path, sizeof(path), "%s/f%ld", dir, n++);
			fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
			if (fd < 0)
				return fail("open", path);
			rc = posix_fallocate(fd, 0, size);
			close(fd);
			if (rc) {
				printf("round %d: fallocate of %lld bytes: %s",
				       r, (long long)size, errno_name(rc));
				printf(" at %llu of %llu KiB used\n", used, total);
				return 1;
			}
		}
		printf("round %d: %ld files made, %llu of %llu KiB used\n", r, n,
		       used, total);
		if (r == rounds)
			break;
		for (i = r % 3; i < n; i += 3) {
			snprintf(path, sizeof(path), "%s/f%ld", dir, i);
			if (unlink(path) && errno != ENOENT)
				return fail("unlink", path);
		}
		/* removed files' space comes back a moment later */
		sleep(1);
	}
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

	map = map_shared(path, len, &fd);
	if (!map)
		return 2;
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

/* 2 MiB, or what pin-reuse's LEN argument says (4096: a small file) */
static size_t pin_file_len = 2UL << 20;

/* Make PATH a pin_file_len file full of byte C, through a mapping. */
static int pin_make(const char *path, int c)
{
	unsigned char *map;
	int fd, rc;

	fd = open(path, O_RDWR | O_CREAT, 0644);
	if (fd < 0)
		return fail("open", path);
	rc = posix_fallocate(fd, 0, pin_file_len);
	if (rc) {
		errno = rc;
		return fail("fallocate", path);
	}
	map = mmap(NULL, pin_file_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, 0);
	if (map == MAP_FAILED)
		return fail("mmap", path);
	memset(map, c, pin_file_len);
	if (msync(map, pin_file_len, MS_SYNC))
		return fail("msync", path);
	munmap(map, pin_file_len);
	close(fd);
	return 0;
}

/*
 * Map PATH, hand its first 4 KiB to a pipe by vmsplice (which takes page
 * references, not a copy), then unmap and close it; with @unlink_first,
 * remove PATH after opening it, before anything is mapped.  Returns the
 * pipe's read end, or -1.
 */
static int pin_pipe(const char *path, int unlink_first)
{
	struct iovec iov;
	unsigned char *map;
	int fd, p[2];

	fd = open(path, O_RDWR);
	if (fd < 0 || pipe(p))
		return fail("open", path), -1;
	if (unlink_first && unlink(path))
		return fail("unlink", path), -1;
	map = mmap(NULL, pin_file_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, 0);
	if (map == MAP_FAILED)
		return fail("mmap", path), -1;
	iov.iov_base = map;
	iov.iov_len = 4096;
	if (vmsplice(p[1], &iov, 1, 0) != 4096)
		return fail("vmsplice", path), -1;
	munmap(map, pin_file_len);
	close(fd);
	close(p[1]);
	return p[0];
}

static int do_pin_reuse(const char *dir, int unlink_first)
{
	char a[4096], b[4096];
	unsigned char buf[4096];
	ssize_t n, i, old = 0, other = 0;
	int rfd, rc;

	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	rc = pin_make(a, 'A');
	if (rc)
		return rc;
	rfd = pin_pipe(a, unlink_first);
	if (rfd < 0)
		return 2;
	if (!unlink_first && unlink(a))
		return fail("unlink", a);
	rc = pin_make(b, 'S');
	if (rc)
		return rc;
	n = read(rfd, buf, sizeof(buf));
	if (n < 0)
		return fail("read the pipe of", a);
	for (i = 0; i < n; i++) {
		old += buf[i] == 'A';
		other += buf[i] == 'S';
	}
	printf("pipe: %zd bytes, %zd of the removed file, %zd of the new file\n",
	       n, old, other);
	close(rfd);
	return other ? 1 : 0;
}

static int do_pin_hold(const char *path, int secs)
{
	int rfd = pin_pipe(path, 0);

	if (rfd < 0)
		return 2;
	printf("pinned\n");
	fflush(stdout);
	sleep(secs);
	close(rfd);
	return 0;
}

static sigjmp_buf probe_env;
static unsigned int probe_sum;

static void probe_sigbus(int sig)
{
	siglongjmp(probe_env, sig);
}

static int do_mmap_probe(const char *path, int secs)
{
	unsigned char *map;
	size_t i;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail("open", path);
	map = mmap(NULL, pin_file_len, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return fail("mmap", path);
	for (i = 0; i < pin_file_len; i += 4096)
		probe_sum += __atomic_load_n(map + i, __ATOMIC_RELAXED);
	printf("mapped (sum %u)\n", probe_sum);
	fflush(stdout);
	sleep(secs);
	signal(SIGBUS, probe_sigbus);
	if (sigsetjmp(probe_env, 1)) {
		printf("sigbus\n");
		return 0;
	}
	for (i = 0; i < pin_file_len; i += 4096)
		probe_sum += __atomic_load_n(map + i, __ATOMIC_RELAXED);
	printf("read (sum %u)\n", probe_sum);
	return 0;
}

static int do_sendfile(const char *src, const char *dst, u64 len)
{
	int in = open(src, O_RDONLY), out = open(dst, O_WRONLY | O_CREAT, 0644);
	ssize_t n;

	if (in < 0 || out < 0)
		return fail("open", in < 0 ? src : dst);
	n = sendfile(out, in, NULL, len);
	if (n < 0)
		printf("err=%s\n", errno_name(errno));
	else
		printf("ret=%zd\n", n);
	close(in);
	close(out);
	return 0;
}

static int do_open_loop(const char *path, int secs)
{
	unsigned long opened = 0, enxio = 0, enoent = 0;
	time_t end = time(NULL) + secs;
	int fd;

	while (time(NULL) < end) {
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			opened++;
			close(fd);
		} else if (errno == ENXIO) {
			enxio++;
		} else if (errno == ENOENT) {
			enoent++;
		} else {
			return fail("open", path);
		}
	}
	printf("opened=%lu enxio=%lu enoent=%lu\n", opened, enxio, enoent);
	return 0;
}

static int do_odirect(const char *path, u64 off, u64 len, u64 seed)
{
	unsigned char *buf;
	u64 bad;
	ssize_t n;
	int fd;

	if (posix_memalign((void **)&buf, 4096, len ? len : 1))
		return fail("posix_memalign for", path);
	fd = open(path, O_RDWR | O_CREAT | O_DIRECT, 0644);
	if (fd < 0)
		return fail("open O_DIRECT", path);
	fill(buf, off, len, seed);
	n = pwrite(fd, buf, len, off);
	if (n != (ssize_t)len) {
		printf("pwrite: %s\n", n < 0 ? errno_name(errno) : "short");
		return 1;
	}
	memset(buf, 0, len);
	n = pread(fd, buf, len, off);
	if (n != (ssize_t)len) {
		printf("pread: %s\n", n < 0 ? errno_name(errno) : "short");
		return 1;
	}
	bad = check(buf, off, len, seed);
	close(fd);
	free(buf);
	return report(path, off, len, bad);
}

static int do_renames(const char *dir, const char *from, const char *to,
		      long n)
{
	char a[4096], b[4096];
	long i;

	for (i = 0; i < n; i++) {
		snprintf(a, sizeof(a), "%s/%s%ld", dir, from, i);
		snprintf(b, sizeof(b), "%s/%s%ld", dir, to, i);
		if (rename(a, b)) {
			printf("renamed=%ld err=%s\n", i, errno_name(errno));
			return 0;
		}
	}
	printf("renamed=%ld\n", i);
	return 0;
}

/* Become @uid:@gid, no other group, no capability left, and exec @argv. */
static int do_as_user(uid_t uid, gid_t gid, char **argv)
{
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid))
		return fail("set credentials", argv[0]);
	execvp(argv[0], argv);
	return fail("exec", argv[0]);
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
		if (!strcmp(cmd, "odirect"))
			return do_odirect(argv[2], off, len, seed);
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
	if (argc == 3 && !strcmp(cmd, "raw-gup"))
		return do_raw_gup(argv[2]);
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
	if ((argc == 3 || argc == 4) && !strcmp(cmd, "pin-reuse")) {
		if (argc == 4)
			pin_file_len = strtoull(argv[3], NULL, 0);
		return do_pin_reuse(argv[2], 0);
	}
	if (argc == 6 && !strcmp(cmd, "churn"))
		return do_churn(argv[2], strtoull(argv[3], NULL, 0), atoi(argv[4]),
				atoi(argv[5]));
	if (argc == 7 && !strcmp(cmd, "fill-files"))
		return do_files(argv[2], atol(argv[3]), atol(argv[4]),
				strtoull(argv[5], NULL, 0), atoi(argv[6]), 1);
	if (argc == 7 && !strcmp(cmd, "check-files"))
		return do_files(argv[2], atol(argv[3]), atol(argv[4]),
				strtoull(argv[5], NULL, 0), atoi(argv[6]), 0);
	if (argc == 3 && !strcmp(cmd, "pin-reuse-unlinked"))
		return do_pin_reuse(argv[2], 1);
	if (argc == 4 && !strcmp(cmd, "pin-hold"))
		return do_pin_hold(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(cmd, "mmap-probe"))
		return do_mmap_probe(argv[2], atoi(argv[3]));
	if (argc == 5 && !strcmp(cmd, "sendfile"))
		return do_sendfile(argv[2], argv[3], strtoull(argv[4], NULL, 0));
	if (argc == 4 && !strcmp(cmd, "open-loop"))
		return do_open_loop(argv[2], atoi(argv[3]));
	if (argc == 6 && !strcmp(cmd, "renames"))
		return do_renames(argv[2], argv[3], argv[4], atol(argv[5]));
	if (argc >= 5 && !strcmp(cmd, "as-user"))
		return do_as_user(atoi(argv[2]), atoi(argv[3]), argv + 4);
	if (argc == 3 && !strcmp(cmd, "qemu-exit"))
		return do_qemu_exit(atoi(argv[2]));
	fprintf(stderr, "usage: see the comment at the top of daxtest.c\n");
	return 2;
}
