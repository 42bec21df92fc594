// SPDX-License-Identifier: GPL-2.0
// sources: config.c
#include <errno.h>
#include <string.h>

#include "config.h"
#include "tap.h"

static int parse(struct config *cfg, const char *text, char *err, size_t len)
{
	err[0] = 0;
	return config_parse(cfg, text, err, len);
}

int main(void)
{
	struct config cfg;
	char err[256];

	CHECK(parse(&cfg,
		    "{ \"name\": \"l2\", \"generation\": 1, \"memory\": 512, \"cpus\": 2,"
		    "  \"boot\": { \"kernel\": \"/k\", \"initrd\": \"/i\", \"cmdline\": \"quiet\" },"
		    "  \"serial\": [ { \"port\": \"COM1\", \"output\": \"/tmp/x\", \"input\": true },"
		    "               { \"port\": \"com2\" } ] }", err, sizeof(err)) == 0, "full_config");
	CHECK(!strcmp(cfg.name, "l2") && cfg.memory_mib == 512 && cfg.cpus == 2 &&
	      cfg.generation == 1, "top_level_values");
	CHECK(!strcmp(cfg.kernel, "/k") && !strcmp(cfg.initrd, "/i") &&
	      !strcmp(cfg.cmdline, "quiet"), "boot_values");
	CHECK(cfg.nr_serial == 2 && cfg.serial[0].index == 0 && cfg.serial[0].input &&
	      !strcmp(cfg.serial[0].output, "/tmp/x"), "serial_com1");
	CHECK(cfg.serial[1].index == 1 && !strcmp(cfg.serial[1].output, "stdout") &&
	      !cfg.serial[1].input, "serial_defaults");
	config_free(&cfg);

	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"}}", err, sizeof(err)) == 0 &&
	      cfg.memory_mib == 256 && cfg.cpus == 1 && !cfg.initrd && !cfg.nr_serial &&
	      !cfg.exit_on_reset, "minimal_config_defaults");
	config_free(&cfg);

	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"on_reset\":\"exit\"}", err,
		    sizeof(err)) == 0 && cfg.exit_on_reset, "on_reset_exit");
	config_free(&cfg);
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"on_reset\":\"restart\"}",
		    err, sizeof(err)) == 0 && !cfg.exit_on_reset, "on_reset_restart");
	config_free(&cfg);
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"on_reset\":\"halt\"}", err,
		    sizeof(err)) == -EINVAL && strstr(err, "on_reset"), "on_reset_bad_value");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"on_reset\":1}", err,
		    sizeof(err)) == -EINVAL && strstr(err, "on_reset"), "on_reset_not_a_string");
	/* Multiboot modules: each entry whole, as the kernel will see it. */
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\",\"modules\":"
		    "[\"/m0 a b\",\"/m1\"]}}", err, sizeof(err)) == 0 && cfg.nr_modules == 2 &&
	      !strcmp(cfg.modules[0], "/m0 a b") && !strcmp(cfg.modules[1], "/m1"), "boot_modules");
	config_free(&cfg);
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\",\"modules\":\"/m0\"}}", err,
		    sizeof(err)) == -EINVAL && strstr(err, "boot.modules"), "boot_modules_not_array");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\",\"modules\":[\"/m0\",1]}}",
		    err, sizeof(err)) == -EINVAL && strstr(err, "modules[1]"), "boot_modules_not_string");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\",\"modules\":[\" /m0\"]}}",
		    err, sizeof(err)) == -EINVAL && strstr(err, "PATH"), "boot_modules_path_first");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\",\"modules\":[\"\"]}}",
		    err, sizeof(err)) == -EINVAL, "boot_modules_empty_string");

	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"memroy\":1}", err,
		    sizeof(err)) == -EINVAL && strstr(err, "memroy"), "unknown_key_named");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},"
		    "\"serial\":[{\"port\":\"com1\",\"output\":\"stdio\"}]}", err, sizeof(err)) == 0 &&
	      !strcmp(cfg.serial[0].output, "stdio"), "serial_stdio_backend");
	config_free(&cfg);
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},"
		    "\"serial\":[{\"port\":\"com1\",\"output\":\"stdio\"},"
		    "{\"port\":\"com2\",\"input\":true}]}", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "stdin") && strstr(err, "COM1"), "serial_two_stdin_readers_refused");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"memory\":8}", err,
		    sizeof(err)) == -EINVAL && strstr(err, "memory"), "memory_too_small");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"memory\":5120}", err,
		    sizeof(err)) == 0 && cfg.memory_mib == 5120 &&
	      cfg.memory_backing == CONFIG_MEMORY_ANONYMOUS, "memory_above_4g_default_anonymous");
	config_free(&cfg);
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"memory\":1048577}", err,
		    sizeof(err)) == -EINVAL && strstr(err, "1048576") && !strchr(err, '\n'),
	      "memory_absurd_refused_one_line");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"memory_backing\":\"memfd\"}",
		    err, sizeof(err)) == 0 && cfg.memory_backing == CONFIG_MEMORY_MEMFD, "backing_memfd");
	config_free(&cfg);
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"memory\":512,"
		    "\"memory_backing\":\"hugetlbfs\"}", err, sizeof(err)) == 0 &&
	      cfg.memory_backing == CONFIG_MEMORY_HUGETLBFS, "backing_hugetlbfs");
	config_free(&cfg);
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"memory_backing\":\"anonymous\"}",
		    err, sizeof(err)) == 0 && cfg.memory_backing == CONFIG_MEMORY_ANONYMOUS,
	      "backing_anonymous");
	config_free(&cfg);
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"memory_backing\":\"shm\"}",
		    err, sizeof(err)) == -EINVAL && strstr(err, "memory_backing"), "backing_unknown_refused");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"memory_backing\":1}",
		    err, sizeof(err)) == -EINVAL, "backing_not_string_refused");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"memory\":257,"
		    "\"memory_backing\":\"hugetlbfs\"}", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "2 MiB"), "hugetlbfs_odd_mib_refused");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"memory\":\"1G\"}", err,
		    sizeof(err)) == -EINVAL && strstr(err, "integer"), "memory_not_integer");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"generation\":2}", err,
		    sizeof(err)) == -EINVAL && strstr(err, "generation"), "generation_2_not_yet");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"cpus\":0}", err,
		    sizeof(err)) == -EINVAL, "zero_cpus");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"initrd\":\"/i\"}}", err, sizeof(err)) ==
	      -EINVAL && strstr(err, "kernel"), "kernel_required");
	CHECK(parse(&cfg, "{\"boot\":{\"kernel\":\"/k\"}}", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "name"), "name_required");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"serial\":"
		    "[{\"port\":\"com1\"},{\"port\":\"COM1\"}]}", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "twice"), "duplicate_port");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"serial\":"
		    "[{\"port\":\"com5\"}]}", err, sizeof(err)) == -EINVAL, "bad_port_name");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"serial\":"
		    "[{\"port\":\"com1\",\"output\":\"socket:/s\",\"log\":\"/l\"},"
		    "{\"port\":\"com2\",\"output\":\"pipe:/p\"}]}", err, sizeof(err)) == 0 &&
	      !strcmp(cfg.serial[0].output, "socket:/s") && !strcmp(cfg.serial[0].log, "/l") &&
	      !strcmp(cfg.serial[1].output, "pipe:/p") && !cfg.serial[1].log, "serial_backends");
	config_free(&cfg);
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"serial\":"
		    "[{\"port\":\"com1\",\"output\":\"socket:\"}]}", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "needs a path"), "backend_needs_path");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"serial\":"
		    "[{\"port\":\"com1\",\"output\":\"pipe:/p\",\"input\":true}]}", err,
		    sizeof(err)) == -EINVAL && strstr(err, "input"), "socket_pipe_input_not_stdin");
	CHECK(parse(&cfg, "{\"name\":\"m\",\"boot\":{\"kernel\":\"/k\"},\"serial\":"
		    "[{\"port\":\"com1\",\"log\":3}]}", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "serial.log"), "log_must_be_string");
	CHECK(parse(&cfg, "{\"name\":\"m\",", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "JSON"), "bad_json");
	CHECK(parse(&cfg, "[1,2]", err, sizeof(err)) == -EINVAL, "not_an_object");
	CHECK(config_load(&cfg, "/nonexistent/vm.json", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "No such file"), "missing_file");
	return tap_done();
}
