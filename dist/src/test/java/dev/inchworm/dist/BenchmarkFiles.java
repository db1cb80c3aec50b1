package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.MiB;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
}
