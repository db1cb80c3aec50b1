package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.GcResult;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.testkit.PackageSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failures of real Nix in a 40 MiB sandbox host, classified. */
class NixFailureSandboxTest {

    private SandboxNix sandbox;
    private NixCli nix;
    private Evaluation installed;

    @BeforeEach
    void setUp() {
        sandbox = new SandboxNix(40);
        nix = sandbox.nix;
        Revision first = sandbox.scenario.commit("initial", pkgs -> PackageSet.typical());
        installed = sandbox.host.install(sandbox.scenario, first);
    }

    @AfterEach
    void tearDown() {
        sandbox.close();
    }

    /** A package too big for the disk that is left, built until the disk is full. */
    private Evaluation tooBig() {
        Revision next = sandbox.scenario.commit("add a huge package", pkgs -> pkgs.add("huge", "1.0", 48 * MiB));
        return sandbox.source.evaluate(next);
    }

    @Test
    void outOfDiskInTheMiddleOfABuildLeavesAConsistentStore() {
        Evaluation target = tooBig();
        long freeBefore = sandbox.host.freeBytes();

        NixException e = assertThrows(NixException.class, () -> nix.realise(target.drv(), Optional.empty(), line -> { }));

        NixFailure.OutOfDisk failure = assertInstanceOf(NixFailure.OutOfDisk.class, e.failure());
        assertFalse(failure.storeFull());
        assertTrue(failure.detail().contains("No space left on device"), failure.detail());
        assertTrue(freeBefore > 8 * MiB, "the build started with room to spare: " + freeBefore);
        assertTrue(nix.verifyStore(true), "the store verifies clean after ENOSPC");
        GcResult gc = nix.collectGarbage(OptionalLong.empty());
        assertTrue(gc.bytesFreed() > 8 * MiB, "the partial output was collected: " + gc);
        assertTrue(nix.isValid(installed.toplevel()));
    }

    @Test
    void completelyFullStoreIsRecovered() {
        Evaluation target = tooBig();
        assertThrows(NixException.class, () -> nix.realise(target.drv(), Optional.empty(), line -> { }));
        // take the last bytes too: now Nix cannot even open its database
        sandbox.host.run("sh", "-c", "head -c 64M /dev/zero > /nix/filler");
        assertEquals(0, sandbox.host.freeBytes());

        NixException e = assertThrows(NixException.class, () -> nix.isValid(installed.toplevel()));
        NixFailure.OutOfDisk full = assertInstanceOf(NixFailure.OutOfDisk.class, e.failure());
        assertTrue(full.storeFull(), full.detail());
        assertTrue(full.detail().contains("disk I/O error"), full.detail());

        GcResult recovered = nix.recoverFullStore();

        assertTrue(recovered.bytesFreed() > 8 * MiB, "the partial output was collected: " + recovered);
        assertTrue(nix.isValid(installed.toplevel()), "Nix works again");
        sandbox.host.run("rm", "/nix/filler").requireOk();
        assertTrue(nix.verifyStore(true));
    }

    @Test
    void failingBuilderNamesItsDerivation() {
        Revision broken = sandbox.scenario.commit("break htop", pkgs -> pkgs.breakBuild("htop"));
        Evaluation target = sandbox.source.evaluate(broken);

        NixException e = assertThrows(NixException.class, () -> nix.realise(target.drv(), Optional.empty(), line -> { }));

        NixFailure.BuilderFailed failure = assertInstanceOf(NixFailure.BuilderFailed.class, e.failure());
        StorePath drv = failure.drv().orElseThrow();
        assertEquals("htop-3.3.0.drv", drv.name());
        assertTrue(nix.closure(target.drv(), false).contains(drv), "the failed derivation is in the target's tree");
        assertTrue(e.getMessage().contains("BuilderFailed"), e.getMessage());
        assertEquals(List.of("nsenter", "-t"), e.argv().subList(0, 2));
    }
}
