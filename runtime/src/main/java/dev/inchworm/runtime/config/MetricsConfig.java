package dev.inchworm.runtime.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code metrics:} block: where the Prometheus text file of the last run goes, for
 * node_exporter's textfile collector.
 *
 * @param textfile the file ({@code metrics.textfile}), or empty for none
 */
public record MetricsConfig(Optional<Path> textfile) {

    /** No metrics file. */
    public static final MetricsConfig NONE = new MetricsConfig(Optional.empty());

    public MetricsConfig {
        Objects.requireNonNull(textfile, "textfile");
    }
}
