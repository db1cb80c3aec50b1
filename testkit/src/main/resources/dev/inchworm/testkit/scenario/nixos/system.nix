# The NixOS-like aggregator layer over the packages: system-path, etc, initrd and the
# toplevel, which carries bin/switch-to-configuration.
{ hostName, version, stateDir, systemPackages, kernel }:
let
  aggregator = attrs: derivation ({
    system = builtins.currentSystem;
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

  etc = aggregator {
    name = "etc";
    # embeds store paths as text, as NixOS's /etc files do
    text = builtins.concatStringsSep "" (map (p: "${p.pname}=${p}\n") systemPackages);
    args = [ "-c" "export PATH=/usr/bin:/bin; mkdir -p $out/etc; printf '%s' \"$text\" > $out/etc/packages.conf" ];
  };

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
