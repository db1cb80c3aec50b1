# One revision of a tiny package set standing in for nixpkgs. `v` gives each package's
# version, `names` the system's packages; no fixpoint, so taking a package from another
# revision takes it whole, with its own dependencies (what a unit is).
{ v, names, toolOutputs ? [ "out" "bin" "man" ] }:
let
  mk = { pname, deps ? [ ], outputs ? [ "out" ] }: derivation {
    name = "${pname}-${v.${pname}}";
    inherit outputs deps;
    system = "x86_64-linux";
    builder = "/bin/sh";
    PATH = "/usr/bin:/bin";
    args = [ "-c" ''
      for o in $outputs; do eval "mkdir -p \$$o/bin"; done
      printf '#!/bin/sh\necho ${pname} ${v.${pname}}\n' > $out/bin/${pname}
      chmod +x $out/bin/${pname}
      echo "$deps" > $out/deps
    '' ];
  };
  self = {
    inherit names;
    libfoo = mk { pname = "libfoo"; };
    appA = mk { pname = "appA"; deps = [ self.libfoo ]; };
    appB = mk { pname = "appB"; deps = [ self.libfoo ]; };
    leaf1 = mk { pname = "leaf1"; };
    leaf2 = mk { pname = "leaf2"; };
    leaf3 = mk { pname = "leaf3"; };
    tool = mk { pname = "tool"; outputs = toolOutputs; };
    kernel = mk { pname = "kernel"; };
    newpkg = mk { pname = "newpkg"; };
    oldpkg = mk { pname = "oldpkg"; };
  };
in
self
