package dev.inchworm.runtime.journal;

import dev.inchworm.runtime.exec.ProcessIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * One run per host: a lock file, {@value #FILE_NAME}, in the state folder. The holder takes an
 * OS file lock on it (freed by the kernel when the process dies, however it dies) and writes
 * its pid and start time into it. A second run finds the lock taken, or the file naming a live
 * process, and stops at once ({@link LockHeldException}); a file naming a dead process (or a
 * reused pid with another start time) is a stale lock and is taken over.
 */
public final class HostLock implements AutoCloseable {

    /** The lock's file name in the state folder. */
    public static final String FILE_NAME = "lock";

    private final Path stateDir;
    private final Path file;
    private final FileChannel channel;
    private final Holder takenOverFrom;

    private HostLock(Path stateDir, Path file, FileChannel channel, Holder takenOverFrom) {
        this.stateDir = stateDir;
        this.file = file;
        this.channel = channel;
        this.takenOverFrom = takenOverFrom;
    }

    /**
     * Takes the host's lock, or fails at once.
     *
     * @throws LockHeldException when a live process holds it
     * @throws JournalException  when the lock file cannot be created or written
     */
    public static HostLock acquire(Path stateDir) {
        Path file = stateDir.resolve(FILE_NAME).toAbsolutePath();
        FileChannel channel = null;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this very JVM holds it already
            }
            Optional<Holder> previous = readHolder(channel);
            Holder self = Holder.self();
            if (lock == null) {
                throw new LockHeldException(file, previous);
            }
            if (previous.isPresent() && previous.get().pid() != self.pid() && previous.get().alive()) {
                // A live process named in the file without the OS lock: respect it all the same.
                lock.release();
                throw new LockHeldException(file, previous);
            }
            byte[] text = self.text().getBytes(StandardCharsets.UTF_8);
            try {
                writeHolder(channel, text);
            } catch (IOException e) {
                if (!SpareRoom.outOfSpace(e) || !SpareRoom.release(stateDir)) {
                    throw e;
                }
                writeHolder(channel, text);
            }
            HostLock held = new HostLock(stateDir, file, channel, previous.orElse(null));
            channel = null;
            SpareRoom.refill(stateDir); // the first run on a host, or after a full disk used it
            return held;
        } catch (IOException e) {
            throw new JournalException(file, "cannot take the host lock: " + e.getMessage()
                    + (SpareRoom.outOfSpace(e) ? " (the state folder's disk is full): nothing was done to the host; "
                    + "make room there and run again" : ""), e);
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the lock was not taken; nothing to undo
                }
            }
        }
    }

    private static void writeHolder(FileChannel channel, byte[] text) throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(text), 0);
        channel.force(true);
    }

    /** The live process holding a state folder's lock, if any (for {@code status}). */
    public static Optional<Holder> holder(Path stateDir) {
        Path file = stateDir.resolve(FILE_NAME);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHolder(channel).filter(Holder::alive);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new JournalException(file, "cannot read the host lock: " + e.getMessage(), e);
        }
    }

    /** The dead process whose stale lock this one took over, if any. */
    public Optional<Holder> takenOverFrom() {
        return Optional.ofNullable(takenOverFrom);
    }

    /** The lock file. */
    public Path path() {
        return file;
    }

    /** Clears the holder and releases the lock. The file stays: deleting it would race a newcomer. */
    @Override
    public void close() {
        // the run is over and its garbage collected: room again for the next full disk
        SpareRoom.refill(stateDir);
        try {
            channel.truncate(0);
            channel.force(true);
        } catch (IOException e) {
            // A stale pid left in the file is detected as dead by the next run.
        } finally {
            try {
                // Closing the channel releases the OS lock too; a failed release must not leave it open.
                channel.close();
            } catch (IOException ignored) {
                // the kernel frees the lock with the descriptor when the process ends in any case
            }
        }
    }

    private static Optional<Holder> readHolder(FileChannel channel) throws IOException {
        long size = Math.min(channel.size(), 4096);
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        channel.read(buffer, 0);
        return Holder.parse(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
    }

    /**
     * The process that holds (or held) the lock.
     *
     * @param pid     its process id
     * @param started its start time, null when the OS did not tell; tells a reused pid apart
     */
    public record Holder(long pid, Instant started) {

        public Holder {
            if (pid < 1) {
                throw new IllegalArgumentException("pid must be positive: " + pid);
            }
        }

        static Holder self() {
            ProcessIdentity me = ProcessIdentity.self();
            return new Holder(me.pid(), me.started());
        }

        /** Whether that very process (same pid, same start time) is still running. */
        public boolean alive() {
            return new ProcessIdentity(pid, started).alive();
        }

        String text() {
            return "pid=" + pid + "\n" + (started == null ? "" : "started=" + started + "\n");
        }

        static Optional<Holder> parse(String text) {
            Long pid = null;
            Instant started = null;
            for (String line : text.split("\n")) {
                try {
                    if (line.startsWith("pid=")) {
                        pid = Long.parseLong(line.substring(4).strip());
                    } else if (line.startsWith("started=")) {
                        started = Instant.parse(line.substring(8).strip());
                    }
                } catch (NumberFormatException | DateTimeParseException e) {
                    return Optional.empty(); // garbled: no holder to respect
                }
            }
            return pid == null || pid < 1 ? Optional.empty() : Optional.of(new Holder(pid, started));
        }

        @Override
        public String toString() {
            return "pid " + pid + (started == null ? "" : ", started " + started);
        }
    }

    /** For messages: the lock file of a state folder. */
    static String describe(Path file, Optional<Holder> holder) {
        Objects.requireNonNull(file, "file");
        return holder.map(h -> "held by " + h).orElse("held by another process");
    }
}
