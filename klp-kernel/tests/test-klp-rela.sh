#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A livepatch module that carries livepatch relocations into a module
# loaded after it, as kpatch-build's modules do: test_klp_rela (built from
# tests/rela/ and converted by klp-mkrela) replaces test_klp_conflict_mod_fn()
# with a version that calls and names static functions of
# test_klp_conflict_mod through .klp.rela.test_klp_conflict_mod..text.
#
# - under "strict", a patch that reveals an alias when the module comes
#   refuses the module with its conflict, before any relocation is written;
#   once that patch is gone, the module loads, the relocations resolve and
#   the new version runs (no "invalid relocation target")
# - the one-shot override for the patch that refuses lets the module in,
#   once, under "strict"; an override for another patch does not, and stays

. /kselftest/livepatch/functions.sh

MOD_RELA=test_klp_rela
MOD_B=test_klp_conflict_b
MOD_TARGET=test_klp_conflict_mod
PARAMS=/sys/module/livepatch/parameters
ALIAS="function 'test_klp_conflict_mod_alias,1' in object '$MOD_TARGET', an alias of 'test_klp_conflict_mod_fn,1'"

setup_config

function set_policy() {
	echo "$1" > "$PARAMS/conflict_policy"
}

function arm_override() {
	log "% echo $1 > $PARAMS/allow_conflicts_once"
	echo "$1" > "$PARAMS/allow_conflicts_once"
}

function log_value() {
	log "$MOD_TARGET: value=$(cat /sys/module/$MOD_TARGET/parameters/value)"
}

function no_reloc_errors() {
	if dmesg | grep -q 'invalid relocation target'; then
		die "a relocation of $MOD_RELA was written twice: $(dmesg | grep 'invalid relocation target')"
	fi
}

function expect_load() {
	echo "% modprobe $*
livepatch: enabling patch '$1'
livepatch: '$1': initializing patching transition
livepatch: '$1': starting patching transition
livepatch: '$1': completing patching transition
livepatch: '$1': patching complete"
}

function expect_disable() {
	echo "% echo 0 > $KLP_SYSFS_DIR/$1/enabled
livepatch: '$1': initializing unpatching transition
livepatch: '$1': starting unpatching transition
livepatch: '$1': completing unpatching transition
livepatch: '$1': unpatching complete"
}

modinfo -F livepatch $MOD_RELA 2>/dev/null | grep -qx Y ||
	die "$MOD_RELA is not installed as a livepatch module"


start_test "klp relocations: module refused, then loaded once the patch is gone"

set_policy strict
load_lp $MOD_RELA
load_lp $MOD_B target=test_klp_conflict_mod_alias
load_failing_mod $MOD_TARGET
no_reloc_errors
disable_lp $MOD_B
unload_lp $MOD_B
load_mod $MOD_TARGET
no_reloc_errors
log_value
unload_mod $MOD_TARGET
disable_lp $MOD_RELA
unload_lp $MOD_RELA
set_policy deny

check_result "livepatch: conflict policy changed from 'deny' to 'strict'
$(expect_load $MOD_RELA)
$(expect_load $MOD_B target=test_klp_conflict_mod_alias)
% modprobe $MOD_TARGET
livepatch: patch '$MOD_B' conflicts with patch '$MOD_RELA' on $ALIAS
livepatch: refusing to load module '$MOD_TARGET'
modprobe: ERROR: could not insert '$MOD_TARGET': Address already in use
$(expect_disable $MOD_B)
% rmmod $MOD_B
% modprobe $MOD_TARGET
livepatch: applying patch '$MOD_RELA' to loading module '$MOD_TARGET'
$MOD_TARGET: value=$MOD_RELA: value_set()=-1, value_get [$MOD_TARGET]
% rmmod $MOD_TARGET
livepatch: reverting patch '$MOD_RELA' on unloading module '$MOD_TARGET'
$(expect_disable $MOD_RELA)
% rmmod $MOD_RELA
livepatch: conflict policy changed from 'strict' to 'deny'"


start_test "klp relocations: the one-shot override lets the module in under strict"

set_policy strict
load_lp $MOD_RELA
load_lp $MOD_B target=test_klp_conflict_mod_alias
arm_override $MOD_RELA
load_failing_mod $MOD_TARGET
[[ "$(cat $PARAMS/allow_conflicts_once)" == "$MOD_RELA" ]] ||
	die "the override for $MOD_RELA was consumed by a refusal from $MOD_B"
arm_override $MOD_B
load_mod $MOD_TARGET
no_reloc_errors
[[ -z "$(cat $PARAMS/allow_conflicts_once)" ]] ||
	die "the override is still armed: $(cat $PARAMS/allow_conflicts_once)"
[[ "$(cat $PARAMS/conflict_policy)" == strict ]] ||
	die "the policy changed to $(cat $PARAMS/conflict_policy)"
log_value
unload_mod $MOD_TARGET
disable_lp $MOD_B
unload_lp $MOD_B
disable_lp $MOD_RELA
unload_lp $MOD_RELA
set_policy deny

check_result "livepatch: conflict policy changed from 'deny' to 'strict'
$(expect_load $MOD_RELA)
$(expect_load $MOD_B target=test_klp_conflict_mod_alias)
% echo $MOD_RELA > $PARAMS/allow_conflicts_once
% modprobe $MOD_TARGET
livepatch: patch '$MOD_B' conflicts with patch '$MOD_RELA' on $ALIAS
livepatch: refusing to load module '$MOD_TARGET'
modprobe: ERROR: could not insert '$MOD_TARGET': Address already in use
% echo $MOD_B > $PARAMS/allow_conflicts_once
livepatch: conflict override for patch '$MOD_RELA' replaced by one for patch '$MOD_B'
% modprobe $MOD_TARGET
livepatch: patch '$MOD_B' overrides patch '$MOD_RELA' on $ALIAS (administrator override)
livepatch: applying patch '$MOD_RELA' to loading module '$MOD_TARGET'
livepatch: applying patch '$MOD_B' to loading module '$MOD_TARGET'
$MOD_TARGET: value=$MOD_B
% rmmod $MOD_TARGET
livepatch: reverting patch '$MOD_RELA' on unloading module '$MOD_TARGET'
livepatch: reverting patch '$MOD_B' on unloading module '$MOD_TARGET'
$(expect_disable $MOD_B)
% rmmod $MOD_B
$(expect_disable $MOD_RELA)
% rmmod $MOD_RELA
livepatch: conflict policy changed from 'strict' to 'deny'"

exit 0
