#!/bin/bash
# Run create-diff-object over every small case built by `make -C test-objects`
# and check each case's `expect` file.  See test-objects/README.md.
#
#   run-cases.sh --cdo PATH --out DIR [--upstream PATH] [--objcmp PATH]
#                [--only NAME] [--variant cases|cases-g]
#
# DIR is the make O= folder; objects are read from DIR/cases/<name>/ and
# DIR/cases-g/<name>/, and output.o, cdo.stdout and cdo.stderr are written
# next to them.  Prints one PASS/FAIL line per case and variant and ends with
# "cases: N passed, M failed[, K skipped]"; exits 1 when M > 0.
#
# With --upstream, the same pair also goes through that binary (into
# output.upstream.o) and the outputs are compared with --objcmp PATH, or by
# exit code alone when that tool is missing.  The comparison only reports.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cdo='' out='' upstream='' objcmp='' only='' variants="cases cases-g"

usage() {
	echo "usage: $0 --cdo PATH --out DIR [--upstream PATH] [--objcmp PATH] [--only NAME] [--variant cases|cases-g]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--cdo) cdo=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	--upstream) upstream=${2:?}; shift 2 ;;
	--objcmp) objcmp=${2:?}; shift 2 ;;
	--only) only=${2:?}; shift 2 ;;
	--variant) variants=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	*) echo "run-cases: unknown argument '$1'" >&2; usage ;;
	esac
done
if [ -z "$cdo" ] || [ -z "$out" ]; then usage; fi

abspath() { realpath -m -- "$1"; }
cdo=$(abspath "$cdo")
[ -x "$cdo" ] || { echo "run-cases: $cdo is not executable" >&2; exit 2; }
if [ -n "$upstream" ]; then
	upstream=$(abspath "$upstream")
	[ -x "$upstream" ] || { echo "run-cases: $upstream is not executable" >&2; exit 2; }
fi
[ -z "$objcmp" ] || objcmp=$(abspath "$objcmp")
[ -d "$out" ] || { echo "run-cases: $out does not exist; run make -C test-objects O=$out" >&2; exit 2; }
out=$(cd "$out" && pwd)

# The struct sizes of our stub layouts (include/kstub.h, kernel v5.15);
# a case's `env` file may override them.
default_env=(PARA_STRUCT_SIZE=16 EX_STRUCT_SIZE=12 BUG_STRUCT_SIZE=12
	ALT_STRUCT_SIZE=12 JUMP_STRUCT_SIZE=16 ORC_STRUCT_SIZE=6
	STATIC_CALL_STRUCT_SIZE=8 PRINTK_INDEX_STRUCT_SIZE=44)

CDO_TIMEOUT=${CDO_TIMEOUT:-120}
passed=0 failed=0 skipped=0
up_equal=0 up_diff=0 up_rc=0

# One line per section: "name size" (size in bytes, decimal).
section_table() {
	readelf -SW "$1" 2>/dev/null | awk '
		/^ *\[ *[0-9]+\]/ {
			sub(/^ *\[ *[0-9]+\] */, "")
			if ($2 == "NULL" || $1 == "NULL") next
			printf "%s %d\n", $1, strtonum_hex($5)
		}
		function strtonum_hex(s,   i, c, v) {
			v = 0
			for (i = 1; i <= length(s); i++) {
				c = index("0123456789abcdef", tolower(substr(s, i, 1)))
				v = v * 16 + c - 1
			}
			return v
		}'
}

# Symbols of .symtab: "name ndx" (ndx is UND for undefined ones).
symbol_table() {
	readelf -sW "$1" 2>/dev/null | awk '
		/^Symbol table / { in_symtab = ($0 ~ /\.symtab/) ; next }
		in_symtab && $1 ~ /^[0-9]+:$/ && NF >= 8 { print $8, $7 }'
}

# Symbols targeted by the relocations of one rela section: "offset symbol addend".
rela_entries() {
	readelf -rW "$1" 2>/dev/null | awk -v want="$2" '
		/^Relocation section / {
			name = $3; gsub(/\047/, "", name); in_sec = (name == want); next
		}
		in_sec && NF >= 5 && $1 ~ /^[0-9a-f]+$/ {
			sign = "+"; add = "0"
			if (NF >= 7) { sign = $6; add = $7 }
			printf "%s %s %s%s\n", $1, $5, (sign == "-" ? "-" : ""), add
		}'
}

