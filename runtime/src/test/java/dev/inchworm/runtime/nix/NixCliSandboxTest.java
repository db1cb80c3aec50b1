package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.DryRun;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.GcResult;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.api.nix.SwitchAction;
import dev.inchworm.api.nix.BootFile;
import java.util.EnumSet;
import dev.inchworm.runtime.config.NixConfig;
import dev.inchworm.testkit.Activation;
import dev.inchworm.testkit.PackageSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every {@link NixCli} operation against real Nix 2.8 in a 64 MiB sandbox host. */
class NixCliSandboxTest {

    private SandboxNix sandbox;
    private NixCli nix;
    private Revision first;
    private Evaluation installed;

    @BeforeEach
    void setUp() {
        sandbox = new SandboxNix(64);
        nix = sandbox.nix;
        first = sandbox.scenario.commit("initial", pkgs -> PackageSet.typical());
        installed = sandbox.host.install(sandbox.scenario, first);
    }

    @AfterEach
    void tearDown() {
        sandbox.close();
    }

    @Test
    void versionAndNewCli() {
        assertTrue(nix.version().atLeast(2, 8), nix.version().text());
        assertTrue(nix.hasNewCli());
    }

    @Test
    void realiseWithARootKeepsTheResultThroughGarbageCollection() throws IOException {
        Revision next = sandbox.scenario.commit("bump htop", pkgs -> pkgs.bump("htop"));
        Evaluation target = sandbox.source.evaluate(next);
        Path root = sandbox.host.stateDir().resolve("roots/target");
        Files.createDirectories(root.getParent());
        List<String> progress = Collections.synchronizedList(new ArrayList<>());

        List<StorePath> outputs = nix.realise(target.drv(), Optional.of(root), progress::add);
        nix.collectGarbage(OptionalLong.empty());

        assertEquals(List.of(target.toplevel()), outputs);
        assertEquals(target.toplevel().path(), Files.readSymbolicLink(root).toString());
        assertTrue(nix.isValid(target.toplevel()), "rooted result survived the collection");
        assertTrue(progress.stream().anyMatch(line -> line.startsWith("building '") && line.contains("htop-3.3.1")),
                progress.toString());
        assertFalse(Files.exists(Path.of("result")), "no stray ./result");
    }

    @Test
    void realiseWithoutARootLeavesTheResultToTheCollector() {
        Revision next = sandbox.scenario.commit("bump htop", pkgs -> pkgs.bump("htop"));
        StorePath htop = sandbox.instantiate(next, "pkgs.htop");

        List<StorePath> outputs = nix.realise(htop, Optional.empty(), line -> { });
        assertTrue(nix.isValid(outputs.get(0)));
        nix.collectGarbage(OptionalLong.empty());

        assertFalse(nix.isValid(outputs.get(0)), "nothing rooted it");
        assertFalse(sandbox.host.exists(outputs.get(0)));
    }

    @Test
    void dryRunListsWhatWouldBeBuiltUntilItIsBuilt() {
        Revision next = sandbox.scenario.commit("bump zlib", pkgs -> pkgs.bump("zlib"));
        Evaluation target = sandbox.source.evaluate(next);

        DryRun before = nix.dryRun(target.drv());
        nix.realise(target.drv(), Optional.empty(), line -> { });
        DryRun after = nix.dryRun(target.drv());

        Set<String> names = new HashSet<>();
        before.toBuild().forEach(drv -> names.add(drv.name()));
        assertTrue(names.containsAll(Set.of("zlib-1.3.2.drv", "curl-8.6.0.drv", "git-2.44.0.drv",
                target.drv().name())), names.toString());
        assertFalse(names.contains("htop-3.3.0.drv"), "htop does not depend on zlib");
        assertTrue(before.toFetch().isEmpty(), "no substituters");
        assertTrue(after.nothingToDo());
    }

