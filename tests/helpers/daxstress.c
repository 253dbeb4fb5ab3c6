// SPDX-License-Identifier: GPL-2.0-only
/*
 * daxstress: fault injection and memory pressure for daxlite's debug-kernel
 * suites (tests/guest/faultinj.sh, tests/guest/stress.sh).  Built static on
 * the host and copied into the test initramfs.
 *
 *   daxstress fail-nth N OP ARGS...
 *       make the N-th fault-injection point (failslab, fail_page_alloc) the
 *       calling thread passes fail, through /proc/thread-self/fail-nth,
 *       around exactly one system call, then print
 *           "injected=0|1 ret=0" or "injected=0|1 err=ERRNO"
 *       injected=1: the N-th point was reached and failed; injected=0: the
 *       call passed fewer than N points (nothing failed), and " points=P"
 *       follows: how many it passed.  Files are opened
 *       before the fault is armed, so only the call itself is counted.
 *       OPs:
 *         load KO [PARAMS]        finit_module(2)
 *         write FILE TEXT         write(2) of TEXT to FILE (a sysfs file)
 *         mount SRC DIR TYPE [OPTS]   mount(2)
 *         create PATH             open(2) with O_CREAT | O_EXCL
 *         mkdir PATH              mkdir(2)
 *         rename OLD NEW          rename(2)
 *         fallocate FILE LEN      fallocate(2) of LEN bytes at 0
 *   daxstress balloon PERCENT SECS
 *       for SECS seconds: map anonymous memory up to PERCENT of MemAvailable,
 *       touch every page, hold it a second, unmap it, again; print rounds
 *
 * Exit status: 0 success (whatever the call returned), 2 usage or setup
 * error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int setup_fail(const char *what, const char *arg)
{
	fprintf(stderr, "daxstress: %s %s: %s\n", what, arg, strerror(errno));
	return 2;
}

static const char *errno_name(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "E?";
}

/* The call under injection; files it needs are already open. */
struct call {
	const char *op;
	char **argv;
	int fd;
};

static long do_call(struct call *c)
{
	const char *op = c->op;
	char **a = c->argv;

	if (!strcmp(op, "load"))
		return syscall(SYS_finit_module, c->fd, a[1] ? a[1] : "", 0);
	if (!strcmp(op, "write"))
		return write(c->fd, a[1], strlen(a[1]));
	if (!strcmp(op, "mount"))
		return mount(a[0], a[1], a[2], 0, a[3]);
	if (!strcmp(op, "create")) {
		int fd = open(a[0], O_CREAT | O_EXCL | O_WRONLY, 0644);

		if (fd >= 0)
			c->fd = fd;
		return fd < 0 ? -1 : 0;
	}
	if (!strcmp(op, "mkdir"))
		return mkdir(a[0], 0755);
	if (!strcmp(op, "rename"))
		return rename(a[0], a[1]);
	if (!strcmp(op, "fallocate"))
		return fallocate(c->fd, 0, 0, strtoll(a[1], NULL, 0));
	errno = EINVAL;
	return -2;
}

static int nargs(const char *op)
{
	if (!strcmp(op, "load") || !strcmp(op, "create") || !strcmp(op, "mkdir"))
		return 1;
	if (!strcmp(op, "write") || !strcmp(op, "rename") || !strcmp(op, "fallocate"))
		return 2;
	if (!strcmp(op, "mount"))
		return 3;
	return -1;
}

static int fail_nth(int n, int argc, char **argv)
{
	struct call c = { .op = argv[0], .argv = argv + 1, .fd = -1 };
	char buf[32];
	int ctl, e, injected;
	long ret;
	ssize_t r;

	if (nargs(c.op) < 0 || argc - 1 < nargs(c.op))
		return setup_fail("unknown or short operation", c.op);
	if (!strcmp(c.op, "load"))
		c.fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	else if (!strcmp(c.op, "write") || !strcmp(c.op, "fallocate"))
		c.fd = open(argv[1], O_WRONLY | O_CLOEXEC);
	if (c.fd < 0 && (!strcmp(c.op, "load") || !strcmp(c.op, "write") ||
			 !strcmp(c.op, "fallocate")))
		return setup_fail("open", argv[1]);
	ctl = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return setup_fail("open", "/proc/thread-self/fail-nth");
	snprintf(buf, sizeof(buf), "%d", n);
	if (write(ctl, buf, strlen(buf)) < 0)
		return setup_fail("write", "fail-nth");
	ret = do_call(&c);
	e = errno;
	r = pread(ctl, buf, sizeof(buf) - 1, 0);
	/* Disarm whatever is left of the count. */
	if (write(ctl, "0", 1) < 0 || r <= 0)
		return setup_fail("read or write", "fail-nth");
	buf[r] = 0;
	injected = atoi(buf) == 0;
	if (ret == -2)
		return setup_fail("operation", c.op);
	if (ret < 0)
		printf("injected=%d err=%s", injected, errno_name(e));
	else
		printf("injected=%d ret=0", injected);
	/* How many points the call passed, when none failed. */
	if (!injected)
		printf(" points=%d", n - atoi(buf));
	printf("\n");
	if (c.fd >= 0)
		close(c.fd);
	return 0;
}

static long mem_available_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int balloon(int percent, int secs)
{
	time_t end = time(NULL) + secs;
	unsigned long rounds = 0, max_mb = 0;
	long page = sysconf(_SC_PAGESIZE);

	while (time(NULL) < end) {
		long kb = mem_available_kb();
		size_t len, off;
		char *p;

		if (kb < 0)
			return setup_fail("read", "/proc/meminfo");
		len = (size_t)kb / 100 * percent * 1024;
		if (len < (size_t)page) {
			sleep(1);
			continue;
		}
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			sleep(1);
			continue;
		}
		for (off = 0; off < len; off += page)
			p[off] = (char)off;
		if (len >> 20 > max_mb)
			max_mb = len >> 20;
		sleep(1);
		munmap(p, len);
		rounds++;
	}
	printf("%s: %lu rounds, up to %lu MiB\n", __func__, rounds, max_mb);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "fail-nth"))
		return fail_nth(atoi(argv[2]), argc - 3, argv + 3);
	if (argc == 4 && !strcmp(argv[1], "balloon"))
		return balloon(atoi(argv[2]), atoi(argv[3]));
	fprintf(stderr, "usage: see the comment at the top of daxstress.c\n");
	return 2;
}