# Strings of .kpatch.strings: "offset(hex) string".
kpatch_strings() {
	readelf -p .kpatch.strings "$1" 2>/dev/null | awk '
		/^ *\[ *[0-9a-f]+\]/ {
			line = $0
			off = line; sub(/^ *\[ */, "", off); sub(/\].*/, "", off)
			sub(/^ *\[ *[0-9a-f]+\]  /, "", line)
			print off, line
		}'
}

# Names that .kpatch.symbols entries point at (the name field at +24).
klp_names() {
	local obj=$1 strs
	strs=$(kpatch_strings "$obj")
	rela_entries "$obj" .rela.kpatch.symbols | awk -v strs="$strs" '
		BEGIN {
			n = split(strs, lines, "\n")
			for (i = 1; i <= n; i++) {
				off = lines[i]; sub(/ .*/, "", off)
				s = lines[i]; sub(/^[^ ]+ /, "", s)
				str[hex(off)] = s
			}
		}
		function hex(s,   i, v) {
			v = 0
			for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef", tolower(substr(s, i, 1))) - 1
			return v
		}
		hex($1) % 40 == 24 && $2 == ".kpatch.strings" { print str[hex($3)] }'
}

# Check one expectation file against one run; prints the failure reasons.
check_case() {
	local dir=$1 expect=$2 rc=$3
	local obj=$dir/output.o reasons=() want_rc=0 line key arg
	local sections="" symbols="" funcs_syms="" strings="" klps="" have_obj=0

	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		trim_to line "$line"
		[ -n "$line" ] || continue
		key=${line%%[[:space:]]*}
		[ "$key" = exit ] && want_rc=${line#exit}
	done < "$expect"
	want_rc=$((want_rc))

	if [ "$rc" != "$want_rc" ]; then
		local why
		why=$(grep -m1 -E "ERROR|error|Segmentation|Abort" "$dir/cdo.stderr" 2>/dev/null || true)
		reasons+=("exit $rc, expected $want_rc${why:+ ($why)}")
	fi
	if [ "$rc" != 0 ]; then
		[ ! -e "$obj" ] || reasons+=("exit $rc left an output file")
	elif [ ! -f "$obj" ]; then
		reasons+=("exit 0 but no output file")
	elif ! readelf -h "$obj" >/dev/null 2>&1; then
		reasons+=("output is not a readable ELF file")
	else
		have_obj=1
		sections=$(section_table "$obj")
		symbols=$(symbol_table "$obj")
		funcs_syms=$(rela_entries "$obj" .rela.kpatch.funcs | cut -d" " -f2)
		strings=$(kpatch_strings "$obj" | cut -d' ' -f2-)
		klps=$(klp_names "$obj")
	fi

	# A run that failed when it should not have: the other checks add nothing.
	if [ "$rc" != "$want_rc" ] && [ $have_obj = 0 ]; then
		printf '%s\n' "${reasons[@]}"
		return
	fi

	local stdout=$dir/cdo.stdout stderr=$dir/cdo.stderr
	local -a out_lines=()
	mapfile -t out_lines < "$stdout"
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		trim_to line "$line"
		[ -n "$line" ] || continue
		key=${line%%[[:space:]]*}
		arg=${line#"$key"}
		trim_to arg "$arg"
		case "$key" in
		exit|skip) ;;
		stdout)
			grep -Eq -- "$arg" "$stdout" || reasons+=("stdout lacks /$arg/") ;;
		stderr)
			grep -Eq -- "$arg" "$stderr" || reasons+=("stderr lacks /$arg/") ;;
		no-stdout)
			! grep -Eq -- "$arg" "$stdout" || reasons+=("stdout has /$arg/") ;;
		no-stderr)
			! grep -Eq -- "$arg" "$stderr" || reasons+=("stderr has /$arg/") ;;
		changed)
			has_suffix_line ": changed function: $arg" ||
				reasons+=("'$arg' not reported changed")
			if [ $have_obj = 1 ]; then
				in_list "$funcs_syms" "$arg" ||
					reasons+=("no .kpatch.funcs entry for '$arg'")
			fi ;;
		not-changed)
			! has_suffix_line ": changed function: $arg" ||
				reasons+=("'$arg' reported changed")
			if [ $have_obj = 1 ]; then
				! in_list "$funcs_syms" "$arg" ||
					reasons+=("unexpected .kpatch.funcs entry for '$arg'")
			fi ;;
		new)
			has_suffix_line ": new function: $arg" ||
				reasons+=("'$arg' not reported new") ;;
		not-new)
			! has_suffix_line ": new function: $arg" ||
				reasons+=("'$arg' reported new") ;;
		funcs)
			if [ $have_obj = 1 ]; then
				local size
				size=$(echo "$sections" | awk '$1 == ".kpatch.funcs" { print $2; f = 1 } END { if (!f) print -1 }')
				if [ "$size" -lt 0 ]; then
					reasons+=("no .kpatch.funcs section")
				elif [ $((size / 56)) != "$arg" ] || [ $((size % 56)) != 0 ]; then
					reasons+=(".kpatch.funcs has $size bytes, expected $arg entries")
				fi
			else
				reasons+=("funcs $arg: no output")
			fi ;;
		section-size)
			if [ $have_obj = 1 ]; then
				local sname=${arg%% *} ssize=${arg##* } got
				got=$(echo "$sections" | awk -v s="$sname" '$1 == s { print $2 }' | head -1)
				[ "$got" = "$ssize" ] || reasons+=("section $sname has size ${got:-(none)}, expected $ssize")
			else
				reasons+=("section-size $arg: no output")
			fi ;;
		rela|no-rela)
			if [ $have_obj = 1 ]; then
				local rsec rsym radd
				read -r rsec rsym radd <<< "$arg"
				if rela_entries "$obj" "$rsec" | awk -v s="$rsym" -v a="${radd:-*}" \
					'$2 == s && (a == "*" || $3 == a) { f = 1 } END { exit !f }'; then
					[ "$key" = rela ] || reasons+=("$rsec has a relocation to $rsym${radd:+ + $radd}")
				else
					[ "$key" = no-rela ] || reasons+=("$rsec has no relocation to $rsym${radd:+ + $radd}")
				fi
			else
				reasons+=("$key $arg: no output")
			fi ;;
		defined|undefined)
			if [ $have_obj = 1 ]; then
				local ndx
				ndx=$(echo "$symbols" | awk -v s="$arg" '$1 == s { print $2 }' | head -1)
				if [ -z "$ndx" ]; then
					reasons+=("no symbol $arg")
				elif [ "$key" = defined ] && [ "$ndx" = UND ]; then
					reasons+=("symbol $arg is undefined")
				elif [ "$key" = undefined ] && [ "$ndx" != UND ]; then
					reasons+=("symbol $arg is defined")
				fi
			else
				reasons+=("$key $arg: no output")
			fi ;;
		section|no-section|symbol|no-symbol|kstring|no-kstring|klp-reloc|no-klp-reloc)
			if [ $have_obj != 1 ]; then
				reasons+=("$key $arg: no output")
				continue
			fi
			local list found=0
			case "$key" in
			*section) list=$(echo "$sections" | cut -d' ' -f1) ;;
			*symbol) list=$(echo "$symbols" | cut -d" " -f1) ;;
			*kstring) list=$strings ;;
			*klp-reloc) list=$klps ;;
			esac
			in_list "$list" "$arg" && found=1
			case "$key" in
			no-*) [ $found = 0 ] || reasons+=("output has ${key#no-} $arg") ;;
			*) [ $found = 1 ] || reasons+=("output lacks $key $arg") ;;
			esac ;;
		*)
			reasons+=("bad expect line: $line") ;;
		esac
	done < "$expect"

	local r
	for r in "${reasons[@]+"${reasons[@]}"}"; do
		echo "$r"
	done
}