    @Test
    void sizesClosuresAndPathInfo() throws IOException {
        StorePath toplevel = installed.toplevel();

        List<StorePath> closure = nix.closure(toplevel, false);
        List<PathInfo> infos = nix.pathInfo(closure);
        long sum = infos.stream().mapToLong(PathInfo::narSize).sum();

        assertTrue(closure.contains(toplevel));
        assertTrue(closure.stream().anyMatch(p -> p.name().equals("firefox-123.0")), closure.toString());
        assertEquals(closure.size(), infos.size());
        assertEquals(sum, nix.closureSize(toplevel));
        assertTrue(sum > 7 * MiB, "the typical set holds about 8 MiB at run time: " + sum);
        PathInfo top = infos.stream().filter(i -> i.path().equals(toplevel)).findFirst().orElseThrow();
        assertEquals(nix.narSize(toplevel), top.narSize());
        assertEquals(Optional.of(installed.drv()), top.deriver());
        StorePath firefox = closure.stream().filter(p -> p.name().equals("firefox-123.0")).findFirst().orElseThrow();
        long firefoxNar = nix.narSize(firefox);
        assertTrue(firefoxNar >= 2 * MiB && firefoxNar < 2 * MiB + 64 * 1024, "firefox NAR " + firefoxNar);
        assertEquals(Set.copyOf(infos), Set.copyOf(nix.closureInfo(toplevel)), "--dump-db says what path-info says");
        List<StorePath> drvClosure = nix.closure(installed.drv(), false);
        assertEquals(Set.copyOf(nix.pathInfo(drvClosure)), Set.copyOf(nix.closureInfo(installed.drv())));
        StorePath notBuilt = new StorePath("/nix/store/00000000000000000000000000000000-not-built-1.0");
        List<PathInfo> mixed = nix.pathInfo(List.of(notBuilt, firefox));
        assertEquals(List.of(firefox), mixed.stream().map(PathInfo::path).toList(), "a path not in the store is left out");
        assertEquals(firefoxNar, mixed.get(0).narSize());
    }

    @Test
    void addDerivationsAddsSeveralWithOneEvaluationALaterOneUsingAnEarlierOne() {
        Revision next = sandbox.scenario.commit("bump curl", pkgs -> pkgs.bump("curl"));
        StorePath curl = sandbox.instantiate(next, "pkgs.curl");
        StorePath git = sandbox.instantiate(next, "pkgs.git");
        String curlText = nix.readDerivation(curl);
        String gitText = nix.readDerivation(git);
        assertTrue(Derivation.parse("git", gitText).inputDrvs().containsKey(curl));
        List<String> doomed = new ArrayList<>(List.of("nix-store", "--delete"));
        doomed.addAll(sandbox.host.run("nix-store", "--query", "--referrers-closure", curl.path()).requireOk().lines());
        sandbox.host.run(doomed).requireOk();
        assertFalse(nix.isValid(curl));
        assertFalse(nix.isValid(git));

        List<StorePath> added = nix.addDerivations(List.of(Map.entry(Derivation.nameOf(curl), curlText),
                Map.entry(Derivation.nameOf(git), gitText)));

        assertEquals(List.of(curl, git), added);
        assertEquals(gitText, nix.readDerivation(git));
    }

    @Test
    void closureOfADerivationTreeWithItsOutputs() {
        List<StorePath> drvs = nix.closure(installed.drv(), false);
        List<StorePath> withOutputs = nix.closure(installed.drv(), true);

        assertTrue(drvs.stream().allMatch(p -> p.isDerivation() || !p.name().startsWith("firefox")),
                "without outputs only derivations and sources");
        assertTrue(drvs.stream().anyMatch(p -> p.name().equals("cmake-3.28.3.drv")), "build-time input in the tree");
        assertTrue(withOutputs.contains(installed.toplevel()));
        assertTrue(withOutputs.containsAll(drvs));
        assertTrue(nix.closureSize(installed.drv()) > 0);
    }

    @Test
    void theClosureWithOutputsOfDerivationsReadBeforeIsTheSetNixGives() {
        // A target half built: zlib bumped and evaluated, not built, so some outputs are invalid.
        Revision next = sandbox.scenario.commit("bump zlib", pkgs -> pkgs.bump("zlib"));
        Evaluation target = sandbox.source.evaluate(next);
        List<List<String>> asked = new ArrayList<>();
        NixCli kept = new NixCli(command -> {
            asked.add(command.argv());
            return sandbox.runner.run(command);
        }, sandbox.config, sandbox.host.stateDir().resolve("nix-kept"));

        List<StorePath> drvs = kept.closure(target.drv(), false).stream().filter(StorePath::isDerivation).toList();
        kept.forEachDerivation(drvs, (path, text) -> { });
        asked.clear();
        Set<StorePath> fromKept = Set.copyOf(kept.closure(target.drv(), true));
        Set<StorePath> fromNix = Set.copyOf(nix.closure(target.drv(), true));

        assertEquals(fromNix, fromKept);
        assertTrue(asked.stream().noneMatch(argv -> argv.contains("--include-outputs")), asked.toString());
        assertFalse(fromKept.contains(target.toplevel()), "not built");
        assertTrue(fromKept.stream().anyMatch(p -> p.name().startsWith("htop-") && !p.isDerivation()),
                "the valid output of an unchanged package");
    }

