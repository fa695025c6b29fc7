/* Shared by the host commands: the host state directory, error lines, domain lookups. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hostcli.h"

bool tl_hostcli_dir(const char *opt, char *out, size_t cap)
{
	const char *env = getenv("TL_HOST_DIR");
	const char *d = opt ? opt : env && *env ? env : TL_HOST_DIR_DEFAULT;
	char cwd[PATH_MAX];
	int n;

	if (d[0] == '/')
		n = snprintf(out, cap, "%s", d);
	else if (getcwd(cwd, sizeof(cwd)))
		n = snprintf(out, cap, "%s/%s", cwd, d);
	else
		n = -1;
	if (n < 0 || (size_t)n >= cap || n > 200) {
		/* sockets live under it: a unix socket path has at most 107 bytes */
		fprintf(stderr, "tl: the host directory's path is too long: %s\n", d);
		return false;
	}
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
	return true;
}

int tl_hostcli_fail(const char *what, int err)
{
	fprintf(stderr, "tl: %s: %s (%s)\n", what, tl_err_msg(err), tl_err_name(err));
	return TL_EXIT_CHECK;
}

virDomainPtr tl_hostcli_domain(virConnectPtr conn, const char *name)
{
	virDomainPtr d = virDomainLookupByName(conn, name);
	if (!d)
		fprintf(stderr, "tl: no libvirt domain '%s': %s\n", name, tl_host_virt_error());
	return d;
}

const char *tl_hostcli_state(virConnectPtr conn, const char *name)
{
	static const char *const words[] = { "no state", "running", "blocked", "paused",
					     "shutting down", "shut off", "crashed", "suspended" };
	virDomainPtr d = virDomainLookupByName(conn, name);
	int state = -1, reason;

	if (!d)
		return "undefined";
	if (virDomainGetState(d, &state, &reason, 0) != 0)
		state = -1;
	virDomainFree(d);
	return state >= 0 && (size_t)state < sizeof(words) / sizeof(words[0]) ? words[state]
									      : "unknown";
}

double tl_hostcli_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}
