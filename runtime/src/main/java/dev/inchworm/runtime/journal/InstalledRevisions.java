package dev.inchworm.runtime.journal;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.runtime.config.LimitedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which source revision each system Inchworm installed came from ({@value #FILE_NAME} in the
 * state folder). Keyed by toplevel, not by generation: when the admin installs another system
 * by hand, its toplevel is unknown here and the next run asks for {@code --from} instead of
 * trusting a stale revision.
 */
public final class InstalledRevisions {

    /** The file's name in the state folder. */
    public static final String FILE_NAME = "installed.json";
    /** Systems remembered; older ones are forgotten. */
    static final int KEPT = 32;

    private static final TypeReference<List<Installed>> LIST = new TypeReference<>() { };

    private final AtomicFile file;
    private List<Installed> entries;

    private InstalledRevisions(Path file, List<Installed> entries) {
        this.file = new AtomicFile(file, file.toAbsolutePath().getParent()); // its folder is the state folder
        this.entries = entries;
    }

    /**
     * Reads a state folder's installed revisions.
     *
     * @throws JournalException naming the file when it cannot be read
     */
    public static InstalledRevisions open(Path stateDir) {
        Path path = stateDir.resolve(FILE_NAME).toAbsolutePath();
        try {
            List<Installed> read = StateJson.mapper().readValue(LimitedFile.read(path, LimitedFile.STATE_BYTES), LIST);
            return new InstalledRevisions(path, new ArrayList<>(read == null ? List.of() : read));
        } catch (NoSuchFileException e) {
            return new InstalledRevisions(path, new ArrayList<>());
        } catch (IOException | IllegalArgumentException e) {
            throw new JournalException(path, "cannot read the installed revisions: " + e.getMessage(), e);
        }
    }

    /** The revision the system with this toplevel came from, when Inchworm installed it. */
    public synchronized Optional<Revision> revisionOf(StorePath toplevel) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).toplevel().equals(toplevel)) {
                return Optional.of(entries.get(i).revision());
            }
        }
        return Optional.empty();
    }

    /** Remembers that {@code toplevel} came from {@code revision} (durably). */
    public synchronized void record(StorePath toplevel, Revision revision, Instant at) {
        if (revisionOf(toplevel).filter(revision::equals).isPresent()) {
            return;
        }
        List<Installed> next = new ArrayList<>(entries);
        next.removeIf(e -> e.toplevel().equals(toplevel));
        next.add(new Installed(toplevel, revision, at));
        while (next.size() > KEPT) {
            next.remove(0);
        }
        try {
            file.write(StateJson.mapper().writeValueAsBytes(next));
        } catch (IOException e) {
            throw new JournalWriteException(file.path(), "cannot write the installed revisions: " + e.getMessage(), e);
        }
        entries = next;
    }

    /**
     * A system Inchworm installed.
     *
     * @param toplevel the system's toplevel
     * @param revision the source revision it evaluated from
     * @param at       when it was installed
     */
    public record Installed(StorePath toplevel, Revision revision, Instant at) {
        public Installed {
            Objects.requireNonNull(toplevel, "toplevel");
            Objects.requireNonNull(revision, "revision");
            Objects.requireNonNull(at, "at");
        }
    }
}
