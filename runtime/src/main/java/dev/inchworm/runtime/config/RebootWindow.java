package dev.inchworm.runtime.config;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;

/**
 * The local times the engine may reboot in, like NixOS's {@code system.autoUpgrade.rebootWindow}:
 * {@code lower} to {@code upper}, both minutes included; a window whose {@code lower} is after its
 * {@code upper} wraps midnight ({@code 23:00}-{@code 02:00}).
 */
public record RebootWindow(LocalTime lower, LocalTime upper) {

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT)
            .withResolverStyle(java.time.format.ResolverStyle.STRICT);

    public RebootWindow {
        // autoUpgrade compares HH:MM: a window is whole minutes.
        lower = Objects.requireNonNull(lower, "lower").truncatedTo(ChronoUnit.MINUTES);
        upper = Objects.requireNonNull(upper, "upper").truncatedTo(ChronoUnit.MINUTES);
    }

    /** True when {@code time} falls in the window, compared by the minute as autoUpgrade does. */
    public boolean contains(LocalTime time) {
        LocalTime t = time.truncatedTo(ChronoUnit.MINUTES);
        if (!lower.isAfter(upper)) {
            return !t.isBefore(lower) && !t.isAfter(upper);
        }
        return !t.isBefore(lower) || !t.isAfter(upper);
    }

    /** {@code HH:MM}, 24-hour, as the NixOS option takes it. */
    public static LocalTime parseTime(String text) {
        if (text != null && text.strip().matches("\\d+")) {
            // YAML 1.1 reads an unquoted 23:00 as a base-60 number (1380).
            throw new IllegalArgumentException("found the number " + text.strip() + ": YAML reads an unquoted "
                    + "time like 23:00 as a number; quote it, e.g. \"23:00\"");
        }
        if (text == null || !text.strip().matches("\\d{2}:\\d{2}")) {
            throw new IllegalArgumentException("expected a time HH:MM (24-hour, local time), e.g. 01:00, found '"
                    + text + "'");
        }
        try {
            return LocalTime.parse(text.strip(), HH_MM);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a time of day: '" + text + "' (HH:MM, 00:00 to 23:59)", e);
        }
    }

    @Override
    public String toString() {
        return HH_MM.format(lower) + "-" + HH_MM.format(upper);
    }
}
