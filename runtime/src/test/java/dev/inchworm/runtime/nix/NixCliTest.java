package dev.inchworm.runtime.nix;

import dev.inchworm.api.host.Command;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.SwitchAction;
import dev.inchworm.runtime.config.NixConfig;
import dev.inchworm.runtime.exec.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import dev.inchworm.runtime.config.Timeouts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How NixCli puts commands together and reads what comes back, over a fake runner. */
class NixCliTest {

    private static final StorePath TOPLEVEL = new StorePath("/nix/store/rbf62mp8nkhfxc157k9m2kpqjmqgb035-app");
    private static final NixConfig CONFIG = new NixConfig(Path.of("/nix/var/nix/profiles/system"),
            Map.of("keep-build-log", "false", "cores", "1"), Map.of("NIX_REMOTE", "local"), List.of());

    @TempDir
    Path work;

    @Test
    void optionsFollowTheProgramAndTheEnvironmentIsAdded() {
        RecordingRunner runner = new RecordingRunner(c -> RecordingRunner.Answer.ok("3 store paths deleted, 1.00 MiB freed\n"));
        NixCli nix = new NixCli(runner, CONFIG, work);

        nix.collectGarbage(OptionalLong.of(4096));

        Command gc = runner.commands.get(0);
        assertEquals(List.of("nix-store", "--option", "cores", "1", "--option", "keep-build-log", "false",
                "--gc", "--max-freed", "4096"), gc.argv());
        assertEquals(Map.of("NIX_REMOTE", "local"), gc.environment());
        assertTrue(gc.onHost());
    }

    @Test
    void theNewCliGetsItsExperimentalFeature() {
        RecordingRunner runner = new RecordingRunner(c -> RecordingRunner.Answer.ok(
                "[{\"path\":\"" + TOPLEVEL + "\",\"narSize\":1,\"closureSize\":7,\"references\":[]}]"));
        NixCli nix = new NixCli(runner, CONFIG, work);

        assertEquals(7, nix.closureSize(TOPLEVEL));
        assertEquals(List.of("nix", "--extra-experimental-features", "nix-command", "--option", "cores", "1",
                "--option", "keep-build-log", "false", "path-info", "--json", "--closure-size", TOPLEVEL.path()),
                runner.commands.get(0).argv());
    }

    @Test
    void nixOlderThan28IsUnavailable() {
        NixCli nix = new NixCli(new RecordingRunner(c -> RecordingRunner.Answer.ok("nix-env (Nix) 2.3.16\n")), CONFIG, work);

        NixException e = assertThrows(NixException.class, nix::version);

        assertInstanceOf(NixFailure.NixUnavailable.class, e.failure());
        assertTrue(e.failure().detail().contains("2.3.16"), e.failure().detail());
    }

    @Test
    void nixMissingOnTheHostIsUnavailable() {
        // the prefix runs, the program it should start is not there: exit 127
        ProcessRunner runner = new ProcessRunner(List.of("env", "PATH=/nonexistent"), System.getenv(), work, 4096, 10);
        NixException viaPrefix = assertThrows(NixException.class, () -> new NixCli(runner, CONFIG, work).version());
        // the prefix itself cannot start
        ProcessRunner broken = new ProcessRunner(List.of("/nonexistent/nsenter"), System.getenv(), work, 4096, 10);
        NixException direct = assertThrows(NixException.class, () -> new NixCli(broken, CONFIG, work).version());

        assertInstanceOf(NixFailure.NixUnavailable.class, viaPrefix.failure());
        assertInstanceOf(NixFailure.NixUnavailable.class, direct.failure());
        assertEquals("/nonexistent/nsenter", direct.argv().get(0));
    }

    @Test
    void switchSayingNoSpaceLeftFailsEvenWithExitCodeZero() {
        RecordingRunner runner = new RecordingRunner(c -> new RecordingRunner.Answer(0, "",
                List.of("installing bootloader", "cp: error writing '/boot/kernels/x': No space left on device")));
        NixCli nix = new NixCli(runner, CONFIG, work);

        NixException e = assertThrows(NixException.class, () -> nix.switchToConfiguration(TOPLEVEL, SwitchAction.BOOT));

        assertInstanceOf(NixFailure.OutOfDisk.class, e.failure());
        assertEquals(List.of(TOPLEVEL + "/bin/switch-to-configuration", "boot"), runner.commands.get(0).argv());
    }

