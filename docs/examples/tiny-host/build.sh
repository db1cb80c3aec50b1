# Builders of the example package set (run by Nix with /bin/sh, unsandboxed).
export PATH=/usr/bin:/bin
set -eu
mkdir -p "$out"
case "$1" in
  package)
    # A package built from a source reads it (a fixed-output input: in the store while this runs).
    [ -z "${source:-}" ] || head -c 1 "$source" > /dev/null
    # Incompressible bytes, and the dependencies' paths as text: Nix finds them as references.
    dd if=/dev/urandom of="$out/data" bs=64k count=$((mib * 16)) status=none
    printf '%s\n' $deps > "$out/deps"
    ;;
  toplevel)
    mkdir -p "$out/sw" "$out/bin"
    for p in $packages; do ln -s "$p" "$out/sw/$(basename "$p" | cut -d- -f2-)"; done
    printf '%s' "$version" > "$out/nixos-version"
    cat > "$out/bin/switch-to-configuration" <<SCRIPT
#!/bin/sh
# Records the activation instead of activating anything (this is not a real NixOS).
export PATH=/usr/bin:/bin
case "\$1" in
  switch|boot|test|dry-activate) ;;
  *) echo "usage: \$0 switch|boot|test|dry-activate" >&2; exit 1 ;;
esac
mkdir -p "$stateDir"
echo "\$1 $out" >> "$stateDir/switch.log"
SCRIPT
    chmod +x "$out/bin/switch-to-configuration"
    ;;
esac
