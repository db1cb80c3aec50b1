# The example package set of scripts/demo and scripts/demo-stepping: a stand-in for nixpkgs,
# in plain Nix (no nixpkgs), small enough for a sandbox host of 64 MiB. Each revision of the
# demo's git repository holds this file, build.sh and a release.nix (copied from releases/);
# `-A system` is the toplevel.
#
# A package is NAME-VERSION holding MiB of random (incompressible) bytes and the store paths of
# its runtime dependencies (so Nix sees them as references); one with a `source` is built from
# a fixed-output source tarball, as nixpkgs builds from fetched sources. The toplevel links the packages
# and carries bin/switch-to-configuration, which records each activation in STATEDIR/switch.log.
{ stateDir ? "/tmp/inchworm-demo/state" }:
let
  release = import ./release.nix;
  package = name: spec: derivation ({
    name = "${name}-${spec.version}";
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ ./build.sh "package" ];
    mib = toString spec.mib;
    deps = map (dep: pkgs.${dep}) (spec.deps or [ ]);
  } // (if spec ? source then { source = source name spec; } else { }));
  # A fixed-output "source tarball" of source.mib MiB of known text (its sha256 in the release
  # file): needed while the package builds, garbage once it is built.
  source = name: spec: derivation {
    name = "${name}-${spec.version}.tar";
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ "-c" "export PATH=/usr/bin:/bin; yes \"$line\" | head -c $((mib * 1048576)) > \"$out\"" ];
    line = "${name}-${spec.version} source";
    mib = toString spec.source.mib;
    outputHashMode = "flat";
    outputHashAlgo = "sha256";
    outputHash = spec.source.sha256;
  };
  pkgs = builtins.mapAttrs package release.packages;
  system = derivation {
    name = "nixos-system-demo-${release.version}";
    system = builtins.currentSystem;
    builder = "/bin/sh";
    args = [ ./build.sh "toplevel" ];
    packages = builtins.attrValues pkgs;
    inherit stateDir;
    version = release.version;
  };
in
{
  inherit system pkgs;
}
