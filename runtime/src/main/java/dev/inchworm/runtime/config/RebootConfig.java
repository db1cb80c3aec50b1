package dev.inchworm.runtime.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code engine.reboot}: whether the engine may reboot the host between steps to free what the
 * booted system pins, when, and with which command.
 *
 * @param allowed whether it may reboot at all
 * @param window  local times it may reboot in; empty: at any time
 * @param command the reboot command as an argument list, never a shell string
 */
public record RebootConfig(boolean allowed, Optional<RebootWindow> window, List<String> command) {

    /** What {@code systemctl reboot} is on NixOS: the default command. */
    public static final List<String> DEFAULT_COMMAND = List.of("systemctl", "reboot");

    public RebootConfig {
        Objects.requireNonNull(window, "window");
        command = List.copyOf(command);
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("the reboot command needs at least a program name");
        }
    }

    /** Rebooting not allowed, the NixOS command. */
    public static RebootConfig defaults() {
        return new RebootConfig(false, Optional.empty(), DEFAULT_COMMAND);
    }

    /** True when rebooting is allowed and {@code now} (local time) is inside the window, if any. */
    public boolean allowsAt(java.time.LocalTime now) {
        return allowed && window.map(w -> w.contains(now)).orElse(true);
    }
}
