package dev.inchworm.dist;

import static dev.inchworm.dist.SteppingChecks.done;
import static dev.inchworm.dist.SteppingChecks.leaveFree;
import static dev.inchworm.dist.SteppingChecks.plainRebuildRunsOutOfDisk;
import static dev.inchworm.dist.SteppingChecks.steppedToTarget;
import static dev.inchworm.testkit.Package.KiB;
import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real appliance closure ({@code PackageSet.fromClosure}, 41 packages under glibc) through
 * the assembled CLI: on a disk where the plain rebuild alone runs out of disk and is rolled back,
 * {@code [full-rebuild, package-stepping]} steps to the exact target.
 */
class ApplianceSteppingIT {

    @TempDir
    Path tmp;

    /** Leaves {@code between()} + {@code extra} free: between one source at a time and all at once. */
    private static JsonNode stepsWhereThePlainRebuildFails(Path work, SteppingCases c, long extra) throws Exception {
        try (SandboxRun run = new SandboxRun(96, work, c.initial()).target(c.name(), c.change())) {
            leaveFree(run, c.between() + extra);
            long disk = run.host.sizeBytes();
            plainRebuildRunsOutOfDisk(run);

            return steppedToTarget(run, run.upgrade(), disk, 2);
        }
    }

    @Test
    void aRoutineUpdateStepsWhereThePlainRebuildRunsOutOfDisk() throws Exception {
        // mostly outputs (the kernel has no source, the others' are small): a narrow window, which
        // the engine's 1 MiB reserve mostly takes; in the middle of it (docs/benchmarks.md: Inchworm
        // completes from about 8.6 MiB free, the plain rebuild from 9.1)
        stepsWhereThePlainRebuildFails(tmp, SteppingCases.applianceRoutine(), 1100 * KiB);
    }

    @Test
    void aMassRebuildStepsInAHandfulOfStepsWhereThePlainRebuildRunsOutOfDisk() throws Exception {
        JsonNode report = stepsWhereThePlainRebuildFails(tmp, SteppingCases.applianceMassRebuild(), 2 * MiB);

        assertTrue(done(report) <= 12, "a handful of steps for 41 units: " + report.get("steps"));
    }
}
