# Revision 2 of scripts/demo-stepping: blender and gimp bumped at once. Building both at once
# needs both new packages and both sources (36 MiB); one at a time, the biggest step needs
# 24 MiB: the disk of the demo has room for the second, not the first.
{
  version = "26.11";
  packages = {
    glibc = { version = "2.39"; mib = 4; };
    openssl = { version = "3.0.13"; mib = 2; deps = [ "glibc" ]; };
    curl = { version = "8.6.0"; mib = 1; deps = [ "openssl" "glibc" ]; };
    htop = { version = "3.3.0"; mib = 1; deps = [ "glibc" ]; };
    blender = { version = "4.2"; mib = 8; deps = [ "glibc" ];
      source = { mib = 12; sha256 = "2c5d15d2f95d829590507c05754491a47432809d62cdbd4fb73b351eb8c0b475"; }; };
    gimp = { version = "2.11"; mib = 6; deps = [ "glibc" ];
      source = { mib = 10; sha256 = "ecb497da6d4bbdf38dd73afd989218de4aee83feb15384950e035d0d9ac7406e"; }; };
  };
}