# trim_to VAR STRING: VAR = STRING without leading and trailing blanks.
trim_to() {
	local -n _trim_out=$1
	local s=$2
	s=${s#"${s%%[![:space:]]*}"}
	_trim_out=${s%"${s##*[![:space:]]}"}
}

# in_list LIST ITEM: ITEM is one of the newline-separated lines of LIST.
in_list() {
	[[ $'\n'"$1"$'\n' == *$'\n'"$2"$'\n'* ]]
}

# has_suffix_line SUFFIX: some captured stdout line ends with SUFFIX.
has_suffix_line() {
	local l
	for l in "${out_lines[@]+"${out_lines[@]}"}"; do
		[[ $l == *"$1" ]] && return 0
	done
	return 1
}

# run_cdo BINARY OUTPUT-NAME LOG-SUFFIX: prints the exit status.  Runs from
# $out with relative paths, so messages read "<name>/orig.o: ...".
run_cdo() {
	local bin=$1 outname=$2 suffix=$3 rc=0
	local d=$variant/$name
	local -a envs=("${default_env[@]}")
	if [ -f "$src/env" ]; then
		while IFS= read -r l || [ -n "$l" ]; do
			l=${l%%#*}
			trim_to l "$l"
			[ -n "$l" ] && envs+=("$l")
		done < "$src/env"
	fi
	local parent=vmlinux symvers=/dev/null
	[ -f "$src/parent" ] && parent=$(head -1 "$src/parent")
	[ -f "$src/symvers" ] && symvers=$src/symvers
	rm -f "$d/$outname"
	(cd "$out" && env "${envs[@]}" timeout "$CDO_TIMEOUT" "$bin" \
		"$d/orig.o" "$d/patched.o" "$parent" "$d/$name.symtab" "$symvers" \
		"test_${name//-/_}" "$d/$outname" \
		>"$d/cdo$suffix.stdout" 2>"$d/cdo$suffix.stderr") || rc=$?
	echo $rc
}

cd "$out"
for src in "$here"/cases/*/; do
	src=${src%/}
	name=${src##*/}
	[ -f "$src/expect" ] || continue
	[ -z "$only" ] || [ "$only" = "$name" ] || continue
	for variant in $variants; do
		label=$name
		[ "$variant" = cases-g ] && label="$name (-g)"
		if grep -Eq '^[[:space:]]*skip([[:space:]]|$)' "$src/expect"; then
			echo "SKIP $label: $(sed -n 's/^[[:space:]]*skip[[:space:]]*//p' "$src/expect" | head -1)"
			skipped=$((skipped + 1))
			continue
		fi
		if [ ! -f "$variant/$name/orig.o" ] || [ ! -f "$variant/$name/patched.o" ] ||
		   [ ! -f "$variant/$name/$name.symtab" ]; then
			echo "FAIL $label: objects missing in $out/$variant/$name (run make -C test-objects O=$out)"
			failed=$((failed + 1))
			continue
		fi
		rc=$(run_cdo "$cdo" output.o "")
		fail_text=$(check_case "$variant/$name" "$src/expect" "$rc")
		if [ -z "$fail_text" ]; then
			echo "PASS $label"
			passed=$((passed + 1))
		else
			echo "FAIL $label: $(echo "$fail_text" | paste -sd ';' | sed 's/;/; /g')"
			failed=$((failed + 1))
		fi

		[ -n "$upstream" ] || continue
		urc=$(run_cdo "$upstream" output.upstream.o .upstream)
		if [ "$urc" != "$rc" ]; then
			echo "  upstream: $label: exit $urc, ours $rc"
			up_rc=$((up_rc + 1))
		elif [ "$rc" != 0 ] || [ -z "$objcmp" ] || [ ! -x "$objcmp" ]; then
			up_equal=$((up_equal + 1))
		elif "$objcmp" "$variant/$name/output.o" "$variant/$name/output.upstream.o" \
			>"$variant/$name/objcmp.out" 2>&1; then
			up_equal=$((up_equal + 1))
		else
			echo "  upstream: $label: outputs differ (see $out/$variant/$name/objcmp.out)"
			up_diff=$((up_diff + 1))
		fi
	done
done

summary="cases: $passed passed, $failed failed"
[ $skipped = 0 ] || summary="$summary, $skipped skipped"
if [ -n "$upstream" ]; then
	how="by $objcmp"
	[ -n "$objcmp" ] && [ -x "$objcmp" ] || how="by exit code only: no objcmp tool"
	echo "upstream: $up_equal equal, $up_diff different, $up_rc exit-code mismatches ($how)"
fi
echo "$summary"
[ $failed = 0 ]
