package dev.inchworm.plugins.packagestepping.steps;

import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.plugins.packagestepping.PackageSteppingStrategy;
import dev.inchworm.testkit.Package;
import dev.inchworm.testkit.PackageSet;
import dev.inchworm.testkit.SandboxHost;
import dev.inchworm.testkit.Scenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import static dev.inchworm.testkit.Package.KiB;
import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The strategy end to end over real Nix on a small disk: a plain rebuild runs out of disk,
 * stepping reaches the very target path.
 */
class SteppingSandboxTest {

    private SandboxHost host;
    private Scenario scenario;
    private StepLoop loop;

    @BeforeEach
    void setUp() {
        host = SandboxHost.builder().tmpfs(64).name("vps-1").build();
        scenario = Scenario.forHost(host);
        loop = new StepLoop(host);
    }

    @AfterEach
    void tearDown() {
        host.close();
    }

    /** Installs the first revision, evaluates the second (rooting its .drv) and collects the rest. */
    private Evaluation prepare(Revision first, Revision next) throws Exception {
        host.install(scenario, first);
        Evaluation target = host.evaluate(scenario, next);
        Path root = host.stateDir().resolve("roots/target");
        Files.createDirectories(root.getParent());
        loop.nix.rootDerivation(target.drv(), root);
        loop.nix.collectGarbage(OptionalLong.empty());
        // collecting deletes Nix's reserved file (gc-reserved-space, 8 MiB); the next command makes it again
        assertTrue(loop.nix.isValid(target.drv()));
        return target;
    }

    @Test
    void twoBigPackagesStepWhereThePlainRebuildRunsOutOfDisk() throws Exception {
        Revision first = scenario.commit("initial", pkgs -> PackageSet.typical()
                .add(Package.of("blender", "4.1", 3 * MiB).withSource(3 * MiB))
                .add(Package.of("gimp", "2.10", 3 * MiB).withSource(3 * MiB)));
        Revision next = scenario.commit("bump both", pkgs -> pkgs.bump("blender").bump("gimp"));
        Evaluation target = prepare(first, next);
        // a plain rebuild adds both new packages and both sources (12 MiB); a step one of each (6 MiB)
        host.leaveFree(10 * MiB + 512 * KiB);

        NixFailure plain = loop.plainRebuild(target).orElseThrow(() -> new AssertionError("the plain rebuild fit"));
        StepLoop.Outcome outcome = loop.upgrade(target, PackageSteppingStrategy.Settings.defaults(), 0);

        assertInstanceOf(NixFailure.OutOfDisk.class, plain);
        assertTrue(outcome.reached(), outcome.passReason() + " " + outcome.steps());
        assertEquals(target.toplevel(), host.systemProfile().orElseThrow());
        assertTrue(outcome.done() >= 2, outcome.steps().toString());
        assertTrue(outcome.peakUsedBytes() <= host.sizeBytes());
        // the first done step measured its unit: same size again, so the measured growth is about 1
        java.util.Map<String, String> notes = loop.notes();
        long measuredOld = Long.parseLong(notes.get("measured.oldBytes"));
        long measuredNew = Long.parseLong(notes.get("measured.newBytes"));
        assertTrue(measuredOld >= 3 * MiB && Math.abs(measuredNew - measuredOld) < 64 * KiB, notes.toString());
    }

    private static PackageSteppingStrategy.Settings oneUnitPerStep() {
        return new PackageSteppingStrategy.Settings(null, null, null, 1);
    }

