# One package of the synthetic set: `size` bytes of incompressible data, runtime references
# written into the output, build-time inputs read but not referenced (see build-package.sh).
{ pname, version, size, dependencies ? [ ], buildDependencies ? [ ], devSize ? 0, source ? null
, broken ? false }:
derivation {
  name = "${pname}-${version}";
  inherit pname version dependencies buildDependencies;
  # a flake evaluates purely, without currentSystem: the kit's machines are x86_64-linux
  system = builtins.currentSystem or "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" (builtins.readFile ./build-package.sh) ];
  outputs = if devSize > 0 then [ "out" "dev" ] else [ "out" ];
  size = toString size;
  devSize = toString devSize;
  source = if source == null then "" else source;
  broken = if broken then "1" else "";
}
