// SPDX-License-Identifier: GPL-2.0
/*
 * The VM lifecycle: create, list, show, start, stop, kill, delete.  A VM is
 * its directory in the state root; it runs while the hvkm-vmm named in its
 * vmm.pid lives, and hvctl talks to that VMM over its control socket.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "commands.h"
#include "hvctl.h"
#include "name.h"
#include "state.h"
#include "vmconfig.h"

#define START_TIMEOUT_S	30
#define QUIT_TIMEOUT_S	10

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether @pid is gone within @seconds. */
static bool wait_exit(pid_t pid, unsigned int seconds)
{
	double end = now_s() + seconds;

	while (pid_alive(pid)) {
		if (now_s() >= end)
			return false;
		sleep_ms(100);
	}
	return true;
}

static int load_config(const char *name, json_object **cfg)
{
	char path[HVCTL_PATH_MAX], root[HVCTL_PATH_MAX];

	if (state_root(root, sizeof(root)) || state_path(path, sizeof(path), name, "vm.json"))
		return hvctl_fail(HVCTL_ERR_SYSTEM,
				  "no state directory: set HOME, XDG_STATE_HOME or HVKM_STATE_DIR");
	if (access(path, F_OK))
		return hvctl_fail(HVCTL_ERR_NO_VM, "no VM named '%s' in %s: see 'hvctl list'",
				  name, root);
	*cfg = json_object_from_file(path);
	if (!*cfg || !json_object_is_type(*cfg, json_type_object)) {
		json_object_put(*cfg);
		return hvctl_fail(HVCTL_ERR_SYSTEM, "%s is not valid JSON: fix it or delete the VM",
				  path);
	}
	return 0;
}

static int64_t cfg_int(json_object *cfg, const char *key, int64_t dflt)
{
	json_object *v;

	return json_object_object_get_ex(cfg, key, &v) ? json_object_get_int64(v) : dflt;
}

/* {name, state, vps, memory, uptime, pid}: from the VMM if it runs. */
static json_object *vm_info(const char *name, json_object *cfg)
{
	json_object *o = json_object_new_object(), *reply = NULL;
	pid_t pid = state_running_pid(name);
	const char *state = "stopped";

	if (!o)
		return NULL;
	if (pid) {
		reply = control_call(name, "status");
		state = reply_ok(reply) ? reply_str(reply, "state") : "unresponsive";
	}
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "state", json_object_new_string(state));
	json_object_object_add(o, "vps", json_object_new_int64(cfg_int(cfg, "cpus", 1)));
	json_object_object_add(o, "memory", json_object_new_int64(cfg_int(cfg, "memory", 256)));
	json_object_object_add(o, "uptime",
			       reply_ok(reply) ? json_object_new_int64(cfg_int(reply, "uptime", 0))
					       : NULL);
	json_object_object_add(o, "pid", pid ? json_object_new_int64(pid) : NULL);
	json_object_put(reply);
	return o;
}

static void format_uptime(json_object *info, char *out, size_t len)
{
	json_object *v;
	int64_t s;

	if (!json_object_object_get_ex(info, "uptime", &v) || !v) {
		snprintf(out, len, "-");
		return;
	}
	s = json_object_get_int64(v);
	snprintf(out, len, "%lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60),
		 (long long)(s % 60));
}

static void print_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE |
							 JSON_C_TO_STRING_SPACED));
}

/* A path given on the command line, absolute (hvkm-vmm runs elsewhere). */
static char *absolute(const char *path)
{
	char cwd[PATH_MAX], *out;

	if (path[0] == '/')
		return strdup(path);
	if (!getcwd(cwd, sizeof(cwd)) || asprintf(&out, "%s/%s", cwd, path) < 0)
		return NULL;
	return out;
}

static int check_file(const char *opt, const char *path)
{
	if (access(path, R_OK))
		return hvctl_fail(HVCTL_ERR_USAGE, "--%s %s: %s: give a readable file", opt, path,
				  strerror(errno));
	return 0;
}

/* A module "PATH [args...]": its file readable. */
static int check_module(const char *module)
{
	size_t len = strcspn(module, " ");
	char *path = strndup(module, len);
	int ret;

	if (!path)
		return hvctl_fail(HVCTL_ERR_SYSTEM, "out of memory");
	ret = check_file("module", path);
	free(path);
	return ret;
}

