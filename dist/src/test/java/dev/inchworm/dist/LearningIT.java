package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared estimator learns: a first upgrade keeps each built unit's real size and share of
 * the measured peak in the state folder, and a second upgrade of the same packages on the same
 * host is estimated from them, within 15% of what it really needed at its peak.
 */
class LearningIT {

    @TempDir
    Path tmp;

    @Test
    void aSecondUpgradeOfTheSameUnitsIsEstimatedFromWhatTheFirstMeasured() throws Exception {
        try (SandboxRun run = new SandboxRun(96, tmp).target("firefox, curl",
                pkgs -> pkgs.bump("firefox", 3 * MiB).bump("curl"))) {
            Dist.Result first = run.upgrade();
            assertEquals(0, first.code(), first.err());
            String learned = Files.readString(run.stateDir().resolve("learned.json"));
            assertTrue(learned.contains("unit.firefox"), learned);

            run.target("firefox, curl again", pkgs -> pkgs.bump("firefox").bump("curl"));
            Dist.Result second = run.inchworm(Map.of(), "upgrade", "--profile", run.profile.toString(), "--json");
            assertEquals(0, second.code(), second.err());
            JsonNode step = run.json(second).get("steps").get(0);
            long usedBefore = run.host.sizeBytes() - step.get("freeBytesBefore").asLong();
            long peak = step.get("peakStoreBytes").asLong() - usedBefore;
            long estimate = step.get("estimatedBytes").asLong();
            boolean learnedTerm = false;
            for (JsonNode term : step.get("estimateTerms")) {
                learnedTerm |= term.get("name").asText().equals("learned");
            }
            assertTrue(learnedTerm, step.toString());
            double ratio = (double) estimate / peak;
            System.out.printf("LearningIT: second upgrade estimate %d, measured peak %d, ratio %.3f%n",
                    estimate, peak, ratio);
            assertTrue(ratio > 0.85 && ratio < 1.15, "estimate " + estimate + " vs measured peak " + peak
                    + " (ratio " + ratio + "): " + step);
        }
    }
}