    @Test
    void fiveLeafPackagesOfMixedSizesStepBiggestFirst() throws Exception {
        Revision first = scenario.commit("initial", pkgs -> {
            PackageSet set = PackageSet.typical();
            long[] sizes = {512 * KiB, MiB, 2 * MiB, 3 * MiB, 4 * MiB};
            for (int i = 0; i < sizes.length; i++) {
                set = set.add(Package.of("leaf" + (char) ('a' + i), "1.0", sizes[i]).withSource(sizes[i]));
            }
            return set;
        });
        Revision next = scenario.commit("bump the leaves", pkgs -> pkgs.bump("leafa").bump("leafb").bump("leafc")
                .bump("leafd").bump("leafe"));
        Evaluation target = prepare(first, next);
        // plain: 10.5 MiB new + 10.5 MiB of sources; one at a time, biggest first: about 11 MiB
        host.leaveFree(14 * MiB);

        NixFailure plain = loop.plainRebuild(target).orElseThrow(() -> new AssertionError("the plain rebuild fit"));
        StepLoop.Outcome outcome = loop.upgrade(target, PackageSteppingStrategy.Settings.defaults(), 0);

        assertInstanceOf(NixFailure.OutOfDisk.class, plain);
        assertTrue(outcome.reached(), outcome.passReason() + " " + outcome.steps());
        assertEquals(target.toplevel(), host.systemProfile().orElseThrow());
        assertTrue(outcome.done() >= 2, outcome.steps().toString());
    }

    @Test
    void aLibraryUnderEveryPackageIsAMassRebuildThatStillSteps() throws Exception {
        Revision first = scenario.commit("initial", pkgs -> {
            PackageSet set = PackageSet.empty().add(Package.of("libc", "2.39", MiB).library());
            for (int i = 0; i < 6; i++) {
                set = set.add(Package.of("app" + (char) ('a' + i), "1.0", 1536 * KiB).withSource(1536 * KiB)
                        .dependsOn("libc"));
            }
            return set;
        });
        Revision next = scenario.commit("libc 2.40", pkgs -> pkgs.bump("libc"));
        Evaluation target = prepare(first, next);
        // plain: 1 + 9 MiB new + 9 MiB of sources; one app at a time: about 11.5 MiB
        host.leaveFree(14 * MiB);

        NixFailure plain = loop.plainRebuild(target).orElseThrow(() -> new AssertionError("the plain rebuild fit"));
        StepLoop.Outcome outcome = loop.upgrade(target, PackageSteppingStrategy.Settings.defaults(), 0);

        assertInstanceOf(NixFailure.OutOfDisk.class, plain);
        assertTrue(outcome.reached(), outcome.passReason() + " " + outcome.steps());
        assertEquals(target.toplevel(), host.systemProfile().orElseThrow());
        long appsChanged = outcome.steps().stream().filter(s -> s.outcome() == dev.inchworm.api.strategy.StepResult.Outcome.DONE)
                .mapToLong(s -> s.step().units().size()).sum();
        assertEquals(6, appsChanged, "every app is a changed unit, upgraded once: " + outcome.steps());
    }

    @Test
    void aMultiOutputUnitIsMaskedWithBothOutputs() throws Exception {
        Revision first = scenario.commit("initial", pkgs -> PackageSet.typical()
                .add(Package.of("sqlite", "3.45", MiB).withDev(512 * KiB)));
        Revision next = scenario.commit("openssl, sqlite and firefox", pkgs -> pkgs.bump("openssl").bump("sqlite")
                .bump("firefox"));
        Evaluation target = prepare(first, next);

        StepLoop.Outcome outcome = loop.upgrade(target, oneUnitPerStep(), 0);

        assertTrue(outcome.reached(), outcome.passReason() + " " + outcome.steps());
        assertEquals(target.toplevel(), host.systemProfile().orElseThrow());
        // sqlite (out + dev) is a unit; openssl (out + dev) is a library, so its dependents curl and
        // git change; and firefox: four steps of one unit
        assertEquals(4, outcome.done(), outcome.steps().toString());
        assertTrue(outcome.steps().stream().anyMatch(s -> s.step().units().equals(java.util.List.of("sqlite"))));
    }

