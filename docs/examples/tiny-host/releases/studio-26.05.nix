# Revision 1 of scripts/demo-stepping: a small workstation with two big packages, each built
# from a big source tarball (sizes in MiB; the sha256 is that of the source's text, see
# default.nix).
{
  version = "26.05";
  packages = {
    glibc = { version = "2.39"; mib = 4; };
    openssl = { version = "3.0.13"; mib = 2; deps = [ "glibc" ]; };
    curl = { version = "8.6.0"; mib = 1; deps = [ "openssl" "glibc" ]; };
    htop = { version = "3.3.0"; mib = 1; deps = [ "glibc" ]; };
    blender = { version = "4.1"; mib = 8; deps = [ "glibc" ];
      source = { mib = 12; sha256 = "d30df054a1836500fe481fa5c4ba9fa3316415ae1798a68f2f886b6313ac6c08"; }; };
    gimp = { version = "2.10"; mib = 6; deps = [ "glibc" ];
      source = { mib = 10; sha256 = "e62d63dab02b0d2e7f2aab8c16d2a664023d66162be0be267b0c33853c0db3e8"; }; };
  };
}
