package dev.inchworm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What follows each run, through the CLI against a sandbox host: the metrics file
 * ({@code metrics.textfile}) read back after a success, a refusal and a kill in the middle of
 * its write, and the {@code hooks.afterRun} commands with the report's path.
 */
class AfterRunIT {

    @TempDir
    Path tmp;

    /** Series (name with labels) to value, from the Prometheus text format. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> series = new LinkedHashMap<>();
        text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> {
            int space = l.lastIndexOf(' ');
            series.put(l.substring(0, space), Double.parseDouble(l.substring(space + 1)));
        });
        return series;
    }

    private Path script(String name, String body) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void theMetricsFileDescribesEachRunAndAKillInItsWriteLeavesTheOldOne() throws Exception {
        Path prom = tmp.resolve("textfile/inchworm.prom");
        Path log = tmp.resolve("hook.log");
        Path record = script("record.sh", "printf '%s|' \"$@\" \"$INCHWORM_RESULT\" \"$INCHWORM_EXIT_CODE\" >> " + log
                + "; echo >> " + log);
        Path sleeper = script("sleeper.sh", "sleep 60");
        try (SandboxRun run = new SandboxRun(64, tmp).routineUpdate()) {
            run.profile(p -> p.set("metrics", Map.of("textfile", prom.toString()))
                    .set("hooks", Map.of("afterRun", List.of(List.of(record.toString()), List.of("false"),
                            List.of(sleeper.toString()), List.of("/no/such/hook")), "timeout", "1s")));
            Dist.Result r = run.upgrade();
            assertEquals(0, r.code(), "a failing hook never changes the exit code: " + r.out() + r.err());
            JsonNode report = run.json(r);
            Map<String, Double> series = parse(Files.readString(prom));
            assertEquals(1.0, series.get("inchworm_last_run_result{result=\"upgraded\"}"), series.toString());
            assertEquals(0.0, series.get("inchworm_last_run_result{result=\"rolled-back\"}"), series.toString());
            assertEquals(0.0, series.get("inchworm_last_run_exit_code"));
            assertEquals(report.get("steps").size(), series.get("inchworm_last_run_steps").intValue());
            assertEquals(report.get("peakStoreBytes").asDouble(), series.get("inchworm_last_run_peak_store_bytes"));
            assertTrue(series.get("inchworm_last_run_peak_store_bytes") > 0);
            assertEquals(0.0, series.get("inchworm_last_run_reboots"));
            assertTrue(series.containsKey("inchworm_last_run_reclaimed_bytes"), series.toString());
            Instant finished = Instant.parse(report.get("finishedAt").asText());
            assertEquals(finished.toEpochMilli() / 1000.0, series.get("inchworm_last_run_timestamp_seconds"), 0.001);
            double age = series.get("inchworm_last_run_target_age_seconds");
            assertTrue(age >= 0 && age < 86400, "the target was committed by this test: " + age);

            Path reportFile = run.stateDir().resolve("reports/" + report.get("runId").asText() + ".json");
            assertEquals(List.of(reportFile + "|upgraded|0|"), Files.readAllLines(log));
            assertTrue(Files.exists(reportFile));
            assertTrue(r.err().contains("inchworm: warning: hook [false] failed with exit code 1"), r.err());
            assertTrue(r.err().contains("inchworm: warning: hook [" + sleeper + "] did not finish within 1 s"), r.err());
            assertTrue(r.err().contains("inchworm: warning: hook [/no/such/hook] "), r.err());

            // Killed between the temporary file and the rename: the old file stays, whole.
            String before = Files.readString(prom);
            assertTrue(run.upgradeKilledAtCrashPoint(Map.of("INCHWORM_CRASH_IN_METRICS", "1"), () -> { }));
            assertEquals(before, Files.readString(prom));
            assertEquals(1.0, parse(Files.readString(prom)).get("inchworm_last_run_result{result=\"upgraded\"}"));
            Path temp = prom.resolveSibling("inchworm.prom.tmp");
            assertEquals(1.0, parse(Files.readString(temp)).get("inchworm_last_run_result{result=\"already-current\"}"),
                    "the kill came after the new content was written");

            // A refused command (the source is gone) has metrics too, without a report.
            run.profile(p -> p.set("metrics", Map.of("textfile", prom.toString()))
                    .set("system", Map.of("repository", tmp.resolve("gone").toString(), "expression", "default.nix",
                            "attribute", "system")));
            Dist.Result refused = run.upgrade();
            assertEquals(2, refused.code(), refused.out() + refused.err());
            Map<String, Double> after = parse(Files.readString(prom));
            assertEquals(1.0, after.get("inchworm_last_run_result{result=\"refused\"}"), after.toString());
            assertEquals(0.0, after.get("inchworm_last_run_result{result=\"upgraded\"}"));
            assertEquals(2.0, after.get("inchworm_last_run_exit_code"));
            assertFalse(after.containsKey("inchworm_last_run_target_age_seconds"));
            assertFalse(Files.exists(temp), "the next write replaced the stale temporary file");
        }
    }
}