    @Test
    void eachKindOfNixCommandGetsItsTimeoutFromTheProfile() {
        RecordingRunner runner = new RecordingRunner(c -> RecordingRunner.Answer.ok(
                c.argv().contains("--outputs") ? TOPLEVEL + "\n"
                        : c.argv().contains("--gc") ? "0 store paths deleted, 0.00 MiB freed\n" : ""));
        Timeouts timeouts = new Timeouts(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(3),
                Duration.ofMinutes(4), Duration.ofMinutes(5));
        NixCli nix = new NixCli(runner, CONFIG.withTimeouts(timeouts), work);
        StorePath drv = new StorePath("/nix/store/a2s7rylazw3v1xajd1ldjwwn8wgdlba7-app.drv");

        nix.realise(drv, Optional.empty(), line -> { });
        nix.collectGarbage(java.util.OptionalLong.empty());
        assertEquals(Duration.ofMinutes(2), runner.commands.get(0).timeout(), "the build");
        assertEquals(Duration.ofMinutes(4), runner.commands.get(1).timeout(), "the query of its outputs");
        assertEquals(Duration.ofMinutes(3), runner.commands.get(2).timeout(), "the collection");
    }

    @Test
    void aValidPathIsAskedOnceUntilACollectionSaysItIsGone() {
        StorePath drv = new StorePath("/nix/store/a2s7rylazw3v1xajd1ldjwwn8wgdlba7-app.drv");
        java.util.concurrent.atomic.AtomicBoolean collected = new java.util.concurrent.atomic.AtomicBoolean();
        RecordingRunner runner = new RecordingRunner(c -> {
            if (c.argv().contains("--print-invalid")) {
                return RecordingRunner.Answer.ok(collected.get() ? TOPLEVEL + "\n" : "");
            }
            if (c.argv().contains("--check-validity")) {
                return collected.get() && c.argv().contains(TOPLEVEL.path())
                        ? new RecordingRunner.Answer(1, "", List.of("error: path '" + TOPLEVEL + "' is not valid"))
                        : RecordingRunner.Answer.ok("");
            }
            return RecordingRunner.Answer.ok(c.argv().contains("--gc") ? "0 store paths deleted, 0.00 MiB freed\n" : "");
        });
        NixCli nix = new NixCli(runner, new NixConfig(CONFIG.profile(), Map.of(), Map.of(), List.of()), work);

        assertTrue(nix.isValid(TOPLEVEL));
        assertTrue(nix.isValid(drv));
        int asked = runner.commands.size();
        assertTrue(nix.isValid(TOPLEVEL));
        assertTrue(nix.isValid(drv));
        assertEquals(asked, runner.commands.size(), "kept, not asked again");

        collected.set(true);
        nix.collectGarbage(OptionalLong.empty());
        List<String> check = runner.commands.get(runner.commands.size() - 1).argv();
        assertTrue(check.containsAll(List.of("--print-invalid", TOPLEVEL.path(), drv.path())),
                "the collection's check asks about the kept paths: " + check);
        int afterGc = runner.commands.size();
        assertFalse(nix.isValid(TOPLEVEL), "the collection said it is gone, so Nix is asked");
        assertTrue(nix.isValid(drv));
        assertEquals(afterGc + 1, runner.commands.size(), "only the collected path asked again");
    }

