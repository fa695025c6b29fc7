/* PE/COFF headers (Microsoft PE/COFF specification) and the Authenticode digest. */
#include <string.h>

#include "trustlaunch/hash.h"
#include "trustlaunch/pe.h"

#define PE32_MAGIC 0x10b
#define PE32P_MAGIC 0x20b
#define SECDIR_INDEX 4u

/* A view of [off, off + len) of the file, bounds-checked by the reader. */
static int range(struct tl_bytes file, size_t off, size_t len, struct tl_bytes *out)
{
	struct tl_rd rd;
	tl_rd_from(&rd, file);
	return tl_rd_skip(&rd, off) == TL_OK && tl_rd_bytes(&rd, len, out) == TL_OK ? TL_OK
										      : TL_E_TRUNCATED;
}

/* A section name of the form "/N": the NUL-terminated string at offset N of the COFF string
 * table (toolchains use it for names longer than 8, such as shim's ".sbatlevel"). */
static void long_name(struct tl_pe_section *s, struct tl_bytes strings)
{
	struct tl_rd rd;
	unsigned long off = 0;
	uint8_t c;
	size_t n = 0;
	for (size_t i = 1; i < 8 && s->name[i] >= '0' && s->name[i] <= '9'; i++)
		off = off * 10 + (unsigned long)(s->name[i] - '0');
	tl_rd_from(&rd, strings);
	/* offsets count the table's 4-byte size field, which strings does not hold */
	if (!strings.len || off < 4 || tl_rd_skip(&rd, off - 4))
		return;
	while (n < sizeof(s->name) - 1 && tl_rd_u8(&rd, &c) == TL_OK && c)
		s->name[n++] = (char)c;
	s->name[n] = '\0';
}

static int sections(struct tl_pe *pe, struct tl_rd *table, struct tl_bytes strings)
{
	for (size_t i = 0; i < pe->nsections; i++) {
		struct tl_pe_section *s = &pe->sec[i];
		struct tl_bytes data;
		memset(s->name, 0, sizeof(s->name));
		if (tl_rd_copy(table, s->name, 8) || tl_rd_le32(table, &s->vsize) ||
		    tl_rd_le32(table, &s->vaddr) || tl_rd_le32(table, &s->raw_size) ||
		    tl_rd_le32(table, &s->raw_off) || tl_rd_skip(table, 16))
			return TL_E_PE_SECTIONS;
		s->name[8] = '\0';
		if (s->name[0] == '/')
			long_name(s, strings);
		if (s->raw_size && range(pe->file, s->raw_off, s->raw_size, &data) != TL_OK)
			return TL_E_PE_SECTION_DATA;
	}
	return TL_OK;
}

int tl_pe_parse(struct tl_bytes file, struct tl_pe *out)
{
	struct tl_rd rd, table;
	struct tl_bytes strings = { NULL, 0 };
	uint32_t lfanew, sig, nrva = 0, symtab, nsyms;
	uint16_t mz, nsec, opt_size, magic;
	size_t opt_off;
	int err;

	memset(out, 0, sizeof(*out));
	out->file = file;
	if (file.len > TL_PE_MAX_SIZE)
		return TL_E_PE_TOO_LARGE;
	tl_rd_from(&rd, file);
	if (tl_rd_le16(&rd, &mz) || mz != 0x5A4D)
		return TL_E_PE_DOS;
	if (tl_rd_skip(&rd, 0x3C - 2) || tl_rd_le32(&rd, &lfanew))
		return TL_E_PE_DOS;
	tl_rd_from(&rd, file);
	if (tl_rd_skip(&rd, lfanew) || tl_rd_le32(&rd, &sig))
		return TL_E_PE_LFANEW;
	if (sig != 0x00004550 || tl_rd_le16(&rd, &out->machine) || tl_rd_le16(&rd, &nsec) ||
	    tl_rd_skip(&rd, 4) || tl_rd_le32(&rd, &symtab) || tl_rd_le32(&rd, &nsyms) ||
	    tl_rd_le16(&rd, &opt_size) || tl_rd_skip(&rd, 2))
		return TL_E_PE_HEADER;
	/* the COFF string table follows the symbol table (18 bytes a symbol); only names use it */
	if (symtab && nsyms < (1u << 24)) {
		struct tl_rd st;
		uint32_t st_size;
		tl_rd_from(&st, file);
		if (tl_rd_skip(&st, (size_t)symtab + (size_t)nsyms * 18) == TL_OK &&
		    tl_rd_le32(&st, &st_size) == TL_OK && st_size >= 4 &&
		    tl_rd_bytes(&st, st_size - 4, &strings) != TL_OK)
			strings.len = 0;
	}
	opt_off = rd.pos;
	if (tl_rd_le16(&rd, &magic) || (magic != PE32_MAGIC && magic != PE32P_MAGIC))
		return TL_E_PE_HEADER;
	out->pe32plus = magic == PE32P_MAGIC;
	/* SizeOfHeaders at +60, CheckSum at +64; NumberOfRvaAndSizes at +92 / +108 */
	size_t nrva_off = out->pe32plus ? 108 : 92;
	struct tl_rd opt;
	tl_rd_from(&opt, file);
	if (tl_rd_skip(&opt, opt_off) || tl_rd_sub(&opt, opt_size, &opt) || tl_rd_skip(&opt, 60) ||
	    tl_rd_le32(&opt, &out->headers_size) || tl_rd_skip(&opt, nrva_off - 64) ||
	    tl_rd_le32(&opt, &nrva))
		return TL_E_PE_HEADER;
	out->checksum_off = (uint32_t)(opt_off + 64);
	if (nrva > SECDIR_INDEX) {
		size_t entry = opt_off + nrva_off + 4 + 8 * SECDIR_INDEX;
		if (tl_rd_skip(&opt, 8 * SECDIR_INDEX) || tl_rd_le32(&opt, &out->cert_off) ||
		    tl_rd_le32(&opt, &out->cert_size))
			return TL_E_PE_HEADER;
		out->secdir_off = (uint32_t)entry;
	}
	if (out->headers_size > file.len || out->headers_size < out->checksum_off + 4 ||
	    (out->secdir_off && out->headers_size < out->secdir_off + 8))
		return TL_E_PE_HEADER;
	if (nsec > TL_PE_MAX_SECTIONS)
		return TL_E_PE_SECTIONS;
	out->nsections = nsec;
	tl_rd_from(&table, file);
	if (tl_rd_skip(&table, opt_off) || tl_rd_skip(&table, opt_size) ||
	    tl_rd_sub(&table, (size_t)nsec * 40, &table))
		return TL_E_PE_SECTIONS;
	if ((err = sections(out, &table, strings)) != TL_OK)
		return err;
	if (out->cert_size) {
		struct tl_bytes c;
		size_t hashed = out->headers_size;
		if (range(file, out->cert_off, out->cert_size, &c) != TL_OK)
			return TL_E_PE_SECDIR;
		/* EDK2 refuses an image whose certificate table overlaps what must be hashed */
		for (size_t i = 0; i < out->nsections; i++)
			hashed += out->sec[i].raw_size;
		if (file.len > hashed && file.len < hashed + out->cert_size)
			return TL_E_PE_SECDIR;
	}
	return TL_OK;
}

