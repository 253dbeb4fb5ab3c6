// SPDX-License-Identifier: GPL-2.0-only
/*
 * famfsl_poke: read or change one field of famfs_lite metadata, for tests
 * that corrupt file systems on purpose.  The checksum of the structure is
 * recomputed, so the field's own check is what fails, unless "raw" is
 * given.
 *
 *   famfsl_poke DEV sb FIELD VALUE [raw]
 *   famfsl_poke DEV log FIELD VALUE [raw]
 *   famfsl_poke DEV entry INDEX FIELD VALUE [raw]
 *   famfsl_poke DEV gen VALUE                  set the log_gen word
 *   famfsl_poke DEV get entry INDEX FIELD      print a numeric field
 *   famfsl_poke DEV get sb FIELD
 *   famfsl_poke DEV get log FIELD
 *   famfsl_poke DEV get gen
 *
 * VALUE is a number, or text for the name fields.  "log" and "entry" are
 * those of the log area the log_gen word names (versions 2 and 3).  An
 * EXTEND entry's fields are the alloc.* ones (the two share a layout).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "famfsl_tool.h"

struct field {
	const char *name;
	size_t off;
	size_t len;		/* 0: text, up to FAMFSL_NAME_MAX bytes */
};

#define F(s, f, n)	{ #f, offsetof(struct s, f), n }
#define E(f, n)		{ #f, offsetof(struct famfsl_entry, f), n }

static const struct field sb_fields[] = {
	F(famfsl_superblock, magic, 8), F(famfsl_superblock, version, 4),
	F(famfsl_superblock, flags, 4), F(famfsl_superblock, dev_size, 8),
	F(famfsl_superblock, log_offset, 8), F(famfsl_superblock, log_len, 8),
	F(famfsl_superblock, data_offset, 8),
	F(famfsl_superblock, alloc_unit, 4),
	F(famfsl_superblock, entry_size, 4),
	F(famfsl_superblock, reserved, 1), F(famfsl_superblock, crc, 4),
	{ }
};

static const struct field log_fields[] = {
	F(famfsl_log_header, magic, 8), F(famfsl_log_header, capacity, 8),
	F(famfsl_log_header, entry_size, 4), F(famfsl_log_header, crc, 4),
	F(famfsl_log_header, next_index, 8), F(famfsl_log_header, gen, 8),
	F(famfsl_log_header, next_ino, 8), F(famfsl_log_header, reserved, 1),
	{ }
};

static const struct field entry_fields[] = {
	E(seq, 8), E(type, 4), E(crc, 4),
	E(create.ino, 8), E(create.parent, 8), E(create.mode, 4),
	E(create.uid, 4), E(create.gid, 4), E(setattr.uid, 4),
	E(create.name_len, 2), E(create.name, 0),
	E(alloc.ino, 8), E(alloc.size, 8), E(alloc.nr_extents, 4),
	E(alloc.ext[0].dev_offset, 8), E(alloc.ext[0].len, 8),
	E(alloc.ext[1].dev_offset, 8), E(alloc.ext[1].len, 8),
	E(setattr.ino, 8), E(setattr.valid, 4),
	E(unlink.ino, 8), E(unlink.parent, 8),
	E(rename.ino, 8), E(rename.new_parent, 8), E(rename.replaced, 8),
	E(rename.name_len, 2), E(rename.name, 0),
	{ }
};

static const struct field *lookup(const struct field *t, const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	fprintf(stderr, "famfsl_poke: unknown field %s\n", name);
	exit(2);
}

static void set(unsigned char *obj, const struct field *f, const char *val)
{
	unsigned long long v;
	size_t i;

	if (!f->len) {
		memset(obj + f->off, 0, FAMFSL_NAME_MAX);
		memcpy(obj + f->off, val, strnlen(val, FAMFSL_NAME_MAX));
		return;
	}
	v = strtoull(val, NULL, 0);
	for (i = 0; i < f->len; i++)
		obj[f->off + i] = v >> (8 * i);
}

