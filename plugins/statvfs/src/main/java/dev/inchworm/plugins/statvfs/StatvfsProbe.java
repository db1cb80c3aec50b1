package dev.inchworm.plugins.statvfs;

import dev.inchworm.api.host.Command;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.storage.ProbeContext;
import dev.inchworm.api.storage.StorageProbe;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.storage.Volume;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * Free bytes and inodes of the file systems holding the store (and /boot), from
 * {@code stat --file-system}: the statvfs(3) numbers, measured on the host (through the
 * profile's command prefix, so inside the host's mount namespace).
 *
 * <p>{@code freeBytes} is the space available to an unprivileged writer (statvfs
 * {@code f_bavail}), not the larger {@code f_bfree} that includes the blocks reserved for root:
 * Nix builds as root may dip into the reserve, but a full reserve still breaks the system's
 * other writers, so the smaller figure is the one to plan with.
 */
@Extension
public final class StatvfsProbe implements StorageProbe<StatvfsProbe.Settings> {

    /** The format asked of stat: block size, total, free, available blocks, total and free inodes. */
    static final String FORMAT = "%S %b %f %a %c %d";

    /** A measurement is a stat call: it must never hang a build's sampler. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * Settings of the {@code statvfs} probe.
     *
     * @param path the store's path (default {@code /nix/store})
     * @param boot the boot partition's mount point to measure too, e.g. {@code /boot}; none when null
     */
    public record Settings(String path, String boot) {
        public Settings {
            path = path == null ? "/nix/store" : path;
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path must be absolute: " + path);
            }
            if (boot != null && !boot.startsWith("/")) {
                throw new IllegalArgumentException("boot must be absolute: " + boot);
            }
        }

        /** The boot path, when configured. */
        public Optional<String> bootPath() {
            return Optional.ofNullable(boot);
        }
    }

    @Override
    public String id() {
        return "statvfs";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public String description() {
        return "free bytes (available to non-root) and inodes, via stat --file-system";
    }

    @Override
    public StorageReport measure(ProbeContext<Settings> context) {
        Settings settings = context.settings();
        Volume store = volume(context, settings.path());
        Optional<Volume> boot = settings.bootPath().map(p -> volume(context, p));
        return new StorageReport(Instant.now(), store, boot);
    }

    private static Volume volume(ProbeContext<Settings> context, String path) {
        List<String> argv = List.of("stat", "--file-system", "--format", FORMAT, path);
        CommandResult result = context.host().commands().run(Command.of(argv).withTimeout(TIMEOUT));
        if (!result.ok()) {
            throw new IllegalStateException("cannot measure " + path + ": " + result.describe());
        }
        return parse(path, result.stdout());
    }

    /**
     * Parses stat's output for {@link #FORMAT}.
     *
     * @throws IllegalStateException naming the path and the output when it is not six numbers
     */
    static Volume parse(String path, String output) {
        String[] fields = output.trim().split("\\s+");
        if (fields.length != 6) {
            throw unparsable(path, output, null);
        }
        long[] n = new long[6];
        try {
            for (int i = 0; i < 6; i++) {
                n[i] = Long.parseLong(fields[i]);
                if (n[i] < 0) {
                    throw unparsable(path, output, null);
                }
            }
            long blockSize = n[0];
            return new Volume(path, Math.multiplyExact(n[1], blockSize), Math.multiplyExact(n[3], blockSize),
                    n[4], n[5]);
        } catch (NumberFormatException | ArithmeticException e) {
            throw unparsable(path, output, e);
        }
    }

    private static IllegalStateException unparsable(String path, String output, Exception cause) {
        return new IllegalStateException("cannot parse the output of stat --file-system --format '" + FORMAT
                + "' for " + path + ": expected six numbers, got '" + output.trim() + "'", cause);
    }
}
