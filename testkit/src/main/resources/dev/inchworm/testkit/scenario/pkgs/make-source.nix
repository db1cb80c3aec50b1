# A fixed-output "source tarball": known text whose sha256 the test kit computed.
{ pname, version, size, sha256 }:
derivation {
  name = "${pname}-${version}.tar";
  system = builtins.currentSystem;
  builder = "/bin/sh";
  args = [ "-c" "export PATH=/usr/bin:/bin; yes \"$line\" | head -c \"$size\" > \"$out\"" ];
  line = "${pname}-${version} source";
  size = toString size;
  outputHashMode = "flat";
  outputHashAlgo = "sha256";
  outputHash = sha256;
}
