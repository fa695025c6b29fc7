/* grub.cfg's first menuentry (tl_grubcfg_first_entry): the real boots' configurations read
 * as GRUB ran them; everything outside the model refused with its own error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "trustlaunch/grubcfg.h"

static int parse(const char *cfg, struct tl_grub_entry *e)
{
	return tl_grubcfg_first_entry((struct tl_bytes){ (const uint8_t *)cfg, strlen(cfg) }, e);
}

static void grubcfg_first_entry_reads_vector_config(void **state)
{
	static struct tl_grub_entry e;
	char path[1024], buf[4096];
	const char *v = getenv("TL_VECTORS");
	(void)state;
	snprintf(path, sizeof(path), "%s/boot/cmdline/grub.cfg", v ? v : "../shared/vectors");
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_int_equal(parse(buf, &e), TL_OK);
	assert_string_equal(e.title, "tl");
	assert_string_equal(e.linux_path, "/vmlinuz");
	assert_string_equal(e.cmdline, "/vmlinuz console=ttyS0 panic=-1 rdinit=/init tl.extra=1");
	assert_int_equal(e.ninitrd, 1);
	assert_string_equal(e.initrd[0], "/initrd.img");
}

static void grubcfg_first_entry_takes_the_first_of_several(void **state)
{
	static struct tl_grub_entry e;
	(void)state;
	assert_int_equal(parse("# generated\nset timeout=0\nset default=0\ninsmod part_gpt\n"
			       "menuentry 'Debian GNU/Linux' --class debian {\n"
			       "\tinsmod gzio\n\tlinux\t/boot/vmlinuz-6.1 root=UUID=1234 ro quiet\n"
			       "\tinitrd /boot/initrd.img-6.1\n}\n"
			       "menuentry \"rescue\" {\n linux /vmlinuz single\n}\n", &e), TL_OK);
	assert_string_equal(e.title, "Debian GNU/Linux");
	assert_string_equal(e.cmdline, "/boot/vmlinuz-6.1 root=UUID=1234 ro quiet");
	assert_string_equal(e.initrd[0], "/boot/initrd.img-6.1");
	/* an entry without initrd */
	assert_int_equal(parse("menuentry x {\nlinux /k a=1\n}\n", &e), TL_OK);
	assert_int_equal(e.ninitrd, 0);
}

static void grubcfg_first_entry_rejects_outside_the_model(void **state)
{
	static struct tl_grub_entry e;
	static const char *const bad[] = {
		"menuentry x {\nlinux /k $extra\n}\n",            /* a variable */
		"menuentry x {\nlinux /k a=1; reboot\n}\n",       /* a second command */
		"if true; then\nfi\nmenuentry x {\nlinux /k\n}\n",  /* a conditional */
		"submenu s {\nmenuentry x {\nlinux /k\n}\n}\n",    /* a submenu */
		"source /other.cfg\nmenuentry x {\nlinux /k\n}\n", /* another file */
		"set default=1\nmenuentry x {\nlinux /k\n}\n",     /* not the first entry */
		"menuentry x {\nlinux /k\n",                       /* no closing brace */
		"menuentry 'x {\nlinux /k\n}\n",                   /* an unclosed quote */
		"menuentry x {\nlinux vmlinuz\n}\n",               /* a relative path */
		"menuentry x {\nlinux (hd0,1)/k\n}\n",             /* a device */
		"menuentry x {\nlinux /k 'a b'\n}\n",              /* white space in an argument */
		"menuentry x {\nlinux /k\nlinux /k2\n}\n",         /* two kernels */
		"menuentry x {\nlinux /k\ninitrd /a /b /c /d /e\n}\n", /* too many initrd files */
		"menuentry x {\nlinux /k\r\n}\n",                  /* a carriage return */
		"menuentry x {\nlinux /k \xc3\xa9\n}\n",           /* not ASCII */
		"menuentry x {\nlinux /k\n} extra\n",              /* text after the brace */
		"menuentry {\nlinux /k\n}\n",                      /* no title */
		"menuentry x {\nlinux /k \"a\\b\"\n}\n",           /* a backslash */
		"menuentry x {\nlinux /k\nmenuentry y {\n}\n",     /* nested entries */
		"}\n",                                             /* a stray brace */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(bad[i], &e) != TL_E_GRUBCFG_MALFORMED)
			fail_msg("accepted or misnamed: case %zu", i);
	assert_string_equal(e.cmdline, ""); /* nothing left behind */
}

static void grubcfg_first_entry_rejects_limits_and_missing_entry(void **state)
{
	static struct tl_grub_entry e;
	size_t big = TL_GRUB_MAX_CFG + 1;
	char *cfg = malloc(big + 1);
	(void)state;
	assert_int_equal(parse("set timeout=0\n", &e), TL_E_GRUBCFG_NO_ENTRY);
	assert_int_equal(parse("menuentry x {\ninitrd /i\n}\n", &e), TL_E_GRUBCFG_NO_ENTRY);
	assert_int_equal(parse("", &e), TL_E_GRUBCFG_NO_ENTRY);
	assert_non_null(cfg);
	memset(cfg, '#', big);
	cfg[big] = '\0';
	assert_int_equal(parse(cfg, &e), TL_E_GRUBCFG_MALFORMED); /* larger than the limit */
	/* one line over the limit */
	memcpy(cfg, "menuentry x {\nlinux /k ", 23);
	memset(cfg + 23, 'a', TL_GRUB_MAX_LINE);
	memcpy(cfg + 23 + TL_GRUB_MAX_LINE, "\n}\n", 4);
	assert_int_equal(parse(cfg, &e), TL_E_GRUBCFG_MALFORMED);
	free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grubcfg_first_entry_reads_vector_config),
		cmocka_unit_test(grubcfg_first_entry_takes_the_first_of_several),
		cmocka_unit_test(grubcfg_first_entry_rejects_outside_the_model),
		cmocka_unit_test(grubcfg_first_entry_rejects_limits_and_missing_entry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
