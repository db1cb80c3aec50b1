package org.example.inchworm.oldfiles;

import dev.inchworm.api.reclaim.ReclaimContext;
import dev.inchworm.api.reclaim.Reclaimed;
import dev.inchworm.api.reclaim.Reclaimer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.pf4j.Extension;

/**
 * Deletes files under a folder that match a glob and are older than N days, oldest first,
 * until enough is freed. Select it in a host profile:
 *
 * <pre>
 * reclaimers:
 *   - id: old-files
 *     settings: {folder: /var/cache/builds, glob: "**.tar.gz", olderThanDays: 14}
 * </pre>
 *
 * <p>It walks the folder with {@code java.nio} on the machine Inchworm runs on. When the
 * profile's {@code nix.prefix} points commands into another namespace (a container, a
 * sandbox), this reclaimer still deletes on the machine itself, not inside that namespace.
 */
@Extension
public final class OldFilesReclaimer implements Reclaimer<OldFilesReclaimer.Settings> {

    /**
     * Settings of {@code old-files}. Missing keys arrive as null: defaults are applied here.
     *
     * @param folder        the folder to clean (required, absolute)
     * @param glob          which files, matched against the path relative to {@code folder}
     *                      ({@code *.log} directly in it, {@code **.log} at any depth); default {@code **}
     * @param olderThanDays only files last modified more than this many days ago (default 30)
     */
    public record Settings(String folder, String glob, Integer olderThanDays) {
        public Settings {
            if (folder == null || !folder.startsWith("/")) {
                throw new IllegalArgumentException("folder must be an absolute path, got " + folder);
            }
            glob = glob == null ? "**" : glob;
            olderThanDays = olderThanDays == null ? 30 : olderThanDays;
            if (olderThanDays < 0) {
                throw new IllegalArgumentException("olderThanDays must not be negative: " + olderThanDays);
            }
        }
    }

    @Override
    public String id() {
        return "old-files";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public String description() {
        return "deletes files matching a glob under a folder when older than N days";
    }

    @Override
    public int cost() {
        // Old files are history someone may still want: after garbage, before generations.
        return COST_HISTORY;
    }

    @Override
    public Reclaimed reclaim(ReclaimContext<Settings> context, long bytesWanted) {
        Settings s = context.settings();
        Path folder = Path.of(s.folder());
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return Reclaimed.nothing(folder + " is not a folder");
        }
        Instant cutoff = Instant.now().minus(Duration.ofDays(s.olderThanDays()));
        long freed = 0;
        int deleted = 0;
        for (Candidate c : candidates(folder, s.glob(), cutoff)) {
            if (freed >= bytesWanted) {
                break;
            }
            try {
                if (Files.deleteIfExists(c.path())) {
                    freed += c.size();
                    deleted++;
                }
            } catch (IOException e) {
                context.host().log().warn("old-files: cannot delete {}: {}", c.path(), e.toString());
            }
        }
        return new Reclaimed(freed, "deleted " + deleted + " file(s) matching " + s.glob() + " older than "
                + s.olderThanDays() + " days under " + folder);
    }

    private record Candidate(Path path, long size, Instant modified) {
    }

    /** Regular files (never symlinks) matching the glob and older than the cutoff, oldest first. */
    private static List<Candidate> candidates(Path folder, String glob, Instant cutoff) {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        List<Candidate> result = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.forEach(p -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isRegularFile() && matcher.matches(folder.relativize(p))
                            && a.lastModifiedTime().toInstant().isBefore(cutoff)) {
                        result.add(new Candidate(p, a.size(), a.lastModifiedTime().toInstant()));
                    }
                } catch (IOException e) {
                    // vanished while walking: nothing to reclaim there
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("cannot walk " + folder + ": " + e.getMessage(), e);
        }
        result.sort(Comparator.comparing(Candidate::modified));
        return result;
    }
}
