/* SPDX-License-Identifier: GPL-2.0 */
/* hvctl's commands; each returns hvctl's exit status (hvctl.h). */
#ifndef HVCTL_COMMANDS_H
#define HVCTL_COMMANDS_H

#include "args.h"

int cmd_create(const struct hvctl_args *a);
int cmd_list(const struct hvctl_args *a);
int cmd_show(const struct hvctl_args *a);
int cmd_start(const struct hvctl_args *a);
int cmd_stop(const struct hvctl_args *a);
int cmd_kill(const struct hvctl_args *a);
int cmd_delete(const struct hvctl_args *a);
int cmd_console(const struct hvctl_args *a);

#endif