static unsigned long long get(const unsigned char *obj, const struct field *f)
{
	unsigned long long v = 0;
	size_t i;

	for (i = 0; i < f->len; i++)
		v |= (unsigned long long)obj[f->off + i] << (8 * i);
	return v;
}

int main(int argc, char **argv)
{
	struct famfsl_superblock sb;
	struct famfsl_log_header h;
	struct famfsl_entry e;
	struct famfsl_dev dev;
	bool raw = !strcmp(argv[argc - 1], "raw");
	u64 off, area, gen;
	__le64 word;

	if (argc < 4 || famfsl_dev_open(&dev, argv[1], true) ||
	    famfsl_dev_read(&dev, 0, &sb, sizeof(sb))) {
		fprintf(stderr, "usage: see the comment at the top of famfsl_poke.c\n");
		return 2;
	}
	if (!strcmp(argv[2], "get") && argc == 5 && !strcmp(argv[3], "sb")) {
		printf("%llu\n", get((unsigned char *)&sb,
				     lookup(sb_fields, argv[4])));
		return 0;
	}
	if (!strcmp(argv[2], "sb")) {
		set((unsigned char *)&sb, lookup(sb_fields, argv[3]), argv[4]);
		if (!raw && strcmp(argv[3], "crc"))
			famfsl_sb_set_crc(&sb);
		return famfsl_dev_write(&dev, 0, &sb, sizeof(sb)) ? 1 : 0;
	}
	if (famfsl_read_gen(&dev, &sb, &gen))
		return 1;
	if (!strcmp(argv[2], "gen") && argc == 4) {
		word = cpu_to_le64(strtoull(argv[3], NULL, 0));
		return famfsl_dev_write(&dev, FAMFSL_GEN_OFFSET, &word,
					sizeof(word)) ? 1 : 0;
	}
	if (!strcmp(argv[2], "get") && argc == 4 && !strcmp(argv[3], "gen")) {
		printf("%llu\n", (unsigned long long)gen);
		return 0;
	}
	area = famfsl_area_offset(&sb, gen);
	if (!strcmp(argv[2], "get") && argc == 5 && !strcmp(argv[3], "log")) {
		if (famfsl_dev_read(&dev, area, &h, sizeof(h)))
			return 1;
		printf("%llu\n", get((unsigned char *)&h,
				     lookup(log_fields, argv[4])));
		return 0;
	}
	if (!strcmp(argv[2], "log") && argc >= 5) {
		if (famfsl_dev_read(&dev, area, &h, sizeof(h)))
			return 1;
		set((unsigned char *)&h, lookup(log_fields, argv[3]), argv[4]);
		if (!raw && strcmp(argv[3], "crc"))
			famfsl_log_header_set_crc(&h, le32_to_cpu(sb.version));
		return famfsl_dev_write(&dev, area, &h, sizeof(h)) ? 1 : 0;
	}
	if (!strcmp(argv[2], "get") && argc == 6) {
		off = famfsl_entry_offset(area, strtoull(argv[4], NULL, 0));
		if (famfsl_dev_read(&dev, off, &e, sizeof(e)))
			return 1;
		printf("%llu\n", get((unsigned char *)&e,
				     lookup(entry_fields, argv[5])));
		return 0;
	}
	if (!strcmp(argv[2], "entry") && argc >= 6) {
		off = famfsl_entry_offset(area, strtoull(argv[3], NULL, 0));
		if (famfsl_dev_read(&dev, off, &e, sizeof(e)))
			return 1;
		set((unsigned char *)&e, lookup(entry_fields, argv[4]), argv[5]);
		if (!raw && strcmp(argv[4], "crc"))
			famfsl_entry_set_crc(&e);
		return famfsl_dev_write(&dev, off, &e, sizeof(e)) ? 1 : 0;
	}
	fprintf(stderr, "usage: see the comment at the top of famfsl_poke.c\n");
	return 2;
}