    @Test
    void pathInfoOfDerivationsAndOutputsTogetherLeavesInvalidPathsOut() {
        StorePath invalid = new StorePath("/nix/store/00000000000000000000000000000000-missing");

        List<PathInfo> infos = nix.pathInfo(List.of(installed.drv(), installed.toplevel(), invalid));

        assertEquals(Set.of(installed.drv(), installed.toplevel()),
                Set.copyOf(infos.stream().map(PathInfo::path).toList()));
        PathInfo drv = infos.stream().filter(i -> i.path().equals(installed.drv())).findFirst().orElseThrow();
        assertTrue(drv.references().stream().allMatch(p -> p.isDerivation() || p.name().endsWith(".sh")),
                drv.references().toString());
        assertFalse(nix.isValid(invalid));
        NixException e = assertThrows(NixException.class, () -> nix.narSize(invalid));
        assertTrue(e.failure().detail().contains("is not valid"), e.failure().detail());
    }

    @Test
    void outputsByNameAndTheDerivationsBytes() throws IOException {
        StorePath openssl = sandbox.instantiate(first, "pkgs.openssl");

        Map<String, StorePath> outputs = nix.outputs(openssl);
        String aterm = nix.readDerivation(openssl);

        assertEquals(Set.of("out", "dev"), outputs.keySet());
        assertEquals("openssl-3.0.13", outputs.get("out").name());
        assertEquals("openssl-3.0.13-dev", outputs.get("dev").name());
        assertEquals(Files.readString(sandbox.file(openssl), StandardCharsets.ISO_8859_1), aterm);
        assertTrue(aterm.startsWith("Derive(["));
    }

    @Test
    void readDerivationsReadsAWholeClosureInOneCommandByteForByte() throws IOException {
        List<StorePath> drvs = nix.closure(installed.drv(), false).stream().filter(StorePath::isDerivation).toList();
        StorePath gone = new StorePath("/nix/store/00000000000000000000000000000000-gone.drv");
        List<StorePath> asked = new ArrayList<>(drvs);
        asked.add(gone);

        Map<StorePath, String> texts = nix.readDerivations(asked);

        assertTrue(drvs.size() > 10, drvs.toString());
        assertEquals(Set.copyOf(drvs), texts.keySet());
        for (StorePath drv : drvs) {
            assertEquals(Files.readString(sandbox.file(drv), StandardCharsets.ISO_8859_1), texts.get(drv), drv.path());
        }
    }

    @Test
    void cachedPathInfoAsksTheConfiguredBinaryCacheAndLeavesOutWhatItLacks() throws IOException {
        Path cache = sandbox.host.workDir().resolve("binary-cache");
        StorePath git = nix.closure(installed.toplevel(), false).stream()
                .filter(p -> p.name().startsWith("git-")).findFirst().orElseThrow();
        sandbox.host.run("nix", "copy", "--to", "file://" + cache, git.path()).requireOk();
        // unsigned: Nix substitutes from it only without require-sigs, and only then do its sizes count
        NixConfig withCache = new NixConfig(sandbox.config.profile(), Map.of("substituters", "file://" + cache,
                "require-sigs", "false"), sandbox.config.environment(), sandbox.config.prefix());
        NixCli cached = new NixCli(sandbox.runner, withCache, sandbox.host.stateDir().resolve("nix2"));
        StorePath missing = new StorePath("/nix/store/00000000000000000000000000000000-missing");

        List<PathInfo> infos = cached.cachedPathInfo(List.of(git, missing));

        Set<StorePath> expected = new HashSet<>(nix.closure(git, false));
        assertEquals(expected, Set.copyOf(infos.stream().map(PathInfo::path).toList()));
        PathInfo gitInfo = infos.stream().filter(i -> i.path().equals(git)).findFirst().orElseThrow();
        assertEquals(nix.narSize(git), gitInfo.narSize());
        assertEquals(List.of(), nix.cachedPathInfo(List.of(git)), "no cache configured: nothing");
    }

