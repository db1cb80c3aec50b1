package dev.inchworm.runtime.engine;

import dev.inchworm.api.nix.BootFile;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.runtime.journal.RunRecord;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the system a run ended on needs a reboot to run its kernel: its boot files against
 * the booted system's. Kept in the journal's notes, so the report, made from the journal alone,
 * can say it.
 */
public final class RebootCheck {

    /** The journal's notes owner. */
    public static final String NOTES = "engine:reboot";
    private static final String CHANGED = "bootFilesChanged";
    private static final Logger LOG = LoggerFactory.getLogger("inchworm.engine");

    private RebootCheck() {
    }

    /** The note for a run that ended on {@code toplevel}; empty when nothing changed or it cannot be told. */
    public static Map<String, String> note(Nix nix, StorePath toplevel) {
        if (toplevel == null) {
            return Map.of();
        }
        Set<BootFile> changed;
        try {
            changed = nix.bootFilesChanged(toplevel);
        } catch (RuntimeException e) { // NixException, or an output it could not read
            // Telling is a courtesy: a failed comparison must not fail a run that reached its system.
            LOG.warn("cannot compare the boot files of {} with the booted system's: {}", toplevel, e.getMessage());
            return Map.of();
        }
        return changed.isEmpty() ? Map.of()
                : Map.of(CHANGED, changed.stream().map(BootFile::link).collect(Collectors.joining(" ")));
    }

    /** The boot files a run's journal says changed ({@code kernel}, {@code initrd}, {@code kernel-modules}). */
    public static List<String> changed(RunRecord run) {
        return changed(run.notes().getOrDefault(NOTES, Map.of()));
    }

    /** The boot files a note says changed. */
    static List<String> changed(Map<String, String> note) {
        String words = note.get(CHANGED);
        return words == null || words.isBlank() ? List.of() : Arrays.asList(words.split(" "));
    }

    /** The words a person reads: "the kernel and initrd changed since boot: reboot to use them". */
    public static String advice(List<String> changed) {
        String files = changed.size() == 1 ? changed.get(0)
                : String.join(", ", changed.subList(0, changed.size() - 1)) + " and " + changed.get(changed.size() - 1);
        return "reboot needed: the " + files + " differ from the booted system's; reboot to run them";
    }
}
