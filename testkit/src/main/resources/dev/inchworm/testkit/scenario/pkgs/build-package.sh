# Builder of one synthetic package. It runs unsandboxed on the machine: PATH is set here.
export PATH=/usr/bin:/bin
set -e
if [ -n "$broken" ]; then
  echo "$name: this build is broken on purpose" >&2
  exit 1
fi
# Build-time inputs are read but their paths are not written: Nix finds no reference.
for input in $buildDependencies $source; do
  test -e "$input" || { echo "$name: missing build input $input" >&2; exit 1; }
done
mkdir -p "$out/bin" "$out/share/$pname"
head -c "$size" /dev/urandom > "$out/share/$pname/data"
# Runtime dependencies: their paths written into the output make them references.
for dependency in $dependencies; do echo "$dependency"; done > "$out/share/$pname/dependencies"
printf '#!/bin/sh\necho %s\n' "$name" > "$out/bin/$pname"
chmod +x "$out/bin/$pname"
if [ -n "${dev:-}" ]; then
  mkdir -p "$dev/include/$pname" "$dev/nix-support"
  head -c "$devSize" /dev/urandom > "$dev/include/$pname/headers"
  echo "$out" > "$dev/nix-support/propagated-outputs"
fi
