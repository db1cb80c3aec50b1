package dev.inchworm.runtime.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file of spare room, {@value #FILE_NAME}, in the state folder. On a host whose state folder
 * shares its disk with {@code /nix}, a build can fill the disk completely; the journal must
 * still be written before the engine acts (collecting garbage, rolling back). A write in the
 * state folder that fails for want of space deletes this file and tries once more; the file is
 * put back when the host lock is taken and released, once garbage collection made room again.
 * Like Nix's own {@code /nix/var/nix/db/reserved}.
 */
public final class SpareRoom {

    /** The file's name in the state folder. */
    public static final String FILE_NAME = "spare-room";
    /** Its size: room for many journal, lock and report writes (each a few KiB). */
    static final int SIZE = 512 * 1024;

    private SpareRoom() {
    }

    /** Puts the file back when it is missing or short; leaves nothing behind when the disk has no room for it. */
    public static void refill(Path stateDir) {
        Path file = stateDir.resolve(FILE_NAME);
        try {
            if (Files.isRegularFile(file) && Files.size(file) >= SIZE) {
                return;
            }
            Files.createDirectories(stateDir);
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                // real zeros, not a sparse file: the blocks must be allocated to be worth freeing
                ByteBuffer zeros = ByteBuffer.allocate(SIZE);
                while (zeros.hasRemaining()) {
                    out.write(zeros);
                }
                out.force(true);
            }
        } catch (IOException e) {
            // no room for it now (the disk is full): a short file would only mislead
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // nothing more to do; the next refill tries again
            }
        }
    }

    /**
     * Deletes the file to make room for a state-folder write that failed for want of space.
     *
     * @return whether it existed (so a retry may now succeed)
     */
    static boolean release(Path stateDir) {
        try {
            return Files.deleteIfExists(stateDir.resolve(FILE_NAME));
        } catch (IOException e) {
            return false;
        }
    }

    /** What a run must be able to write in the state folder before it begins (its journal, reports, notes). */
    static final int RUN_ROOM = 64 * 1024;

    /**
     * Checks, before a run changes anything, that the state folder takes a write of
     * {@value #RUN_ROOM} bytes (this file given up first, as for any write on a full disk):
     * a run whose journal cannot be written must not begin.
     *
     * @throws JournalException naming the folder and what the write said; nothing was changed
     */
    public static void requireRunRoom(Path stateDir) {
        Path probe = stateDir.resolve("room-check");
        try {
            try {
                writeZeros(probe, RUN_ROOM);
            } catch (IOException e) {
                Files.deleteIfExists(probe);
                if (!outOfSpace(e) || !release(stateDir)) {
                    throw e;
                }
                writeZeros(probe, RUN_ROOM);
            } finally {
                Files.deleteIfExists(probe);
            }
        } catch (IOException e) {
            throw new JournalException(stateDir, "the state folder cannot be written (" + e.getMessage()
                    + (outOfSpace(e) ? "; its disk is full" : "") + "): nothing was done to the host; make room "
                    + "there (or give the profile another stateDir) and run again", e);
        }
    }

    private static void writeZeros(Path file, int size) throws IOException {
        Files.createDirectories(file.getParent());
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer zeros = ByteBuffer.allocate(size);
            while (zeros.hasRemaining()) {
                out.write(zeros);
            }
            out.force(true);
        }
    }

    /** Whether a write failed because the disk is full (ENOSPC, or EDQUOT for a user's quota). */
    static boolean outOfSpace(IOException e) {
        String message = e.getMessage();
        return message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded"));
    }
}