/* The module with its file's path made absolute and its arguments kept. */
static char *absolute_module(const char *module)
{
	size_t len = strcspn(module, " ");
	char *path = strndup(module, len), *abs = path ? absolute(path) : NULL, *out = NULL;

	if (abs && asprintf(&out, "%s%s", abs, module + len) < 0)
		out = NULL;
	free(path);
	free(abs);
	return out;
}

int cmd_create(const struct hvctl_args *args)
{
	struct hvctl_args a = *args;
	char root[HVCTL_PATH_MAX], dir[HVCTL_PATH_MAX], path[HVCTL_PATH_MAX];
	char *owned[2 + HVCTL_MAX_SERIAL + HVCTL_MAX_MODULES] = { NULL };
	json_object *cfg = NULL;
	unsigned int i;
	int ret;

	if (state_root(root, sizeof(root)) || state_path(dir, sizeof(dir), a.name, NULL) ||
	    state_path(path, sizeof(path), a.name, "vm.json"))
		return hvctl_fail(HVCTL_ERR_SYSTEM,
				  "no state directory: set HOME, XDG_STATE_HOME or HVKM_STATE_DIR");
	/* The sockets live in the VM's directory: sun_path holds 107 bytes. */
	if (strlen(dir) + sizeof("/console.sock") > 108)
		return hvctl_fail(HVCTL_ERR_USAGE,
				  "%s is too long for unix socket paths: set HVKM_STATE_DIR to a shorter directory",
				  dir);
	ret = check_file("kernel", a.kernel);
	if (!ret && a.initrd)
		ret = check_file("initrd", a.initrd);
	for (i = 0; !ret && i < a.nr_modules; i++)
		ret = check_module(a.modules[i]);
	if (ret)
		return ret;
	if (!access(path, F_OK))
		return hvctl_fail(HVCTL_ERR_EXISTS,
				  "a VM named '%s' exists already: pick another name or 'hvctl delete %s'",
				  a.name, a.name);
	a.kernel = owned[0] = absolute(a.kernel);
	if (a.initrd)
		a.initrd = owned[1] = absolute(a.initrd);
	for (i = 0; i < HVCTL_MAX_SERIAL; i++) {
		const char *colon = a.serial[i] ? strchr(a.serial[i], ':') : NULL;
		char *p;

		if (!colon || colon[1] == '/')
			continue;
		p = absolute(colon + 1);
		if (p && asprintf(&owned[2 + i], "%.*s%s", (int)(colon + 1 - a.serial[i]),
				  a.serial[i], p) < 0)
			owned[2 + i] = NULL;
		free(p);
		a.serial[i] = owned[2 + i];
	}
	for (i = 0; i < a.nr_modules; i++)
		a.modules[i] = owned[2 + HVCTL_MAX_SERIAL + i] = absolute_module(a.modules[i]);
	ret = HVCTL_ERR_SYSTEM;
	for (i = 0; i < a.nr_modules; i++) {
		if (!a.modules[i]) {
			hvctl_fail(ret, "out of memory");
			goto out;
		}
	}
	if (!a.kernel || (args->initrd && !a.initrd)) {
		hvctl_fail(ret, "out of memory");
		goto out;
	}
	for (i = 0; i < HVCTL_MAX_SERIAL; i++) {
		if (args->serial[i] && !a.serial[i]) {
			hvctl_fail(ret, "out of memory");
			goto out;
		}
	}
	if (state_mkdirs(root) || (mkdir(dir, 0700) && errno != EEXIST)) {
		hvctl_fail(ret, "cannot create %s: %s: check its permissions", dir, strerror(errno));
		goto out;
	}
	cfg = vmconfig_build(&a, dir);
	if (!cfg || json_object_to_file_ext(path, cfg, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE |
						 JSON_C_TO_STRING_SPACED)) {
		hvctl_fail(ret, "cannot write %s: %s: check its permissions", path, strerror(errno));
		goto out;
	}
	ret = 0;
	if (a.json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(a.name));
		json_object_object_add(o, "directory", json_object_new_string(dir));
		print_json(o);
		json_object_put(o);
	} else {
		printf("created %s in %s\n", a.name, dir);
	}
out:
	json_object_put(cfg);
	for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		free(owned[i]);
	return ret;
}

static int name_filter(const struct dirent *d)
{
	return hvctl_name_valid(d->d_name);
}

