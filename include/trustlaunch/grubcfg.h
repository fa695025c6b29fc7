/* The kernel a grub.cfg boots: its first menuentry's linux and initrd commands, read
 * strictly. Only the part of GRUB's language the predictor models is accepted (plain
 * commands, quoted words, menuentry blocks); variables, conditionals, loops, functions,
 * submenus and sourcing other files are refused rather than guessed at. */
#ifndef TRUSTLAUNCH_GRUBCFG_H
#define TRUSTLAUNCH_GRUBCFG_H

#include <stddef.h>

#include "trustlaunch/rd.h"

#define TL_GRUB_MAX_CFG (64u * 1024u) /* bytes of grub.cfg (Debian's generated: ~8 KiB) */
#define TL_GRUB_MAX_LINE 2048u        /* bytes of one line */
#define TL_GRUB_MAX_WORDS 128u        /* words of one command */
#define TL_GRUB_MAX_WORD 512u         /* bytes of one word, quotes removed */
#define TL_GRUB_MAX_INITRD 4u         /* files of one initrd command */

struct tl_grub_entry {
	char title[TL_GRUB_MAX_WORD];
	char linux_path[TL_GRUB_MAX_WORD];       /* "/vmlinuz" */
	char cmdline[TL_GRUB_MAX_LINE];          /* "/vmlinuz console=ttyS0 ...", as GRUB measures it */
	size_t ninitrd;
	char initrd[TL_GRUB_MAX_INITRD][TL_GRUB_MAX_WORD];
};

/* The first menuentry of cfg (GRUB's default 0). image.grub_cfg_malformed for anything
 * outside the model (a byte that is not printable ASCII, tab or newline; an unclosed quote or
 * block; '$', ';', '|', '&', '\\', '`', '[' outside quotes; if/for/while/function/submenu/
 * source/configfile; `set default=` other than 0; a path not starting with '/'; a quoted
 * argument with white space; two linux or initrd commands in the entry; limits above);
 * image.no_menuentry when no entry has a linux command. */
TL_MUST_CHECK int tl_grubcfg_first_entry(struct tl_bytes cfg, struct tl_grub_entry *out);

#endif
