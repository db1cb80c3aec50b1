package dev.inchworm.runtime.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.runtime.journal.AtomicFile;
import dev.inchworm.runtime.journal.RunResult;
import dev.inchworm.runtime.journal.StateJson;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The last run as Prometheus metrics, for node_exporter's textfile collector
 * ({@code metrics.textfile}). Every value describes the last run, whatever its ending; the
 * file is replaced whole and atomically, so a scrape never sees half of it.
 *
 * @param result         the run's result word, or one of {@link #WITHOUT_REPORT} when there is no report
 * @param exitCode       the command's exit code
 * @param finishedAt     when the command ended
 * @param steps          steps taken
 * @param peakStoreBytes the highest store usage sampled during the run's builds
 * @param reclaimedBytes what reclaimers freed for its steps
 * @param reboots        reboots the run asked for (0 where the report says none)
 * @param targetAge      how old the target revision's commit was when the run ended, when known
 */
public record RunMetrics(String result, int exitCode, Instant finishedAt, int steps, long peakStoreBytes,
                         long reclaimedBytes, int reboots, Optional<Duration> targetAge) {

    /** The endings of a command that made no report: refused (exit 2), another run's lock (5), an error (1, 4). */
    public static final List<String> WITHOUT_REPORT = List.of("refused", "locked", "error");

    /** Every result the {@code inchworm_last_run_result} metric has a series for. */
    public static final List<String> RESULTS;

    static {
        RESULTS = resultWords();
    }

    public RunMetrics {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(targetAge, "targetAge");
    }

    /** The metrics of a run that has a report; {@code targetCommitted} is the target revision's commit time. */
    public static RunMetrics of(RunReport report, int exitCode, Instant now, Optional<Instant> targetCommitted) {
        Instant finished = report.finishedAt() != null ? report.finishedAt() : now;
        long reclaimed = report.steps().stream().flatMap(s -> s.reclaimed().stream())
                .mapToLong(n -> n.freedBytes()).sum();
        return new RunMetrics(report.result().word(), exitCode, finished, report.steps().size(),
                report.peakStoreBytes(), reclaimed, reboots(report),
                targetCommitted.map(c -> Duration.between(c, finished)));
    }

    /** The metrics of a command that ended without a report: {@code result} is one of {@link #WITHOUT_REPORT}. */
    public static RunMetrics withoutReport(String result, int exitCode, Instant now) {
        if (!WITHOUT_REPORT.contains(result)) {
            throw new IllegalArgumentException("not an ending without a report: " + result);
        }
        return new RunMetrics(result, exitCode, now, 0, 0, 0, 0, Optional.empty());
    }

    /** The report's {@code reboots}, when its run counts them; 0 otherwise. */
    static int reboots(RunReport report) {
        JsonNode tree = StateJson.mapper().valueToTree(report);
        JsonNode reboots = tree.get("reboots");
        return reboots != null && reboots.canConvertToInt() ? reboots.asInt() : 0;
    }

    /** The file's content in the Prometheus text format (version 0.0.4). */
    public byte[] text() {
        List<MetricSnapshot> metrics = new ArrayList<>();
        metrics.add(gauge("inchworm_last_run_timestamp_seconds", "When the last inchworm run ended, in Unix seconds.",
                finishedAt.toEpochMilli() / 1000.0));
        GaugeSnapshot.Builder results = GaugeSnapshot.builder().name("inchworm_last_run_result")
                .help("1 for the last run's result, 0 for the others.");
        for (String word : RESULTS) {
            results.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("result", word))
                    .value(word.equals(result) ? 1 : 0).build());
        }
        metrics.add(results.build());
        metrics.add(gauge("inchworm_last_run_exit_code", "The exit code of the last run (docs/operations.md).", exitCode));
        metrics.add(gauge("inchworm_last_run_steps", "Steps the last run took.", steps));
        metrics.add(gauge("inchworm_last_run_peak_store_bytes", "The highest store usage sampled while the last run built.",
                peakStoreBytes));
        metrics.add(gauge("inchworm_last_run_reclaimed_bytes", "Bytes the reclaimers freed for the last run's steps.",
                reclaimedBytes));
        metrics.add(gauge("inchworm_last_run_reboots", "Reboots the last run asked for.", reboots));
        targetAge.ifPresent(age -> metrics.add(gauge("inchworm_last_run_target_age_seconds",
                "How old the target revision's commit was when the last run ended.", age.toMillis() / 1000.0)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, new MetricSnapshots(metrics));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Replaces {@code file} with these metrics: a temporary file beside it, renamed over it. */
    public void writeTo(Path file, Runnable beforeRename) throws IOException {
        new AtomicFile(file).withBeforeRename(beforeRename).write(text());
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    private static List<String> resultWords() {
        List<String> words = new ArrayList<>();
        for (RunResult r : RunResult.values()) {
            words.add(r.word());
        }
        words.addAll(WITHOUT_REPORT);
        return List.copyOf(words);
    }
}