int cmd_list(const struct hvctl_args *a)
{
	char root[HVCTL_PATH_MAX], path[HVCTL_PATH_MAX];
	json_object *list = json_object_new_array();
	struct dirent **names = NULL;
	int i, n;

	if (state_root(root, sizeof(root)))
		return hvctl_fail(HVCTL_ERR_SYSTEM,
				  "no state directory: set HOME, XDG_STATE_HOME or HVKM_STATE_DIR");
	n = scandir(root, &names, name_filter, alphasort);
	if (n < 0 && errno != ENOENT) {
		json_object_put(list);
		return hvctl_fail(HVCTL_ERR_SYSTEM, "cannot read %s: %s: check its permissions", root,
				  strerror(errno));
	}
	for (i = 0; i < n; i++) {
		json_object *cfg;

		if (!state_path(path, sizeof(path), names[i]->d_name, "vm.json") &&
		    (cfg = json_object_from_file(path))) {
			json_object_array_add(list, vm_info(names[i]->d_name, cfg));
			json_object_put(cfg);
		}
		free(names[i]);
	}
	free(names);
	if (a->json) {
		print_json(list);
	} else {
		printf("%-24s %-12s %4s %8s %10s\n", "NAME", "STATE", "VPS", "MEMORY", "UPTIME");
		for (i = 0; i < (int)json_object_array_length(list); i++) {
			json_object *o = json_object_array_get_idx(list, (size_t)i);
			char up[32];

			format_uptime(o, up, sizeof(up));
			printf("%-24s %-12s %4lld %7lldM %10s\n", reply_str(o, "name"),
			       reply_str(o, "state"), (long long)cfg_int(o, "vps", 0),
			       (long long)cfg_int(o, "memory", 0), up);
		}
	}
	json_object_put(list);
	return 0;
}

int cmd_show(const struct hvctl_args *a)
{
	char dir[HVCTL_PATH_MAX], up[32];
	json_object *cfg, *info, *boot, *serial, *v;
	int ret = load_config(a->name, &cfg);
	size_t i;

	if (ret)
		return ret;
	info = vm_info(a->name, cfg);
	state_path(dir, sizeof(dir), a->name, NULL);
	json_object_object_add(info, "directory", json_object_new_string(dir));
	if (a->json) {
		json_object_object_add(info, "config", json_object_get(cfg));
		print_json(info);
		goto out;
	}
	format_uptime(info, up, sizeof(up));
	printf("name: %s\nstate: %s\n", a->name, reply_str(info, "state"));
	if (json_object_object_get_ex(info, "pid", &v) && v)
		printf("pid: %lld\nuptime: %s\n", (long long)json_object_get_int64(v), up);
	printf("generation: %lld\nvps: %lld\nmemory: %lld MiB\n",
	       (long long)cfg_int(cfg, "generation", 1), (long long)cfg_int(cfg, "cpus", 1),
	       (long long)cfg_int(cfg, "memory", 256));
	if (json_object_object_get_ex(cfg, "boot", &boot)) {
		static const char *const keys[] = { "kernel", "initrd", "cmdline" };

		for (i = 0; i < 3; i++)
			if (json_object_object_get_ex(boot, keys[i], &v))
				printf("%s: %s\n", keys[i], json_object_get_string(v));
	}
	if (json_object_object_get_ex(cfg, "serial", &serial))
		for (i = 0; i < json_object_array_length(serial); i++) {
			json_object *port = json_object_array_get_idx(serial, i);

			printf("%s: %s", reply_str(port, "port"), reply_str(port, "output"));
			if (json_object_object_get_ex(port, "log", &v))
				printf(" (log %s)", json_object_get_string(v));
			printf("\n");
		}
	printf("directory: %s\n", dir);
out:
	json_object_put(info);
	json_object_put(cfg);
	return 0;
}

/* $HVKM_VMM, else hvkm-vmm next to hvctl, else the PATH's. */
static int find_vmm(char *out, size_t len)
{
	const char *env = getenv("HVKM_VMM"), *path = getenv("PATH");
	char self[PATH_MAX], *slash;
	ssize_t n;

	if (env && *env) {
		snprintf(out, len, "%s", env);
		return access(out, X_OK);
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if (snprintf(out, len, "%s/hvkm-vmm", self) < (int)len && !access(out, X_OK))
				return 0;
		}
	}
	while (path && *path) {
		const char *end = strchrnul(path, ':');

		snprintf(out, len, "%.*s/hvkm-vmm", (int)(end - path), path);
		if (end > path && !access(out, X_OK))
			return 0;
		path = *end ? end + 1 : end;
	}
	return -1;
}

