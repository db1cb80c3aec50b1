package dev.inchworm.dist;

import static dev.inchworm.testkit.Package.MiB;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.testkit.Outcome;
import dev.inchworm.testkit.PackageSet;
import dev.inchworm.testkit.ProfileFile;
import dev.inchworm.testkit.SandboxHost;
import dev.inchworm.testkit.Scenario;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A sandbox host with the typical package set installed (revision 1), a target revision, and
 * the assembled {@code inchworm} run against it as a subprocess. Closing it closes the host.
 */
final class SandboxRun implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    /** The line the CLI's crash hook prints (HostSession.CRASH_MARKER). */
    static final String CRASH_MARKER = "inchworm: crash point reached; waiting to be killed";

    final SandboxHost host;
    final Scenario scenario;
    final Revision first;
    final Evaluation initial;
    final Path work;
    Revision target;
    Path profile;
    /** Whether the CLI runs inside the host with its state folder on the host's disk ({@link #stateOnHostDisk()}). */
    private boolean onHostDisk;

    SandboxRun(int mib, Path work) throws IOException {
        this(SandboxHost.builder().tmpfs(mib), work, PackageSet.typical());
    }

    /** On a host of another kind, e.g. a loop disk with swap and journal folders. */
    SandboxRun(SandboxHost.Builder builder, Path work) throws IOException {
        this(builder, work, PackageSet.typical());
    }

    /** A host of {@code mib} with {@code packages} installed as its first generation. */
    SandboxRun(int mib, Path work, PackageSet packages) throws IOException {
        this(SandboxHost.builder().tmpfs(mib), work, packages);
    }

    /** A host of this kind with {@code packages} installed as its first generation. */
    SandboxRun(SandboxHost.Builder builder, Path work, PackageSet packages) throws IOException {
        this.work = work;
        this.host = builder.build();
        try {
            this.scenario = Scenario.forHost(host);
            this.first = scenario.commit("initial", pkgs -> packages);
            this.initial = host.install(scenario, first);
            profile(p -> p);
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
    }

    /** Commits the target revision. */
    SandboxRun target(String message, UnaryOperator<PackageSet> change) {
        target = scenario.commit(message, change);
        return this;
    }

    /** The target of a routine update: firefox 3 MiB bigger, curl bumped. */
    SandboxRun routineUpdate() {
        return target("firefox, curl", pkgs -> pkgs.bump("firefox", 3 * MiB).bump("curl"));
    }

    /** Writes the host profile: the kit's defaults, a 1 MiB reserve, then {@code change}. */
    SandboxRun profile(UnaryOperator<ProfileFile> change) {
        ProfileFile file = host.profile(scenario).set("engine", Map.of("reserve", "1MiB"));
        if (onHostDisk) {
            file.set("stateDir", STATE_ON_HOST_DISK);
        }
        profile = change.apply(file).write(work.resolve("host.yaml"));
        return this;
    }

    /** The state folder inside the host with {@link #stateOnHostDisk()}. */
    static final String STATE_ON_HOST_DISK = "/nix/var/inchworm";

    /** The profile's state folder, seen from this JVM. */
    Path stateDir() {
        return onHostDisk ? host.storeRoot().resolve("var/inchworm") : host.stateDir().resolve("inchworm");
    }

    /**
     * Puts the profile's state folder on the host's small disk, as on a real host where
     * {@code /var/lib/inchworm} shares the disk with {@code /nix}: {@value #STATE_ON_HOST_DISK}.
     * The CLI then runs inside the host's mount namespace ({@code nsenter}), so it sees that
     * folder where a real host's CLI would (through {@code /proc/PID/root} git's worktree
     * resolves the magic link to {@code /} and fails). Every later {@link #profile} keeps it.
     */
    SandboxRun stateOnHostDisk() {
        onHostDisk = true;
        return profile(p -> p);
    }

    /** The command line that starts the CLI: the launcher, inside the host when the state is on its disk. */
    private List<String> launcher() {
        List<String> argv = new ArrayList<>(onHostDisk ? host.prefix() : List.of());
        argv.add(Dist.LAUNCHER.toString());
        return argv;
    }

    Evaluation targetEvaluation() {
        return host.evaluate(scenario, target);
    }

    /**
     * {@code inchworm upgrade --profile P --from REV1 --json} plus {@code extra}; without
     * {@code --from} once the host has left revision 1 (Inchworm checks it names the running system).
     */
    Dist.Result upgrade(String... extra) throws IOException, InterruptedException {
        return inchworm(Map.of(), with(upgradeArgs(), extra));
    }

    /** The same, with {@code env} added to the CLI's environment. */
    Dist.Result upgradeWith(Map<String, String> env) throws IOException, InterruptedException {
        return inchworm(env, upgradeArgs().toArray(String[]::new));
    }

    private List<String> upgradeArgs() {
        List<String> argv = new ArrayList<>(List.of("upgrade", "--profile", profile.toString(), "--json"));
        if (profileToplevel().equals(initial.toplevel())) {
            argv.addAll(List.of("--from", first.commit()));
        }
        return argv;
    }

    /** {@code inchworm upgrade --profile P --from REV1} with standard error the journal ({@link Dist#runUnderJournal}). */
    Dist.Result upgradeUnderJournal(String... extra) throws IOException, InterruptedException {
        return Dist.runUnderJournal(work, launcher(), with(List.of("upgrade", "--profile", profile.toString(),
                "--from", first.commit()), extra));
    }

    Dist.Result inchworm(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return Dist.run(work, env, launcher(), args);
    }

    /**
     * Runs {@code inchworm upgrade} with {@code INCHWORM_CRASH_AFTER=n} and kills it with SIGKILL
     * when it reports the crash point.
     *
     * @return true when it was killed there; false when the run ended first (n past its last write)
     */
    boolean upgradeKilledAfterWrite(int n) throws IOException, InterruptedException {
        return upgradeKilledAfterWrite(n, () -> { });
    }

    /** The same, running {@code atCrashPoint} while the run waits at its crash point, before the kill. */
    boolean upgradeKilledAfterWrite(int n, Runnable atCrashPoint) throws IOException, InterruptedException {
        return upgradeKilledAtCrashPoint(Map.of("INCHWORM_CRASH_AFTER", Integer.toString(n)), atCrashPoint);
    }

    /**
     * Runs {@code inchworm upgrade} with {@code crashHook} in its environment (a variable that sets
     * a crash point) and kills it with SIGKILL when it reports the crash point.
     *
     * @return true when it was killed there; false when the run ended first
     */
    boolean upgradeKilledAtCrashPoint(Map<String, String> crashHook, Runnable atCrashPoint)
            throws IOException, InterruptedException {
        String n = String.join("-", crashHook.values());
        List<String> argv = launcher();
        argv.addAll(upgradeArgs());
        ProcessBuilder pb = new ProcessBuilder(argv).directory(work.toFile())
                .redirectOutput(work.resolve("killed-" + n + ".out").toFile());
        pb.environment().remove("INCHWORM_PLUGINS");
        pb.environment().putAll(crashHook);
        Process process = pb.start();
        CompletableFuture<Boolean> marker = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = err.readLine(); line != null; line = err.readLine()) {
                    if (line.equals(CRASH_MARKER)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        boolean reached;
        try {
            reached = marker.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("the run with " + crashHook + " neither crashed nor ended", e);
        }
        if (reached) {
            try {
                atCrashPoint.run();
            } finally {
                process.destroyForcibly(); // SIGKILL
            }
        }
        process.waitFor(60, TimeUnit.SECONDS);
        return reached;
    }

    JsonNode json(Dist.Result result) throws IOException {
        return JSON.readTree(result.out());
    }

    /** {@code nix-store --verify --check-contents} inside the host: exit 0 and no complaint. */
    boolean storeVerifies() {
        Outcome verify = host.run("nix-store", "--verify", "--check-contents");
        return verify.ok() && !verify.text().contains("was modified") && !verify.text().contains("disappeared");
    }

    /** The generation numbers of the system profile. */
    List<Integer> generations() {
        return host.run("nix-env", "-p", SandboxHost.SYSTEM_PROFILE, "--list-generations").requireOk().lines()
                .stream().filter(l -> !l.isBlank()).map(l -> Integer.parseInt(l.trim().split("\\s+")[0])).toList();
    }

    StorePath profileToplevel() {
        return host.systemProfile().orElseThrow();
    }

    /** The lock file holds no live holder (its content is cleared, or names a dead process). */
    String lockText() throws IOException {
        Path lock = stateDir().resolve("lock");
        return Files.exists(lock) ? Files.readString(lock) : "";
    }

    private static String[] with(List<String> base, String... extra) {
        List<String> all = new ArrayList<>(base);
        all.addAll(Arrays.asList(extra));
        return all.toArray(String[]::new);
    }

    @Override
    public void close() {
        host.close();
    }
}
