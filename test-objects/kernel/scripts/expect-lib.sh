# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# Checks of one create-diff-object run against an `expect` file, in the
# format of test-objects/README.md ("The `expect` format").  Sourced by the
# small cases (test-objects/run-cases.sh), the real-kernel cases
# (run-kernel-cases.sh) and bench/bench.sh; expect_check is the entry point.

# One line per section of an ELF file: "name size" (size in decimal).
elf_sections() {
	readelf -SW "$1" 2>/dev/null | awk '
		function hex(s,   i, v) {
			v = 0
			for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef", tolower(substr(s, i, 1))) - 1
			return v
		}
		/^ *\[ *[0-9]+\]/ {
			sub(/^ *\[ *[0-9]+\] */, "")
			if ($1 == "NULL" || $2 == "NULL") next
			print $1, hex($5)
		}'
}

# The symbols of .symtab: "name ndx" (UND for undefined ones).
elf_symbols() {
	readelf -sW "$1" 2>/dev/null | awk '
		/^Symbol table / { on = ($0 ~ /\.symtab/); next }
		on && $1 ~ /^[0-9]+:$/ && NF >= 8 { print $8, $7 }'
}

# The entries of one relocation section: "offset symbol addend".
elf_relas() {
	readelf -rW "$1" 2>/dev/null | awk -v want="$2" '
		/^Relocation section / {
			name = $3; gsub(/\047/, "", name); on = (name == want); next
		}
		on && NF >= 5 && $1 ~ /^[0-9a-f]+$/ {
			sign = "+"; add = "0"
			if (NF >= 7) { sign = $6; add = $7 }
			printf "%s %s %s%s\n", $1, $5, (sign == "-" ? "-" : ""), add
		}'
}

# The strings of .kpatch.strings: "offset string" (offset in hex).
kpatch_strings() {
	readelf -p .kpatch.strings "$1" 2>/dev/null | awk '
		/^ *\[ *[0-9a-f]+\]/ {
			off = $0; sub(/^ *\[ */, "", off); sub(/\].*/, "", off)
			s = $0; sub(/^ *\[ *[0-9a-f]+\]  /, "", s)
			print off, s
		}'
}

# The names .kpatch.symbols entries give: each 40-byte entry has its name
# pointer at offset 24, relocated against .kpatch.strings.
kpatch_symbol_names() {
	local obj=$1
	elf_relas "$obj" .rela.kpatch.symbols |
		awk -v strs="$(kpatch_strings "$obj")" '
		function hex(s,   i, v) {
			v = 0
			for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef", tolower(substr(s, i, 1))) - 1
			return v
		}
		BEGIN {
			n = split(strs, lines, "\n")
			for (i = 1; i <= n; i++) {
				off = lines[i]; sub(/ .*/, "", off)
				s = lines[i]; sub(/^[^ ]+ /, "", s)
				str[hex(off)] = s
			}
		}
		hex($1) % 40 == 24 && $2 == ".kpatch.strings" { print str[hex($3)] }'
}

# list_has LIST ITEM: ITEM is one of the lines of LIST.
list_has() {
	[[ $'\n'"$1"$'\n' == *$'\n'"$2"$'\n'* ]]
}

# line_ends_with FILE SUFFIX: some line of FILE ends with SUFFIX.
line_ends_with() {
	awk -v s="$2" 'length($0) >= length(s) && substr($0, length($0) - length(s) + 1) == s { f = 1 }
		END { exit !f }' "$1"
}

