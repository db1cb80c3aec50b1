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
    }
}