    @Test
    void theHostsOwnCachesFromItsNixConfAreAskedAfterTheProfilesAndOnlyPathsNixWouldTrustCount() throws IOException {
        Path work = sandbox.host.workDir();
        Path hostCache = work.resolve("host-cache");
        Path profileCache = work.resolve("profile-cache");
        StorePath git = closurePath("git-");
        StorePath curl = closurePath("curl-");
        sandbox.host.run("nix-store", "--generate-binary-cache-key", "host-cache-1", work.resolve("sk").toString(),
                work.resolve("pk").toString()).requireOk();
        sandbox.host.run("nix", "store", "sign", "--key-file", work.resolve("sk").toString(), "-r", git.path()).requireOk();
        sandbox.host.run("nix", "copy", "--to", "file://" + hostCache, git.path()).requireOk();
        sandbox.host.run("nix", "copy", "--to", "file://" + profileCache, curl.path()).requireOk(); // unsigned
        // the host's nix.conf names its cache and trusts its key; NIX_CONFIG no longer empties substituters
        Path confDir = Files.createDirectories(work.resolve("etc-nix"));
        Files.writeString(confDir.resolve("nix.conf"), "substituters = file://" + hostCache + "\n"
                + "trusted-public-keys = " + Files.readString(work.resolve("pk")).strip() + "\n");
        Map<String, String> environment = new java.util.HashMap<>(sandbox.config.environment());
        environment.put("NIX_CONFIG", "sandbox = false\nbuild-users-group =\nexperimental-features = nix-command\n");
        environment.put("NIX_CONF_DIR", confDir.toString());

        NixCli strict = new NixCli(sandbox.runner, new NixConfig(sandbox.config.profile(),
                Map.of("extra-substituters", "file://" + profileCache), environment, sandbox.config.prefix()),
                work.resolve("nix4"));
        Set<StorePath> found = Set.copyOf(strict.cachedPathInfo(List.of(git, curl)).stream().map(PathInfo::path).toList());

        assertEquals(List.of("file://" + profileCache, "file://" + hostCache), strict.substituters());
        assertEquals(Set.copyOf(nix.closure(git, false)), found,
                "the host's signed cache answers; the profile's unsigned paths Nix would refuse (require-sigs)");

        NixCli lax = new NixCli(sandbox.runner, new NixConfig(sandbox.config.profile(),
                Map.of("extra-substituters", "file://" + profileCache, "require-sigs", "false"), environment,
                sandbox.config.prefix()), work.resolve("nix5"));
        Set<StorePath> all = Set.copyOf(lax.cachedPathInfo(List.of(git, curl)).stream().map(PathInfo::path).toList());
        assertTrue(all.contains(curl) && all.containsAll(found), all.toString());
    }

    private StorePath closurePath(String prefix) {
        return nix.closure(installed.toplevel(), false).stream().filter(p -> p.name().startsWith(prefix))
                .findFirst().orElseThrow();
    }

    @Test
    void addDerivationPutsItAtTheSamePathWithItsReferences() {
        Revision next = sandbox.scenario.commit("bump curl", pkgs -> pkgs.bump("curl"));
        StorePath curl = sandbox.instantiate(next, "pkgs.curl");
        String aterm = nix.readDerivation(curl);
        java.util.Set<StorePath> inputs = Derivation.parse("curl-8.6.1", aterm).references();
        assertFalse(inputs.isEmpty());
        // remove the derivation (and the derivations above it), keep its inputs
        List<String> doomed = new ArrayList<>(List.of("nix-store", "--delete"));
        doomed.addAll(sandbox.host.run("nix-store", "--query", "--referrers-closure", curl.path()).requireOk().lines());
        sandbox.host.run(doomed).requireOk();
        assertFalse(nix.isValid(curl));

        StorePath added = nix.addDerivation("curl-8.6.1", aterm);

        assertEquals(curl, added);
        assertTrue(nix.isValid(added));
        assertEquals(aterm, nix.readDerivation(added));
        List<String> references = sandbox.host.run("nix-store", "--query", "--references", added.path()).requireOk().lines();
        assertEquals(Set.copyOf(inputs.stream().map(StorePath::path).toList()), Set.copyOf(references));
        assertEquals(Derivation.parse("curl-8.6.1", aterm).outputPaths().get("out"), nix.outputs(added).get("out"));
    }

