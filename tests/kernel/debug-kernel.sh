#!/bin/bash
# Build (once) and locate hvkm's debug test kernel.
#
#   debug-kernel.sh dir    print the cache directory for the current fragment
#   debug-kernel.sh build  build it unless that directory already holds a kernel
#
# The cache key hashes the config fragment, this script and the installed
# linux-source-6.1 version, so any change to them builds a new kernel.
# HVKM_KERNEL_CACHE overrides where kernels are kept.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/debug.config
tarball=/usr/src/linux-source-6.1.tar.xz

default_cache() {
	if [ "$(id -u)" = 0 ]; then
		echo /var/cache/hvkm/kernels
	else
		echo "${XDG_CACHE_HOME:-$HOME/.cache}/hvkm/kernels"
	fi
}

cache_dir() {
	local version key
	version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
		{ echo "debug-kernel: linux-source-6.1 is not installed; run 'make deps'" >&2; exit 1; }
	key=$( (cat "$fragment" "$0"; echo "$version") | sha256sum | cut -c1-16)
	echo "${HVKM_KERNEL_CACHE:-$(default_cache)}/debug-$key"
}

build() {
	local dir src obj jobs
	dir=$(cache_dir)
	if [ -f "$dir/done" ]; then
		echo "debug-kernel: cached in $dir"
		return
	fi
	echo "debug-kernel: building into $dir (about 15-30 minutes on 2 cores)"
	rm -rf "$dir"
	mkdir -p "$dir"
	src=$dir/src
	obj=$dir/obj
	mkdir -p "$src" "$obj"
	tar -xf "$tarball" -C "$src" --strip-components=1
	jobs=$(nproc)
	make -s -C "$src" O="$obj" defconfig kvm_guest.config
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$fragment" >/dev/null
	make -s -C "$src" O="$obj" olddefconfig
	check_fragment "$obj/.config"
	make -s -C "$src" O="$obj" -j"$jobs" bzImage modules
	make -s -C "$src" O="$obj" INSTALL_MOD_PATH="$dir/modroot" modules_install
	cp "$obj/arch/x86/boot/bzImage" "$dir/bzImage"
	make -s -C "$src" O="$obj" kernelrelease >"$dir/release"
	touch "$dir/done"
	echo "debug-kernel: done, $(cat "$dir/release") in $dir"
}

# Every option the fragment sets must survive olddefconfig; a dropped one
# means a dependency is missing and the kernel would silently lack a checker.
check_fragment() {
	local config=$1 line bad=0
	while read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF "$line" "$config" || { echo "debug-kernel: '$line' did not stick" >&2; bad=1; }
			;;
		"# CONFIG_"*" is not set")
			local opt=${line#\# }
			opt=${opt%% *}
			if grep -q "^$opt=" "$config"; then
				echo "debug-kernel: '$opt' is still set" >&2
				bad=1
			fi
			;;
		esac
	done <"$fragment"
	return $bad
}

case "${1:-}" in
dir) cache_dir ;;
build) build ;;
*) echo "usage: $0 dir|build" >&2; exit 2 ;;
esac
