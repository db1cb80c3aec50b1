# A system over a package set, shaped like NixOS: cheap aggregators (a buildEnv-like
# system-path, an etc embedding store paths as text, a unit file under it) under a toplevel
# that carries bin/switch-to-configuration.
pkgs:
let
  cheap = {
    system = "x86_64-linux";
    builder = "/bin/sh";
    PATH = "/usr/bin:/bin";
    preferLocalBuild = true;
    allowSubstitutes = false;
  };
  writeText = name: text: derivation (cheap // {
    inherit name text;
    args = [ "-c" "printf '%s' \"$text\" > $out" ];
  });
  systemPath = derivation (cheap // {
    name = "system-path";
    paths = map (n: pkgs.${n}) pkgs.names;
    # Read at evaluation time: a tool with a doc output changes this aggregator's inputs.
    extraBins = [ pkgs.tool.bin ] ++ (if pkgs.tool ? doc then [ pkgs.tool.doc ] else [ ]);
    args = [ "-c" ''
      mkdir -p $out/bin
      for p in $paths $extraBins; do
        for f in $p/bin/*; do if [ -e "$f" ]; then ln -sf "$f" $out/bin/; fi; done
      done
    '' ];
  });
  appService = writeText "appA.service" "[Service]\nExecStart=${pkgs.appA}/bin/appA\n";
  etc = derivation (cheap // {
    name = "etc";
    units = [ appService ];
    motd = "welcome: ${pkgs.leaf1}/bin/leaf1, manual in ${pkgs.tool.man}\n";
    args = [ "-c" ''
      mkdir -p $out
      for u in $units; do ln -s "$u" $out/; done
      printf '%s' "$motd" > $out/motd
    '' ];
  });
in
derivation (cheap // {
  name = "nixos-system-test";
  inherit systemPath etc;
  kernelParams = "init=${pkgs.kernel}/bin/kernel quiet";
  args = [ "-c" ''
    mkdir -p $out/bin
    ln -s $systemPath $out/sw
    ln -s $etc $out/etc
    echo "$kernelParams" > $out/kernel-params
    printf '#!/bin/sh\necho "$@" >> /tmp/switch-to-configuration.log\n' > $out/bin/switch-to-configuration
    chmod +x $out/bin/switch-to-configuration
  '' ];
})
