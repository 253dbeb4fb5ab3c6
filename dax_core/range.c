// SPDX-License-Identifier: GPL-2.0-only
/*
 * Range arithmetic: parsing the SIZE@START lists users pass as module
 * parameters, and bounds checks on offsets inside a region.
 *
 * Nothing here touches memory or devices, so every function can be unit
 * tested on plain values.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/string.h>

#include <daxlite/compat.h>
#include <daxlite/dax_core.h>

/* Longest number a range may spell, suffix included ("0xffffffffffffffff"). */
#define DAXL_NUMBER_MAX	24

/*
 * Parse one number of a range list: decimal, octal or 0x-hex, with an
 * optional binary suffix K, M, G or T (either case), as memparse() reads
 * them, but refusing overflow and empty input.  On success *s points just
 * past the number.
 */
static int daxl_parse_number(const char **s, u64 *val)
{
	char buf[DAXL_NUMBER_MAX + 1];
	unsigned int shift = 0;
	size_t len;
	u64 v;
	int rc;

	len = strcspn(*s, "@,:\n");
	if (!len || len > DAXL_NUMBER_MAX)
		return -EINVAL;
	memcpy(buf, *s, len);
	buf[len] = '\0';

	switch (buf[len - 1]) {
	case 'T':
	case 't':
		shift += 10;
		fallthrough;
	case 'G':
	case 'g':
		shift += 10;
		fallthrough;
	case 'M':
	case 'm':
		shift += 10;
		fallthrough;
	case 'K':
	case 'k':
		shift += 10;
		buf[len - 1] = '\0';
		break;
	}

	rc = kstrtoull(buf, 0, &v);
	if (rc)
		return rc == -ERANGE ? -ERANGE : -EINVAL;
	if (shift && v > (U64_MAX >> shift))
		return -ERANGE;

	*val = v << shift;
	*s += len;
	return 0;
}

/*
 * Parse ":map=dev" or ":map=mem" after a range; on success *s points just
 * past it.
 */
static int daxl_parse_map_option(const char **s, bool *map_dev)
{
	if (str_has_prefix(*s, ":map=dev")) {
		*map_dev = true;
		*s += strlen(":map=dev");
	} else if (str_has_prefix(*s, ":map=mem")) {
		*map_dev = false;
		*s += strlen(":map=mem");
	} else {
		return -EINVAL;
	}
	return 0;
}

/**
 * daxl_memmap_size() - how much of a map=dev range its struct pages take
 * @size: the range's length in bytes
 *
 * DAXL_MEMMAP_PER_PAGE bytes for every 4 KiB page of the whole range, the
 * carve-out's own pages included, rounded up to 2 MiB so the memory served
 * after it keeps its 2 MiB alignment.  It depends on the size alone; the
 * info block before it records the carve-out (memmap_info.c), so a range
 * carved on one boot or kernel is checked to be carved the same on the
 * next.
 *
 * Return: the memmap's part of the carve-out in bytes.
 */
u64 daxl_memmap_size(u64 size)
{
	return round_up((size >> PAGE_SHIFT) * DAXL_MEMMAP_PER_PAGE,
			DAXL_REGION_ALIGN);
}
EXPORT_SYMBOL_NS_GPL(daxl_memmap_size, DAXL_NS);

/**
 * daxl_parse_ranges() - parse a list of physical ranges
 * @spec: "SIZE@START[:map=dev|:map=mem][,SIZE@START...]", numbers as
 *	memparse() reads them (decimal, octal or 0x-hex, with an optional K,
 *	M, G or T suffix); one trailing newline is allowed.  map=dev keeps a
 *	range's struct pages at its start, map=mem (the default) in RAM.
 * @ranges: array that receives the ranges, in the order given
 * @max: number of entries in @ranges
 *
 * Only the syntax is checked here; daxl_region_map() judges the ranges
 * themselves.  An empty @spec yields no ranges.
 *
 * Return: the number of ranges parsed, -EINVAL if @spec is malformed,
 * -ERANGE if a number does not fit in 64 bits, or -E2BIG if @spec names
 * more than @max ranges.
 */
int daxl_parse_ranges(const char *spec, struct daxl_phys *ranges,
		      unsigned int max)
{
	const char *s = spec;
	unsigned int n = 0;
	int rc;

	if (!s || !*s || !strcmp(s, "\n"))
		return 0;

	for (;;) {
		struct daxl_phys r = {};

		rc = daxl_parse_number(&s, &r.size);
		if (rc)
			return rc;
		if (*s++ != '@')
			return -EINVAL;
		rc = daxl_parse_number(&s, &r.start);
		if (rc)
			return rc;
		if (*s == ':') {
			rc = daxl_parse_map_option(&s, &r.map_dev);
			if (rc)
				return rc;
		}
		if (n == max)
			return -E2BIG;
		ranges[n++] = r;

		if (*s == ',') {
			s++;
			continue;
		}
		if (*s == '\n')
			s++;
		return *s ? -EINVAL : n;
	}
}
EXPORT_SYMBOL_NS_GPL(daxl_parse_ranges, DAXL_NS);

/**
 * daxl_parse_ranges_param() - parse a ranges= module parameter, or say why not
 * @who: the module whose parameter it is, for messages
 * @spec: the parameter's value, as for daxl_parse_ranges()
 * @ranges: array of DAXL_MAX_RANGES entries that receives the ranges
 *
 * Return: as daxl_parse_ranges(); every error is explained in the kernel
 * log.
 */
int daxl_parse_ranges_param(const char *who, const char *spec,
			    struct daxl_phys *ranges)
{
	int n = daxl_parse_ranges(spec, ranges, DAXL_MAX_RANGES);

	if (n == -E2BIG)
		pr_err("%s: ranges=\"%s\": more than %d ranges\n", who, spec,
		       DAXL_MAX_RANGES);
	else if (n == -ERANGE)
		pr_err("%s: ranges=\"%s\": a number does not fit in 64 bits\n",
		       who, spec);
	else if (n < 0)
		pr_err("%s: ranges=\"%s\": cannot parse; expected SIZE@START[,SIZE@START...]\n",
		       who, spec);
	else if (!n)
		pr_info("%s: no ranges= given, no devices created\n", who);
	return n;
}
EXPORT_SYMBOL_NS_GPL(daxl_parse_ranges_param, DAXL_NS);

/**
 * daxl_check_span() - check that a byte span lies inside an object
 * @offset: first byte of the span
 * @len: length of the span in bytes
 * @size: size of the object the span addresses
 *
 * Return: 0 if [@offset, @offset + @len) lies within [0, @size), without
 * overflow; -ERANGE otherwise.
 */
int daxl_check_span(u64 offset, u64 len, u64 size)
{
	u64 end;

	if (check_add_overflow(offset, len, &end) || end > size)
		return -ERANGE;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(daxl_check_span, DAXL_NS);
