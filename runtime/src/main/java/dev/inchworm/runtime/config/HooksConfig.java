package dev.inchworm.runtime.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code hooks:} block: commands run after each run, each an argument list (never a shell
 * line) to which the report's path is added as the last argument.
 *
 * @param afterRun the commands ({@code hooks.afterRun}), run in this order
 * @param timeout  how long each may take before it is killed ({@code hooks.timeout})
 */
public record HooksConfig(List<List<String>> afterRun, Duration timeout) {

    /** The default timeout of a hook: enough to send a mail or a webhook, short enough not to hold the lock long. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    /** No hooks. */
    public static final HooksConfig NONE = new HooksConfig(List.of(), DEFAULT_TIMEOUT);

    public HooksConfig {
        afterRun = afterRun.stream().map(List::copyOf).toList();
        for (List<String> command : afterRun) {
            if (command.isEmpty()) {
                throw new IllegalArgumentException("a hook needs at least a program");
            }
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a timeout must be positive, not " + timeout);
        }
    }
}
