/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM's configuration as hvctl writes it: hvkm-vmm's own JSON format
 * (docs/vmm.md), so that the VMM reads <state>/<name>/vm.json as it is.
 */
#ifndef HVCTL_VMCONFIG_H
#define HVCTL_VMCONFIG_H

#include <json-c/json.h>

#include "args.h"

/*
 * The configuration for `hvctl create` with @a, for a VM whose directory is
 * @dir.  Paths in @a are taken as given (make them absolute first).  COM1
 * defaults to socket:@dir/console.sock; COM1 always logs to @dir/console.log.
 * NULL without memory.
 */
json_object *vmconfig_build(const struct hvctl_args *a, const char *dir);

/* The COM1 socket path in @cfg, or NULL when COM1 is not a socket. */
const char *vmconfig_console_socket(json_object *cfg);

#endif
