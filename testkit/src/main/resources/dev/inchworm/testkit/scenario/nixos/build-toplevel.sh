# The toplevel: links to the aggregators, kernel and initrd, and a switch-to-configuration
# that records each activation to $stateDir/switch.log and fails while $stateDir/switch-fail exists
# (only for the toplevels it lists, when it lists store paths).
export PATH=/usr/bin:/bin
set -e
mkdir -p "$out/bin"
ln -s "$systemPath" "$out/sw"
ln -s "$etc/etc" "$out/etc"
if [ -n "$kernel" ]; then
  ln -s "$kernel/share/linux/data" "$out/kernel"
  ln -s "$initrd/initrd" "$out/initrd"
fi
printf '%s' "$version" > "$out/nixos-version"
cat > "$out/bin/switch-to-configuration" <<SCRIPT
#!/bin/sh
export PATH=/usr/bin:/bin
case "\$1" in
  switch|boot|test|dry-activate) ;;
  *) echo "usage: \$0 switch|boot|test|dry-activate" >&2; exit 1 ;;
esac
if [ -e "$stateDir/switch-fail" ] && { ! grep -q '^/nix/store/' "$stateDir/switch-fail" || grep -qxF "$out" "$stateDir/switch-fail"; }; then
  echo "switch-to-configuration: \$1 of $out failed ($stateDir/switch-fail exists)" >&2
  exit 1
fi
echo "\$1 $out" >> "$stateDir/switch.log"
case "\$1" in
  switch|test) ln -sfn "$out" "$stateDir/current-system" ;;
esac
SCRIPT
chmod +x "$out/bin/switch-to-configuration"
