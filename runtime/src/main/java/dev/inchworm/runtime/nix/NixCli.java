package dev.inchworm.runtime.nix;

import dev.inchworm.api.host.Command;
import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.api.nix.DryRun;
import dev.inchworm.api.nix.GcResult;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.NixVersion;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StoreMaintenance;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.api.nix.SwitchAction;
import dev.inchworm.api.nix.BootFile;
import dev.inchworm.api.nix.BootEntryFile;
import dev.inchworm.runtime.config.NixConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The {@link Nix} operations, by running Nix's own command-line tools through a
 * {@link CommandRunner} (so the profile's prefix, options and environment apply) and parsing
 * their output with {@link NixOutput}. Every failed Nix command throws a {@link NixException}
 * classified by {@link FailureClassifier}.
 *
 * <p>Paths given to Nix are absolute: a prefix that enters a mount namespace
 * ({@code nsenter -m}) starts the program in {@code /}. Files this class writes (derivations
 * to add) live in its work folder, which must be visible to Nix on the host: a folder outside
 * {@code /nix} is, when the prefix enters only a mount namespace.
 */
public final class NixCli implements Nix, StoreMaintenance {

    /** The systems NixOS keeps alive: the one booted, the one activated last. */
    public static final List<Path> LIVE_SYSTEM_LINKS = List.of(Path.of("/run/booted-system"),
            Path.of("/run/current-system"));

    /** The oldest Nix Inchworm runs with: Debian's nix-bin. */
    public static final NixVersion MINIMUM_VERSION = NixVersion.parse("2.8.0");

    /** What Nix 2.8 says when it trips over an input derivation with only some outputs valid. */
    static final String PARTLY_VALID_INPUT = "requires non-existent output";

    private static final Pattern DERIVATION_NAME = Pattern.compile("[A-Za-z0-9+\\-._?=]+");

    private final NixCommands nix;
    private final BulkStore bulk;
    private final SystemProfile systemProfile;
    private final StoreGarbage garbage;
    private final DerivationFiles derivationFiles;
    private final List<Path> liveSystemLinks;
    private final Activation activation;
    private final BootedSystem booted;
    private final NixProbes probes;
    private final BinaryCaches caches;
    // The derivations this backend rooted, by root: see rootDerivation.
    private final Map<Path, StorePath> rooted = new ConcurrentHashMap<>();

    /**
     * @param runner  runs the commands (with the host's prefix)
     * @param config  the profile's {@code nix:} block
     * @param workDir a folder of this backend's own under the state folder
     */
    public NixCli(CommandRunner runner, NixConfig config, Path workDir) {
        this(runner, config, workDir, ZoneId.systemDefault(), LIVE_SYSTEM_LINKS);
    }

    /**
     * As above, for a host whose clock or live-system links differ from NixOS's defaults.
     *
     * @param zone            the host's time zone, which {@code nix-env} prints times in
     * @param liveSystemLinks the links {@link #liveSystems()} reads
     */
    public NixCli(CommandRunner runner, NixConfig config, Path workDir, ZoneId zone, List<Path> liveSystemLinks) {
        this.nix = new NixCommands(runner, config);
        this.systemProfile = new SystemProfile(nix, config.profile(), Objects.requireNonNull(zone, "zone"));
        this.liveSystemLinks = List.copyOf(liveSystemLinks);
        this.activation = new Activation(nix);
        this.booted = new BootedSystem(nix, config.bootedSystem());
        this.caches = new BinaryCaches(nix);
        this.bulk = new BulkStore(nix, Objects.requireNonNull(workDir, "workDir"));
        this.garbage = new StoreGarbage(nix, bulk);
        this.derivationFiles = new DerivationFiles(nix, bulk);
        this.probes = new NixProbes(nix, config.options());
    }

    /** {@inheritDoc} See {@link NixProbes#reservedSpaceMissing}. */
    @Override
    public OptionalLong reservedSpaceMissing() {
        return probes.reservedSpaceMissing();
    }

    /**
     * {@inheritDoc}
     *
     * @throws NixException {@link NixFailure.NixUnavailable} when Nix is missing or older than 2.8
     */
    @Override
    public NixVersion version() {
        return probes.version();
    }

    /** Whether the new command-line interface ({@code nix path-info}, {@code nix eval}) runs on the host. */
    public boolean hasNewCli() {
        return probes.hasNewCli();
    }

    // --- building ---------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>{@code nix-store --realise DRV --add-root ROOT}: a root outside the gcroots folder is
     * always indirect (Nix links it from {@code gcroots/auto}); {@code --indirect} is not
     * passed, since newer Nix dropped it. A multi-output derivation gets {@code ROOT},
     * {@code ROOT-dev}, ... Without a root nothing is linked anywhere (no {@code ./result}).
     */
    @Override
    public List<StorePath> realise(StorePath drv, Optional<Path> gcRoot, Consumer<String> progress) {
        requireDerivation(drv);
        List<String> args = new ArrayList<>(List.of("--realise", drv.path()));
        gcRoot.ifPresent(root -> {
            args.add("--add-root");
            args.add(root.toAbsolutePath().toString());
        });
        try {
            nix.run(nix.classic("nix-store", args).withLineListener(progress::accept));
        } catch (NixException e) {
            if (!e.failure().detail().contains(PARTLY_VALID_INPUT)) {
                throw e;
            }
            // Nix 2.8 rebuilds an input whose outputs are partly valid (openssl's dev collected,
            // its out still used), then fails its dependent; a second run finds them all valid.
            progress.accept("retrying: " + PARTLY_VALID_INPUT + " (an input had only some outputs)");
            nix.run(nix.classic("nix-store", args).withLineListener(progress::accept));
        } finally {
            bulk.known().built();
        }
        List<StorePath> outputs = NixOutput.storePaths(nix.run(nix.classic("nix-store",
                List.of("--query", "--outputs", drv.path()))).stdout()).stream().map(bulk::intern).toList();
        bulk.known().valid(outputs);
        return outputs;
    }

    @Override
    public DryRun dryRun(StorePath drv) {
        Optional<DryRun> kept = bulk.known().dryRun(drv);
        if (kept.isPresent()) {
            return kept.get();
        }
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        nix.run(nix.classic("nix-store", List.of("--realise", "--dry-run", drv.path())).withLineListener(lines::add));
        DryRun dryRun = NixOutput.dryRun(lines);
        bulk.known().keep(drv, dryRun);
        return dryRun;
    }

    // --- querying ---------------------------------------------------------------------------

    @Override
    public boolean isValid(StorePath path) {
        // Kept until a collection says otherwise (see KnownClosures); not what is invalid: a
        // build or an evaluation makes it valid.
        if (bulk.known().valid(path)) {
            return true;
        }
        NixCommands.Ran ran = nix.attempt(nix.classic("nix-store", List.of("--check-validity", path.path())));
        if (ran.result().ok()) {
            bulk.known().valid(List.of(bulk.intern(path)));
            return true;
        }
        if (ran.result().stderr().contains("is not valid")) {
            return false;
        }
        throw nix.failed(ran, false);
    }

    @Override
    public long narSize(StorePath path) {
        return NixOutput.size(nix.run(nix.classic("nix-store", List.of("--query", "--size", path.path()))).stdout());
    }

    @Override
    public long closureSize(StorePath path) {
        List<String> args = new ArrayList<>(List.of("path-info", "--json", "--closure-size"));
        if (path.isDerivation()) {
            args.add("--derivation");
        }
        args.add(path.path());
        return NixOutput.closureSize(nix.run(nix.modern(false, args)).stdout());
    }

    @Override
    public List<StorePath> closure(StorePath path, boolean includeOutputs) {
        return bulk.closure(path, includeOutputs);
    }

    /** {@inheritDoc} Streamed from {@code nix-store --dump-db} over the closure (a few commands for any size). */
    @Override
    public List<PathInfo> closureInfo(StorePath path) {
        return bulk.closureInfo(path);
    }

    /** {@inheritDoc} Kept facts, else {@code nix-store --dump-db} of the valid ones (see {@link BulkStore#pathInfo}). */
    @Override
    public List<PathInfo> pathInfo(Collection<StorePath> paths) {
        return bulk.pathInfo(paths);
    }

    /** {@inheritDoc} See {@link BinaryCaches}. */
    @Override
    public List<PathInfo> cachedPathInfo(Collection<StorePath> paths) {
        return caches.pathInfo(paths);
    }

    /** The binary caches asked for sizes, in order. */
    List<String> substituters() {
        return caches.substituters();
    }

    /** {@inheritDoc} Read from the {@code .drv} itself; floating content-addressed outputs are left out. */
    @Override
    public Map<String, StorePath> outputs(StorePath drv) {
        requireDerivation(drv);
        Map<String, StorePath> outputs = new LinkedHashMap<>();
        Derivation.read(drv, readDerivation(drv)).outputPaths().forEach(outputs::put);
        return Collections.unmodifiableMap(outputs);
    }

    /** {@inheritDoc} Read with {@code cat}, streamed as bytes. */
    @Override
    public String readDerivation(StorePath drv) {
        requireDerivation(drv);
        return derivationFiles.readFile(drv);
    }

    /** {@inheritDoc} See {@link #forEachDerivation}. */
    @Override
    public Map<StorePath, String> readDerivations(Collection<StorePath> drvs) {
        Map<StorePath, String> texts = new LinkedHashMap<>();
        forEachDerivation(drvs, texts::put);
        return texts;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code sh} per chunk of paths (chunked far below the kernel's argument limit)
     * running one {@code stat} for the sizes and one {@code cat} for the bytes of every file
     * that exists, streamed to {@code each}.
     */
    @Override
    public void forEachDerivation(Collection<StorePath> drvs, java.util.function.BiConsumer<StorePath, String> each) {
        drvs.forEach(NixCli::requireDerivation);
        derivationFiles.forEachDerivation(drvs, each);
    }

    /** {@inheritDoc} One {@code nix-instantiate --eval} for all of them; see {@link BulkStore#addDerivations}. */
    @Override
    public List<StorePath> addDerivations(List<Map.Entry<String, String>> derivations) {
        List<StorePath> added = bulk.addDerivations(derivations);
        bulk.known().valid(added);
        return added;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The {@code builtins.toFile} route on every version, also where {@code nix derivation
     * add} exists (2.15 and later): that command's JSON format has changed several times since
     * (output methods, base names, an {@code inputs} object), {@code toFile} has not. The ATerm
     * is read from a file (byte-exact, and no argument-length limit), and the string gets the
     * derivation's references as context through {@code builtins.storePath} of each input
     * derivation and source, so Nix registers it with exactly those references, hence at the
     * path Nix itself would give it. Registering a {@code .drv} makes Nix check its output
     * paths: a wrong one is rejected. Its inputs must be valid. The result is not a GC root:
     * root it with {@link #rootDerivation} before collecting garbage.
     */
    /** {@inheritDoc} The same route as {@link #addDerivations}, for one. */
    @Override
    public StorePath addDerivation(String name, String aterm) {
        return bulk.addDerivations(List.of(Map.entry(name, aterm))).get(0);
    }

    /**
     * Makes a valid derivation a GC root through an indirect root at {@code root} (a symlink
     * outside the store; deleting it releases the root). Nix has no plain command to root a
     * {@code .drv} without building it, so {@code nix-instantiate --add-root} is given an
     * attribute set that looks like a derivation with that {@code drvPath}.
     */
    @Override
    public void rootDerivation(StorePath drv, Path root) {
        requireDerivation(drv);
        // A run roots its step's derivation before each collection; once is enough while the
        // root stays. Only what this backend rooted is trusted (not a link found on disk: a
        // crash may have left one without Nix's registration of it).
        Path absolute = root.toAbsolutePath();
        if (drv.equals(rooted.get(absolute)) && Files.isSymbolicLink(absolute)) {
            return;
        }
        String expr = "{ type = \"derivation\"; name = " + nixString(drv.name()) + "; outputName = \"out\"; drvPath = "
                + "builtins.storePath " + nixString(drv.path()) + "; }";
        nix.run(nix.classic("nix-instantiate", List.of("--add-root", absolute.toString(), "--expr", expr)));
        rooted.put(absolute, drv);
    }

    // --- the system profile: SystemProfile ---------------------------------------------------

    @Override
    public List<Generation> generations() {
        return systemProfile.generations();
    }

    @Override
    public Optional<Generation> currentGeneration() {
        return systemProfile.currentGeneration();
    }

    @Override
    public Generation setSystem(StorePath toplevel) {
        return systemProfile.setSystem(toplevel);
    }

    @Override
    public void switchGeneration(int number) {
        systemProfile.switchGeneration(number);
    }

    @Override
    public void deleteGenerations(Collection<Integer> numbers) {
        systemProfile.deleteGenerations(numbers);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Fails with {@link NixFailure.OutOfDisk} when the output says "No space left on device"
     * even if the exit code is 0: a full {@code /boot} can leave it so (nixpkgs#189966).
     */
    @Override
    public void switchToConfiguration(StorePath toplevel, SwitchAction action) {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Command command = activation.command(toplevel, action).withLineListener(lines::add);
        NixCommands.Ran ran = nix.attempt(command);
        if (!ran.result().ok()) {
            throw nix.failed(ran, false);
        }
        List<String> noSpace = lines.stream()
                .filter(line -> line.toLowerCase(Locale.ROOT).contains("no space left on device")).toList();
        if (!noSpace.isEmpty()) {
            throw new NixException(new NixFailure.OutOfDisk(false, String.join("\n", noSpace)), ran.result().argv());
        }
    }

    /** {@inheritDoc} Read with one small fixed script; a link that does not exist is left out. */
    @Override
    public List<StorePath> liveSystems() {
        String script = "for link in \"$@\"; do if [ -L \"$link\" ]; then readlink \"$link\"; fi; done";
        List<String> argv = new ArrayList<>(List.of("sh", "-c", script, "sh"));
        liveSystemLinks.forEach(link -> argv.add(link.toString()));
        String out = nix.run(nix.plain(argv)).stdout();
        return out.lines().filter(line -> line.startsWith(StorePath.STORE_DIR + "/")).map(StorePath::of)
                .distinct().toList();
    }

    /** {@inheritDoc} Read with {@code readlink} on the host (through the prefix). */
    @Override
    public Optional<StorePath> bootedSystem() {
        return booted.toplevel();
    }

    /** {@inheritDoc} Compared by one small fixed script on the host (through the prefix). */
    @Override
    public Set<BootFile> bootFilesChanged(StorePath toplevel) {
        return booted.changedIn(toplevel);
    }

    /** {@inheritDoc} Read by one small fixed script on the host for all of them. */
    @Override
    public List<BootEntryFile> bootEntryFiles(Collection<StorePath> toplevels) {
        return booted.entryFiles(toplevels);
    }

    // --- garbage: StoreGarbage ---------------------------------------------------------------

    @Override
    public GcResult collectGarbage(OptionalLong maxFreedBytes) {
        return garbage.collectGarbage(maxFreedBytes);
    }

    @Override
    public List<StorePath> deadPaths() {
        return garbage.deadPaths();
    }

    @Override
    public boolean verifyStore(boolean checkContents) {
        return garbage.verifyStore(checkContents);
    }

    /** {@inheritDoc} See {@link StoreGarbage#recoverFullStore}. */
    @Override
    public GcResult recoverFullStore() {
        return garbage.recoverFullStore();
    }

    // ----------------------------------------------------------------------------------------

    static void requireDerivationName(String name) {
        if (!DERIVATION_NAME.matcher(name).matches() || name.endsWith(".drv")) {
            throw new IllegalArgumentException("not a derivation name (without .drv): '" + name + "'");
        }
    }

    private static void requireDerivation(StorePath drv) {
        if (!drv.isDerivation()) {
            throw new IllegalArgumentException("not a derivation: " + drv);
        }
    }

    /** A Nix string literal: quotes, backslashes and {@code ${} escaped. */
    static String nixString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '$' -> out.append(i + 1 < text.length() && text.charAt(i + 1) == '{' ? "\\$" : "$");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