    @Test
    void aDerivationRootedByThisBackendIsNotRootedAgainWhileItsLinkStays() throws Exception {
        StorePath drv = new StorePath("/nix/store/a2s7rylazw3v1xajd1ldjwwn8wgdlba7-app.drv");
        StorePath other = new StorePath("/nix/store/b2s7rylazw3v1xajd1ldjwwn8wgdlba7-app.drv");
        Path root = work.resolve("roots/step-1.drv");
        java.nio.file.Files.createDirectories(root.getParent());
        RecordingRunner runner = new RecordingRunner(c -> {
            if (c.argv().contains("--add-root")) {
                try {
                    java.nio.file.Files.deleteIfExists(root);
                    java.nio.file.Files.createSymbolicLink(root, Path.of(drv.path()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return RecordingRunner.Answer.ok("");
        });
        NixCli nix = new NixCli(runner, new NixConfig(CONFIG.profile(), Map.of(), Map.of(), List.of()), work);

        nix.rootDerivation(drv, root);
        nix.rootDerivation(drv, root);
        assertEquals(1, runner.commands.size(), "rooted once");
        nix.rootDerivation(other, root);
        assertEquals(2, runner.commands.size(), "another derivation at that root is rooted");
        java.nio.file.Files.delete(root);
        nix.rootDerivation(other, root);
        assertEquals(3, runner.commands.size(), "a removed root is made again");
    }

    @Test
    void aDryRunIsKeptUntilABuildOrACollection() {
        StorePath drv = new StorePath("/nix/store/a2s7rylazw3v1xajd1ldjwwn8wgdlba7-app.drv");
        RecordingRunner runner = new RecordingRunner(c -> {
            if (c.argv().contains("--dry-run")) {
                return new RecordingRunner.Answer(0, "", List.of("these 1 derivations will be built:", "  " + drv));
            }
            if (c.argv().contains("--outputs")) {
                return RecordingRunner.Answer.ok(TOPLEVEL + "\n");
            }
            return RecordingRunner.Answer.ok(c.argv().contains("--gc") ? "0 store paths deleted, 0.00 MiB freed\n" : "");
        });
        NixCli nix = new NixCli(runner, new NixConfig(CONFIG.profile(), Map.of(), Map.of(), List.of()), work);
        java.util.function.IntSupplier dryRuns = () -> (int) runner.commands.stream()
                .filter(c -> c.argv().contains("--dry-run")).count();

        assertEquals(List.of(drv), nix.dryRun(drv).toBuild());
        assertEquals(List.of(drv), nix.dryRun(drv).toBuild());
        assertEquals(1, dryRuns.getAsInt(), "kept, not asked again");

        nix.realise(drv, Optional.empty(), line -> { });
        nix.dryRun(drv);
        assertEquals(2, dryRuns.getAsInt(), "a build makes paths valid: asked again");

        nix.collectGarbage(OptionalLong.empty());
        nix.dryRun(drv);
        assertEquals(3, dryRuns.getAsInt(), "a collection makes paths invalid: asked again");
    }

    @Test
    void theClosureWithOutputsOfDerivationsReadBeforeAsksOnlyTheOutputsValidity() {
        StorePath lib = new StorePath("/nix/store/qhdn6m2pybv2jnfbj7zd37ghk1qdlc9l-lib-1.drv");
        StorePath app = new StorePath("/nix/store/a2s7rylazw3v1xajd1ldjwwn8wgdlba7-app.drv");
        StorePath libOut = new StorePath("/nix/store/gcn0xw9pylk4yr6zhlfxrw3q5q65c47k-lib-1");
        String libText = "Derive([(\"out\",\"" + libOut + "\",\"\",\"\")],[],[],\"x86_64-linux\",\"/bin/sh\",[],[])";
        String appText = "Derive([(\"out\",\"" + TOPLEVEL + "\",\"\",\"\")],[(\"" + lib + "\",[\"out\"])],[],"
                + "\"x86_64-linux\",\"/bin/sh\",[],[])";
        RecordingRunner runner = new RecordingRunner(c -> {
            if (c.argv().get(0).equals("sh")) {
                return RecordingRunner.Answer.ok(libText.length() + " " + lib + "\n" + appText.length() + " " + app
                        + "\n\n" + libText + appText);
            }
            if (c.argv().contains("--print-invalid")) {
                return RecordingRunner.Answer.ok(TOPLEVEL + "\n"); // the app not built, its library is
            }
            return RecordingRunner.Answer.ok(c.argv().contains("--include-outputs")
                    ? lib + "\n" + libOut + "\n" + app + "\n" : lib + "\n" + app + "\n");
        });
        NixCli nix = new NixCli(runner, new NixConfig(CONFIG.profile(), Map.of(), Map.of(), List.of()), work);

        nix.forEachDerivation(nix.closure(app, false), (path, text) -> { });
        int asked = runner.commands.size();
        assertEquals(Set.of(lib, app, libOut), Set.copyOf(nix.closure(app, true)));
        assertEquals(List.of("nix-store", "--check-validity", "--print-invalid", libOut.path(), TOPLEVEL.path()),
                runner.commands.get(asked).argv());
        assertEquals(asked + 1, runner.commands.size(), "no --include-outputs");
        nix.closure(app, true);
        assertEquals(asked + 2, runner.commands.size(), "what is invalid is asked again, what is valid is not");
        assertEquals(List.of("nix-store", "--check-validity", "--print-invalid", TOPLEVEL.path()),
                runner.commands.get(asked + 1).argv());

        // Without the .drv files read, Nix is asked.
        NixCli unread = new NixCli(runner, new NixConfig(CONFIG.profile(), Map.of(), Map.of(), List.of()), work);
        unread.closure(app, false);
        assertEquals(Set.of(lib, app, libOut), Set.copyOf(unread.closure(app, true)));
        assertTrue(runner.commands.get(runner.commands.size() - 1).argv().contains("--include-outputs"));
    }

    @Test
    void outputPathsComeFromTheATermsFirstListAndAFloatingOutputKeepsNone() {
        assertEquals(Optional.of(List.of(new StorePath("/nix/store/2vixb94v0hy2xc6p7mbnxxcyc095yyia-has-multi-out-lib"),
                        new StorePath("/nix/store/55lwldka5nyxa08wnvlizyqw02ihy8ic-has-multi-out"))),
                dev.inchworm.api.nix.derivation.Aterm.outputPaths("Derive([(\"lib\",\"/nix/store/2vixb94v0hy2xc6p7mbnxxcyc095yyia-has-multi-out-lib\","
                        + "\"\",\"\"),(\"out\",\"/nix/store/55lwldka5nyxa08wnvlizyqw02ihy8ic-has-multi-out\",\"\",\"\")],"
                        + "[],[],\":\",\":\",[],[])", StorePath::new));
        assertEquals(Optional.of(List.of(new StorePath("/nix/store/55lwldka5nyxa08wnvlizyqw02ihy8ic-src.tar"))),
                dev.inchworm.api.nix.derivation.Aterm.outputPaths("Derive([(\"out\",\"/nix/store/55lwldka5nyxa08wnvlizyqw02ihy8ic-src.tar\","
                        + "\"sha256\",\"0a1b\")],[],[],\":\",\":\",[],[])", StorePath::new));
        assertEquals(Optional.empty(), dev.inchworm.api.nix.derivation.Aterm.outputPaths(
                "Derive([(\"out\",\"\",\"r:sha256\",\"\")],[],[],\":\",\":\",[],[])", StorePath::new));
        assertThrows(IllegalArgumentException.class,
                () -> dev.inchworm.api.nix.derivation.Aterm.outputPaths("not an aterm", StorePath::new));
    }

    @Test
    void realiseRootsTheResultOnlyWhenAsked() {
        RecordingRunner runner = new RecordingRunner(c -> RecordingRunner.Answer.ok(
                c.argv().contains("--outputs") ? TOPLEVEL + "\n" : ""));
        NixCli nix = new NixCli(runner, new NixConfig(CONFIG.profile(), Map.of(), Map.of(), List.of()), work);
        StorePath drv = new StorePath("/nix/store/a2s7rylazw3v1xajd1ldjwwn8wgdlba7-app.drv");

        nix.realise(drv, Optional.of(Path.of("/var/lib/inchworm/roots/step-1")), line -> { });
        nix.realise(drv, Optional.empty(), line -> { });

        assertEquals(List.of("nix-store", "--realise", drv.path(), "--add-root", "/var/lib/inchworm/roots/step-1"),
                runner.commands.get(0).argv());
        assertEquals(List.of("nix-store", "--realise", drv.path()), runner.commands.get(2).argv());
    }

    @Test
    void realiseRetriesOnceWhenNix28TripsOverAPartlyValidInput() {
        int[] realises = {0};
        RecordingRunner runner = new RecordingRunner(c -> {
            if (c.argv().contains("--outputs")) {
                return RecordingRunner.Answer.ok(TOPLEVEL + "\n");
            }
            return ++realises[0] == 1 ? new RecordingRunner.Answer(1, "", List.of("error: derivation "
                    + "'/nix/store/cdjvwgcfsg1qmh98sfqmh3i6al4xj3bs-curl-8.6.0.drv' requires non-existent output 'out' "
                    + "from input derivation '/nix/store/3ifbg0f8xbd5h6xq3s6gpscq5z3jkhpk-openssl-3.0.13.drv'"))
                    : RecordingRunner.Answer.ok("");
        });
        NixCli nix = new NixCli(runner, new NixConfig(CONFIG.profile(), Map.of(), Map.of(), List.of()), work);
        StorePath drv = new StorePath("/nix/store/a2s7rylazw3v1xajd1ldjwwn8wgdlba7-app.drv");

        assertEquals(List.of(TOPLEVEL), nix.realise(drv, Optional.empty(), line -> { }));
        assertEquals(2, realises[0]);

        RecordingRunner failing = new RecordingRunner(c -> new RecordingRunner.Answer(1, "",
                List.of("error: derivation 'x' requires non-existent output 'out' from input derivation 'y'")));
        NixCli stuck = new NixCli(failing, new NixConfig(CONFIG.profile(), Map.of(), Map.of(), List.of()), work);
        assertThrows(dev.inchworm.api.nix.NixException.class, () -> stuck.realise(drv, Optional.empty(), line -> { }));
        assertEquals(2, failing.commands.size());
    }

    @Test
    void deletingGenerationsSparesTheCurrentOne() {
        RecordingRunner runner = new RecordingRunner(c -> {
            if (c.argv().contains("--list-generations")) {
                return RecordingRunner.Answer.ok("   1   2026-11-25 17:55:08   \n   2   2026-11-25 17:55:09   (current)\n");
            }
            if (c.argv().get(0).equals("readlink")) {
                return RecordingRunner.Answer.ok(TOPLEVEL + "\n" + TOPLEVEL + "\n");
            }
            return RecordingRunner.Answer.ok("");
        });
        NixCli nix = new NixCli(runner, new NixConfig(CONFIG.profile(), Map.of(), Map.of(), List.of()), work);

        nix.deleteGenerations(List.of(2));
        int before = runner.commands.size();
        nix.deleteGenerations(List.of(1, 2));

        assertEquals(before + 1, runner.commands.size(), "the listing kept from the first call, then the delete");
        assertEquals(List.of("nix-env", "--profile", "/nix/var/nix/profiles/system", "--delete-generations", "1"),
                runner.commands.get(runner.commands.size() - 1).argv());
        assertEquals(List.of("readlink", "--", "/nix/var/nix/profiles/system-1-link", "/nix/var/nix/profiles/system-2-link"),
                runner.commands.get(1).argv());

        // A change of the profile by this backend makes the next listing read it again.
        nix.generations();
        assertEquals(before + 3, runner.commands.size(), "list and readlink after the delete");
        nix.generations();
        assertEquals(before + 3, runner.commands.size(), "then kept again");
    }

    @Test
    void manyDerivationsAreReadWithOneConstantScriptAndTheirPathsAsArgumentsByteForByte() {
        StorePath a = new StorePath("/nix/store/rbf62mp8nkhfxc157k9m2kpqjmqgb035-a.drv");
        StorePath gone = new StorePath("/nix/store/0bf62mp8nkhfxc157k9m2kpqjmqgb035-gone.drv");
        StorePath b = new StorePath("/nix/store/1bf62mp8nkhfxc157k9m2kpqjmqgb035-b.drv");
        String aText = "Derive([(\"out\",\"\\xe9\",\"\",\"\")])\u00e9";
        // what the script prints: "SIZE PATH" of each file there, a blank line, the files' bytes
        RecordingRunner runner = new RecordingRunner(c -> RecordingRunner.Answer.ok(aText.length() + " " + a.path()
                + "\n1 " + b.path() + "\n\n" + aText + "B"));
        NixCli nix = new NixCli(runner, CONFIG, work);

        Map<StorePath, String> texts = nix.readDerivations(List.of(a, gone, b, a));

        assertEquals(1, runner.commands.size());
        List<String> argv = runner.commands.get(0).argv();
        assertEquals(List.of("sh", "-c"), argv.subList(0, 2));
        assertEquals(List.of("sh", a.path(), gone.path(), b.path()), argv.subList(3, argv.size()));
        assertEquals(Map.of(a, aText, b, "B"), texts);
    }

    @Test
    void thousandsOfDerivationsAreReadInChunksBelowTheArgumentLimit() {
        List<StorePath> many = new java.util.ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            many.add(new StorePath("/nix/store/" + String.format("%032d", i).replace('e', 'f') + "-package-number-" + i + ".drv"));
        }
        RecordingRunner runner = new RecordingRunner(c -> {
            StringBuilder out = new StringBuilder();
            c.argv().subList(4, c.argv().size()).forEach(p -> out.append("1 ").append(p).append('\n'));
            return RecordingRunner.Answer.ok(out.append('\n').append("A".repeat(c.argv().size() - 4)).toString());
        });
        NixCli nix = new NixCli(runner, CONFIG, work);

        Map<StorePath, String> texts = nix.readDerivations(many);

        assertEquals(3000, texts.size());
        assertTrue(runner.commands.size() > 1 && runner.commands.size() < 10, runner.commands.size() + " calls");
        runner.commands.forEach(c -> assertTrue(String.join(" ", c.argv()).length() < 110_000));
    }

    @Test
    void cachedPathInfoAsksEachConfiguredCacheWithThePathsInTheEnvironment() {
        NixConfig withCaches = new NixConfig(CONFIG.profile(), Map.of("substituters", "file:///srv/cache  https://cache.example",
                "extra-substituters", "https://cache.example https://more.example"), CONFIG.environment(), List.of());
        StorePath known = TOPLEVEL;
        RecordingRunner runner = new RecordingRunner(c -> RecordingRunner.Answer.ok(c.argv().contains("show-config")
                ? "{\"substituters\": {\"value\": [\"https://more.example\", \"https://host.example\"]},"
                        + " \"require-sigs\": {\"value\": false}}"
                : c.argv().contains("file:///srv/cache") ? "[{\"path\":\"" + known + "\",\"narSize\":42,\"references\":[]}]\n[]\n"
                        : "[]\n"));
        NixCli nix = new NixCli(runner, withCaches, work);
        StorePath other = new StorePath("/nix/store/0bf62mp8nkhfxc157k9m2kpqjmqgb035-other");

        List<dev.inchworm.api.nix.PathInfo> infos = nix.cachedPathInfo(List.of(known, other));

        assertEquals(List.of("file:///srv/cache", "https://cache.example", "https://more.example", "https://host.example"),
                nix.substituters(), "the profile's, then the host's own");
        assertEquals(1, infos.size());
        assertEquals(42, infos.get(0).narSize());
        assertEquals(1, runner.commands.stream().filter(c -> c.argv().contains("show-config")).count(), "read once");
        List<Command> queries = runner.commands.stream().filter(c -> !c.argv().contains("show-config")).toList();
        Command first = queries.get(0);
        assertEquals(known + " " + other, first.environment().get("INCHWORM_PATHS"));
        assertEquals("local", first.environment().get("NIX_REMOTE"));
        assertTrue(String.join(" ", first.argv()).contains("path-info --json -r --store file:///srv/cache"), first.argv().toString());
        assertEquals(other.path(), queries.get(1).environment().get("INCHWORM_PATHS"), "the next cache gets only what is missing");
        assertEquals(4, queries.size());
    }
}
