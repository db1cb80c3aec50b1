# Inchworm as a Nixpkgs package: `pkgs.callPackage ./nix/package.nix { }` (the flake's overlay
# does this). Built with Maven from this repository; the wrapper pins JDK 17 and puts the tools the
# runtime calls on the PATH, so a systemd unit needs nothing else.
{
  lib,
  maven,
  jdk17_headless,
  makeWrapper,
  nix,
  git,
  util-linux,
  systemd,
  # Maven's dependencies are fetched in a fixed-output derivation; the first build with the fake
  # hash fails and prints the real one (see docs/install.md).
  mvnHash ? lib.fakeHash,
}:

let
  version = "0.1.0";
  # Maven on the same JDK the wrapper runs: the CDS archive the build writes must match it.
  maven17 = maven.override { jdk_headless = jdk17_headless; };
in
maven17.buildMavenPackage {
  pname = "inchworm";
  inherit version mvnHash;

  src = lib.cleanSourceWith {
    src = ../.;
    filter = path: type: !(lib.hasSuffix "/target" path) && baseNameOf path != "result";
  };

  # The end-to-end tests need root, private mount namespaces and a real Nix store: not in a
  # build sandbox. The unit tests run.
  mvnParameters = "-DskipITs";

  nativeBuildInputs = [ makeWrapper ];

  installPhase = ''
    runHook preInstall
    mkdir -p $out/share/inchworm $out/bin
    tar -xzf dist/target/inchworm-${version}.tar.gz -C $out/share/inchworm --strip-components=1
    makeWrapper $out/share/inchworm/bin/inchworm $out/bin/inchworm \
      --set JAVA_HOME ${jdk17_headless} \
      --prefix PATH : ${lib.makeBinPath [ nix git util-linux systemd ]}
    # The class data archive the Maven build wrote names the jars where they were built; Java
    # ignores it for jars at another path or with another modification time, and the store gives
    # every file the time 1 s after the epoch. So the jars get that time here and the launcher
    # writes the archive again, from the same run the build used (docs/benchmarks.md, AppCDS).
    find $out/share/inchworm -name '*.jar' -exec touch --date=@1 {} +
    INCHWORM_CDS_DUMP=1 $out/bin/inchworm config validate $out/share/inchworm/examples/tiny-vps.yaml \
      > cds-dump.log 2>&1 || { cat cds-dump.log; exit 1; }
    runHook postInstall
  '';

  meta = {
    description = "Upgrades small NixOS hosts in steps that fit on their disk";
    platforms = lib.platforms.linux;
    mainProgram = "inchworm";
  };
}
