# Revision 1 of the demo: the system installed on the tiny host. Sizes in MiB.
{
  version = "26.05";
  packages = {
    glibc = { version = "2.39"; mib = 4; };
    openssl = { version = "3.0.13"; mib = 2; deps = [ "glibc" ]; };
    curl = { version = "8.6.0"; mib = 1; deps = [ "openssl" "glibc" ]; };
    git = { version = "2.44.0"; mib = 3; deps = [ "curl" "glibc" ]; };
    htop = { version = "3.3.0"; mib = 1; deps = [ "glibc" ]; };
    firefox = { version = "124.0"; mib = 9; deps = [ "openssl" "glibc" ]; };
  };
}