    @Test
    void anAddedAndARemovedPackageGoWithTheFirstStep() throws Exception {
        Revision first = scenario.commit("initial", pkgs -> PackageSet.typical());
        Revision next = scenario.commit("add, remove, bump", pkgs -> pkgs.add("ripgrep", "14.1", MiB)
                .remove("htop").bump("firefox"));
        Evaluation target = prepare(first, next);

        StepLoop.Outcome outcome = loop.upgrade(target, oneUnitPerStep(), 0);

        assertTrue(outcome.reached(), outcome.passReason() + " " + outcome.steps());
        assertEquals(target.toplevel(), host.systemProfile().orElseThrow());
        assertTrue(outcome.steps().get(0).step().units().containsAll(java.util.List.of("ripgrep", "htop")),
                outcome.steps().toString());
    }

    @Test
    void aCollectedOldDerivationIsRefusedWithAClearMessage() throws Exception {
        Revision first = scenario.commit("initial", pkgs -> PackageSet.typical());
        Revision next = scenario.commit("bump firefox", pkgs -> pkgs.bump("firefox"));
        Evaluation target = prepare(first, next);
        host.run("nix-store", "--gc", "--option", "keep-derivations", "false").requireOk();
        Files.createDirectories(host.stateDir().resolve("roots"));
        target = host.evaluate(scenario, next);

        StepLoop.Outcome outcome = loop.upgrade(target, PackageSteppingStrategy.Settings.defaults(), 0);

        assertTrue(!outcome.reached() && outcome.steps().isEmpty(), outcome.steps().toString());
        assertTrue(outcome.passReason().contains("current system's derivation")
                && outcome.passReason().contains("is not in the store"), outcome.passReason());
    }

    @Test
    void aStepWhoseBuildFailsPassesWithTheBuildersFailure() throws Exception {
        Revision first = scenario.commit("initial", pkgs -> PackageSet.typical());
        Revision next = scenario.commit("broken curl", pkgs -> pkgs.bump("firefox").bump("curl").breakBuild("curl"));
        Evaluation target = prepare(first, next);

        StepLoop.Outcome outcome = loop.upgrade(target, oneUnitPerStep(), 0);

        assertTrue(!outcome.reached(), outcome.steps().toString());
        assertTrue(outcome.passReason().contains("failed") && outcome.passReason().contains("curl"), outcome.passReason());
        assertEquals(dev.inchworm.api.strategy.StepResult.Outcome.FAILED,
                outcome.steps().get(outcome.steps().size() - 1).outcome());
    }

    @Test
    void aBinaryCacheGivesTheNewSizesExactly() throws Exception {
        Revision first = scenario.commit("initial", pkgs -> PackageSet.typical());
        Revision next = scenario.commit("bump firefox", pkgs -> pkgs.bump("firefox", 3 * MiB));
        Evaluation target = prepare(first, next);
        Path cache = host.workDir().resolve("binary-cache");
        host.realise(target.drv()).requireOk();
        host.run("nix", "copy", "--to", "file://" + cache, target.toplevel().path()).requireOk();
        dev.inchworm.api.nix.StorePath firefox = loop.nix.closure(target.toplevel(), false).stream()
                .filter(p -> p.name().equals("firefox-123.1")).findFirst().orElseThrow();
        long firefoxBytes = loop.nix.narSize(firefox);
        loop.nix.collectGarbage(OptionalLong.empty());
        StepLoop cached = new StepLoop(host, java.util.Map.of("substituters", "file://" + cache));

        java.util.List<dev.inchworm.api.strategy.UnitChange> units = cached.units(target,
                PackageSteppingStrategy.Settings.defaults());
        StepLoop.Outcome outcome = cached.upgrade(target, PackageSteppingStrategy.Settings.defaults(), 0);

        assertEquals(1, units.size(), units.toString());
        assertEquals(dev.inchworm.api.strategy.UnitChange.Change.CHANGED, units.get(0).change());
        assertEquals("firefox 123.0 -> 123.1 new " + firefoxBytes, units.get(0).name() + " " + units.get(0).oldVersion()
                + " -> " + units.get(0).newVersion() + " new " + units.get(0).estimatedNewBytes());
        assertTrue(units.get(0).oldBytes() > 2 * MiB && units.get(0).oldBytes() < 3 * MiB, units.toString());
        assertTrue(outcome.reached(), outcome.passReason());
        assertEquals(firefoxBytes, outcome.steps().get(0).step().estimatedBytes(), "the narinfo's NAR size");
        assertEquals(target.toplevel(), host.systemProfile().orElseThrow());
    }