    @Test
    void addDerivationWithAWrongOutputPathIsRejectedByNix() {
        StorePath htop = sandbox.instantiate(first, "pkgs.htop");
        String aterm = nix.readDerivation(htop);
        StorePath out = nix.outputs(htop).get("out");
        String wrong = aterm.replace(out.hash(), "0".repeat(32));

        NixException e = assertThrows(NixException.class, () -> nix.addDerivation("htop-3.3.0", wrong));

        assertTrue(e.failure().detail().contains("incorrect output"), e.failure().detail());
    }

    @Test
    void profileGenerationsSetSwitchAndDelete() {
        List<Generation> initial = nix.generations();
        assertEquals(1, initial.size());
        assertEquals(new Generation(1, initial.get(0).created(), true, installed.toplevel()), initial.get(0));

        Revision next = sandbox.scenario.commit("bump git", pkgs -> pkgs.bump("git"));
        Evaluation target = sandbox.source.evaluate(next);
        nix.realise(target.drv(), Optional.empty(), line -> { });
        Generation second = nix.setSystem(target.toplevel());
        assertEquals(2, second.number());
        assertTrue(second.current());
        assertEquals(target.toplevel(), second.toplevel());
        assertEquals(target.toplevel(), sandbox.host.systemProfile().orElseThrow());

        nix.switchGeneration(1);
        assertEquals(1, nix.currentGeneration().orElseThrow().number());
        assertEquals(installed.toplevel(), sandbox.host.systemProfile().orElseThrow());

        nix.deleteGenerations(List.of(1, 2));
        List<Generation> left = nix.generations();
        assertEquals(List.of(1), left.stream().map(Generation::number).toList(), "the current one is never deleted");

        NixException missing = assertThrows(NixException.class, () -> nix.switchGeneration(7));
        assertTrue(missing.failure().detail().contains("does not exist"), missing.failure().detail());
    }

    @Test
    void switchToConfigurationRunsTheToplevelsScript() {
        nix.switchToConfiguration(installed.toplevel(), SwitchAction.TEST);
        nix.switchToConfiguration(installed.toplevel(), SwitchAction.BOOT);
        sandbox.host.failActivations(true);
        NixException e = assertThrows(NixException.class,
                () -> nix.switchToConfiguration(installed.toplevel(), SwitchAction.SWITCH));

        assertEquals(List.of("switch", "test", "boot"),
                sandbox.host.activations().stream().map(Activation::action).toList());
        assertInstanceOf(NixFailure.Other.class, e.failure());
    }

    @Test
    void aNewKernelDiffersFromTheBootedSystemsUntilTheHostReboots() {
        assertEquals(Set.of(), nix.bootFilesChanged(installed.toplevel()));
        Evaluation sameKernel = sandbox.source.evaluate(sandbox.scenario.commit("bump git", pkgs -> pkgs.bump("git")));
        Evaluation newKernel = sandbox.source.evaluate(sandbox.scenario.commit("bump linux", pkgs -> pkgs.bump("linux")));
        nix.realise(sameKernel.drv(), Optional.empty(), line -> { });
        nix.realise(newKernel.drv(), Optional.empty(), line -> { });

        assertEquals(Set.of(), nix.bootFilesChanged(sameKernel.toplevel()));
        assertEquals(EnumSet.of(BootFile.KERNEL, BootFile.INITRD), nix.bootFilesChanged(newKernel.toplevel()));

        nix.setSystem(newKernel.toplevel());
        sandbox.host.reboot();
        assertEquals(Set.of(), nix.bootFilesChanged(newKernel.toplevel()), "booted into it");
        assertEquals(EnumSet.of(BootFile.KERNEL, BootFile.INITRD), nix.bootFilesChanged(installed.toplevel()));

        NixCli noBootedLink = new NixCli(sandbox.runner, sandbox.config.withLiveSystems(
                sandbox.host.workDir().resolve("no-such-link"), sandbox.host.stateDir().resolve("current-system")),
                sandbox.host.stateDir().resolve("nix3"));
        assertEquals(Set.of(), noBootedLink.bootFilesChanged(installed.toplevel()), "nothing to compare with");
    }

