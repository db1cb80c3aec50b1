package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.NixOutputException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inchworm.api.host.Command;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.SystemSource;
import dev.inchworm.runtime.config.NixConfig;
import dev.inchworm.runtime.config.SystemConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The system source as a git repository on this machine. Git runs locally
 * ({@link Command#local()}); Nix runs on the host, through the prefix.
 *
 * <p>Classic evaluation checks the revision out into a work folder, a detached
 * {@code git worktree} of the repository that is reused for every revision (git then only
 * rewrites what changed), and runs {@code nix-instantiate WORK/EXPRESSION -A ATTRIBUTE}.
 * Nothing is copied into the store but what evaluation itself adds. Flake evaluation needs
 * no checkout: {@code nix eval} reads {@code git+file://REPOSITORY?rev=COMMIT}.
 *
 * <p>Each evaluated toplevel derivation is kept alive by an indirect GC root in the work
 * folder, so a collection between evaluation and build does not delete it. The roots are this
 * source's own ({@code roots/PID-N/COMMIT.drv}): a {@code status} or {@code plan} beside a
 * running upgrade shares the work folder, and {@link #releaseEvaluations()} drops only its own
 * roots and those of processes that are gone. The work folder must be visible to
 * Nix on the host, as any folder outside {@code /nix} is when the prefix enters a mount
 * namespace.
 */
public final class GitSource implements SystemSource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommandRunner runner;
    private final NixCommands nix;
    private final NixCli store;
    private final SystemConfig system;
    private final Path repository;
    private final Path checkout;
    private final Path roots;
    private final Path ownRoots;
    private final Optional<GitRemote> remote;

    private static final java.util.concurrent.atomic.AtomicLong SOURCES = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param runner  runs git (locally) and Nix (on the host)
     * @param system  the profile's {@code system:} block
     * @param nixConfig the profile's {@code nix:} block
     * @param workDir a folder of the system source's own under the state folder
     */
    public GitSource(CommandRunner runner, SystemConfig system, NixConfig nixConfig, Path workDir) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.nix = new NixCommands(runner, nixConfig);
        this.store = new NixCli(runner, nixConfig, workDir);
        this.system = Objects.requireNonNull(system, "system");
        this.repository = system.repository().toAbsolutePath();
        this.checkout = workDir.toAbsolutePath().resolve("checkout");
        this.roots = workDir.toAbsolutePath().resolve("roots");
        this.ownRoots = roots.resolve(ProcessHandle.current().pid() + "-" + SOURCES.incrementAndGet());
        this.remote = system.remote().map(url -> new GitRemote(runner, repository, system));
    }

    /** {@inheritDoc} A shallow fetch of {@code system.branch} from {@code system.remote} ({@link GitRemote}). */
    @Override
    public void fetch() {
        remote.ifPresent(GitRemote::fetch);
    }

    @Override
    public String defaultTarget() {
        return remote.map(GitRemote::ref).orElse("HEAD");
    }

    /** {@inheritDoc} Reads {@code TOPLEVEL/nixos-version} on the host; its last part is the short commit id. */
    @Override
    public Optional<Revision> revisionOf(StorePath toplevel) {
        CommandResult version = runner.run(Command.of("cat", toplevel.path() + "/nixos-version"));
        if (!version.ok()) {
            return Optional.empty();
        }
        return versionCommit(version.stdout().strip()).flatMap(commit -> {
            try {
                return Optional.of(resolve(commit));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    /** The commit id a NixOS version names ({@code 24.05.20240601.abcdef1}), when it names one. */
    static Optional<String> versionCommit(String version) {
        int dot = version.lastIndexOf('.');
        String last = version.substring(dot + 1);
        return dot > 0 && last.matches("[0-9a-f]{7,40}") ? Optional.of(last) : Optional.empty();
    }

    @Override
    public Revision resolve(String ref) {
        if (ref.isBlank() || ref.startsWith("-")) {
            throw new IllegalArgumentException("not a git ref: '" + ref + "'");
        }
        CommandResult result = git(repository, "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}");
        if (!result.ok() && remote.isPresent() && ref.matches("[0-9a-f]{7,40}")
                && remote.get().deepenUntil(() -> git(repository, "cat-file", "-e", ref + "^{commit}").ok())) {
            result = git(repository, "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}");
        }
        if (!result.ok()) {
            throw new IllegalArgumentException("no commit '" + ref + "' in the system source " + repository
                    + detail(result));
        }
        return new Revision(result.stdout().strip());
    }

    @Override
    public List<Revision> firstParentCommits(Revision from, Revision to) {
        remote.ifPresent(r -> r.deepenUntil(() -> git(repository, "merge-base", "--is-ancestor",
                from.commit(), to.commit()).ok()));
        CommandResult result = git(repository, "rev-list", "--first-parent", "--reverse",
                from.commit() + ".." + to.commit());
        if (!result.ok()) {
            throw new IllegalArgumentException("cannot list commits " + from.shortId() + ".." + to.shortId()
                    + " in " + repository + detail(result));
        }
        return result.stdout().lines().filter(line -> !line.isBlank()).map(line -> new Revision(line.strip())).toList();
    }

    @Override
    public boolean isAncestor(Revision ancestor, Revision descendant) {
        java.util.function.BooleanSupplier ancestry = () -> git(repository, "merge-base", "--is-ancestor",
                ancestor.commit(), descendant.commit()).ok();
        return ancestry.getAsBoolean() || remote.map(r -> r.deepenUntil(ancestry)).orElse(false);
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.inchworm.api.nix.NixException {@code EvaluationFailed} with Nix's message
     *         when the expression does not evaluate
     */
    @Override
    public Evaluation evaluate(Revision revision) {
        Path root = ownRoots.resolve(revision.commit() + ".drv");
        createDirectories(ownRoots);
        return system.flake() ? evaluateFlake(revision, root) : evaluateClassic(revision, root);
    }

    private Evaluation evaluateClassic(Revision revision, Path root) {
        if (system.expression() == null || system.expression().isBlank()) {
            throw new IllegalArgumentException("system.expression must name the file to evaluate in " + repository);
        }
        checkOut(revision);
        List<String> args = new ArrayList<>();
        args.add(checkout.resolve(system.expression()).toString());
        args.add("--attr");
        args.add(system.attribute());
        args.addAll(arguments(system.args()));
        args.addAll(searchPath());
        args.add("--add-root");
        args.add(root.toString());
        CommandResult result = nix.evaluate(withoutNixPath(nix.classic("nix-instantiate", args)));
        List<String> printed = result.stdout().lines().filter(line -> !line.isBlank()).toList();
        if (printed.size() != 1) {
            throw new NixOutputException("attribute '" + system.attribute() + "' of " + system.expression()
                    + " at " + revision.shortId() + " gave " + printed.size() + " derivations, not one"
                    + (printed.isEmpty() ? "" : ": '" + NixOutput.abbreviate(String.join("\n", printed)) + "'"));
        }
        // With --add-root, nix-instantiate prints the root rather than the derivation.
        StorePath drv = drvBehind(printed.get(0).strip(), root);
        StorePath toplevel = NixOutput.storePath(nix.run(nix.classic("nix-store",
                List.of("--query", "--binding", "out", drv.path()))).stdout());
        return new Evaluation(revision, drv, toplevel);
    }

    private Evaluation evaluateFlake(Revision revision, Path root) {
        String atRevision = "git+file://" + repository + "?rev=" + revision.commit();
        List<String> args = new ArrayList<>(List.of("eval", "--json"));
        String flake = system.overrideInput().isPresent() ? overriddenFlake() : atRevision;
        args.add(flake + "#" + system.attribute());
        args.add("--apply");
        args.add("toplevel: { drv = toplevel.drvPath; out = toplevel.outPath; }");
        system.overrideInput().ifPresent(input -> {
            args.add("--override-input");
            args.add(input);
            args.add(atRevision);
            args.add("--no-write-lock-file");
        });
        CommandResult result = nix.evaluate(nix.modern(true, args));
        JsonNode json;
        try {
            json = JSON.readTree(result.stdout());
        } catch (IOException e) {
            throw new NixOutputException("nix eval printed no JSON: '" + NixOutput.abbreviate(result.stdout()) + "'", e);
        }
        StorePath drv = NixOutput.storePath(json.path("drv").asText());
        StorePath toplevel = NixOutput.storePath(json.path("out").asText());
        store.rootDerivation(drv, root);
        return new Evaluation(revision, drv, toplevel);
    }

    /**
     * {@code <nixpkgs>} is the revision's checkout and {@code <nixos-config>} the host's
     * configuration.nix, when the profile names one: a configuration that imports
     * {@code <nixpkgs>} gets the revision tried, not the channel.
     */
    private List<String> searchPath() {
        List<String> args = new ArrayList<>(List.of("-I", "nixpkgs=" + checkout));
        system.nixosConfig().ifPresent(config -> args.addAll(List.of("-I", "nixos-config=" + config)));
        return args;
    }

    /** Nothing of the caller's {@code NIX_PATH} leaks into an evaluation (under systemd there is none anyway). */
    private static Command withoutNixPath(Command command) {
        Map<String, String> environment = new java.util.HashMap<>(command.environment());
        environment.put("NIX_PATH", "");
        return command.withEnvironment(environment);
    }

    private static StorePath drvBehind(String printed, Path root) {
        if (printed.startsWith(StorePath.STORE_DIR + "/")) {
            return NixOutput.storePath(printed);
        }
        if (!Files.isSymbolicLink(root)) {
            throw new NixOutputException("nix-instantiate printed '" + NixOutput.abbreviate(printed)
                    + "', neither a derivation nor the root " + root + " it was asked to add");
        }
        try {
            return NixOutput.storePath(Files.readSymbolicLink(root).toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the evaluation root " + root, e);
        }
    }

    /**
     * With {@code overrideInput}, the repository is the overridden input (say nixpkgs) and
     * {@code expression} names the flake that uses it (say {@code /etc/nixos}).
     */
    private String overriddenFlake() {
        String flake = system.expression();
        if (flake == null || flake.isBlank()) {
            throw new IllegalArgumentException("system.expression must name the flake whose input '"
                    + system.overrideInput().orElseThrow() + "' is overridden with " + repository);
        }
        return flake;
    }

    /**
     * Drops the GC roots of this source's evaluations, and those left by processes that are
     * gone (killed before they could drop theirs); never another live process's.
     */
    public void releaseEvaluations() {
        if (!Files.isDirectory(roots)) {
            return;
        }
        try (Stream<Path> entries = Files.list(roots)) {
            for (Path entry : entries.toList()) {
                if (entry.equals(ownRoots) || ownerGone(entry.getFileName().toString())) {
                    deleteRoots(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove evaluation roots in " + roots, e);
        }
    }

    /** A folder {@code PID-N} whose process has ended, or a root of the flat layout no version writes any more. */
    private static boolean ownerGone(String name) {
        if (name.endsWith(".drv")) {
            return true;
        }
        int dash = name.indexOf('-');
        if (dash <= 0 || !name.substring(0, dash).matches("[0-9]{1,18}")) {
            return false;
        }
        return ProcessHandle.of(Long.parseLong(name.substring(0, dash))).map(p -> !p.isAlive()).orElse(true);
    }

    private static void deleteRoots(Path entry) throws IOException {
        if (Files.isDirectory(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> links = Files.list(entry)) {
                for (Path link : links.toList()) {
                    Files.deleteIfExists(link);
                }
            }
        }
        Files.deleteIfExists(entry);
    }

    /**
     * Puts the work folder at {@code revision}: a detached worktree of the repository, created
     * on first use and then moved from revision to revision, cleaned of anything untracked.
     */
    void checkOut(Revision revision) {
        if (!Files.exists(checkout.resolve(".git"))) {
            createDirectories(checkout.getParent());
            must(git(repository, "worktree", "prune"), "prune stale worktrees of");
            must(git(repository, "worktree", "add", "--detach", "--force", checkout.toString(), revision.commit()),
                    "create the work folder " + checkout + " from");
            return;
        }
        must(git(checkout, "checkout", "--quiet", "--detach", "--force", revision.commit()),
                "check out " + revision.shortId() + " in " + checkout + " from");
        must(git(checkout, "clean", "-ffdxq"), "clean the work folder " + checkout + " of");
    }

    /** The work folder a classic evaluation reads. */
    Path checkoutDir() {
        return checkout;
    }

    /** {@code --arg}/{@code --argstr}: strings as strings, other scalars as their Nix text. */
    static List<String> arguments(Map<String, Object> values) {
        List<String> args = new ArrayList<>();
        new TreeMap<>(values).forEach((name, value) -> {
            if (value instanceof String text) {
                args.addAll(List.of("--argstr", name, text));
            } else if (value instanceof Boolean || value instanceof Number) {
                args.addAll(List.of("--arg", name, value.toString()));
            } else if (value == null) {
                args.addAll(List.of("--arg", name, "null"));
            } else {
                throw new IllegalArgumentException("system.args." + name + ": only strings, numbers, booleans and null"
                        + " can be passed to Nix, not " + value.getClass().getSimpleName());
            }
        });
        return args;
    }

    /** When {@code revision} was committed ({@code git show -s --format=%ct}), if the repository says. */
    public Optional<java.time.Instant> committedAt(Revision revision) {
        CommandResult result = git(repository, "show", "-s", "--format=%ct", revision.commit(), "--");
        try {
            return result.ok() ? Optional.of(java.time.Instant.ofEpochSecond(Long.parseLong(result.stdout().strip())))
                    : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private CommandResult git(Path dir, String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        return runner.run(Command.of(argv).local());
    }

    private void must(CommandResult result, String what) {
        if (!result.ok()) {
            throw new IllegalStateException("cannot " + what + " the system source " + repository + detail(result));
        }
    }

    private static String detail(CommandResult result) {
        String stderr = result.stderr().strip();
        return stderr.isEmpty() ? "" : ": " + stderr;
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
