/* Host tools (swtpm_setup, qemu-img) run as child processes: no shell, argv as given, their
 * output into a log file the error message names. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host.h"

int tl_host_run(const char *const *argv, const char *log)
{
	int status, fd;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) < 0)
		return TL_E_HOST_TOOL;
	if (pid == 0) {
		fd = open(log ? log : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return TL_E_HOST_TOOL;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "tl: %s failed (exit %d)%s%s\n", argv[0],
			WIFEXITED(status) ? WEXITSTATUS(status) : -1, log ? "; see " : "",
			log ? log : "");
		return TL_E_HOST_TOOL;
	}
	return TL_OK;
}
