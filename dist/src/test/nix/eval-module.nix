# Evaluates nix/module.nix with the real Nixpkgs library and a host module (a file the test
# writes), as `nix-instantiate --eval --strict --json` prints it: the units, the timer, the
# /etc entry and the profile's text.
{ nixpkgsLib, host }:
let
  lib = import (nixpkgsLib + "/lib");
  stubs = import ./stubs.nix { inherit lib; };
  eval = extra: lib.evalModules {
    modules = [
      ./nixos-options.nix
      ../../../../nix/module.nix
      host
      extra
      {
        _module.args.pkgs = stubs.pkgs;
        nix.package = stubs.drv "nix-2.28";
        systemd.package = stubs.drv "systemd-257";
      }
    ];
  };
  config = (eval { }).config;
  unchecked = (eval { services.inchworm.validateProfile = lib.mkForce false; }).config;
  etc = config.environment.etc."inchworm/profile.json" or null;
in
{
  services = config.systemd.services;
  timers = config.systemd.timers;
  profileSource = if etc == null then null else {
    inherit (etc.source) name;
    env = etc.source.env or null;
    script = etc.source.script or null;
  };
  profileText = if etc == null then null else unchecked.environment.etc."inchworm/profile.json".source.text;
}
