package dev.inchworm.runtime.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the files Inchworm takes as input (profiles, the journal and the other state files)
 * with limits: only a regular file (a FIFO, a device such as {@code /dev/zero} or a folder is
 * refused before it is opened, so nothing blocks), and at most a given size (a file growing
 * while read is cut at the limit and refused).
 */
public final class LimitedFile {

    /** The most a host profile may hold. */
    public static final long PROFILE_BYTES = 1L << 20;
    /** The most a state file (journal, installed revisions, report) may hold. */
    public static final long STATE_BYTES = 8L << 20;

    private LimitedFile() {
    }

    /** Refused: not a regular file, or larger than allowed. The message says which, without the path. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * The whole content of {@code file}.
     *
     * @throws NoSuchFileException when it does not exist
     * @throws Refused             when it is not a regular file or is larger than {@code maxBytes}
     * @throws IOException         when it cannot be read
     */
    public static byte[] read(Path file, long maxBytes) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new Refused("not a regular file (" + kind(attributes) + "); only a regular file is read");
        }
        if (attributes.size() > maxBytes) {
            throw new Refused(tooLarge(attributes.size(), maxBytes));
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] content = in.readNBytes((int) maxBytes + 1);
            if (content.length > maxBytes) {
                throw new Refused(tooLarge(content.length, maxBytes));
            }
            return content;
        }
    }

    private static String kind(BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a folder";
        }
        return attributes.isOther() ? "a FIFO, socket or device" : "not a plain file";
    }

    private static String tooLarge(long size, long max) {
        return "larger than the " + (max >> 20) + " MiB allowed (" + size + " bytes or more)";
    }
}
