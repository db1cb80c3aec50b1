# The flake's outputs, with a stand-in for its nixpkgs input.
{ nixpkgsLib }:
let
  lib = import (nixpkgsLib + "/lib");
  stubs = import ./stubs.nix { inherit lib; };
  callPackage = fn: args: { calledWith = toString fn; };
  nixpkgs = { inherit lib; legacyPackages = lib.genAttrs [ "x86_64-linux" "aarch64-linux" ] (_: { inherit callPackage; }); };
  flake = import ../../../../flake.nix;
  outputs = flake.outputs { self = outputs; inherit nixpkgs; };
in
{
  packages = lib.mapAttrs (_: p: p.default.calledWith) outputs.packages;
  overlay = (outputs.overlays.default { inherit callPackage; } { }).inchworm.calledWith;
  module = map toString outputs.nixosModules.default.imports;
  moduleOverlays = builtins.length outputs.nixosModules.default.nixpkgs.overlays;
}