    /** The appliance closure at 1/40: 41 packages under glibc, about 15 MiB, sources half as big. */
    private static PackageSet appliance() {
        return PackageSet.fromClosure(PackageSet.applianceClosure(), 40, 40);
    }

    /** The system packages of a set by size, biggest first (glibc, the kernel and base-files aside). */
    private static java.util.List<Package> bySize(PackageSet set) {
        return set.packages().stream().filter(p -> p.sourceSize() > 0)
                .sorted(java.util.Comparator.comparingLong(Package::size).reversed()).toList();
    }

    /**
     * Free bytes between what stepping one unit at a time needs (every new output, plus the
     * biggest source) and what a plain rebuild needs (every new output and every source).
     */
    private static long between(java.util.List<Package> rebuilt) {
        long outputs = rebuilt.stream().mapToLong(Package::size).sum();
        long sources = rebuilt.stream().mapToLong(Package::sourceSize).sum();
        long biggest = rebuilt.stream().mapToLong(Package::sourceSize).max().orElse(0);
        return outputs + biggest + (sources - biggest) / 2;
    }

    @Test
    void aRoutineUpdateOfARealClosureStepsWhereThePlainRebuildRunsOutOfDisk() throws Exception {
        PackageSet initial = appliance();
        java.util.List<Package> candidates = bySize(initial);
        java.util.List<Package> bumped = new java.util.ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            if (i < 2 || i % 6 == 5) {
                bumped.add(candidates.get(i));
            }
        }
        Revision first = scenario.commit("initial", pkgs -> initial);
        // shaped like a channel bump on a server: the kernel, the two biggest packages a little
        // bigger, every sixth one a point release
        Revision next = scenario.commit("routine update", pkgs -> {
            PackageSet set = pkgs.bump(PackageSet.KERNEL);
            for (Package p : bumped) {
                set = set.bump(p.name(), p.size() + p.size() / 20);
            }
            return set;
        });
        Evaluation target = prepare(first, next);
        host.leaveFree(between(bumped) + initial.get(PackageSet.KERNEL).size() + MiB);

        NixFailure plain = loop.plainRebuild(target).orElseThrow(() -> new AssertionError("the plain rebuild fit"));
        StepLoop.Outcome outcome = loop.upgrade(target, PackageSteppingStrategy.Settings.defaults(), 0);

        assertInstanceOf(NixFailure.OutOfDisk.class, plain);
        assertTrue(outcome.reached(), outcome.passReason() + " " + outcome.steps());
        assertEquals(target.toplevel(), host.systemProfile().orElseThrow());
        assertTrue(outcome.peakUsedBytes() <= host.sizeBytes());
    }

    @Test
    void aMassRebuildOfARealClosureStepsWhereThePlainRebuildRunsOutOfDisk() throws Exception {
        PackageSet initial = appliance();
        Revision first = scenario.commit("initial", pkgs -> initial);
        Revision next = scenario.commit("glibc update", pkgs -> pkgs.bump("glibc"));
        Evaluation target = prepare(first, next);
        java.util.List<Package> rebuilt = bySize(initial);
        host.leaveFree(between(rebuilt) + initial.get("glibc").size() + initial.get("base-files").size() + MiB);

        NixFailure plain = loop.plainRebuild(target).orElseThrow(() -> new AssertionError("the plain rebuild fit"));
        StepLoop.Outcome outcome = loop.upgrade(target, PackageSteppingStrategy.Settings.defaults(), 0);

        assertInstanceOf(NixFailure.OutOfDisk.class, plain);
        assertTrue(outcome.reached(), outcome.passReason() + " " + outcome.steps());
        assertEquals(target.toplevel(), host.systemProfile().orElseThrow());
        assertTrue(outcome.done() <= 12, "a handful of steps: " + outcome.done());
    }
}
