package dev.inchworm.plugins.journaldtrim;

import dev.inchworm.testkit.SandboxHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Real journal files on a sandbox host, written by {@code systemd-journal-remote} from export
 * format (no journald needed). Archived files are named {@code system@SEQNUMID-SEQNUM-REALTIME.journal},
 * the names journalctl orders and ages them by.
 */
final class JournalFiles {

    static final String JOURNAL_REMOTE = "/lib/systemd/systemd-journal-remote";
    static final String SEQNUM_ID = "0123456789abcdef0123456789abcdef";

    private static final java.util.Random RANDOM = new java.util.Random(42);

    private JournalFiles() {
    }

    // Random text, so that journald's field de-duplication keeps every entry's bytes.
    private static byte[] randomBytes() {
        byte[] bytes = new byte[100];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** An archived file whose entries start at {@code realtimeMicros}; returns its path. */
    static String archived(SandboxHost host, Path dir, int seqnum, long realtimeMicros) {
        String name = String.format(Locale.ROOT, "system@%s-%016x-%016x.journal", SEQNUM_ID, seqnum, realtimeMicros);
        return write(host, dir.resolve(name), realtimeMicros);
    }

    /** The active file, {@code system.journal}. */
    static String active(SandboxHost host, Path dir, long realtimeMicros) {
        return write(host, dir.resolve("system.journal"), realtimeMicros);
    }

    /** Allocated bytes of a file on the host: what journalctl and the disk count. */
    static long allocated(SandboxHost host, String path) {
        return Long.parseLong(host.run("stat", "-c", "%b", path).requireOk().text()) * 512;
    }

    private static String write(SandboxHost host, Path file, long realtimeMicros) {
        StringBuilder export = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            export.append("__REALTIME_TIMESTAMP=").append(realtimeMicros + i * 1000L).append('\n')
                    .append("__MONOTONIC_TIMESTAMP=").append(i * 1000L).append('\n')
                    .append("_BOOT_ID=").append(SEQNUM_ID).append('\n')
                    .append("_HOSTNAME=").append(host.name()).append('\n')
                    .append("MESSAGE=entry ").append(i).append(' ')
                    .append(HexFormat.of().formatHex(randomBytes())).append("\n\n");
        }
        try {
            Path input = Files.createTempFile(host.workDir(), "export", ".txt");
            Files.writeString(input, export, StandardCharsets.UTF_8);
            host.run(JOURNAL_REMOTE, "--output=" + file, input.toString()).requireOk();
            Files.delete(input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file.toString();
    }
}
