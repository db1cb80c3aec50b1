# Recording stand-ins for the parts of Nixpkgs the module and the package function call: each
# returns what it was given, with a fake store path, so a test can look at the calls.
{ lib }:
let
  drv = name: { type = "derivation"; inherit name; outPath = "/nix/store/00000000000000000000000000000000-${name}"; };
in
{
  inherit drv;

  pkgs = {
    inchworm = drv "inchworm-0.1.0";
    jq = drv "jq";
    git = drv "git";
    util-linux = drv "util-linux";
    coreutils = drv "coreutils";
    writeText = name: text: drv name // { inherit text; };
    runCommand = name: env: script: drv name // { inherit env script; };
  };

  # for nix/package.nix
  packageArgs = {
    inherit lib;
    maven = {
      override = overrides: {
        overridden = overrides;
        buildMavenPackage = args: drv "${args.pname}-${args.version}" // { mavenOverrides = overrides; inherit args; };
      };
    };
    jdk17_headless = drv "openjdk-headless-17";
    makeWrapper = drv "make-wrapper-hook";
    nix = drv "nix";
    git = drv "git";
    util-linux = drv "util-linux";
    systemd = drv "systemd";
  };
}