    @Test
    void liveSystemsAreTheBootedAndCurrentOnes() {
        assertEquals(List.of(installed.toplevel()), nix.liveSystems());
    }

    @Test
    void theReservedFileIsMissingAfterAFullStoreWasRecoveredAndWholeOnceNixWroteItBack() throws IOException {
        nix.collectGarbage(OptionalLong.empty()); // Nix writes the file back at once
        assertEquals(OptionalLong.of(0), nix.reservedSpaceMissing());

        java.nio.file.Files.delete(sandbox.host.storeRoot().resolve("var/nix/db/reserved"));
        assertEquals(OptionalLong.of(8L << 20), nix.reservedSpaceMissing(), "gc-reserved-space, Nix's default");

        nix.isValid(installed.toplevel()); // any Nix command with room writes it back
        assertEquals(OptionalLong.of(0), nix.reservedSpaceMissing());
    }

    @Test
    void garbageCollectionKeepsWhatTheProfileRootsAndFreesTheRest() {
        Revision next = sandbox.scenario.commit("bigger firefox", pkgs -> pkgs.bump("firefox", 3 * MiB));
        Evaluation target = sandbox.source.evaluate(next);
        nix.realise(target.drv(), Optional.empty(), line -> { });
        nix.setSystem(target.toplevel());
        sandbox.host.reboot();
        nix.deleteGenerations(List.of(1));
        StorePath oldFirefox = nix.closure(installed.toplevel(), false).stream()
                .filter(p -> p.name().equals("firefox-123.0")).findFirst().orElseThrow();
        List<StorePath> newClosure = nix.closure(target.toplevel(), false);

        List<StorePath> dead = nix.deadPaths();
        GcResult gc = nix.collectGarbage(OptionalLong.empty());

        assertTrue(dead.contains(installed.toplevel()) && dead.contains(oldFirefox), dead.toString());
        assertTrue(dead.stream().noneMatch(newClosure::contains), "nothing the profile roots is dead");
        assertTrue(gc.pathsDeleted() >= 2, gc.toString());
        assertTrue(gc.bytesFreed() >= 2 * MiB, "the old firefox alone is 2 MiB: " + gc);
        assertFalse(sandbox.host.exists(oldFirefox));
        assertFalse(sandbox.host.exists(installed.toplevel()));
        assertTrue(Files.isRegularFile(sandbox.host.storeRoot().resolve("var/nix/db/reserved")),
                "the reserved file is back, so free space measured now is what a build finds");
        for (StorePath kept : newClosure) {
            assertTrue(nix.isValid(kept), kept + " was collected");
        }
        assertTrue(nix.deadPaths().stream().noneMatch(p -> !p.isDerivation() && !p.name().endsWith(".lock")),
                "nothing but derivations left to collect");
    }

    @Test
    void collectionStopsAfterMaxFreed() {
        Revision next = sandbox.scenario.commit("new kernel", pkgs -> pkgs.bump("linux"));
        sandbox.instantiate(next, "system");
        int deadBefore = nix.deadPaths().size();

        GcResult gc = nix.collectGarbage(OptionalLong.of(1));

        assertTrue(gc.pathsDeleted() >= 1, gc.toString());
        assertTrue(gc.pathsDeleted() < deadBefore, gc + " of " + deadBefore + " dead paths");
        assertEquals(deadBefore - gc.pathsDeleted(), nix.deadPaths().size());
    }

    @Test
    void verifyFindsAModifiedPath() throws IOException {
        assertTrue(nix.verifyStore(true));
        StorePath htop = nix.closure(installed.toplevel(), false).stream()
                .filter(p -> p.name().equals("htop-3.3.0")).findFirst().orElseThrow();
        Path data;
        try (var files = Files.walk(sandbox.file(htop))) {
            data = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        Files.writeString(data, "tampered");

        assertTrue(nix.verifyStore(false), "without --check-contents only existence is checked");
        assertFalse(nix.verifyStore(true));
    }
}
