# The NixOS-like aggregator layer over the packages: system-path, etc, initrd and the
# toplevel, which carries bin/switch-to-configuration. Services get unit files (one small
# aggregator each, like NixOS's unit files) gathered in system-units, which etc links.
{ hostName, version, stateDir, systemPackages, kernel, services ? [ ], linkedOnly ? [ ] }:
let
  aggregator = attrs: derivation ({
    # a flake evaluates purely, without currentSystem: the kit's machines are x86_64-linux
    system = builtins.currentSystem or "x86_64-linux";
    builder = "/bin/sh";
    # like nixpkgs' buildEnv and runCommandLocal: cheap derivations that copy or link
    preferLocalBuild = true;
    allowSubstitutes = false;
  } // attrs);
in rec {
  systemPath = aggregator {
    name = "system-path";
    paths = systemPackages;
    args = [ "-c" (builtins.readFile ./build-system-path.sh) ];
  };

  units = map (p: aggregator {
    name = "unit-${p.pname}.service";
    text = "[Service]\nExecStart=${p}/bin/${p.pname}\n";
    args = [ "-c" "export PATH=/usr/bin:/bin; printf '%s' \"$text\" > $out" ];
  }) services;

  systemUnits = aggregator {
    name = "system-units";
    inherit units;
    args = [ "-c" "export PATH=/usr/bin:/bin; mkdir -p $out; for u in $units; do ln -s $u $out/; done" ];
  };

  etc = aggregator ({
    name = "etc";
    # embeds store paths as text, as NixOS's /etc files do
    # (not the linkedOnly ones: like environment.systemPackages, only system-path links them)
    text = builtins.concatStringsSep "" (map (p: "${p.pname}=${p}\n")
      (builtins.filter (p: !(builtins.elem p.pname linkedOnly)) systemPackages));
    args = [ "-c" "export PATH=/usr/bin:/bin; mkdir -p $out/etc; printf '%s' \"$text\" > $out/etc/packages.conf" ];
  } // (if services == [ ] then { } else {
    systemd = systemUnits;
    args = [ "-c" "export PATH=/usr/bin:/bin; mkdir -p $out/etc; printf '%s' \"$text\" > $out/etc/packages.conf; ln -s $systemd $out/etc/systemd" ];
  }));

  # built from the kernel (as NixOS copies its modules) without referencing it
  initrd = if kernel == null then null else aggregator {
    name = "initrd-${kernel.name}";
    inherit kernel;
    size = "65536";
    args = [ "-c" "export PATH=/usr/bin:/bin; test -e $kernel/share/linux/data; mkdir -p $out; head -c $size /dev/urandom > $out/initrd" ];
  };

  toplevel = aggregator {
    name = "nixos-system-${hostName}-${version}";
    inherit version stateDir systemPath etc;
    kernel = if kernel == null then "" else kernel;
    initrd = if kernel == null then "" else initrd;
    args = [ "-c" (builtins.readFile ./build-toplevel.sh) ];
  };
}
