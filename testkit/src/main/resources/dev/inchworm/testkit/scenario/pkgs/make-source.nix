# A fixed-output "source tarball": known text whose sha256 the test kit computed.
{ pname, version, size, sha256 }:
derivation {
  name = "${pname}-${version}.tar";
  # a flake evaluates purely, without currentSystem: the kit's machines are x86_64-linux
  system = builtins.currentSystem or "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "export PATH=/usr/bin:/bin; yes \"$line\" | head -c \"$size\" > \"$out\"" ];
  line = "${pname}-${version} source";
  size = toString size;
  outputHashMode = "flat";
  outputHashAlgo = "sha256";
  outputHash = sha256;
}
