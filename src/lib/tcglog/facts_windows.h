/* Internal: what the Windows Boot Configuration Log of one boot says, gathered from SIPA
 * events whose EV_EVENT_TAG digests bind them (facts_windows.c) and written out as the
 * "windows" facts (facts_windows_json.c). Views borrow the log's buffer. */
#ifndef TL_TCGLOG_FACTS_WINDOWS_H
#define TL_TCGLOG_FACTS_WINDOWS_H

#include "facts.h"
#include "trustlaunch/sipa.h"

#define TL_WIN_MAX_AUTHORITIES 64u /* PCR 14 authority keys kept */
/* Module records compared while merging them, per log: a real boot needs < 100 000; a
 * hostile 4 MiB log of distinct records would need 10^8 (seconds of CPU) */
#define TL_WIN_MAX_MERGE_WORK (1u << 20)

/* A setting measured zero or more times: -1 never, else the value that decides (a weakness
 * latches on: any non-zero; a protection latches off: any zero). */
typedef int tl_tristate;

struct tl_win_module {
	uint16_t alg;                 /* of the Authenticode hash */
	struct tl_bytes hash, path, issuer, publisher, serial, thumbprint;
	bool has_size;
	uint64_t size;
	tl_tristate validated;
};

struct tl_win_elam {
	struct tl_bytes name, configuration, policy, measured;
	bool has_name, has_configuration, has_policy, has_measured;
};

struct tl_win_u64 {
	bool measured;
	uint64_t v;
};

struct tl_win {
	bool seen;            /* a bound Windows event tag or WBCL separator was taken */
	uint32_t wbcl;        /* PCRs whose WBCL separator has been seen */
	size_t after_separator;
	tl_tristate boot_debugging, kernel_debugging, hypervisor_debugging, test_signing,
		flight_signing, safe_mode, winpe; /* latch on */
	tl_tristate code_integrity;              /* latches off */
	tl_tristate vbs_required, vbs_secureboot_required, vbs_iommu_required,
		vbs_mandatory_enforcement, vbs_msft_boot_chain_required; /* latch on */
	struct tl_win_u64 boot_count, transfer_control, dep, hv_launch, vsm_launch, hvci;
	struct tl_bytes system_root;
	bool has_system_root;
	size_t nunlocks;
	uint32_t unlocks[TL_MAX_WIN_UNLOCKS];
	size_t nelam;
	struct tl_win_elam elam[TL_MAX_WIN_ELAM];
	size_t nauth;
	uint8_t auth[TL_WIN_MAX_AUTHORITIES][32]; /* SHA-256 of each authority key */
	size_t nmod;
	struct tl_win_module mod[TL_MAX_WIN_MODULES];
	size_t merge_work;    /* records compared so far */
	bool full_noted;      /* a limit was reached and said once */
	/* while one event tag is walked */
	uint32_t pcr;
	uint32_t module_open, elam_open; /* bit d: a record is open at depth d */
	struct tl_win_module cur[TL_MAX_SIPA_DEPTH];
	struct tl_win_elam cur_elam[TL_MAX_SIPA_DEPTH];
};

/* PCR 12-14: an EV_EVENT_TAG (SIPA events); an EV_SEPARATOR holding "WBCL". Return true when
 * the event was Windows' and has been dealt with. */
bool tl_facts_windows_event(struct tl_facts_ctx *c);
bool tl_facts_windows_separator(struct tl_facts_ctx *c);
/* The rules that need the whole log, and the "windows" facts (null for another OS). */
void tl_facts_windows_finish(struct tl_facts_ctx *c);
void tl_facts_windows_free(struct tl_facts_ctx *c);

/* VSM (VBS) and the hypervisor were both set to launch. */
bool tl_facts_windows_vbs_enabled(const struct tl_win *w);

/* facts_windows_json.c */
json_t *tl_facts_windows_json(struct tl_facts_ctx *c, const struct tl_win *w);

#endif
