package dev.inchworm.runtime.config;

import java.time.LocalTime;
import java.util.List;
import java.util.Optional;

/** {@code engine.reboot} from its raw shape: defaults, times and the command checked with their place. */
final class RebootReader {

    private RebootReader() {
    }

    static RebootConfig read(ProfileShape.RawReboot raw, ProfileLocations locations) {
        RebootConfig defaults = RebootConfig.defaults();
        if (raw == null) {
            return defaults;
        }
        Optional<RebootWindow> window = Optional.empty();
        if (raw.window() != null) {
            LocalTime lower = time(raw.window().lower(), "lower", locations);
            LocalTime upper = time(raw.window().upper(), "upper", locations);
            window = Optional.of(new RebootWindow(lower, upper));
        }
        List<String> command = defaults.command();
        if (raw.command() != null) {
            command = raw.command();
            if (command.isEmpty() || command.stream().anyMatch(a -> a == null || a.isEmpty())) {
                throw new ProfileException(locations.at("/engine/reboot/command"), "engine.reboot.command",
                        "expected the program and its arguments as a list of non-empty strings, e.g. "
                                + "[systemctl, reboot]");
            }
        }
        return new RebootConfig(raw.allowed() == null ? defaults.allowed() : raw.allowed(), window, command);
    }

    private static LocalTime time(String text, String key, ProfileLocations locations) {
        String pointer = "/engine/reboot/window" + (text == null ? "" : "/" + key);
        if (text == null) {
            throw new ProfileException(locations.at(pointer), "engine.reboot.window." + key,
                    "required key is missing: a window has lower and upper, e.g. {lower: \"01:00\", upper: \"05:00\"}");
        }
        try {
            return RebootWindow.parseTime(text);
        } catch (IllegalArgumentException e) {
            throw new ProfileException(locations.at(pointer), "engine.reboot.window." + key, e.getMessage(), e);
        }
    }
}
