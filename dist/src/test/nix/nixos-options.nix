# The few NixOS options nix/module.nix sets, declared loosely: the real NixOS module set is not
# available here, only the Nixpkgs library. The module system checks the module's own options.
{ lib, ... }:
let
  inherit (lib) mkOption types;
  units = mkOption { type = types.attrsOf (types.attrsOf types.anything); default = { }; };
in
{
  options = {
    networking.hostName = mkOption { type = types.str; default = "nixos"; };
    nix.package = mkOption { type = types.anything; };
    systemd.package = mkOption { type = types.anything; };
    systemd.services = units;
    systemd.timers = units;
    environment.etc = mkOption {
      type = types.attrsOf (types.submodule { options.source = mkOption { type = types.anything; }; });
      default = { };
    };
  };
}
