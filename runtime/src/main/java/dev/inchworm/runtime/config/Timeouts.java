package dev.inchworm.runtime.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code timeouts:} block: how long each kind of Nix command and each call into a plugin
 * may take. A Nix command past its timeout is killed with its process tree and fails as
 * {@code TimedOut} (a step that times out is a failed step); a plugin call past its timeout
 * fails the call (the plugin's thread is interrupted and left behind).
 *
 * @param evaluation evaluating the system source ({@code nix-instantiate}, {@code nix eval})
 * @param build      realising a step ({@code nix-store --realise}, {@code nix build})
 * @param gc         garbage collection and deleting paths
 * @param query      every other Nix command (queries, {@code nix-env}, path-info ...)
 * @param pluginCall one call into a plugin (propose, reclaim, acquire, release, measure, restore ...)
 */
public record Timeouts(Duration evaluation, Duration build, Duration gc, Duration query, Duration pluginCall) {

    /** The defaults: generous for a small host's slow disk, short enough that a hang ends. */
    public static final Timeouts DEFAULTS = new Timeouts(Duration.ofHours(1), Duration.ofHours(6),
            Duration.ofHours(2), Duration.ofMinutes(30), Duration.ofHours(1));

    /** The keys of the block, as the profile spells them. */
    public static final String KEYS = "evaluation, build, gc, query, pluginCall";

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|min|h|d)?");

    public Timeouts {
        Objects.requireNonNull(evaluation, "evaluation");
        Objects.requireNonNull(build, "build");
        Objects.requireNonNull(gc, "gc");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(pluginCall, "pluginCall");
        for (Duration d : new Duration[] {evaluation, build, gc, query, pluginCall}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("a timeout must be positive, not " + d);
            }
        }
    }

    /**
     * A duration as the profile writes it: {@code 90s}, {@code 30m}, {@code 6h}, {@code 2d},
     * {@code 500ms}, a bare number of seconds, or ISO-8601 ({@code PT30M}).
     *
     * @throws IllegalArgumentException saying what is accepted
     */
    public static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(t);
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            d = switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m", "min" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(text.strip());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration: '" + text + "'; e.g. 90s, 30m, 6h, 2d or PT30M", e);
            }
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("a timeout must be positive, not '" + text + "'");
        }
        return d;
    }

    public Timeouts withEvaluation(Duration d) {
        return new Timeouts(d, build, gc, query, pluginCall);
    }

    public Timeouts withBuild(Duration d) {
        return new Timeouts(evaluation, d, gc, query, pluginCall);
    }

    public Timeouts withGc(Duration d) {
        return new Timeouts(evaluation, build, d, query, pluginCall);
    }

    public Timeouts withQuery(Duration d) {
        return new Timeouts(evaluation, build, gc, d, pluginCall);
    }

    public Timeouts withPluginCall(Duration d) {
        return new Timeouts(evaluation, build, gc, query, d);
    }
}
