package dev.inchworm.plugins.swapfile;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.host.Command;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.provision.ProvisionContext;
import dev.inchworm.api.provision.Provisioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * A temporary swap file while the upgrade runs: evaluating NixOS takes about 1 GB of memory,
 * more than a 1 GB host has free, and a couple of GiB of swap is what keeps it from being
 * OOM-killed.
 *
 * <p>Acquire notes the path in the run's state first, then {@code fallocate} (or {@code dd}
 * where the file system cannot allocate without writing), {@code chmod 600}, {@code mkswap},
 * {@code swapon}. Release swaps it off when {@code /proc/swaps} lists it and deletes it; it
 * needs nothing but that note, so it also works on the run after a crash. A path that exists
 * before acquire is never touched: it is not ours.
 */
@Extension
public final class SwapFile implements Provisioner<SwapFile.Settings> {

    /** The state key holding the swap file's path, written before the file is created. */
    static final String PATH_KEY = "path";

    /** Writing a 2 GiB file on a slow VPS disk, or swapping a full one back in, takes minutes. */
    static final Duration SLOW = Duration.ofHours(1);
    static final Duration QUICK = Duration.ofMinutes(2);

    /**
     * Settings of {@code swap-file}.
     *
     * @param path          the swap file (default {@code /var/lib/inchworm/swapfile}); its folder must exist
     * @param size          its size (default {@code 2GiB}); a size text or a number of bytes
     * @param keepFree      what must stay free on its file system after it is made (default {@code 64MiB})
     * @param minFreeMemory when set, acquire only when MemAvailable + SwapFree is below this
     * @param priority      the swap priority ({@code swapon -p}), -1 to 32767; the kernel's when unset
     */
    public record Settings(String path, ByteSize size, ByteSize keepFree, ByteSize minFreeMemory, Integer priority) {
        public Settings {
            path = path == null ? "/var/lib/inchworm/swapfile" : path;
            if (!path.startsWith("/") || path.endsWith("/") || path.contains("\n")) {
                throw new IllegalArgumentException("path must be an absolute file path: '" + path + "'");
            }
            size = size == null ? ByteSize.of("2GiB") : size;
            if (size.bytes() < 64 * 1024) {
                throw new IllegalArgumentException("size: a swap file needs at least 64 KiB: '" + size + "'");
            }
            keepFree = keepFree == null ? ByteSize.of("64MiB") : keepFree;
            if (priority != null && (priority < -1 || priority > 32767)) {
                throw new IllegalArgumentException("priority must be -1 to 32767: " + priority);
            }
        }

        long sizeBytes() {
            return size.bytes();
        }

        long keepFreeBytes() {
            return keepFree.bytes();
        }

        Optional<Long> minFreeMemoryBytes() {
            return Optional.ofNullable(minFreeMemory).map(ByteSize::bytes);
        }

        String folder() {
            int slash = path.lastIndexOf('/');
            return slash == 0 ? "/" : path.substring(0, slash);
        }
    }

