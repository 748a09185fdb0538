# bash completion for cdo's tools: create-diff-object, cdo-objcmp,
# klp-conflicts, klpctl and kbuild-cache.  Installed as .../bash-completion/completions/<tool>.
# SPDX-License-Identifier: GPL-2.0

_cdo_create_diff_object()
{
	local cur prev words cword
	_init_completion || return

	case $prev in
	--json | --batch | --debuginfo)
		_filedir
		return
		;;
	-j | --jobs)
		COMPREPLY=($(compgen -W "$(seq 1 "$(nproc 2>/dev/null || echo 4)")" -- "$cur"))
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '-d --debug -a --klp-arch -j --jobs --json --batch --explain --debuginfo --no-dwarf-sizes --dwarf-line-only
			--help --usage -V --version' -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi
	# the seven positional arguments: objects, parent name, files
	local i args=0
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--json | --batch | --debuginfo | -j | --jobs) ((i++)) ;;
		-*) ;;
		*) ((args++)) ;;
		esac
	done
	case $args in
	2) COMPREPLY=($(compgen -W 'vmlinux' -- "$cur")) ;;
	0 | 1 | 6) _filedir o ;;
	*) _filedir ;;
	esac
}

_cdo_objcmp()
{
	local cur prev words cword
	_init_completion || return

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '-v --verbose -q --quiet --strict-order -h --help
			-V --version' -- "$cur"))
		return
	fi
	_filedir o
}

_cdo_klp_conflicts()
{
	local cur prev words cword
	_init_completion || return

	case $prev in
	--sysfs | --params)
		_filedir -d
		return
		;;
	--kallsyms)
		_filedir
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--sysfs --kallsyms --params --replace --order --json
			-h --help -V --version' -- "$cur"))
		return
	fi
	_filedir ko
}

_cdo_klpctl()
{
	local cur prev words cword
	_init_completion || return

	case $prev in
	--sys | --proc | --patch-dir)
		_filedir -d
		return
		;;
	--kallsyms | --modules)
		_filedir
		return
		;;
	--enable-wait | --signal-wait | --ref-wait | --retries | --retry-interval)
		return
		;;
	esac
	local i cmd=
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--sys | --proc | --patch-dir | --kallsyms | --modules | --enable-wait | \
			--signal-wait | --ref-wait | --retries | --retry-interval) ((i++)) ;;
		-*) ;;
		*)
			cmd=${words[i]}
			break
			;;
		esac
	done
	if [[ $cur == -* ]]; then
		local opts='--sys --proc --kallsyms --modules --patch-dir --enable-wait
			--signal-wait --ref-wait --retries --retry-interval -q --quiet -v --verbose
			-h --help -V --version'
		case $cmd in
		load) opts+=' --allow-conflicts --no-check --all' ;;
		unload) opts+=' --all' ;;
		esac
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	case $cmd in
	'') COMPREPLY=($(compgen -W 'load unload list check' -- "$cur")) ;;
	load | check) _filedir ko ;;
	unload)
		# the loaded livepatches
		COMPREPLY=($(compgen -W "$(ls /sys/kernel/livepatch 2>/dev/null)" -- "$cur"))
		;;
	esac
}

_cdo_kbuild_cache()
{
	local cur prev words cword
	_init_completion || return

	case $prev in
	--cache | -C | --src | -o | --output)
		_filedir -d
		return
		;;
	--config | --json)
		_filedir
		return
		;;
	-j | --jobs)
		COMPREPLY=($(compgen -W "$(seq 1 "$(nproc 2>/dev/null || echo 4)")" -- "$cur"))
		return
		;;
	--remote | --cc | --ld | --kcflags | --arch | --targets | --max-size)
		return
		;;
	esac
	local i cmd=
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--cache | -C | --src | -o | --output | --config | --json | -j | --jobs | \
			--remote | --cc | --ld | --kcflags | --arch | --targets | --max-size) ((i++)) ;;
		-*) ;;
		*)
			cmd=${words[i]}
			break
			;;
		esac
	done
	if [[ $cur == -* ]]; then
		local opts='--cache --remote -C --src --config -j --jobs -v --debug -q --quiet
			-h --help -V --version'
		case $cmd in
		build | restore | put | key | diff | kpatch-build)
			opts+=' --cc --ld --kcflags --arch --targets --kpatch' ;;&
		key) opts+=' --explain' ;;
		diff) opts+=' -o --output --json' ;;
		ls) opts+=' -l' ;;
		gc) opts+=' --max-size' ;;
		esac
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	case $cmd in
	'') COMPREPLY=($(compgen -W 'build restore put key diff kpatch-build ls gc verify rm
		help' -- "$cur")) ;;
	diff) _filedir '@(patch|diff)' ;;
	kpatch-build) _filedir ;;
	esac
}

complete -F _cdo_create_diff_object create-diff-object
complete -F _cdo_objcmp cdo-objcmp
complete -F _cdo_klp_conflicts klp-conflicts
complete -F _cdo_klpctl klpctl
complete -F _cdo_kbuild_cache kbuild-cache