/* The last non-empty line of @path, for why the VMM died. */
static void last_line(const char *path, char *out, size_t len)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	if (snprintf(out, len, "(its log %s is empty)", path) >= (int)len)
		out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] && snprintf(out, len, "%s", line) >= (int)len)
			out[len - 1] = '\0';	/* truncated is fine */
	}
	fclose(f);
}

static void remove_runtime_files(const char *name, json_object *cfg)
{
	static const char *const files[] = { "vmm.pid", "control.sock" };
	char path[HVCTL_PATH_MAX];
	const char *console = cfg ? vmconfig_console_socket(cfg) : NULL;
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (!state_path(path, sizeof(path), name, files[i]))
			unlink(path);
	if (console)
		unlink(console);
}

static void start_child(const char *vmm, const char *control, const char *config,
			const char *log)
{
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	/* Detached: its own session, no terminal, output to the VM's log. */
	setsid();
	if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(127);
	execl(vmm, vmm, "--control", control, config, (char *)NULL);
	fprintf(stderr, "hvkm-vmm: exec %s: %s\n", vmm, strerror(errno));
	_exit(127);
}

int cmd_start(const struct hvctl_args *a)
{
	char vmm[PATH_MAX], control[HVCTL_PATH_MAX], config[HVCTL_PATH_MAX];
	char log[HVCTL_PATH_MAX], pidfile[HVCTL_PATH_MAX], why[512];
	json_object *cfg, *reply;
	double deadline;
	pid_t pid;
	FILE *f;
	int ret = load_config(a->name, &cfg), status;

	if (ret)
		return ret;
	pid = state_running_pid(a->name);
	if (pid) {
		json_object_put(cfg);
		return hvctl_fail(HVCTL_ERR_RUNNING, "%s is running already (pid %d): nothing to start",
				  a->name, (int)pid);
	}
	if (find_vmm(vmm, sizeof(vmm))) {
		json_object_put(cfg);
		return hvctl_fail(HVCTL_ERR_VMM,
				  "hvkm-vmm not found next to hvctl or in PATH: install it or set HVKM_VMM");
	}
	state_path(control, sizeof(control), a->name, "control.sock");
	state_path(config, sizeof(config), a->name, "vm.json");
	state_path(log, sizeof(log), a->name, "vmm.log");
	state_path(pidfile, sizeof(pidfile), a->name, "vmm.pid");
	remove_runtime_files(a->name, cfg);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		json_object_put(cfg);
		return hvctl_fail(HVCTL_ERR_SYSTEM, "fork: %s", strerror(errno));
	}
	if (!pid)
		start_child(vmm, control, config, log);
	f = fopen(pidfile, "w");
	if (!f || fprintf(f, "%d\n", (int)pid) < 0 || fclose(f)) {
		kill(pid, SIGKILL);
		json_object_put(cfg);
		return hvctl_fail(HVCTL_ERR_SYSTEM, "cannot write %s: check its permissions", pidfile);
	}
	/* Up when its control socket answers; or it died, and its log says why. */
	deadline = now_s() + START_TIMEOUT_S;
	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			last_line(log, why, sizeof(why));
			remove_runtime_files(a->name, cfg);
			json_object_put(cfg);
			return hvctl_fail(HVCTL_ERR_VMM, "%s: hvkm-vmm exited (status %d): %s", a->name,
					  WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
					  why);
		}
		reply = control_call(a->name, "status");
		if (reply_ok(reply)) {
			json_object_put(reply);
			break;
		}
		json_object_put(reply);
		if (now_s() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			remove_runtime_files(a->name, cfg);
			json_object_put(cfg);
			return hvctl_fail(HVCTL_ERR_VMM,
					  "%s: hvkm-vmm did not answer on %s within %d s; killed it: see %s",
					  a->name, control, START_TIMEOUT_S, log);
		}
		sleep_ms(100);
	}
	json_object_put(cfg);
	if (a->json)
		printf("{ \"name\": \"%s\", \"pid\": %d }\n", a->name, (int)pid);
	else
		printf("started %s (pid %d)\n", a->name, (int)pid);
	return 0;
}

/* The control socket's "quit", then SIGKILL if that does not end it. */
/* SIGKILL to @name's hvkm-vmm and wait for it: 0, or the failure reported. */
static int kill_vmm(const char *name, pid_t pid)
{
	kill(pid, SIGKILL);
	if (!wait_exit(pid, QUIT_TIMEOUT_S))
		return hvctl_fail(HVCTL_ERR_SYSTEM, "%s: hvkm-vmm (pid %d) survived SIGKILL", name,
				  (int)pid);
	return 0;
}

