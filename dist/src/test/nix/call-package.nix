# Calls nix/package.nix with recording stand-ins for maven.buildMavenPackage and the rest.
{ nixpkgsLib }:
let
  lib = import (nixpkgsLib + "/lib");
  stubs = import ./stubs.nix { inherit lib; };
  result = import ../../../../nix/package.nix stubs.packageArgs;
  args = result.args;
in
{
  inherit (result) name;
  path = result.outPath;
  mavenJdk = result.mavenOverrides.jdk_headless.name;
  args = builtins.removeAttrs args [ "src" "meta" "nativeBuildInputs" ] // {
    src = toString args.src.origSrc;
    nativeBuildInputs = map (d: d.name) args.nativeBuildInputs;
    mainProgram = args.meta.mainProgram;
  };
}
