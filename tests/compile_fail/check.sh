#!/usr/bin/env bash
# Compiles one misuse and passes only if compilation fails with the `sluice:` message that the
# file's first line announces ("// expect: <message>").
set -u
file=$1; shift
expected=$(sed -n '1s|^// expect: ||p' "$file")
if [ -z "$expected" ]; then echo "no '// expect:' line in $file"; exit 1; fi
if output=$("$@" -fsyntax-only "$file" 2>&1); then
  echo "compiled, but should have failed with: $expected"; exit 1
fi
if ! grep -qF -- "$expected" <<<"$output"; then
  echo "failed without the expected message: $expected"; echo "$output" | head -40; exit 1
fi
echo "ok: $expected"
