package dev.inchworm.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics file: the Prometheus text format read back, and replaced atomically. */
class RunMetricsTest {

    @TempDir
    Path tmp;

    static final Instant ENDED = Instant.parse("2026-12-02T04:00:00Z");

    /** Series (name with its labels) to value, from the Prometheus text format; comments checked for HELP and TYPE. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> series = new LinkedHashMap<>();
        for (String line : text.lines().toList()) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ") || line.isBlank()) {
                continue;
            }
            assertFalse(line.startsWith("#"), "only HELP and TYPE comments: " + line);
            int space = line.lastIndexOf(' ');
            series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return series;
    }

    @Test
    void everyFigureOfTheRunIsASeries() {
        RunMetrics m = new RunMetrics("rolled-back", 3, ENDED, 2, 41L << 20, 3L << 20, 0, Optional.of(Duration.ofHours(30)));
        String text = new String(m.text(), StandardCharsets.UTF_8);
        Map<String, Double> series = parse(text);
        assertEquals((double) ENDED.getEpochSecond(), series.get("inchworm_last_run_timestamp_seconds"));
        assertEquals(1.0, series.get("inchworm_last_run_result{result=\"rolled-back\"}"));
        assertEquals(0.0, series.get("inchworm_last_run_result{result=\"upgraded\"}"));
        assertEquals(0.0, series.get("inchworm_last_run_result{result=\"refused\"}"));
        assertEquals(3.0, series.get("inchworm_last_run_exit_code"));
        assertEquals(2.0, series.get("inchworm_last_run_steps"));
        assertEquals((double) (41L << 20), series.get("inchworm_last_run_peak_store_bytes"));
        assertEquals((double) (3L << 20), series.get("inchworm_last_run_reclaimed_bytes"));
        assertEquals(0.0, series.get("inchworm_last_run_reboots"));
        assertEquals(108000.0, series.get("inchworm_last_run_target_age_seconds"));
        assertTrue(text.contains("# TYPE inchworm_last_run_steps gauge"), text);
        assertEquals(RunMetrics.RESULTS.size(), series.keySet().stream().filter(k -> k.startsWith("inchworm_last_run_result{")).count());
    }

    @Test
    void aCommandWithoutAReportHasNoTargetAge() {
        Map<String, Double> series = parse(new String(RunMetrics.withoutReport("locked", 5, ENDED).text(),
                StandardCharsets.UTF_8));
        assertEquals(1.0, series.get("inchworm_last_run_result{result=\"locked\"}"));
        assertEquals(5.0, series.get("inchworm_last_run_exit_code"));
        assertFalse(series.containsKey("inchworm_last_run_target_age_seconds"));
        assertThrows(IllegalArgumentException.class, () -> RunMetrics.withoutReport("upgraded", 0, ENDED));
    }

    /** A crash between writing the temporary file and the rename, as a kill there would be. */
    static final class Killed extends Error {
    }

    @Test
    void aCrashBetweenTheWriteAndTheRenameLeavesTheOldFile() throws IOException {
        Path file = tmp.resolve("node-exporter/inchworm.prom");
        new RunMetrics("upgraded", 0, ENDED, 1, 1, 0, 0, Optional.empty()).writeTo(file, () -> { });
        String old = Files.readString(file);
        RunMetrics next = new RunMetrics("failed", 4, ENDED.plusSeconds(86400), 3, 2, 0, 0, Optional.empty());
        assertThrows(Killed.class, () -> next.writeTo(file, () -> {
            throw new Killed();
        }));
        assertEquals(old, Files.readString(file), "the old file is whole");
        assertEquals(1.0, parse(Files.readString(file)).get("inchworm_last_run_result{result=\"upgraded\"}"));
        Path temp = file.resolveSibling("inchworm.prom.tmp");
        assertTrue(Files.exists(temp), "the crash came after the temporary file was written");
        assertFalse(temp.getFileName().toString().endsWith(".prom"), "node_exporter reads only *.prom");
        next.writeTo(file, () -> { });
        assertEquals(1.0, parse(Files.readString(file)).get("inchworm_last_run_result{result=\"failed\"}"));
        assertFalse(Files.exists(temp));
    }
}