    @Override
    public String id() {
        return "swap-file";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public String description() {
        return "a temporary swap file during the upgrade (fallocate, mkswap, swapon; swapoff and delete after)";
    }

    @Override
    public void acquire(ProvisionContext<Settings> context) {
        Settings settings = context.settings();
        String path = settings.path();
        Optional<Long> threshold = settings.minFreeMemoryBytes();
        if (threshold.isPresent()) {
            long free = freeMemory(run(context, QUICK, "cat", "/proc/meminfo").stdout());
            if (free >= threshold.get()) {
                context.host().log().info("swap-file: {} of memory and swap free, at least {} wanted: no swap file",
                        ByteSize.format(free), ByteSize.format(threshold.get()));
                return;
            }
        }
        if (exists(context, path)) {
            throw new IllegalStateException(path + " already exists and swap-file did not create it: "
                    + "remove it, or set swap-file's path to another file");
        }
        long available = availableBytes(context, settings.folder());
        long needed = settings.sizeBytes() + settings.keepFreeBytes();
        if (available < needed) {
            throw new IllegalStateException("no room for a " + ByteSize.format(settings.sizeBytes()) + " swap file in "
                    + settings.folder() + ": " + ByteSize.format(available) + " free, " + ByteSize.format(needed)
                    + " needed (size + keepFree " + ByteSize.format(settings.keepFreeBytes()) + ")");
        }
        // Written before the file exists: a crash from here on leaves a note release can act on.
        context.state().put(PATH_KEY, path);
        try {
            allocate(context, settings);
            check(run(context, QUICK, "chmod", "600", path), "chmod");
            check(run(context, QUICK, "mkswap", path), "mkswap");
            List<String> swapon = new ArrayList<>(List.of("swapon"));
            if (settings.priority() != null) {
                swapon.addAll(List.of("-p", settings.priority().toString()));
            }
            swapon.add(path);
            CommandResult on = context.host().commands().run(Command.of(swapon).withTimeout(QUICK));
            if (!on.ok()) {
                throw new IllegalStateException("swapon " + path + " failed: " + on.stderr().strip()
                        + " (the file system holding " + settings.folder() + " cannot hold swap files: tmpfs and "
                        + "compressed or copy-on-write file systems cannot; choose a path on ext4 or xfs)");
            }
        } catch (RuntimeException e) {
            try {
                release(context);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        context.host().log().info("swap-file: {} of swap on at {}", ByteSize.format(settings.sizeBytes()), path);
    }

    @Override
    public void release(ProvisionContext<Settings> context) {
        Optional<String> noted = context.state().get(PATH_KEY);
        if (noted.isEmpty()) {
            return;
        }
        String path = noted.get();
        if (activeSwaps(run(context, QUICK, "cat", "/proc/swaps").stdout()).contains(path)) {
            check(run(context, SLOW, "swapoff", path), "swapoff");
        }
        check(run(context, QUICK, "rm", "-f", "--", path), "rm");
        context.state().remove(PATH_KEY);
        context.host().log().info("swap-file: {} swapped off and deleted", path);
    }

    private static void allocate(ProvisionContext<Settings> context, Settings settings) {
        String path = settings.path();
        long bytes = settings.sizeBytes();
        CommandResult fallocate = run(context, SLOW, "fallocate", "-l", Long.toString(bytes), path);
        if (fallocate.ok()) {
            return;
        }
        // ZFS and some others cannot preallocate; swapon refuses sparse files, so write zeros.
        if (fallocate.stderr().contains("not supported")) {
            long mib = (bytes + (1 << 20) - 1) >> 20;
            check(run(context, SLOW, "dd", "if=/dev/zero", "of=" + path, "bs=1M", "count=" + mib,
                    "conv=fsync", "status=none"), "dd");
            return;
        }
        check(fallocate, "fallocate");
    }

    private static boolean exists(ProvisionContext<Settings> context, String path) {
        // a dangling symlink is not "missing": fallocate would write through it
        CommandResult test = run(context, QUICK, "test", "-e", path, "-o", "-L", path);
        if (test.exitCode() > 1 || test.timedOut()) {
            check(test, "test");
        }
        return test.exitCode() == 0;
    }

    private static long availableBytes(ProvisionContext<Settings> context, String folder) {
        CommandResult stat = run(context, QUICK, "stat", "--file-system", "--format", "%S %a", folder);
        if (!stat.ok()) {
            throw new IllegalStateException("cannot measure the folder of the swap file " + folder
                    + " (it must exist): " + stat.stderr().strip());
        }
        String[] fields = stat.stdout().strip().split("\\s+");
        try {
            return Math.multiplyExact(Long.parseLong(fields[0]), Long.parseLong(fields[1]));
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot parse stat --file-system for " + folder + ": '"
                    + stat.stdout().strip() + "'", e);
        }
    }

    /** MemAvailable + SwapFree in bytes, from {@code /proc/meminfo} (which counts in KiB). */
    static long freeMemory(String meminfo) {
        long total = 0;
        int found = 0;
        for (String line : meminfo.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 2 && (fields[0].equals("MemAvailable:") || fields[0].equals("SwapFree:"))) {
                total += Long.parseLong(fields[1]) * 1024;
                found++;
            }
        }
        if (found != 2) {
            throw new IllegalStateException("/proc/meminfo has no MemAvailable and SwapFree lines");
        }
        return total;
    }

    /** The file names {@code /proc/swaps} lists, with the kernel's octal escapes undone. */
    static List<String> activeSwaps(String procSwaps) {
        List<String> names = new ArrayList<>();
        String[] lines = procSwaps.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].trim().split("\\s+");
            if (!fields[0].isEmpty()) {
                names.add(unescape(fields[0]));
            }
        }
        return names;
    }

    private static String unescape(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\' && i + 3 < name.length() && name.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(name.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static CommandResult run(ProvisionContext<Settings> context, Duration timeout, String... argv) {
        return context.host().commands().run(Command.of(argv).withTimeout(timeout));
    }

    private static void check(CommandResult result, String what) {
        if (!result.ok()) {
            throw new IllegalStateException(what + " failed: " + result.describe());
        }
    }
}