# strip_blanks VAR TEXT: VAR = TEXT without leading and trailing blanks.
strip_blanks() {
	local -n _out=$1
	local s=$2
	s=${s#"${s%%[![:space:]]*}"}
	_out=${s%"${s##*[![:space:]]}"}
}

# The exit status an expect file asks for (default 0).
expect_exit() {
	local line rc=0
	while IFS= read -r line || [[ -n "$line" ]]; do
		line=${line%%#*}
		strip_blanks line "$line"
		[[ "$line" == exit* ]] && rc=$((${line#exit}))
	done <"$1"
	echo "$rc"
}

# expect_check EXPECT RC OUTPUT STDOUT STDERR: print one line per failed
# check (nothing when the run matches the expectation).
expect_check() {
	local expect=$1 rc=$2 obj=$3 stdout=$4 stderr=$5
	local want_rc have_obj=0 line key arg found list
	local sections='' symbols='' funcs='' strings='' klp=''
	local -a fails=()

	want_rc=$(expect_exit "$expect")
	if [[ "$rc" != "$want_rc" ]]; then
		fails+=("exit $rc, expected $want_rc$(grep -m1 -E 'ERROR|error|Segmentation|Abort' "$stderr" 2>/dev/null | sed 's/^/ (/; s/$/)/' || true)")
	fi
	if [[ "$rc" != 0 ]]; then
		[[ ! -e "$obj" ]] || fails+=("exit $rc left an output file")
	elif [[ ! -f "$obj" ]]; then
		fails+=("exit 0 but no output file")
	elif ! readelf -h "$obj" >/dev/null 2>&1; then
		fails+=("output is not a readable ELF file")
	else
		have_obj=1
		sections=$(elf_sections "$obj")
		symbols=$(elf_symbols "$obj")
		funcs=$(elf_relas "$obj" .rela.kpatch.funcs | cut -d' ' -f2)
		strings=$(kpatch_strings "$obj" | cut -d' ' -f2-)
		klp=$(kpatch_symbol_names "$obj")
	fi
	# A wrong exit status without output: the other checks add nothing.
	if [[ "$rc" != "$want_rc" && $have_obj == 0 ]]; then
		printf '%s\n' "${fails[@]}"
		return
	fi

	while IFS= read -r line || [[ -n "$line" ]]; do
		line=${line%%#*}
		strip_blanks line "$line"
		[[ -n "$line" ]] || continue
		key=${line%%[[:space:]]*}
		arg=${line#"$key"}
		strip_blanks arg "$arg"
		case "$key" in
		exit|skip) ;;
		stdout) grep -Eq -- "$arg" "$stdout" || fails+=("stdout lacks /$arg/") ;;
		stderr) grep -Eq -- "$arg" "$stderr" || fails+=("stderr lacks /$arg/") ;;
		no-stdout) ! grep -Eq -- "$arg" "$stdout" || fails+=("stdout has /$arg/") ;;
		no-stderr) ! grep -Eq -- "$arg" "$stderr" || fails+=("stderr has /$arg/") ;;
		changed|not-changed)
			found=0
			line_ends_with "$stdout" ": changed function: $arg" && found=1
			if [[ $key == changed ]]; then
				[[ $found == 1 ]] || fails+=("'$arg' not reported changed")
				[[ $have_obj == 0 ]] || list_has "$funcs" "$arg" ||
					fails+=("no .kpatch.funcs entry for '$arg'")
			else
				[[ $found == 0 ]] || fails+=("'$arg' reported changed")
				[[ $have_obj == 0 ]] || ! list_has "$funcs" "$arg" ||
					fails+=("unexpected .kpatch.funcs entry for '$arg'")
			fi ;;
		new|not-new)
			found=0
			line_ends_with "$stdout" ": new function: $arg" && found=1
			if [[ $key == new ]]; then
				[[ $found == 1 ]] || fails+=("'$arg' not reported new")
			else
				[[ $found == 0 ]] || fails+=("'$arg' reported new")
			fi ;;
		funcs)
			if [[ $have_obj == 0 ]]; then
				fails+=("funcs $arg: no output")
				continue
			fi
			local size
			size=$(awk '$1 == ".kpatch.funcs" { print $2; f = 1 } END { if (!f) print -1 }' <<<"$sections")
			if ((size < 0)); then
				fails+=("no .kpatch.funcs section")
			elif ((size % 56 != 0 || size / 56 != arg)); then
				fails+=(".kpatch.funcs has $size bytes, expected $arg entries")
			fi ;;
		section-size)
			if [[ $have_obj == 0 ]]; then
				fails+=("section-size $arg: no output")
				continue
			fi
			local got
			got=$(awk -v s="${arg%% *}" '$1 == s { print $2; exit }' <<<"$sections")
			[[ "$got" == "${arg##* }" ]] ||
				fails+=("section ${arg%% *} has size ${got:-(none)}, expected ${arg##* }") ;;
		rela|no-rela)
			if [[ $have_obj == 0 ]]; then
				fails+=("$key $arg: no output")
				continue
			fi
			local rsec rsym radd
			read -r rsec rsym radd <<<"$arg"
			if elf_relas "$obj" "$rsec" | awk -v s="$rsym" -v a="${radd:-*}" \
				'$2 == s && (a == "*" || $3 == a) { f = 1 } END { exit !f }'; then
				[[ $key == rela ]] || fails+=("$rsec has a relocation to $rsym${radd:+ + $radd}")
			else
				[[ $key == no-rela ]] || fails+=("$rsec has no relocation to $rsym${radd:+ + $radd}")
			fi ;;
		defined|undefined)
			if [[ $have_obj == 0 ]]; then
				fails+=("$key $arg: no output")
				continue
			fi
			local ndx
			ndx=$(awk -v s="$arg" '$1 == s { print $2; exit }' <<<"$symbols")
			if [[ -z "$ndx" ]]; then
				fails+=("no symbol $arg")
			elif [[ $key == defined && $ndx == UND ]]; then
				fails+=("symbol $arg is undefined")
			elif [[ $key == undefined && $ndx != UND ]]; then
				fails+=("symbol $arg is defined")
			fi ;;
		section|no-section|symbol|no-symbol|kstring|no-kstring|klp-reloc|no-klp-reloc)
			if [[ $have_obj == 0 ]]; then
				fails+=("$key $arg: no output")
				continue
			fi
			case "$key" in
			*section) list=$(cut -d' ' -f1 <<<"$sections") ;;
			*symbol) list=$(cut -d' ' -f1 <<<"$symbols") ;;
			*kstring) list=$strings ;;
			*klp-reloc) list=$klp ;;
			esac
			found=0
			list_has "$list" "$arg" && found=1
			case "$key" in
			no-*) [[ $found == 0 ]] || fails+=("output has ${key#no-} $arg") ;;
			*) [[ $found == 1 ]] || fails+=("output lacks $key $arg") ;;
			esac ;;
		*) fails+=("bad expect line: $line") ;;
		esac
	done <"$expect"
	printf '%s\n' "${fails[@]+"${fails[@]}"}" | sed '/^$/d'
}
