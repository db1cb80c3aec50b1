package dev.inchworm.testkit;

import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A tiny host for tests against real Nix: a private mount namespace, kept alive by a holder
 * process, in which a size-limited tmpfs or a loop-mounted ext4 image is mounted over
 * {@code /nix}. The real machine's {@code /nix} is never touched. Commands enter the
 * namespace through {@link #prefix()} ({@code nsenter -t PID -m --}); the small disk is
 * readable from outside at {@link #storeRoot()}. Everything outside {@code /nix} (the state
 * folder, the scenario repositories) is shared with the machine.
 *
 * <p>{@link #close()} always cleans up: swap on the disk off, every process in the namespace
 * killed by its pid, the loop device released, the work folder deleted. A JVM shutdown hook
 * closes hosts a failing test left open; if the JVM is killed outright, the holder still
 * ends (its standard input closes), and with it the namespace and the loop device.
 *
 * <pre>{@code
 * try (SandboxHost host = SandboxHost.builder().tmpfs(64).build()) {
 *     Scenario scenario = Scenario.forHost(host);
 *     Revision first = scenario.commit("initial", pkgs -> PackageSet.typical());
 *     Evaluation installed = host.install(scenario, first);
 * }
 * }</pre>
 */
public final class SandboxHost implements AutoCloseable {

    /** The system profile, as on NixOS. */
    public static final String SYSTEM_PROFILE = "/nix/var/nix/profiles/system";
    /** The file {@link #leaveFree(long)} fills the disk with. */
    public static final String FILLER = "/nix/filler";

    private static final Path NIX = Path.of("/nix");
    private static final Path BOOT = Path.of("/boot");
    private static final Duration SETTLE = Duration.ofSeconds(10);
    private static final Set<SandboxHost> OPEN = ConcurrentHashMap.newKeySet();
    private static final String WORK_PREFIX = "inchworm-host-";
    private static final String OWNER = "owner";

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(SandboxHost::closeLeftOpen, "inchworm-testkit-cleanup"));
    }

    private enum Disk { TMPFS, LOOP_EXT4 }

    private final String name;
    private final Disk disk;
    private final int sizeMib;
    private final Path workDir;
    private final Path stateDir;
    private final Optional<Path> image;
    private final Optional<Path> journalDir;
    private final Optional<Path> swapDir;
    private final Map<String, String> nixEnvironment;
    private Process holder;
    private String loopDevice;
    private boolean loopAutoclear;
    private String namespace;
    private FileStore store;
    private boolean closed;

    private SandboxHost(Builder b) {
        this.name = b.name;
        this.disk = b.disk;
        this.sizeMib = b.sizeMib;
        sweepStale(b.parent);
        try {
            this.workDir = Files.createTempDirectory(b.parent, WORK_PREFIX).toAbsolutePath();
            Files.writeString(workDir.resolve(OWNER), owner(ProcessHandle.current()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work folder in " + b.parent, e);
        }
        this.stateDir = workDir.resolve("state");
        this.image = disk == Disk.LOOP_EXT4 ? Optional.of(workDir.resolve("disk.img")) : Optional.empty();
        this.journalDir = b.journal ? Optional.of(b.journalAt == null ? workDir.resolve("journal") : b.journalAt)
                : Optional.empty();
        this.swapDir = b.swap ? Optional.of(workDir.resolve("swap")) : Optional.empty();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("NIX_REMOTE", "local");
        env.put("NIX_CONFIG", "sandbox = false\nbuild-users-group =\nsubstituters =\n"
                + "experimental-features = nix-command\n");
        env.put("TMPDIR", b.tmpInStore ? "/nix/var/tmp" : workDir.resolve("tmp").toString());
        this.nixEnvironment = Collections.unmodifiableMap(env);
        OPEN.add(this);
        try {
            setUp(b);
        } catch (RuntimeException | IOException e) {
            try {
                close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot set up sandbox host " + name, io);
            }
            throw (RuntimeException) e;
        }
    }

    /** A builder; the default is a 64 MiB tmpfs. */
    public static Builder builder() {
        return new Builder();
    }

    private void setUp(Builder b) throws IOException {
        Files.createDirectories(stateDir);
        Files.createDirectories(workDir.resolve("tmp"));
        if (!Files.isDirectory(NIX)) {
            // the mount point must exist on the machine; an empty folder changes nothing there
            Files.createDirectories(NIX);
        }
        if (image.isPresent()) {
            try (RandomAccessFile file = new RandomAccessFile(image.get().toFile(), "rw")) {
                file.setLength((long) sizeMib << 20);
            }
            int inodes = Math.max(4096, sizeMib * 64);
            Launcher.run(List.of("mkfs.ext4", "-q", "-F", "-m", "0", "-N", Integer.toString(inodes),
                    image.get().toString()), Map.of()).requireOk();
            loopDevice = Launcher.run(List.of("losetup", "--find", "--show", image.get().toString()), Map.of())
                    .requireOk().text();
        }
        Path errors = workDir.resolve("holder.err");
        // cat ends when its standard input closes, i.e. when this JVM dies, however it dies
        holder = Launcher.start(List.of("unshare", "-m", "--propagation", "private", "cat"), errors);
        awaitNamespace(errors);
        if (loopDevice == null) {
            inside("mount", "-t", "tmpfs", "-o", "size=" + sizeMib + "m,mode=0755", "inchworm-sandbox", "/nix");
        } else {
            Path stage = Files.createDirectories(workDir.resolve("disk"));
            inside("mount", loopDevice, stage.toString());
            inside("mkdir", "-p", stage.resolve("nix").toString(), stage.resolve("swap").toString(),
                    stage.resolve("journal").toString());
            inside("mount", "--bind", stage.resolve("nix").toString(), "/nix");
            if (swapDir.isPresent()) {
                Files.createDirectories(swapDir.get());
                inside("mount", "--bind", stage.resolve("swap").toString(), swapDir.get().toString());
            }
            if (journalDir.isPresent()) {
                Files.createDirectories(journalDir.get());
                inside("mount", "--bind", stage.resolve("journal").toString(), journalDir.get().toString());
            }
            inside("umount", stage.toString());
            // the device is busy, so this only marks it: the kernel releases it with the namespace
            Launcher.run(List.of("losetup", "-d", loopDevice), Map.of()).requireOk();
            loopAutoclear = true;
        }
        if (b.tmpInStore) {
            inside("mkdir", "-p", "/nix/var/tmp");
        }
        if (b.bootMib > 0) {
            if (!Files.isDirectory(BOOT)) {
                Files.createDirectories(BOOT); // as /nix: an empty mount point changes nothing on the machine
            }
            inside("mount", "-t", "tmpfs", "-o", "size=" + b.bootMib + "m,mode=0755", "inchworm-boot", BOOT.toString());
            Files.writeString(stateDir.resolve("boot-dir"), BOOT.toString());
        }
        store = Files.getFileStore(storeRoot());
    }

    /** Waits until the holder has entered its own namespace (after unshare made it private). */
    private void awaitNamespace(Path errors) throws IOException {
        String own = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString();
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < deadline) {
            if (!holder.isAlive()) {
                throw new IllegalStateException("the namespace holder (unshare -m) exited with code "
                        + holder.exitValue() + ": " + Files.readString(errors).strip());
            }
            try {
                // comm turns to "cat" only after unshare has made the namespace and its mounts private
                String comm = Files.readString(Path.of("/proc", Long.toString(holder.pid()), "comm")).strip();
                String ns = Files.readSymbolicLink(Path.of("/proc", Long.toString(holder.pid()), "ns", "mnt")).toString();
                if (comm.equals("cat") && !ns.equals(own)) {
                    namespace = ns;
                    return;
                }
            } catch (IOException e) {
                // the process is between exec calls; look again
            }
            pause(1);
        }
        throw new IllegalStateException("the namespace holder did not enter a new mount namespace within " + SETTLE);
    }

    /** Runs a set-up command inside the namespace; it must succeed. */
    private void inside(String... argv) {
        if (namespace == null) {
            throw new IllegalStateException("refusing to run outside the sandbox namespace: " + List.of(argv));
        }
        List<String> full = new ArrayList<>(prefix());
        full.addAll(List.of(argv));
        Launcher.run(full, Map.of()).requireOk();
    }

    // --- what the host offers -----------------------------------------------------------------

    /** The host's name (the toplevel is {@code nixos-system-NAME-VERSION}). */
    public String name() {
        return name;
    }

    /** The pid of the holder process, whose mount namespace is the host. */
    public long pid() {
        requireOpen();
        return holder.pid();
    }

    /** The prefix that runs a command inside the host: {@code nsenter -t PID -m --}. */
    public List<String> prefix() {
        return List.of("nsenter", "-t", Long.toString(holder.pid()), "-m", "--");
    }

    /**
     * The environment for Nix in the host: {@code NIX_REMOTE=local}, a {@code NIX_CONFIG} with
     * no sandbox, no build users, no substituters, {@code nix-command} enabled; and
     * {@code TMPDIR} (build folders) in the work folder, or on the small disk with
     * {@link Builder#tmpDirInStore()}.
     */
    public Map<String, String> nixEnvironment() {
        return nixEnvironment;
    }

    /** The host's own {@code /boot} ({@link Builder#boot(int)}) seen from outside: {@code /proc/PID/root/boot}. */
    public Path bootDir() {
        return Path.of("/proc", Long.toString(pid()), "root", "boot");
    }

    /** The host's {@code /nix} seen from outside: {@code /proc/PID/root/nix}. */
    public Path storeRoot() {
        return Path.of("/proc", Long.toString(holder.pid()), "root", "nix");
    }

    /** A folder on the real disk for the host's state (switch.log, current-system ...). */
    public Path stateDir() {
        return stateDir;
    }

    /** The host's work folder on the real disk; deleted on close. */
    public Path workDir() {
        return workDir;
    }

    /** Where the journal folder of the small disk is mounted inside the host, when asked for. */
    public Optional<Path> journalDir() {
        return journalDir;
    }

    /** A folder on the small disk (inside the host) where swap files work, when asked for. */
    public Optional<Path> swapDir() {
        return swapDir;
    }

    /** Runs a command inside the host with {@link #nixEnvironment()}; never throws on a non-zero exit. */
    public Outcome run(String... argv) {
        return run(List.of(argv));
    }

    /** Runs a command inside the host with {@link #nixEnvironment()}; never throws on a non-zero exit. */
    public Outcome run(List<String> argv) {
        requireOpen();
        List<String> full = new ArrayList<>(prefix());
        full.addAll(argv);
        return Launcher.run(full, nixEnvironment);
    }

    /** Bytes used on the small disk (for a loop disk: store, journal and swap together). */
    public long usedBytes() {
        try {
            return store.getTotalSpace() - store.getUnallocatedSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read usage of " + storeRoot(), e);
        }
    }

    /** Bytes free for use on the small disk. */
    public long freeBytes() {
        try {
            return store.getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read usage of " + storeRoot(), e);
        }
    }

    /** The small disk's size in bytes, as the file system reports it. */
    public long sizeBytes() {
        try {
            return store.getTotalSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read usage of " + storeRoot(), e);
        }
    }

    /**
     * Shrinks (or grows) a tmpfs host's disk, e.g. to give it less room than its initial
     * install needed. Fails when the disk holds more than {@code mib}.
     */
    public void shrinkTo(int mib) {
        requireOpen();
        if (disk != Disk.TMPFS) {
            throw new UnsupportedOperationException("only a tmpfs host can change its size");
        }
        run("mount", "-o", "remount,size=" + mib + "m", "/nix").requireOk();
    }

    /**
     * Fills the disk with a filler file ({@value #FILLER}, and {@code FILLER-tail}) until only about {@code bytes} are
     * free (0: completely full, as a real host after a runaway build: no write succeeds, though
     * ext4 may still report a last block free); replaces an earlier
     * filler. {@link #removeFiller()} frees its space again.
     *
     * @return the bytes free afterwards
     */
    public long leaveFree(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative: " + bytes);
        }
        removeFiller();
        long size = (freeBytes() - bytes) / 4096 * 4096;
        if (size < 0) {
            throw new IllegalStateException("only " + freeBytes() + " bytes are free, fewer than " + bytes);
        }
        // file systems keep some blocks for the file's own metadata: step down until it fits
        while (size > 0 && !run("fallocate", "-l", Long.toString(size), FILLER).ok()) {
            size -= 64 * 1024;
        }
        if (bytes == 0) {
            // the last blocks, in 1 KiB writes: ext4 refuses a bigger write outright when it
            // cannot reserve all of its blocks, yet a small write would still fit
            run("dd", "if=/dev/zero", "of=" + FILLER + "-tail", "bs=1024");
        }
        return freeBytes();
    }

    /** Deletes the filler file of {@link #leaveFree(long)}, if any. */
    public void removeFiller() {
        run("rm", "-f", FILLER, FILLER + "-tail").requireOk();
    }

    /** Whether the store path exists in the host's store (a file check, not Nix validity). */
    public boolean exists(StorePath path) {
        return Files.exists(storeRoot().resolve("store").resolve(path.baseName()), LinkOption.NOFOLLOW_LINKS);
    }

    // --- scenarios --------------------------------------------------------------------------

    /**
     * Evaluates a scenario revision in the host ({@code nix-instantiate nixos/default.nix -A
     * system} on a checkout of it): its toplevel derivation and output path. Builds nothing.
     */
    public Evaluation evaluate(Scenario scenario, Revision revision) {
        Path expression = scenario.expression(revision);
        Outcome drv = run("nix-instantiate", expression.toString(), "-A", Scenario.ATTRIBUTE).requireOk();
        StorePath derivation = StorePath.of(drv.lines().get(drv.lines().size() - 1));
        StorePath toplevel = StorePath.of(run("nix-store", "-q", "--outputs", derivation.path()).requireOk().text());
        return new Evaluation(revision, derivation, toplevel);
    }

    /**
     * Builds an attribute of a scenario revision in the host ({@code nix-build
     * nixos/default.nix -A ATTRIBUTE --no-out-link}, e.g. {@code system}, {@code pkgs.firefox},
     * {@code pkgs.openssl.all}, {@code pkgs.hello.source}); stdout lists the output paths.
     */
    public Outcome build(Scenario scenario, Revision revision, String attribute) {
        return run("nix-build", scenario.expression(revision).toString(), "-A", attribute, "--no-out-link");
    }

    /** Builds a derivation in the host ({@code nix-store --realise}, no GC root); the outcome tells. */
    public Outcome realise(StorePath drv) {
        return run("nix-store", "--realise", drv.path());
    }

    /**
     * Installs a scenario revision as the host's initial generation, as a first boot would:
     * evaluates and builds it, sets the system profile to it, makes it the booted system,
     * runs its {@code switch-to-configuration switch}. The current and booted systems become
     * GC roots ({@code /nix/var/nix/gcroots/{current,booted}-system}), as on NixOS.
     */
    public Evaluation install(Scenario scenario, Revision revision) {
        if (!scenario.stateDir().equals(stateDir)) {
            throw new IllegalArgumentException("scenario records into " + scenario.stateDir()
                    + ", not this host's state folder " + stateDir + ": make it with Scenario.forHost(host)");
        }
        Evaluation evaluation = evaluate(scenario, revision);
        realise(evaluation.drv()).requireOk();
        run("nix-env", "-p", SYSTEM_PROFILE, "--set", evaluation.toplevel().path()).requireOk();
        run("mkdir", "-p", "/nix/var/nix/gcroots").requireOk();
        for (String root : List.of("current-system", "booted-system")) {
            run("ln", "-sfn", stateDir.resolve(root).toString(), "/nix/var/nix/gcroots/" + root).requireOk();
        }
        link("booted-system", evaluation.toplevel());
        run(evaluation.toplevel().path() + "/bin/switch-to-configuration", "switch").requireOk();
        return evaluation;
    }

    /**
     * What an admin's {@code nixos-rebuild switch} from a channel of {@code revision} does:
     * builds it from {@link Scenario#channelCheckout} (its {@code nixos-version} names the
     * commit), {@code nix-env --set}s the system profile and switches to it.
     */
    public StorePath switchByHand(Scenario scenario, Revision revision) {
        Path expression = scenario.channelCheckout(revision).resolve(Scenario.EXPRESSION);
        Outcome built = run("nix-build", expression.toString(), "-A", Scenario.ATTRIBUTE, "--no-out-link").requireOk();
        StorePath toplevel = StorePath.of(built.lines().get(built.lines().size() - 1));
        run("nix-env", "-p", SYSTEM_PROFILE, "--set", toplevel.path()).requireOk();
        run(toplevel.path() + "/bin/switch-to-configuration", "switch").requireOk();
        return toplevel;
    }

    /** The activations recorded so far by scenario toplevels, oldest first. */
    public List<Activation> activations() {
        Path log = stateDir.resolve("switch.log");
        try {
            return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> !l.isBlank())
                    .map(Activation::parse).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    /** While true, every scenario toplevel's {@code switch-to-configuration} fails (exit 1). */
    public void failActivations(boolean fail) {
        Path flag = stateDir.resolve("switch-fail");
        try {
            if (fail) {
                Files.writeString(flag, "switch-to-configuration fails while this file exists\n");
            } else {
                Files.deleteIfExists(flag);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot change " + flag, e);
        }
    }

    /** From now on, only this toplevel's {@code switch-to-configuration} fails (exit 1); others work. */
    public void failActivationOf(StorePath toplevel) {
        Path flag = stateDir.resolve("switch-fail");
        try {
            Files.writeString(flag, toplevel.path() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + flag, e);
        }
    }

    /** The system last activated by {@code switch} or {@code test} ({@code STATE/current-system}). */
    public Optional<StorePath> currentSystem() {
        return readLink(stateDir.resolve("current-system"));
    }

    /** The system the host was "booted" into ({@code STATE/booted-system}): by install or {@link #reboot()}. */
    public Optional<StorePath> bootedSystem() {
        return readLink(stateDir.resolve("booted-system"));
    }

    /** What the system profile points at now, if it exists. */
    public Optional<StorePath> systemProfile() {
        Path profile = storeRoot().resolve("var/nix/profiles/system");
        try {
            if (!Files.isSymbolicLink(profile)) {
                return Optional.empty();
            }
            // system -> system-N-link (relative) -> /nix/store/... (absolute, only valid inside)
            Path generation = profile.resolveSibling(Files.readSymbolicLink(profile));
            return Optional.of(StorePath.of(Files.readSymbolicLink(generation).toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + profile, e);
        }
    }

    /** Simulates a reboot: the booted and the current system become what the profile points at. */
    public void reboot() {
        StorePath target = systemProfile().orElseThrow(() -> new IllegalStateException("no system profile to boot"));
        link("booted-system", target);
        link("current-system", target);
    }

    /**
     * The test kit's reboot stand-in, for a profile's {@code engine.reboot.command}: run inside the
     * host (through {@code nix.prefix}), it does what {@link #reboot()} does, re-pointing
     * {@code STATE/booted-system} and {@code STATE/current-system} at the system profile's
     * generation (the bootloader's default entry), and appends that toplevel to
     * {@code STATE/reboots.log} ({@link #reboots()}). It returns, as a test needs: the engine
     * then exits 6 and the test runs the CLI again, as the boot would.
     */
    public List<String> rebootCommand() {
        String script = "t=$(readlink -f " + SYSTEM_PROFILE + ") && ln -sfn \"$t\" \"$1/booted-system\" "
                + "&& ln -sfn \"$t\" \"$1/current-system\" && echo \"$t\" >> \"$1/reboots.log\"";
        return List.of("sh", "-c", script, "sh", stateDir.toString());
    }

    /** The toplevels {@link #rebootCommand()} booted, oldest first. */
    public List<StorePath> reboots() {
        Path log = stateDir.resolve("reboots.log");
        try {
            return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> !l.isBlank())
                    .map(StorePath::of).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    /** A host profile for this host and scenario, with default plugin selections to change. */
    public ProfileFile profile(Scenario scenario) {
        return new ProfileFile(this, scenario);
    }

    private void link(String name, StorePath target) {
        Path link = stateDir.resolve(name);
        try {
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, Path.of(target.path()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot link " + link, e);
        }
    }

    private static Optional<StorePath> readLink(Path link) {
        try {
            return Files.isSymbolicLink(link) ? Optional.of(StorePath.of(Files.readSymbolicLink(link).toString()))
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + link, e);
        }
    }

    private synchronized void requireOpen() {
        if (closed) {
            throw new IllegalStateException("sandbox host " + name + " is closed");
        }
    }

    // --- cleanup ----------------------------------------------------------------------------

    /**
     * Cleans up, whatever state the host is in: swap on its disk off, every process in its
     * namespace killed by pid, the loop device released, the work folder deleted. A second
     * call does nothing.
     *
     * @throws IllegalStateException naming what could not be cleaned up
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> problems = new ArrayList<>();
        if (holder != null) {
            if (holder.isAlive() && namespace != null && image.isPresent()) {
                swapOff(problems);
            }
            killNamespace(problems);
        }
        if (loopDevice != null && !loopAutoclear) {
            // set-up failed before the device was marked: still ours, and no longer mounted
            Launcher.run(List.of("losetup", "-d", loopDevice), Map.of());
        }
        if (image.isPresent()) {
            awaitLoopReleased(problems);
        }
        deleteTree(workDir, problems);
        OPEN.remove(this);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("sandbox host " + name + " was not fully cleaned up: " + problems);
        }
    }

    /** Swap is global: a swap file left on the disk would also keep the loop device busy. */
    private void swapOff(List<String> problems) {
        List<String> full = new ArrayList<>(prefix());
        full.addAll(List.of("cat", "/proc/swaps"));
        Outcome swaps = Launcher.run(full, Map.of());
        if (!swaps.ok()) {
            problems.add("cannot read /proc/swaps: " + swaps.stderr().strip());
            return;
        }
        for (String line : swaps.lines().subList(Math.min(1, swaps.lines().size()), swaps.lines().size())) {
            String file = line.split("\\s+")[0].replace("\\040", " ");
            // the disk shows inside the namespace at /nix and the swap and journal mount points
            boolean ours = file.startsWith("/nix/") || swapDir.map(d -> file.startsWith(d + "/")).orElse(false)
                    || journalDir.map(d -> file.startsWith(d + "/")).orElse(false);
            if (ours) {
                List<String> off = new ArrayList<>(prefix());
                off.addAll(List.of("swapoff", file));
                Outcome result = Launcher.run(off, Map.of());
                if (!result.ok()) {
                    problems.add("swapoff " + file + ": " + result.stderr().strip());
                }
            }
        }
    }

    /** Kills every process in the namespace (by pid), the holder last. */
    private void killNamespace(List<String> problems) {
        List<ProcessHandle> members = new ArrayList<>();
        if (namespace != null && holder.isAlive()) {
            try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path entry : proc) {
                    long pid = Long.parseLong(entry.getFileName().toString());
                    if (pid != holder.pid() && namespace.equals(namespaceOf(entry))) {
                        ProcessHandle.of(pid).ifPresent(members::add);
                    }
                }
            } catch (IOException e) {
                problems.add("cannot list /proc: " + e.getMessage());
            }
        }
        members.forEach(ProcessHandle::destroyForcibly);
        holder.destroyForcibly();
        members.add(holder.toHandle());
        for (ProcessHandle member : members) {
            try {
                member.onExit().get(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                problems.add("process " + member.pid() + " in the namespace did not end: " + e);
            }
        }
    }

    private static String namespaceOf(Path procEntry) {
        try {
            return Files.readSymbolicLink(procEntry.resolve("ns/mnt")).toString();
        } catch (IOException e) {
            return ""; // gone, or a kernel thread
        }
    }

    private void awaitLoopReleased(List<String> problems) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<String> query = List.of("losetup", "-j", image.get().toString());
        while (true) {
            Outcome attached = Launcher.run(query, Map.of());
            if (attached.ok() && attached.text().isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                // no detaching here: the device may already be someone else's by now
                problems.add("loop device still attached to " + image.get() + ": " + attached.text());
                return;
            }
            pause(5);
        }
    }

    private static void deleteTree(Path root, List<String> problems) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            problems.add("cannot delete " + root + ": " + e);
        }
    }

    /**
     * Deletes work folders whose JVM is gone without closing them (killed outright: its
     * holders ended with it, but nothing deleted the files). Folders of live JVMs stay.
     */
    private static void sweepStale(Path parent) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, WORK_PREFIX + "*")) {
            for (Path dir : dirs) {
                Path owner = dir.resolve(OWNER);
                if (Files.isRegularFile(owner)) {
                    String recorded = Files.readString(owner);
                    long pid = Long.parseLong(recorded.substring(0, recorded.indexOf(' ')));
                    boolean alive = ProcessHandle.of(pid).map(SandboxHost::owner).filter(recorded::equals).isPresent();
                    if (!alive) {
                        deleteTree(dir, new ArrayList<>());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a stale folder costs disk space, never correctness
        }
    }

    /** Identifies a JVM across pid reuse: pid and start time. */
    private static String owner(ProcessHandle process) {
        return process.pid() + " " + process.info().startInstant().map(Object::toString).orElse("?");
    }

    private static void closeLeftOpen() {
        for (SandboxHost host : List.copyOf(OPEN)) {
            try {
                host.close();
            } catch (RuntimeException e) {
                System.err.println("inchworm testkit: " + e.getMessage());
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "SandboxHost[" + name + ", " + disk + " " + sizeMib + " MiB, pid "
                + (holder == null ? "-" : Long.toString(holder.pid())) + "]";
    }

    /** Chooses the host's disk and extras. */
    public static final class Builder {
        private String name = "sandbox";
        private Disk disk = Disk.TMPFS;
        private int sizeMib = 64;
        private boolean journal;
        private Path journalAt;
        private boolean swap;
        private boolean tmpInStore;
        private int bootMib;
        private Path parent = Path.of(System.getProperty("java.io.tmpdir"));

        private Builder() {
        }

        /** A tmpfs of this many MiB over /nix (the default: 64). */
        public Builder tmpfs(int mib) {
            return disk(Disk.TMPFS, mib);
        }

        /** An ext4 image of this many MiB, loop-mounted over /nix. */
        public Builder loopExt4(int mib) {
            return disk(Disk.LOOP_EXT4, mib);
        }

        /** The host's name (letters, digits, dashes), default {@code sandbox}. */
        public Builder name(String hostName) {
            if (hostName == null || !hostName.matches("[a-zA-Z0-9][a-zA-Z0-9-]*")) {
                throw new IllegalArgumentException("host name '" + hostName + "' must be letters, digits and dashes");
            }
            this.name = hostName;
            return this;
        }

        /** A journal folder on the loop disk, mounted at {@code WORK/journal} inside the host. */
        public Builder journal() {
            this.journal = true;
            return this;
        }

        /**
         * A journal folder on the loop disk, mounted at {@code mountPoint} inside the host (e.g.
         * {@code /var/log/journal}; created on the machine if missing, the machine's own files
         * there stay untouched and are hidden only inside the host).
         */
        public Builder journal(Path mountPoint) {
            this.journal = true;
            this.journalAt = Objects.requireNonNull(mountPoint, "mountPoint").toAbsolutePath();
            return this;
        }

        /** A folder on the loop disk where swap files work ({@link SandboxHost#swapDir()}). */
        public Builder swapFolder() {
            this.swap = true;
            return this;
        }

        /** Build folders ({@code TMPDIR}) on the small disk instead of the real one. */
        public Builder tmpDirInStore() {
            this.tmpInStore = true;
            return this;
        }

        /**
         * A {@code /boot} of its own: a tmpfs of {@code mib} over {@code /boot} inside the host, where
         * the scenario toplevels' {@code switch-to-configuration switch|boot} copies each
         * generation's kernel and initrd (a bootloader in miniature). Seen from outside at
         * {@link SandboxHost#bootDir()}.
         */
        public Builder boot(int mib) {
            if (mib < 1) {
                throw new IllegalArgumentException("a /boot needs at least 1 MiB");
            }
            this.bootMib = mib;
            return this;
        }

        /** Where the work folder is made (default: {@code java.io.tmpdir}). */
        public Builder workDirIn(Path folder) {
            this.parent = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /** Sets the host up (about 20 ms for a tmpfs); close it when done. */
        public SandboxHost build() {
            if (disk == Disk.TMPFS && (journal || swap)) {
                throw new IllegalStateException("a journal or swap folder needs a loop disk (loopExt4): "
                        + "swapon does not work on tmpfs");
            }
            return new SandboxHost(this);
        }

        private Builder disk(Disk kind, int mib) {
            int minimum = kind == Disk.LOOP_EXT4 ? 8 : 1;
            if (mib < minimum) {
                throw new IllegalArgumentException(kind + " size must be at least " + minimum + " MiB, not " + mib);
            }
            this.disk = kind;
            this.sizeMib = mib;
            return this;
        }
    }
}
