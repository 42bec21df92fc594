// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state.h"

int state_root(char *out, size_t len)
{
	const char *env = getenv("HVKM_STATE_DIR"), *xdg, *home;
	int n;

	if (env && *env)
		n = snprintf(out, len, "%s", env);
	else if (geteuid() == 0)
		n = snprintf(out, len, "/var/lib/hvkm");
	else if ((xdg = getenv("XDG_STATE_HOME")) && *xdg == '/')
		n = snprintf(out, len, "%s/hvkm", xdg);
	else if ((home = getenv("HOME")) && *home)
		n = snprintf(out, len, "%s/.local/state/hvkm", home);
	else
		return -1;
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int state_path(char *out, size_t len, const char *name, const char *file)
{
	char root[HVCTL_PATH_MAX];
	int n;

	if (state_root(root, sizeof(root)))
		return -1;
	n = file ? snprintf(out, len, "%s/%s/%s", root, name, file) :
		   snprintf(out, len, "%s/%s", root, name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int state_mkdirs(const char *root)
{
	char path[HVCTL_PATH_MAX];
	char *p;

	if (snprintf(path, sizeof(path), "%s", root) >= (int)sizeof(path))
		return -1;
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0700) && errno != EEXIST ? -1 : 0;
}

bool pid_alive(pid_t pid)
{
	char path[64], buf[512], *paren;
	FILE *f;
	size_t n;

	if (pid <= 0)
		return false;
	if (kill(pid, 0) && errno != EPERM)
		return false;
	/* A VMM whose parent exited may linger as a zombie: that is dead. */
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	paren = strrchr(buf, ')');
	return !(paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X'));
}

pid_t state_running_pid(const char *name)
{
	char path[HVCTL_PATH_MAX];
	FILE *f;
	long pid = 0;

	if (state_path(path, sizeof(path), name, "vmm.pid"))
		return 0;
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid > 0 && pid_alive((pid_t)pid) ? (pid_t)pid : 0;
}
