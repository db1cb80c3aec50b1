package dev.inchworm.runtime.config;

import dev.inchworm.api.ByteSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.SwitchAction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileReaderTest {

    @TempDir
    Path tmp;

    private final ProfileReader reader = new ProfileReader();

    static final String FULL = """
            host: vps-1
            system:
              repository: /var/lib/inchworm/nixpkgs
              expression: nixos/default.nix
              attribute: system
              args: {configuration: ./host.nix, fast: true}
            nix:
              profile: /nix/var/nix/profiles/system
              options: {max-jobs: 1, sandbox: "false"}
              environment: {NIX_REMOTE: local}
              prefix: [nsenter, -t, "1234", -m, --]
            switch: boot
            stateDir: /var/lib/inchworm
            pluginsDir: /var/lib/inchworm/plugins
            strategies: [ {id: package-stepping, settings: {batch: 4}}, {id: full-rebuild} ]
            probe: {id: statvfs, settings: {path: /nix/store, boot: /boot}}
            rollback: {id: generation}
            reclaimers: [ {id: gc}, journald-trim ]
            provisioners: []
            engine: {reserve: 64MiB, onInterrupted: rollback}
            """;

    private Path write(String name, String content) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private ProfileException error(String yaml) throws IOException {
        Path file = write("bad.yaml", yaml);
        return assertThrows(ProfileException.class, () -> reader.read(file));
    }

    @Test
    void readsEveryKey() throws IOException {
        HostProfile p = reader.read(write("vps-1.yaml", FULL));
        assertEquals("vps-1", p.host());
        assertEquals(Path.of("/var/lib/inchworm/nixpkgs"), p.system().repository());
        assertEquals("nixos/default.nix", p.system().expression());
        assertEquals("system", p.system().attribute());
        assertEquals(Map.of("configuration", "./host.nix", "fast", true), p.system().args());
        assertFalse(p.system().flake());
        assertEquals(Map.of("max-jobs", "1", "sandbox", "false"), p.nix().options());
        assertEquals(Map.of("NIX_REMOTE", "local"), p.nix().environment());
        assertEquals(List.of("nsenter", "-t", "1234", "-m", "--"), p.nix().prefix());
        assertEquals(SwitchAction.BOOT, p.switchAction());
        assertEquals(Optional.of(Path.of("/var/lib/inchworm/plugins")), p.pluginsDir());
        assertEquals(List.of("package-stepping", "full-rebuild"), p.strategies().stream().map(Selection::id).toList());
        assertEquals(4, p.strategies().get(0).settings().get("batch").asInt());
        assertEquals(15, p.strategies().get(0).location().line());
        assertEquals("/boot", p.probe().settings().get("boot").asText());
        assertEquals(List.of("gc", "journald-trim"), p.reclaimers().stream().map(Selection::id).toList());
        assertEquals(List.of(), p.provisioners());
        assertEquals(new EngineConfig(64L << 20, EngineConfig.Interrupted.ROLLBACK), p.engine());
    }

    @Test
    void appliesDefaults() throws IOException {
        HostProfile p = reader.read(write("min.yml", """
                host: tiny
                system: {repository: src, expression: default.nix, attribute: system}
                """));
        assertEquals(tmp.resolve("src"), p.system().repository(), "relative to the profile's folder");
        assertEquals(Path.of("/nix/var/nix/profiles/system"), p.nix().profile());
        assertEquals(SwitchAction.SWITCH, p.switchAction());
        assertEquals(Path.of("/var/lib/inchworm"), p.stateDir());
        assertEquals(Optional.empty(), p.pluginsDir());
        assertEquals("statvfs", p.probe().id());
        assertEquals("/nix/store", p.probe().settings().get("path").asText());
        assertEquals("generation", p.rollback().id());
        assertEquals(List.of("full-rebuild"), p.strategies().stream().map(Selection::id).toList());
        assertEquals(List.of("gc"), p.reclaimers().stream().map(Selection::id).toList());
        assertEquals(List.of(), p.provisioners());
        assertEquals(EngineConfig.defaults(), p.engine());
    }

    @Test
    void readsJsonAndFlakes() throws IOException {
        HostProfile p = reader.read(write("h.json", """
                {"host": "j", "system": {"repository": "/etc/nixos", "attribute": "nixosConfigurations.j",
                 "flake": true, "overrideInput": "nixpkgs"}, "engine": {"reserve": 1048576}}
                """));
        assertTrue(p.system().flake());
        assertEquals(Optional.of("nixpkgs"), p.system().overrideInput());
        assertEquals(1048576, p.engine().reserveBytes());
    }

    @Test
    void aFlakeReferenceNamesTheHostsFlakeItsToplevelAndTheNixpkgsInput() throws IOException {
        HostProfile p = reader.read(write("f.yaml", """
                host: vps-1
                system: {repository: /var/lib/inchworm/nixpkgs, flake: "/etc/nixos#vps-1"}
                """));
        assertTrue(p.system().flake());
        assertEquals("/etc/nixos", p.system().expression());
        assertEquals("nixosConfigurations.vps-1.config.system.build.toplevel", p.system().attribute());
        assertEquals(Optional.of("nixpkgs"), p.system().overrideInput());

        HostProfile relative = reader.read(write("g.yaml", """
                host: vps-1
                system: {repository: /r, flake: "hosts#web.1", overrideInput: pkgs, attribute: packages.x.y}
                """));
        assertEquals(tmp.resolve("hosts").toString(), relative.system().expression(), "resolved against the profile");
        assertEquals("packages.x.y", relative.system().attribute());
        assertEquals(Optional.of("pkgs"), relative.system().overrideInput());
        HostProfile url = reader.read(write("u.yaml", "host: h\nsystem: {repository: /r, flake: \"github:me/hosts#web.1\"}\n"));
        assertEquals("github:me/hosts", url.system().expression());
        assertEquals("nixosConfigurations.\"web.1\".config.system.build.toplevel", url.system().attribute());

        ProfileException both = error("host: h\nsystem: {repository: /r, flake: \"/etc/nixos#h\", expression: x.nix}\n");
        assertEquals("system.expression", both.keyPath());
        ProfileException noHost = error("host: h\nsystem: {repository: /r, flake: \"/etc/nixos\"}\n");
        assertEquals("system.flake", noHost.keyPath());
        assertTrue(noHost.getMessage().contains("PATH#HOST"), noHost.getMessage());
    }

    @Test
    void readsARemoteSystemSource() throws IOException {
        HostProfile p = reader.read(write("r.yaml", """
                host: r
                system: {repository: /var/lib/inchworm/nixpkgs, remote: "https://github.com/NixOS/nixpkgs",
                         branch: nixos-24.05, fetchDepth: 200, expression: nixos/default.nix, attribute: system}
                """));
        assertEquals(Optional.of("https://github.com/NixOS/nixpkgs"), p.system().remote());
        assertEquals("nixos-24.05", p.system().branch());
        assertEquals(200, p.system().fetchDepth());
        HostProfile plain = reader.read(write("p.yaml", "host: p\nsystem: {repository: /r, expression: e.nix, attribute: system}\n"));
        assertEquals(Optional.empty(), plain.system().remote());
        assertEquals(SystemConfig.DEFAULT_BRANCH, plain.system().branch());
        assertEquals(SystemConfig.DEFAULT_FETCH_DEPTH, plain.system().fetchDepth());
    }

    @Test
    void readsAClassicHostAndActivationSettings() throws IOException {
        HostProfile p = reader.read(write("c.yaml", """
                host: c
                system: {repository: /var/lib/inchworm/nixpkgs, nixosConfig: /etc/nixos/configuration.nix, attribute: system}
                nix: {systemdRun: /run/current-system/sw/bin/systemd-run, installBootloader: true, specialisation: quiet}
                """));
        assertEquals(Optional.of("/etc/nixos/configuration.nix"), p.system().nixosConfig());
        assertEquals("nixos/default.nix", p.system().expression(), "<nixpkgs/nixos>");
        assertEquals("/run/current-system/sw/bin/systemd-run", p.nix().systemdRun());
        assertTrue(p.nix().installBootloader());
        assertEquals(Optional.of("quiet"), p.nix().specialisation());
        HostProfile plain = reader.read(write("p.yaml", "host: p\nsystem: {repository: /r, expression: e.nix, attribute: system}\n"));
        assertEquals(NixConfig.SYSTEMD_RUN_AUTO, plain.nix().systemdRun());
        assertFalse(plain.nix().installBootloader());
        assertEquals("nix.systemdRun", error("host: h\nsystem: {repository: /r, expression: e, attribute: s}\n"
                + "nix: {systemdRun: sometimes}\n").keyPath());
        assertEquals("system.nixosConfig", error("host: h\nsystem: {repository: /r, attribute: s, flake: true,"
                + " nixosConfig: /etc/nixos/configuration.nix}\n").keyPath());
    }

    @Test
    void badRemoteSettingsAreNamed() throws IOException {
        assertEquals("system.branch", error("host: h\nsystem: {repository: /r, expression: e, attribute: s, branch: main}\n")
                .keyPath());
        ProfileException branch = error("host: h\nsystem: {repository: /r, remote: /g, expression: e, attribute: s,"
                + " branch: 'a b'}\n");
        assertTrue(branch.getMessage().contains("not a branch name: 'a b'"), branch.getMessage());
        assertEquals("system.remote", error("host: h\nsystem: {repository: /r, remote: '--upload-pack=x', expression: e,"
                + " attribute: s}\n").keyPath());
        ProfileException depth = error("host: h\nsystem: {repository: /r, remote: /g, fetchDepth: 0, expression: e,"
                + " attribute: s}\n");
        assertEquals("system.fetchDepth", depth.keyPath());
    }

    @Test
    void unknownKeyNamesLineColumnKeyAndAllowedKeys() throws IOException {
        ProfileException e = error("""
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                nix:
                  optons: {}
                """);
        assertEquals("nix.optons", e.keyPath());
        assertEquals(4, e.location().line());
        assertEquals(3, e.location().column());
        assertTrue(e.getMessage().startsWith(tmp.resolve("bad.yaml") + ":4:3: nix.optons: unknown key 'optons'; "
                + "allowed keys: profile, options, environment, prefix"), e.getMessage());
    }

    @Test
    void unknownTopLevelKeyListsTheProfileKeys() throws IOException {
        ProfileException e = error("""
                host: h
                sytem: {}
                """);
        assertEquals(2, e.location().line());
        assertTrue(e.getMessage().contains("allowed keys: host, system, nix, switch, stateDir, pluginsDir, strategies, "
                + "probe, rollback, reclaimers, provisioners, engine"), e.getMessage());
    }

    @Test
    void wrongTypeNamesExpectedAndFound() throws IOException {
        ProfileException e = error("""
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                nix:
                  options: [a, b]
                """);
        assertEquals("nix.options", e.keyPath());
        assertEquals(4, e.location().line());
        assertTrue(e.getMessage().contains("wrong type: expected a mapping (key: value), found a list"), e.getMessage());

        ProfileException list = error("""
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                reclaimers: gc
                """);
        assertEquals("reclaimers", list.keyPath());
        assertEquals(3, list.location().line());
        assertTrue(list.getMessage().contains("expected a list of plugin selections"), list.getMessage());

        ProfileException bool = error("""
                host: h
                system: {repository: /r, expression: e.nix, attribute: system, flake: maybe}
                """);
        assertEquals("system.flake", bool.keyPath());
        assertEquals(2, bool.location().line());
        assertTrue(bool.getMessage().contains("expected true, false or the host's flake as PATH#HOST (e.g. "
                + "/etc/nixos#vps-1), found the string 'maybe'"), bool.getMessage());
    }

    @Test
    void missingRequiredKeysAreNamed() throws IOException {
        ProfileException host = error("""
                system: {repository: /r, expression: e.nix, attribute: system}
                """);
        assertEquals("host", host.keyPath());
        assertEquals(1, host.location().line());
        assertTrue(host.getMessage().contains("required key is missing"), host.getMessage());

        ProfileException expression = error("""
                host: h
                system:
                  repository: /r
                  attribute: system
                """);
        assertEquals("system.expression", expression.keyPath());
        assertEquals(2, expression.location().line());
        assertTrue(expression.getMessage().contains("or set flake: true"), expression.getMessage());
    }

    @Test
    void badEnumValuesListTheAllowedOnes() throws IOException {
        ProfileException e = error("""
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                switch: reboot
                """);
        assertEquals("switch", e.keyPath());
        assertEquals(3, e.location().line());
        assertTrue(e.getMessage().contains("unknown value 'reboot'; allowed values: switch, boot, test, dry-activate"),
                e.getMessage());

        ProfileException engine = error("""
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                engine:
                  reserve: 32MiB
                  onInterrupted: ignore
                """);
        assertEquals(5, engine.location().line());
        assertTrue(engine.getMessage().contains("allowed values: resume, rollback"), engine.getMessage());
    }

    @Test
    void badSizesSayWhatASizeLooksLike() throws IOException {
        ProfileException e = error("""
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                engine: {reserve: lots}
                """);
        assertEquals("engine.reserve", e.keyPath());
        assertEquals(3, e.location().line());
        assertTrue(e.getMessage().contains("64MiB"), e.getMessage());
    }

    @Test
    void badSelectionsAreNamed() throws IOException {
        ProfileException e = error("""
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                reclaimers:
                  - id: gc
                  - idd: journald-trim
                """);
        assertEquals("reclaimers[1].idd", e.keyPath());
        assertEquals(5, e.location().line());
        assertTrue(e.getMessage().contains("allowed keys: id, settings"), e.getMessage());

        ProfileException twice = error("""
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                reclaimers: [gc, gc]
                """);
        assertTrue(twice.getMessage().contains("'gc' is selected twice"), twice.getMessage());
    }

    @Test
    void syntaxErrorsAndDuplicateKeysHaveALocation() throws IOException {
        ProfileException e = error("""
                host: h
                system: {repository: /r
                """);
        assertTrue(e.location().line() >= 2, e.getMessage());
        assertTrue(e.getMessage().contains("syntax error"), e.getMessage());

        ProfileException dup = error("""
                host: h
                host: g
                """);
        assertEquals(2, dup.location().line());
        assertTrue(dup.getMessage().contains("'host' appears twice"), dup.getMessage());
    }

    @Test
    void fileProblemsAreProfileErrorsToo() throws IOException {
        Path toml = write("h.toml", "host = 1");
        assertTrue(assertThrows(ProfileException.class, () -> reader.read(toml)).getMessage()
                .contains("a host profile ends in .yaml, .yml (YAML) or .json (JSON)"));
        Path missing = tmp.resolve("missing.yaml");
        assertEquals(missing + ": no such file",
                assertThrows(ProfileException.class, () -> reader.read(missing)).getMessage());
        Path empty = write("empty.yaml", "");
        assertTrue(assertThrows(ProfileException.class, () -> reader.read(empty)).getMessage().contains("empty"));
    }

    @Test
    void jsonErrorsHaveLocationsToo() throws IOException {
        Path file = write("h.json", """
                {"host": "j",
                 "system": {"repository": "/r", "expression": "e.nix", "attribute": "s"},
                 "nix": {"prefix": "nsenter"}}
                """);
        ProfileException e = assertThrows(ProfileException.class, () -> reader.read(file));
        assertEquals("nix.prefix", e.keyPath());
        assertEquals(3, e.location().line());
        assertTrue(e.getMessage().contains("expected a list, found the string 'nsenter'"), e.getMessage());
    }

    @Test
    void sizes() {
        assertEquals(64L << 20, ByteSize.parse("64MiB"));
        assertEquals(3L << 29, ByteSize.parse("1.5GiB"));
        assertEquals(512L << 20, ByteSize.parse("512M"));
        assertEquals(1000, ByteSize.parse("1000"));
        assertEquals(2048, ByteSize.parse("2k"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("12 apples"));
        assertEquals("1.5 GiB", ByteSize.format(3L << 29));
        assertEquals("512 B", ByteSize.format(512));
    }

    @Test
    void keepInitialNeverWithTheGenerationRollbackIsRefused() throws IOException {
        ProfileException e = error("""
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                engine: {keepInitial: never}
                """);
        assertTrue(e.getMessage().contains("engine.keepInitial") && e.getMessage().contains("retrace"), e.getMessage());
        ProfileException unknown = error("""
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                engine: {keepInitial: sometimes}
                """);
        assertTrue(unknown.getMessage().contains("allowed values: auto, always, never"), unknown.getMessage());
    }

    @Test
    void theLiveSystemLinksDefaultToNixOSsAndCanBePointed() throws IOException {
        HostProfile defaults = reader.read(write("d.yaml", """
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                """));
        assertEquals(NixConfig.DEFAULT_BOOTED_SYSTEM, defaults.nix().bootedSystem());
        assertEquals(NixConfig.DEFAULT_CURRENT_SYSTEM, defaults.nix().currentSystem());
        assertEquals(EngineConfig.KeepInitial.AUTO, defaults.engine().keepInitial());
        HostProfile pointed = reader.read(write("p.yaml", """
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                nix: {bootedSystem: /s/booted-system, currentSystem: /s/current-system}
                rollback: {id: retrace}
                engine: {keepInitial: never}
                """));
        assertEquals(Path.of("/s/booted-system"), pointed.nix().bootedSystem());
        assertEquals(Path.of("/s/current-system"), pointed.nix().currentSystem());
        assertEquals(EngineConfig.KeepInitial.NEVER, pointed.engine().keepInitial());
    }
}