static int hard_stop(const char *name, pid_t pid)
{
	json_object *reply = control_call(name, "quit");

	json_object_put(reply);
	return wait_exit(pid, QUIT_TIMEOUT_S) ? 0 : kill_vmm(name, pid);
}

/* The pid of a configured VM's running hvkm-vmm; 0 with the error reported (nothing to @what). */
static pid_t running_vmm(const char *name, const char *what, int *ret)
{
	json_object *cfg;
	pid_t pid;

	*ret = load_config(name, &cfg);
	if (*ret)
		return 0;
	json_object_put(cfg);
	pid = state_running_pid(name);
	if (!pid)
		*ret = hvctl_fail(HVCTL_ERR_NOT_RUNNING, "%s is not running: nothing to %s", name,
				  what);
	return pid;
}

static int stopped(const struct hvctl_args *a, const char *how)
{
	json_object *cfg = NULL;

	if (!load_config(a->name, &cfg))
		remove_runtime_files(a->name, cfg);
	json_object_put(cfg);
	if (a->json)
		printf("{ \"name\": \"%s\", \"stopped\": \"%s\" }\n", a->name, how);
	else
		printf("stopped %s (%s)\n", a->name, how);
	return 0;
}

int cmd_stop(const struct hvctl_args *a)
{
	json_object *reply;
	int ret;
	pid_t pid = running_vmm(a->name, "stop", &ret);

	if (!pid)
		return ret;
	reply = control_call(a->name, "power_button");
	if (!reply) {
		if (a->force) {
			ret = kill_vmm(a->name, pid);
			return ret ? ret : stopped(a, "killed");
		}
		return hvctl_fail(HVCTL_ERR_CONTROL,
				  "%s: hvkm-vmm (pid %d) does not answer on its control socket: use 'hvctl kill %s'",
				  a->name, (int)pid, a->name);
	}
	if (!reply_ok(reply)) {
		bool no_button = !strcmp(reply_str(reply, "error"), "no-power-button");
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", reply_str(reply, "message"));
		json_object_put(reply);
		if (!a->force)
			return no_button ?
				hvctl_fail(HVCTL_ERR_NO_POWER_BUTTON,
					   "%s: the guest has no ACPI power button: use 'hvctl stop --force %s' to stop it hard",
					   a->name, a->name) :
				hvctl_fail(HVCTL_ERR_CONTROL, "%s: hvkm-vmm refused the power button: %s",
					   a->name, msg);
		ret = hard_stop(a->name, pid);
		return ret ? ret : stopped(a, "forced");
	}
	json_object_put(reply);
	if (wait_exit(pid, a->timeout_s))
		return stopped(a, "power button");
	if (!a->force)
		return hvctl_fail(HVCTL_ERR_TIMEOUT,
				  "%s did not stop within %u s of the power button: use 'hvctl stop --force %s'",
				  a->name, a->timeout_s, a->name);
	ret = hard_stop(a->name, pid);
	return ret ? ret : stopped(a, "forced");
}

int cmd_kill(const struct hvctl_args *a)
{
	int ret;
	pid_t pid = running_vmm(a->name, "kill", &ret);

	if (!pid)
		return ret;
	ret = kill_vmm(a->name, pid);
	return ret ? ret : stopped(a, "killed");
}

int cmd_delete(const struct hvctl_args *a)
{
	char dir[HVCTL_PATH_MAX], path[HVCTL_PATH_MAX];
	json_object *cfg;
	struct dirent *d;
	DIR *dp;
	pid_t pid;
	int ret = load_config(a->name, &cfg);

	if (ret)
		return ret;
	pid = state_running_pid(a->name);
	if (pid) {
		json_object_put(cfg);
		return hvctl_fail(HVCTL_ERR_RUNNING, "%s is running (pid %d): stop it first: hvctl stop %s",
				  a->name, (int)pid, a->name);
	}
	remove_runtime_files(a->name, cfg);
	json_object_put(cfg);
	state_path(dir, sizeof(dir), a->name, NULL);
	dp = opendir(dir);
	while (dp && (d = readdir(dp))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, d->d_name) < (int)sizeof(path))
			unlink(path);
	}
	if (dp)
		closedir(dp);
	if (rmdir(dir))
		return hvctl_fail(HVCTL_ERR_SYSTEM, "cannot remove %s: %s: remove it by hand", dir,
				  strerror(errno));
	if (a->json)
		printf("{ \"name\": \"%s\", \"deleted\": true }\n", a->name);
	else
		printf("deleted %s\n", a->name);
	return 0;
}
