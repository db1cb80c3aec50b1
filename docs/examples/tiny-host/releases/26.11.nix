# Revision 2 of the demo: what `inchworm upgrade` goes to. firefox and curl are new versions;
# git depends on curl, so it is rebuilt too; the rest stays.
{
  version = "26.11";
  packages = {
    glibc = { version = "2.39"; mib = 4; };
    openssl = { version = "3.0.13"; mib = 2; deps = [ "glibc" ]; };
    curl = { version = "8.7.1"; mib = 1; deps = [ "openssl" "glibc" ]; };
    git = { version = "2.44.0"; mib = 3; deps = [ "curl" "glibc" ]; };
    htop = { version = "3.3.0"; mib = 1; deps = [ "glibc" ]; };
    firefox = { version = "125.0"; mib = 11; deps = [ "openssl" "glibc" ]; };
  };
}