static int add_range(struct tl_hash_ctx *h, struct tl_bytes file, size_t from, size_t to)
{
	struct tl_bytes v;
	if (to < from || range(file, from, to - from, &v) != TL_OK)
		return TL_E_PE_HEADER;
	return tl_hash_add(h, v.ptr, v.len);
}

/* Authenticode as EDK2's HashPeImage computes it: the headers without CheckSum and the
 * certificate table entry, the sections in file order, then what follows them except the
 * certificate table. */
int tl_pe_authenticode(const struct tl_pe *pe, uint16_t alg, uint8_t out[static TL_MAX_DIGEST])
{
	struct tl_hash_ctx *h;
	size_t order[TL_PE_MAX_SECTIONS], n = 0, hashed;
	int err;

	if ((err = tl_hash_begin(alg, &h)) != TL_OK)
		return err;
	err = add_range(h, pe->file, 0, pe->checksum_off);
	if (err == TL_OK && pe->secdir_off) {
		err = add_range(h, pe->file, pe->checksum_off + 4, pe->secdir_off);
		if (err == TL_OK)
			err = add_range(h, pe->file, pe->secdir_off + 8, pe->headers_size);
	} else if (err == TL_OK) {
		err = add_range(h, pe->file, pe->checksum_off + 4, pe->headers_size);
	}
	hashed = pe->headers_size;
	for (size_t i = 0; i < pe->nsections; i++) {
		size_t j = n;
		if (!pe->sec[i].raw_size)
			continue;
		while (j > 0 && pe->sec[order[j - 1]].raw_off > pe->sec[i].raw_off) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
		n++;
	}
	for (size_t k = 0; k < n && err == TL_OK; k++) {
		const struct tl_pe_section *s = &pe->sec[order[k]];
		err = add_range(h, pe->file, s->raw_off, (size_t)s->raw_off + s->raw_size);
		hashed += s->raw_size;
	}
	/* (tl_pe_parse refused a certificate table overlapping the hashed bytes) */
	if (err == TL_OK && pe->file.len > hashed + pe->cert_size)
		err = add_range(h, pe->file, hashed, pe->file.len - pe->cert_size);
	if (err != TL_OK) {
		tl_hash_abort(h);
		return err;
	}
	return tl_hash_end(h, out);
}

bool tl_pe_section(const struct tl_pe *pe, const char *name, struct tl_bytes *out)
{
	for (size_t i = 0; i < pe->nsections; i++)
		if (strcmp(pe->sec[i].name, name) == 0 && pe->sec[i].raw_size)
			return range(pe->file, pe->sec[i].raw_off, pe->sec[i].raw_size, out) == TL_OK;
	return false;
}

int tl_pe_certs(const struct tl_pe *pe, int (*fn)(uint16_t type, struct tl_bytes cert, void *arg),
		void *arg)
{
	struct tl_bytes table;
	struct tl_rd rd;
	if (!pe->cert_size)
		return TL_OK;
	if (range(pe->file, pe->cert_off, pe->cert_size, &table) != TL_OK)
		return TL_E_PE_SECDIR;
	tl_rd_from(&rd, table);
	while (tl_rd_left(&rd) > 0) {
		uint32_t len;
		uint16_t rev, type;
		struct tl_bytes cert;
		int err;
		if (tl_rd_le32(&rd, &len) || tl_rd_le16(&rd, &rev) || tl_rd_le16(&rd, &type) ||
		    len < 8 || tl_rd_bytes(&rd, len - 8, &cert))
			return TL_E_PE_WINCERT;
		if ((err = fn(type, cert, arg)) != TL_OK)
			return err;
		/* entries are 8-byte aligned; padding may be missing after the last one */
		size_t pad = (8 - len % 8) % 8;
		if (pad && tl_rd_skip(&rd, pad < tl_rd_left(&rd) ? pad : tl_rd_left(&rd)))
			return TL_E_PE_WINCERT;
	}
	return TL_OK;
}
