package dev.inchworm.plugins.journaldtrim;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.host.Command;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.reclaim.ReclaimContext;
import dev.inchworm.api.reclaim.Reclaimed;
import dev.inchworm.api.reclaim.Reclaimer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * Frees disk by vacuuming journald's archived files ({@code name@....journal}) with
 * {@code journalctl --vacuum-size} (and {@code --vacuum-time} when {@code maxAge} is set).
 * journalctl never deletes the active file, so at least that and {@code keep} remain. What was
 * freed is measured, not taken from journalctl's rounded text: the allocated bytes of the
 * journal files before and after.
 */
@Extension
public final class JournaldTrim implements Reclaimer<JournaldTrim.Settings> {

    /** Where the persistent journal lives when no {@code directory} is set. */
    static final String DEFAULT_JOURNAL = "/var/log/journal";

    static final Duration TIMEOUT = Duration.ofMinutes(10);

    /**
     * Settings of {@code journald-trim}.
     *
     * @param directory a journal folder of its own ({@code journalctl --directory}); when unset, the
     *                  system journal (measured in {@value #DEFAULT_JOURNAL})
     * @param keep      journal size never vacuumed below (default {@code 16MiB})
     * @param maxAge    when set, archived files older than this are deleted first, whatever
     *                  {@code keep} says (a journalctl time span: {@code 2weeks}, {@code 1month}, {@code 3d})
     */
    public record Settings(String directory, ByteSize keep, String maxAge) {
        public Settings {
            if (directory != null && (!directory.startsWith("/") || directory.contains("\n"))) {
                throw new IllegalArgumentException("directory must be an absolute path: '" + directory + "'");
            }
            keep = keep == null ? ByteSize.of("16MiB") : keep;
            if (maxAge != null && !maxAge.matches("\\s*([0-9]+\\s*[a-z]*\\s*)+")) {
                throw new IllegalArgumentException("maxAge: not a time span: '" + maxAge
                        + "' (write e.g. 2weeks, 1month, 3d, 12h)");
            }
        }

        long keepBytes() {
            return keep.bytes();
        }

        String measured() {
            return directory == null ? DEFAULT_JOURNAL : directory;
        }
    }

    /** The journal files found, name to allocated bytes. */
    record Usage(Map<String, Long> files) {
        long total() {
            return files.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @Override
    public String id() {
        return "journald-trim";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public String description() {
        return "vacuums archived journal files (journalctl --vacuum-size), never below keep nor the active file";
    }

    @Override
    public int cost() {
        return COST_HISTORY;
    }

    @Override
    public Reclaimed reclaim(ReclaimContext<Settings> context, long bytesWanted) {
        Settings settings = context.settings();
        String where = settings.measured();
        if (!run(context, "test", "-d", where).ok()) {
            if (settings.directory() != null) {
                throw new IllegalStateException("journald-trim: the journal directory " + where + " does not exist");
            }
            return Reclaimed.nothing("no persistent journal in " + where);
        }
        Usage before = measure(context, settings);
        if (settings.maxAge() != null) {
            vacuum(context, settings, "--vacuum-time=" + settings.maxAge().strip());
        }
        Usage middle = measure(context, settings);
        long stillWanted = bytesWanted - Math.max(0, before.total() - middle.total());
        // journalctl reads --vacuum-size=0 as "no limit": one byte is the smallest real target
        long target = Math.max(Math.max(1, settings.keepBytes()), middle.total() - stillWanted);
        if (stillWanted > 0 && target < middle.total()) {
            vacuum(context, settings, "--vacuum-size=" + target);
        }
        Usage after = measure(context, settings);
        long freed = Math.max(0, before.total() - after.total());
        long deleted = before.files().keySet().stream().filter(f -> !after.files().containsKey(f)).count();
        if (deleted == 0) {
            return Reclaimed.nothing("journal in " + where + ": nothing archived to delete (" + ByteSize.format(after.total())
                    + " in use, keep " + ByteSize.format(settings.keepBytes()) + ")");
        }
        return new Reclaimed(freed, "vacuumed " + ByteSize.format(freed) + " of journal in " + where + " ("
                + deleted + " archived file" + (deleted == 1 ? "" : "s") + " deleted, " + ByteSize.format(after.total()) + " left)");
    }

    private static void vacuum(ReclaimContext<Settings> context, Settings settings, String option) {
        List<String> argv = new ArrayList<>(List.of("journalctl"));
        if (settings.directory() != null) {
            argv.add("--directory=" + settings.directory());
        }
        argv.add(option);
        CommandResult result = context.host().commands().run(Command.of(argv).withTimeout(TIMEOUT));
        if (!result.ok()) {
            throw new IllegalStateException("journald-trim: " + result.describe());
        }
        // journalctl reports on stderr: "Deleted archived journal ...", "Vacuuming done, freed ..."
        result.stderrTail().forEach(line -> context.host().log().info("journald-trim: {}", line));
    }

    /** Allocated bytes of each journal file: what journalctl counts too, and what the disk loses. */
    static Usage measure(ReclaimContext<Settings> context, Settings settings) {
        List<String> argv = new ArrayList<>(List.of("find", settings.measured()));
        if (settings.directory() != null) {
            argv.addAll(List.of("-maxdepth", "1")); // journalctl --directory does not descend either
        }
        argv.addAll(List.of("-type", "f", "(", "-name", "*.journal", "-o", "-name", "*.journal~", ")",
                "-printf", "%b %p\\n"));
        CommandResult result = context.host().commands().run(Command.of(argv).withTimeout(TIMEOUT));
        if (!result.ok()) {
            throw new IllegalStateException("journald-trim: cannot measure the journal in " + settings.measured()
                    + ": " + result.stderr().strip());
        }
        return parse(result.stdout());
    }

    /** Parses {@code find -printf '%b %p\n'}: 512-byte blocks and path per line. */
    static Usage parse(String findOutput) {
        Map<String, Long> files = new HashMap<>();
        for (String line : findOutput.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int space = line.indexOf(' ');
            if (space <= 0 || !line.substring(0, space).chars().allMatch(Character::isDigit)) {
                throw new IllegalStateException("journald-trim: unexpected line from find -printf '%b %p': '"
                        + line + "' (expected 512-byte blocks, a space, a path)");
            }
            files.put(line.substring(space + 1), Long.parseLong(line.substring(0, space)) * 512);
        }
        return new Usage(Map.copyOf(files));
    }

    private static CommandResult run(ReclaimContext<Settings> context, String... argv) {
        return context.host().commands().run(Command.of(argv).withTimeout(TIMEOUT));
    }
}
