package dev.inchworm.runtime.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file's content so that a crash at any moment leaves either the old or the new
 * content, never a mix: write a temporary file beside it, fsync it, rename it over the file,
 * fsync the folder (without the last fsync the rename itself may be lost on power failure).
 */
public final class AtomicFile {

    private final Path file;
    private final Path stateDir;
    private final Runnable beforeRename;

    /** A file with no {@link SpareRoom} to fall back on. */
    public AtomicFile(Path file) {
        this(file, null);
    }

    /** A file whose writes may use the {@link SpareRoom} of {@code stateDir} when the disk is full. */
    public AtomicFile(Path file, Path stateDir) {
        this(file, stateDir, () -> { });
    }

    private AtomicFile(Path file, Path stateDir, Runnable beforeRename) {
        this.file = file.toAbsolutePath();
        this.stateDir = stateDir;
        this.beforeRename = beforeRename;
    }

    /** The same file with a test hook run when the temporary file is written, before the rename (a crash there). */
    public AtomicFile withBeforeRename(Runnable hook) {
        return new AtomicFile(file, stateDir, hook);
    }

    public Path path() {
        return file;
    }

    /** Writes {@code bytes} as the file's whole new content, durably. */
    public void write(byte[] bytes) throws IOException {
        try {
            replace(bytes);
        } catch (IOException e) {
            if (stateDir == null || !SpareRoom.outOfSpace(e) || !SpareRoom.release(stateDir)) {
                throw e;
            }
            replace(bytes);
        }
    }

    private void replace(byte[] bytes) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        } catch (IOException e) {
            // a half-written temporary file holds blocks a full disk needs back
            Files.deleteIfExists(temp);
            throw e;
        }
        beforeRename.run();
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the state folder " + dir + " does not support atomic rename", e);
        }
        syncFolder(dir);
    }

    /** Fsyncs a folder so a rename or a new entry in it is durable. */
    static void syncFolder(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
