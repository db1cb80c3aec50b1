package dev.inchworm.runtime.journal;

import dev.inchworm.api.nix.StorePath;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a run awaiting a reboot waits for, kept in the journal's engine notes.
 *
 * @param into         the switched step's toplevel the host must boot
 * @param bootedBefore what the host had booted when the run stopped (a host still on it did not reboot)
 * @param freesBytes   what the booted system pins that the reboot frees
 * @param why          why the run stopped: the step that fits only without the booted pin
 * @param requested    true once the reboot command returned
 */
public record RebootWait(StorePath into, StorePath bootedBefore, long freesBytes, String why, boolean requested) {

    private static final String PREFIX = "reboot.";

    public RebootWait {
        Objects.requireNonNull(into, "into");
        Objects.requireNonNull(bootedBefore, "bootedBefore");
        Objects.requireNonNull(why, "why");
    }

    /** The same after the reboot command returned. */
    public RebootWait asRequested() {
        return new RebootWait(into, bootedBefore, freesBytes, why, true);
    }

    void writeTo(Map<String, String> notes) {
        notes.put(PREFIX + "into", into.path());
        notes.put(PREFIX + "bootedBefore", bootedBefore.path());
        notes.put(PREFIX + "freesBytes", Long.toString(freesBytes));
        notes.put(PREFIX + "why", why);
        notes.put(PREFIX + "requested", Boolean.toString(requested));
    }

    static void removeFrom(Map<String, String> notes) {
        notes.keySet().removeIf(k -> k.startsWith(PREFIX));
    }

    static Optional<RebootWait> readFrom(Map<String, String> notes) {
        String into = notes.get(PREFIX + "into");
        if (into == null) {
            return Optional.empty();
        }
        return Optional.of(new RebootWait(StorePath.of(into), StorePath.of(notes.get(PREFIX + "bootedBefore")),
                Long.parseLong(notes.getOrDefault(PREFIX + "freesBytes", "0")), notes.getOrDefault(PREFIX + "why", ""),
                Boolean.parseBoolean(notes.get(PREFIX + "requested"))));
    }

}
