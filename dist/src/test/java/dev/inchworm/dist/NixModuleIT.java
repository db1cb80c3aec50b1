package dev.inchworm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * nix/module.nix, nix/package.nix and flake.nix evaluated for real by the Nixpkgs library's module
 * system (nixpkgs itself is not here: the NixOS options the module sets are declared loosely in
 * dist/src/test/nix/nixos-options.nix, and Nixpkgs' functions are recording stand-ins).
 */
class NixModuleIT {

    static final String HOST = """
            { services.inchworm = {
                enable = true;
                host = "vps-1";
                system.repository = "/var/lib/inchworm/nixpkgs";
                dates = "Sun 03:00";
                randomizedDelaySec = "45min";
                persistent = false;
                operation = "boot";
                strategies = [ "full-rebuild" "package-stepping" ];
                reclaimers = [ "gc" { id = "journald-trim"; settings = { keep = "32MiB"; maxAge = "1month"; }; } ];
                provisioners = [ { id = "swap-file"; settings.size = "2GiB"; } ];
                settings.engine.reserve = "64MiB";
                %s
              }; }
            """;

    @TempDir
    Path tmp;

    final ObjectMapper json = new ObjectMapper();

    JsonNode host(String extra) throws Exception {
        return NixEval.module(tmp, HOST.formatted(extra)).json();
    }

    @Test
    void theServiceRunsOneUpgradeAndSurvivesTheSwitchItMakes() throws Exception {
        JsonNode service = host("").at("/services/inchworm");
        assertEquals(false, service.get("restartIfChanged").asBoolean(true));
        assertEquals(false, service.at("/unitConfig/X-StopOnRemoval").asBoolean(true));
        JsonNode unit = service.get("serviceConfig");
        assertEquals("oneshot", unit.get("Type").asText());
        assertEquals("inchworm", unit.get("StateDirectory").asText());
        assertEquals("5 6", unit.get("SuccessExitStatus").asText());
        assertTrue(unit.get("ExecStart").asText().matches("/nix/store/\\S+-inchworm-0.1.0/bin/inchworm upgrade "
                + "--profile /etc/inchworm/profile.json"), unit.get("ExecStart").asText());
        List<String> path = new ArrayList<>();
        service.get("path").forEach(p -> path.add(p.asText().replaceAll("^/nix/store/[0-9a-z]{32}-", "")));
        assertEquals(List.of("inchworm-0.1.0", "nix-2.28", "systemd-257", "git", "util-linux", "coreutils"), path);
    }

    @Test
    void theTimerHasAutoUpgradesScheduling() throws Exception {
        JsonNode timer = host("fixedRandomDelay = true;").at("/timers/inchworm");
        assertEquals("[\"timers.target\"]", timer.get("wantedBy").toString());
        JsonNode t = timer.get("timerConfig");
        assertEquals("Sun 03:00", t.get("OnCalendar").asText());
        assertEquals("45min", t.get("RandomizedDelaySec").asText());
        assertEquals(false, t.get("Persistent").asBoolean(true));
        assertEquals(true, t.get("FixedRandomDelay").asBoolean(false));
    }

    @Test
    void aBootUnitStartsTheServiceWhenARunIsUnfinished() throws Exception {
        JsonNode unit = host("").at("/services/inchworm-continue");
        assertEquals("[\"multi-user.target\"]", unit.get("wantedBy").toString());
        assertEquals("oneshot", unit.at("/serviceConfig/Type").asText());
        assertEquals(false, unit.get("restartIfChanged").asBoolean(true));
        String script = unit.get("script").asText();
        assertTrue(script.contains("inchworm status --profile /etc/inchworm/profile.json --json")
                && script.contains(".unfinishedRun != null")
                && script.contains("systemctl start --no-block inchworm.service"), script);
    }

    @Test
    void theProfileIsJsonThatTheCliAcceptsAndIsCheckedAtBuildTime() throws Exception {
        JsonNode eval = host("");
        JsonNode profile = json.readTree(eval.get("profileText").asText());
        assertEquals("vps-1", profile.get("host").asText());
        assertEquals("boot", profile.get("switch").asText());
        assertEquals("/var/lib/inchworm", profile.get("stateDir").asText());
        assertEquals("/var/lib/inchworm/nixpkgs", profile.at("/system/repository").asText());
        assertEquals("nixos/default.nix", profile.at("/system/expression").asText());
        assertEquals("[{\"id\":\"full-rebuild\"},{\"id\":\"package-stepping\"}]", profile.get("strategies").toString());
        assertEquals("32MiB", profile.at("/reclaimers/1/settings/keep").asText());
        assertEquals("2GiB", profile.at("/provisioners/0/settings/size").asText());
        assertEquals("64MiB", profile.at("/engine/reserve").asText());
        assertTrue(profile.get("nonVital") == null, "no nonVital key unless units are tagged");
        JsonNode tagged = json.readTree(host("nonVital = [ \"texlive\" \"gimp\" ];").get("profileText").asText());
        assertEquals("[\"texlive\",\"gimp\"]", tagged.get("nonVital").toString());

        Path file = tmp.resolve("profile.json");
        Files.writeString(file, eval.get("profileText").asText());
        Dist.Result r = Dist.run(tmp, "config", "validate", file.toString());
        assertEquals(0, r.code(), r.out() + r.err());

        JsonNode source = eval.get("profileSource");
        assertEquals("inchworm-profile.json", source.get("name").asText());
        assertTrue(source.at("/env/nativeBuildInputs/0").asText().endsWith("-inchworm-0.1.0"), source.toString());
        assertTrue(source.get("script").asText().contains("inchworm config validate profile.json\ncp profile.json $out"),
                source.toString());
    }

    @Test
    void aFlakeReferenceIsPassedOnForTheCliToDeriveTheAttributeAndInputFrom() throws Exception {
        JsonNode profile = json.readTree(host("system.flake = \"/etc/nixos#vps-1\";").get("profileText").asText());
        assertEquals("/etc/nixos#vps-1", profile.at("/system/flake").asText());
        assertTrue(profile.at("/system/attribute").isMissingNode() && profile.at("/system/expression").isMissingNode(),
                profile.toString());
        Path file = tmp.resolve("flake-profile.json");
        Files.writeString(file, profile.toString());
        Dist.Result r = Dist.run(tmp, "config", "validate", file.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("nixosConfigurations.vps-1.config.system.build.toplevel"), r.out());
        JsonNode plain = json.readTree(host("system.flake = true;").get("profileText").asText());
        assertEquals("nixosConfigurations.vps-1.config.system.build.toplevel", plain.at("/system/attribute").asText());
        assertTrue(plain.at("/system/expression").isMissingNode(), plain.toString());
        JsonNode overridden = json.readTree(host("system.flake = true; system.overrideInput = \"nixpkgs\"; "
                + "system.expression = \"/etc/nixos\";").get("profileText").asText());
        assertEquals("/etc/nixos", overridden.at("/system/expression").asText(), "the flake whose input is overridden");
    }

    @Test
    void allowRebootAndItsWindowBecomeTheEnginesRebootSettings() throws Exception {
        JsonNode profile = json.readTree(host("allowReboot = true; rebootWindow = { lower = \"01:00\"; upper = \"05:00\"; };")
                .get("profileText").asText());
        assertEquals("{\"allowed\":true,\"window\":{\"lower\":\"01:00\",\"upper\":\"05:00\"}}",
                profile.at("/engine/reboot").toString());
        assertEquals("64MiB", profile.at("/engine/reserve").asText());
        JsonNode without = json.readTree(host("").get("profileText").asText());
        assertTrue(without.at("/engine/reboot").isMissingNode(), without.toString());
    }

    @Test
    void metricsAndHooksBecomeTheProfilesKeys() throws Exception {
        JsonNode without = json.readTree(host("").get("profileText").asText());
        assertTrue(without.get("metrics") == null && without.get("hooks") == null, without.toString());
        JsonNode profile = json.readTree(host("metrics.enable = true; hooks = { afterRun = [ [ \"/bin/notify\" \"--to\" "
                + "\"admin\" ] ]; timeout = \"30s\"; };").get("profileText").asText());
        assertEquals("/var/lib/prometheus-node-exporter-text-files/inchworm.prom", profile.at("/metrics/textfile").asText());
        assertEquals("{\"afterRun\":[[\"/bin/notify\",\"--to\",\"admin\"]],\"timeout\":\"30s\"}",
                profile.get("hooks").toString());
        Path file = tmp.resolve("hooked.json");
        Files.writeString(file, profile.toString());
        Dist.Result r = Dist.run(tmp, "config", "validate", file.toString());
        assertEquals(0, r.code(), r.out() + r.err());
    }

    @Test
    void aDisabledModuleAddsNothing() throws Exception {
        JsonNode eval = NixEval.module(tmp, "{ services.inchworm.system.repository = \"/r\"; }").json();
        assertEquals("{}", eval.get("services").toString());
        assertEquals("{}", eval.get("timers").toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "operation = \"reboot\"; | A definition for option `services.inchworm.operation' is not of type",
        "rebootWindow = { lower = \"25:00\"; upper = \"05:00\"; }; | A definition for option `services.inchworm.rebootWindow.lower' is not of type",
        "strategies = [ ]; | A definition for option `services.inchworm.strategies' is not of type",
        "persistent = \"yes\"; | A definition for option `services.inchworm.persistent' is not of type",
        "reclaimers = [ { name = \"gc\"; } ]; | \".name' does not exist",
        "hooks.afterRun = [ \"notify admin\" ]; | A definition for option `services.inchworm.hooks.afterRun.\"[definition 1-entry 1]\"' is not of type",
        "metrics = { enable = true; textfile = \"inchworm.txt\"; }; | A definition for option `services.inchworm.metrics.textfile' is not of type"})
    void wrongValuesGetTheModuleSystemsError(String option, String words) throws Exception {
        NixEval.Result r = NixEval.module(tmp, "{ services.inchworm = { enable = true; system.repository = \"/r\"; "
                + option + " }; }");
        assertNotEquals(0, r.code(), r.out());
        assertTrue(r.err().contains(words), "'" + words + "' in: " + r.err());
    }

    @Test
    void thePackageIsAMavenBuildWrappedWithJdk17AndTheToolsOnThePath() throws Exception {
        JsonNode pkg = NixEval.eval("call-package.nix", tmp).json();
        assertEquals("inchworm-0.1.0", pkg.get("name").asText());
        assertEquals("openjdk-headless-17", pkg.get("mavenJdk").asText());
        JsonNode args = pkg.get("args");
        assertEquals(Dist.ROOT.toString(), args.get("src").asText());
        assertEquals("inchworm", args.get("mainProgram").asText());
        assertEquals("-DskipITs", args.get("mvnParameters").asText());
        String install = args.get("installPhase").asText();
        assertTrue(install.contains("tar -xzf dist/target/inchworm-0.1.0.tar.gz"), install);
        assertTrue(install.contains("--set JAVA_HOME /nix/store/00000000000000000000000000000000-openjdk-headless-17"), install);
        for (String tool : List.of("nix", "git", "util-linux", "systemd")) {
            assertTrue(install.contains("/nix/store/00000000000000000000000000000000-" + tool + "/bin"), tool + " in " + install);
        }
    }

    /**
     * The package's install phase run for real on the built tarball (Nixpkgs' setup hooks by
     * stand-ins: runHook does nothing, makeWrapper writes a wrapper that sets JAVA_HOME), then
     * every file given the store's modification time as Nix gives it when it registers the
     * output: the archive the phase writes is the one the installed launcher then maps.
     */
    @Test
    void theInstalledPackageWritesAClassDataArchiveTheStoreKeepsValid() throws Exception {
        String install = NixEval.eval("call-package.nix", tmp).json().get("args").get("installPhase").asText()
                .replace("/nix/store/00000000000000000000000000000000-openjdk-headless-17", System.getProperty("java.home"));
        Path build = Files.createDirectories(tmp.resolve("build/dist/target")).getParent().getParent();
        Files.copy(Dist.ROOT.resolve("dist/target/inchworm-0.1.0.tar.gz"),
                build.resolve("dist/target/inchworm-0.1.0.tar.gz"));
        Path out = tmp.resolve("out");
        String hooks = """
                set -eu
                runHook() { :; }
                makeWrapper() {
                    exe=$1 wrapper=$2; shift 2
                    { echo '#!/bin/bash'
                      while [ $# -gt 0 ]; do
                          case $1 in
                              --set) printf 'export %s=%q\n' "$2" "$3"; shift 3 ;;
                              --prefix) shift 4 ;;
                              *) echo "makeWrapper stand-in: unexpected $1" >&2; exit 1 ;;
                          esac
                      done
                      printf 'exec %q "$@"\n' "$exe"; } > "$wrapper"
                    chmod +x "$wrapper"
                }
                """;
        assertEquals(0, bash(build, Map.of("out", out.toString()), hooks + install), "the install phase");
        assertEquals(0, bash(build, Map.of(), "find \"$1\" -exec touch -h --date=@1 {} +", out.toString()));

        Path loaded = tmp.resolve("class-load.txt");
        Dist.Result validate = Dist.run(tmp, Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load:file=" + loaded),
                List.of(out.resolve("bin/inchworm").toString()), "config", "validate",
                out.resolve("share/inchworm/examples/tiny-vps.yaml").toString());
        assertEquals(0, validate.code(), validate.err());
        String classes = Files.readString(loaded);
        for (String name : List.of("dev.inchworm.runtime.cli.Main", "dev.inchworm.runtime.config.HostProfile",
                "com.fasterxml.jackson.databind.ObjectMapper")) {
            assertTrue(classes.contains("] " + name + " source: shared objects file (top)"), name + " from the archive");
        }
    }

    private static int bash(Path dir, Map<String, String> env, String script, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("bash", "-c", script, "bash"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).inheritIO();
        pb.environment().putAll(env);
        return pb.start().waitFor();
    }

    @Test
    void theFlakeExposesThePackageTheModuleAndAnOverlay() throws Exception {
        JsonNode flake = NixEval.eval("eval-flake.nix", tmp).json();
        String pkg = Dist.ROOT.resolve("nix/package.nix").toString();
        assertEquals(pkg, flake.at("/packages/x86_64-linux").asText());
        assertEquals(pkg, flake.at("/packages/aarch64-linux").asText());
        assertEquals(pkg, flake.get("overlay").asText());
        assertEquals("[\"" + Dist.ROOT.resolve("nix/module.nix") + "\"]", flake.get("module").toString());
        assertEquals(1, flake.get("moduleOverlays").asInt());
    }
}
