#!/usr/bin/env bash
# The header and the library agree: every function libfacenative.so exports is declared in
# include/facenative.h (FACE_API) and every declared function is exported; the header also
# compiles as C99 and as C++ with warnings as errors. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
LIB=${FACENATIVE_LIB:-dist/lib/libfacenative.so}
HEADER=include/facenative.h
passed=0 failed=0
result() { if [ "$1" -eq 0 ]; then passed=$((passed + 1)); echo "ok    $2" >&2
           else failed=$((failed + 1)); echo "FAIL  $2" >&2; fi; }

# Exported functions (T). The only other dynamic symbols are the .NET runtime's data symbol
# DotNetRuntimeDebugHeader (for debuggers) and the version node, which are not functions.
exported=$(nm -D --defined-only "$LIB" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort)
declared=$(grep -oE 'FACE_API[^(]*\b(face_[a-z0-9_]+)[[:space:]]*\(' "$HEADER" \
  | sed -E 's/.*\b(face_[a-z0-9_]+)[[:space:]]*\($/\1/' | sort)

undeclared=$(comm -23 <(echo "$exported") <(echo "$declared"))
missing=$(comm -13 <(echo "$exported") <(echo "$declared"))
[ -n "$undeclared" ] && echo "exported but not declared: $undeclared" >&2
[ -n "$missing" ] && echo "declared but not exported: $missing" >&2
result "$([ -z "$undeclared" ] && [ -n "$exported" ]; echo $?)" \
  "every exported symbol is declared ($(echo "$exported" | wc -l) exports)"
result "$([ -z "$missing" ]; echo $?)" "every declared function is exported"

other=$(nm -D --defined-only "$LIB" | awk '$2 != "T" { sub(/@.*/, "", $3); print $3 }' \
  | grep -vxE 'DotNetRuntimeDebugHeader|V1\.0')
[ -n "$other" ] && echo "unexpected non-function exports: $other" >&2
result "$([ -z "$other" ]; echo $?)" "no other exported symbols"

tmp=$(mktemp -d)
printf '#include "facenative.h"\nint main(void) { return face_abi_version() == FACE_ABI_VERSION ? 0 : 1; }\n' \
  > "$tmp/c.c"
gcc -std=c99 -Wall -Wextra -pedantic -Werror -Iinclude -c "$tmp/c.c" -o "$tmp/c.o"
result $? "header compiles as C99 (-Wall -Wextra -pedantic -Werror)"
cp "$tmp/c.c" "$tmp/cpp.cpp"
g++ -std=c++11 -Wall -Wextra -pedantic -Werror -Iinclude -c "$tmp/cpp.cpp" -o "$tmp/cpp.o"
result $? "header compiles as C++11 (-Wall -Wextra -pedantic -Werror)"
rm -rf "$tmp"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
