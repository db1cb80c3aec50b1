# The toplevel: links to the aggregators, kernel and initrd, and a switch-to-configuration
# that records each activation to $stateDir/switch.log and fails while $stateDir/switch-fail exists
# (only for the toplevels it lists, when it lists store paths). For switch and boot, when
# $stateDir/boot-dir names a folder, it is a bootloader in miniature: it copies the kernel and
# initrd of every generation of the system profile there (one copy per store file) and removes
# the files no generation uses, as systemd-boot's install does; a copy that fails fails it.
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
if [ -f "$stateDir/boot-dir" ] && { [ "\$1" = switch ] || [ "\$1" = boot ]; }; then
  boot=\$(cat "$stateDir/boot-dir")
  keep=" "
  for g in /nix/var/nix/profiles/system-*-link; do
    for f in kernel initrd; do
      [ -e "\$g/\$f" ] || continue
      src=\$(readlink -f "\$g/\$f")
      name=\$(echo "\$src" | cut -d/ -f4)-\$f
      keep="\$keep\$name "
      if [ ! -e "\$boot/\$name" ]; then
        if ! cp "\$src" "\$boot/\$name.partial" || ! mv "\$boot/\$name.partial" "\$boot/\$name"; then
          rm -f "\$boot/\$name.partial"
          echo "switch-to-configuration: cannot copy \$name to \$boot" >&2
          exit 1
        fi
      fi
    done
  done
  for file in "\$boot"/*; do
    [ -e "\$file" ] || continue
    case "\$keep" in *" \$(basename "\$file") "*) ;; *) rm -f "\$file" ;; esac
  done
fi
echo "\$1 $out" >> "$stateDir/switch.log"
case "\$1" in
  switch|test) ln -sfn "$out" "$stateDir/current-system" ;;
esac
SCRIPT
chmod +x "$out/bin/switch-to-configuration"
