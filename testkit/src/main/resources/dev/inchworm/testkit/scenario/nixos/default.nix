# The system, shaped like <nixpkgs/nixos>: `nix-instantiate nixos/default.nix -A system`.
# Accepts (and ignores) any --arg/--argstr, as a host profile may pass some.
{ ... }:
let
  pkgs = import ../pkgs;
  configuration = import ./configuration.nix;
  # a classic host's own configuration.nix (-I nixos-config=FILE), as <nixpkgs/nixos> reads it;
  # it may import <nixpkgs> and add packages: { extraPackages = [ (import <nixpkgs/pkgs>).hello ]; }
  hostConfigs = builtins.filter (e: e.prefix == "nixos-config") builtins.nixPath;
  host = if hostConfigs == [ ] then { } else import (builtins.head hostConfigs).path;
  # a channel's files say their commit (.git-revision); NixOS appends it to the version
  gitRevision = if builtins.pathExists ../.git-revision then builtins.readFile ../.git-revision else "";
  layer = import ./system.nix {
    inherit (configuration) hostName stateDir;
    version = configuration.version
      + (if gitRevision == "" then "" else ".${builtins.substring 0 7 gitRevision}");
    systemPackages = map (name: pkgs.${name}) configuration.systemPackages ++ (host.extraPackages or [ ]);
    kernel = if configuration.kernel == null then null else pkgs.${configuration.kernel};
    services = map (name: pkgs.${name}) (configuration.services or [ ]);
    linkedOnly = configuration.linkedOnly or [ ];
  };
in {
  system = layer.toplevel;
  inherit pkgs configuration;
  inherit (layer) systemPath etc initrd;
}
