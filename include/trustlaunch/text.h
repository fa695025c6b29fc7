/* Untrusted strings made safe to store, print and put into JSON (always valid UTF-8). */
#ifndef TRUSTLAUNCH_TEXT_H
#define TRUSTLAUNCH_TEXT_H

#include "trustlaunch/buf.h"
#include "trustlaunch/rd.h"

/* UTF-16LE up to the first NUL character (or the end) as UTF-8; unpaired surrogates and an
 * odd trailing byte become U+FFFD. */
void tl_text_utf16(struct tl_buf *out, struct tl_bytes in);
/* Bytes meant as text (ASCII or UTF-8), without trailing NULs; bytes that are not valid
 * UTF-8, and control characters, become \xNN. */
void tl_text_bytes(struct tl_buf *out, struct tl_bytes in);
/* Text for a terminal, where what a person reads must be what the bytes say: as
 * tl_text_bytes (not UTF-8 and C0/DEL as \xNN), and also the C1 controls and the invisible
 * format characters (bidirectional overrides, isolates and marks such as U+202E, zero-width
 * characters, line and paragraph separators) as \uXXXX (\UXXXXXXXX above U+FFFF).
 * Trailing NULs are kept (as \x00). */
void tl_text_terminal(struct tl_buf *out, struct tl_bytes in);
/* True when every byte is printable ASCII, tab, CR or LF, ignoring trailing NULs. */
bool tl_text_is_ascii(struct tl_bytes in);
/* True when in is UTF-16LE of printable characters ending in a NUL character (and only
 * NULs after it). */
bool tl_text_is_utf16(struct tl_bytes in);

#endif
