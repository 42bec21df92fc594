/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where hvctl keeps its VMs: $HVKM_STATE_DIR, else /var/lib/hvkm for root
 * and $XDG_STATE_HOME/hvkm (~/.local/state/hvkm) otherwise; one directory
 * per VM with vm.json, vmm.pid, control.sock, console.sock, console.log
 * and vmm.log.
 */
#ifndef HVCTL_STATE_H
#define HVCTL_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define HVCTL_PATH_MAX 4096

/* The state directory into @out; 0 or -1 (no HOME to put it in). */
int state_root(char *out, size_t len);
/* <root>/<name>[/<file>] */
int state_path(char *out, size_t len, const char *name, const char *file);
/* Creates the state root and its parents (mode 0700 for the root). */
int state_mkdirs(const char *root);

/* The pid in the VM's vmm.pid if that process lives (and is no zombie), else 0. */
pid_t state_running_pid(const char *name);
bool pid_alive(pid_t pid);

#endif
