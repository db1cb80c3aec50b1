package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.MiB;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.LongPredicate;
import java.util.stream.Stream;

/** What the benchmarks' mains share: their scratch folders, figures in MiB, and their section of docs/benchmarks.md. */
final class BenchmarkFiles {

    private BenchmarkFiles() {
    }

    /** Deletes a trial's scratch folder (null: nothing). */
    static void delete(Path folder) {
        if (folder == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double mib(long bytes) {
        return bytes / (double) MiB;
    }

    /**
     * Replaces the section headed {@code title} (up to the next {@code ## } heading) in the
     * Markdown file with {@code section}, or appends it; the other sections are kept.
     */
    static void writeSection(Path markdown, String title, String section) throws IOException {
        String text = Files.exists(markdown) ? Files.readString(markdown)
                : "# Benchmarks\n\nFigures measured by the scripts in `scripts/`; each section names its command.\n\n";
        int start = text.indexOf(title);
        if (start < 0) {
            text = text.stripTrailing() + "\n\n" + section;
        } else {
            int next = text.indexOf("\n## ", start + 1);
            text = text.substring(0, start) + section + (next < 0 ? "" : "\n" + text.substring(next + 1));
        }
        Files.writeString(markdown, text);
    }

    /**
     * The fewest free bytes (to the grain) for which {@code completes} holds, by bisection: from
     * {@code lower} (where nothing can), up from {@code start}, doubled until a trial completes.
     */
    static long smallest(long lower, long start, long grain, LongPredicate completes) {
        long lo = Math.max(0, lower) / grain * grain;
        long hi = start / grain * grain;
        while (!completes.test(hi)) {
            lo = hi;
            hi *= 2;
        }
        while (hi - lo > grain) {
            long mid = (lo + hi) / 2 / grain * grain;
            if (completes.test(mid)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }
}
