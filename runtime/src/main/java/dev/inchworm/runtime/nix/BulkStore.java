package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.NixOutputException;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads of whole closures and derivation trees, streamed and in few commands, for systems of
 * tens of thousands of paths: closures line by line ({@code nix-store --query --requisites}),
 * their registration facts from {@code nix-store --dump-db PATHS}, validity in chunks, and many
 * derivations added with one evaluation ({@code .drv} files are read by {@link DerivationFiles}). Store paths are interned: each path is one object however often it is named.
 */
final class BulkStore {

    // Arguments up to this many characters per command (ARG_MAX is 2 MiB or more).
    private static final int ARGUMENT_CHARS_PER_CALL = 100_000;
    private static final Pattern QUOTED_PATH = Pattern.compile("\"(/nix/store/[^\"]+)\"");

    private final NixCommands nix;
    private final Path workDir;
    private final Map<String, StorePath> interned = new ConcurrentHashMap<>();
    private final KnownClosures known = new KnownClosures();

    BulkStore(NixCommands nix, Path workDir) {
        this.nix = nix;
        this.workDir = workDir;
    }

    /** The one object for this path. */
    StorePath intern(String path) {
        StorePath known = interned.get(path);
        if (known != null) {
            return known;
        }
        StorePath fresh = new StorePath(path);
        StorePath raced = interned.putIfAbsent(path, fresh);
        return raced != null ? raced : fresh;
    }

    StorePath intern(StorePath path) {
        return intern(path.path());
    }

    /** The closures and facts read since the last collection. */
    KnownClosures known() {
        return known;
    }

    /**
     * The closure of a path, streamed (topologically sorted: what a path references comes
     * first); without outputs it is kept until a collection removes the path (see {@link KnownClosures}).
     * With outputs, from what is kept when it can be (see {@link #withOutputs}; then the
     * outputs come after the closure, not in Nix's order).
     */
    List<StorePath> closure(StorePath path, boolean includeOutputs) {
        Optional<List<StorePath>> kept = includeOutputs ? withOutputs(path) : known.closure(path);
        if (kept.isPresent()) {
            return kept.get();
        }
        List<String> args = new ArrayList<>(List.of("--query", "--requisites"));
        if (includeOutputs) {
            args.add("--include-outputs");
        }
        args.add(path.path());
        List<StorePath> closure = new ArrayList<>();
        nix.lines(nix.classic("nix-store", args), line -> {
            if (!line.isBlank()) {
                closure.add(intern(NixOutput.storePath(line).path()));
            }
        });
        if (!includeOutputs) {
            known.keep(path, closure);
        }
        return closure;
    }

    /**
     * The closure of a {@code .drv} with its valid outputs, from the kept closure and the output
     * paths kept as its {@code .drv} files were read, when all of them are: the closure first,
     * then the valid outputs (known valid, else one {@code --check-validity} per chunk). That is
     * the set {@code --include-outputs} gives, as a valid output's own closure holds only inputs
     * of its derivation: outputs of derivations in the closure, and its sources. A plan reads the
     * target's {@code .drv} files before its pins ask this, which took Nix 0.1 to 0.2 s.
     */
    private Optional<List<StorePath>> withOutputs(StorePath drv) {
        Optional<List<StorePath>> closure = known.closure(drv);
        if (closure.isEmpty()) {
            return Optional.empty();
        }
        Set<StorePath> outputs = new LinkedHashSet<>();
        for (StorePath path : closure.get()) {
            if (path.isDerivation()) {
                Optional<List<StorePath>> of = known.outputs(path);
                if (of.isEmpty()) {
                    return Optional.empty();
                }
                outputs.addAll(of.get());
            }
        }
        List<StorePath> unknown = outputs.stream().filter(p -> !known.valid(p)).toList();
        Set<StorePath> invalid = unknown.isEmpty() ? Set.of() : invalid(unknown);
        known.valid(unknown.stream().filter(p -> !invalid.contains(p)).toList());
        Set<StorePath> result = new LinkedHashSet<>(closure.get());
        outputs.stream().filter(p -> !invalid.contains(p)).forEach(result::add);
        return Optional.of(new ArrayList<>(result));
    }

    /**
     * Every path's facts in the closure of {@code path}, in the closure's order: those not
     * kept from an earlier closure come from {@code nix-store --dump-db} over them, in chunks.
     */
    List<PathInfo> closureInfo(StorePath path) {
        List<StorePath> closure = closure(path, false);
        Map<StorePath, PathInfo> read = new HashMap<>();
        List<StorePath> unknown = closure.stream().filter(p -> known.facts(p).isEmpty()).toList();
        for (List<String> chunk : chunks(unknown)) {
            List<String> args = new ArrayList<>(List.of("--dump-db"));
            args.addAll(chunk);
            Registrations parser = new Registrations(info -> read.put(info.path(), info));
            nix.lines(nix.classic("nix-store", args), parser::line);
            parser.end();
        }
        List<PathInfo> infos = new ArrayList<>(closure.size());
        for (StorePath p : closure) {
            PathInfo info = known.facts(p).orElseGet(() -> read.get(p));
            if (info == null) {
                throw new NixOutputException("nix-store --dump-db said nothing of " + p + " in the closure of " + path);
            }
            known.keep(info);
            infos.add(info);
        }
        return infos;
    }

    /**
     * The facts of those of {@code paths} that are valid, in no set order: kept ones as kept,
     * the others asked with one {@code nix-store --check-validity --print-invalid} and one
     * {@code nix-store --dump-db} per chunk. {@code nix path-info} would take a call per 200
     * paths and parse JSON, and the many paths a plan asks about that are not built yet (a mass
     * rebuild's every output) cost it as much as valid ones.
     */
    List<PathInfo> pathInfo(Collection<StorePath> paths) {
        List<PathInfo> infos = new ArrayList<>();
        List<StorePath> unknown = new ArrayList<>();
        for (StorePath path : new LinkedHashSet<>(paths)) {
            known.facts(path).ifPresentOrElse(infos::add, () -> unknown.add(intern(path)));
        }
        Set<StorePath> invalid = unknown.isEmpty() ? Set.of() : invalid(unknown);
        List<StorePath> valid = unknown.stream().filter(p -> !invalid.contains(p)).toList();
        for (List<String> chunk : chunks(valid)) {
            List<String> args = new ArrayList<>(List.of("--dump-db"));
            args.addAll(chunk);
            Registrations parser = new Registrations(info -> {
                known.keep(info);
                infos.add(info);
            });
            nix.lines(nix.classic("nix-store", args), parser::line);
            parser.end();
        }
        return infos;
    }

    /**
     * Which of {@code paths} the store does not hold: {@code nix-store --check-validity
     * --print-invalid}, one call per chunk and at least one (with no paths it only opens the
     * store, which a collection relies on: see {@link StoreGarbage}).
     */
    Set<StorePath> invalid(List<StorePath> paths) {
        Set<String> asked = new HashSet<>();
        paths.forEach(p -> asked.add(p.path()));
        Set<StorePath> invalid = new HashSet<>();
        for (List<String> chunk : paths.isEmpty() ? List.of(List.<String>of()) : chunks(paths)) {
            List<String> args = new ArrayList<>(List.of("--check-validity", "--print-invalid"));
            args.addAll(chunk);
            nix.lines(nix.classic("nix-store", args), line -> {
                if (asked.contains(line.strip())) {
                    invalid.add(intern(line.strip()));
                }
            });
        }
        return invalid;
    }

    /**
     * Adds derivations with one {@code nix-instantiate --eval}: each is a {@code builtins.toFile}
     * of its ATerm with its references as context, each forced after the one before it, so a
     * later one may use an earlier one.
     *
     * <p>The {@code builtins.toFile} route on every version, also where {@code nix derivation
     * add} exists (2.15 and later): that command's JSON format has changed several times since
     * (output methods, base names, an {@code inputs} object), {@code toFile} has not. The ATerm
     * is read from a file (byte-exact, and no argument-length limit), and the string gets the
     * derivation's references as context through {@code builtins.storePath} of each input
     * derivation and source, so Nix registers it with exactly those references, hence at the
     * path Nix itself would give it. Registering a {@code .drv} makes Nix check its output
     * paths: a wrong one is rejected. Its inputs must be valid. The result is not a GC root:
     * root it with {@link NixCli#rootDerivation} before collecting garbage.
     */
    List<StorePath> addDerivations(List<Map.Entry<String, String>> derivations) {
        if (derivations.isEmpty()) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try {
            Path dir = Files.createDirectories(workDir.resolve("add-derivation"));
            StringBuilder expr = new StringBuilder("let\n  add = name: refs: file: builtins.toFile name (builtins.concatStringsSep \"\"\n"
                    + "    (map (path: builtins.substring 0 0 (builtins.storePath path)) refs) + builtins.readFile (/. + file));\n");
            for (int i = 0; i < derivations.size(); i++) {
                String name = derivations.get(i).getKey();
                String aterm = derivations.get(i).getValue();
                NixCli.requireDerivationName(name);
                Path file = Files.createTempFile(dir, name + "-", ".aterm");
                files.add(file);
                Files.write(file, aterm.getBytes(StandardCharsets.ISO_8859_1));
                expr.append("  d").append(i).append(" = ");
                if (i > 0) {
                    expr.append("builtins.seq d").append(i - 1).append(' ');
                }
                expr.append("(add ").append(NixCli.nixString(name + ".drv")).append(" [");
                for (StorePath ref : Derivation.parse(name, aterm).references()) {
                    expr.append(' ').append(NixCli.nixString(ref.path()));
                }
                expr.append(" ] ").append(NixCli.nixString(file.toAbsolutePath().toString())).append(");\n");
            }
            expr.append("in [");
            for (int i = 0; i < derivations.size(); i++) {
                expr.append(" d").append(i);
            }
            expr.append(" ]\n");
            Path exprFile = Files.createTempFile(dir, "derivations-", ".nix");
            files.add(exprFile);
            Files.writeString(exprFile, expr);
            String printed = nix.text(nix.classic("nix-instantiate", List.of("--eval", "--strict",
                    "--read-write-mode", exprFile.toAbsolutePath().toString())));
            List<StorePath> added = new ArrayList<>();
            Matcher m = QUOTED_PATH.matcher(printed);
            while (m.find()) {
                added.add(intern(NixOutput.storePath(m.group(1)).path()));
            }
            if (added.size() != derivations.size()) {
                throw new NixOutputException("adding " + derivations.size() + " derivations, Nix printed "
                        + added.size() + " paths: " + NixOutput.abbreviate(printed));
            }
            return added;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write derivations to add under " + workDir, e);
        } finally {
            files.forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // a temporary file left in the work folder
                }
            });
        }
    }

    static List<List<String>> chunks(List<StorePath> paths) {
        List<List<String>> chunks = new ArrayList<>();
        List<String> chunk = new ArrayList<>();
        int chars = 0;
        for (StorePath path : paths) {
            if (!chunk.isEmpty() && chars + path.path().length() >= ARGUMENT_CHARS_PER_CALL) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                chars = 0;
            }
            chunk.add(path.path());
            chars += path.path().length() + 1;
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    /**
     * {@code nix-store --dump-db} output: per path its path, NAR hash, NAR size, deriver (or
     * an empty line), the number of references and the references, one per line.
     */
    private final class Registrations {
        private final Consumer<PathInfo> each;
        private int field;
        private StorePath path;
        private long narSize;
        private Optional<StorePath> deriver;
        private int left;
        private List<StorePath> references;

        Registrations(Consumer<PathInfo> each) {
            this.each = each;
        }

        void line(String line) {
            switch (field) {
                case 0 -> {
                    if (line.isEmpty()) {
                        return;
                    }
                    path = intern(NixOutput.storePath(line).path());
                }
                case 1 -> { } // the NAR hash
                case 2 -> narSize = number(line);
                case 3 -> deriver = line.isBlank() ? Optional.empty() : Optional.of(intern(line.strip()));
                case 4 -> {
                    left = (int) number(line);
                    references = new ArrayList<>(left);
                    if (left == 0) {
                        done();
                        return;
                    }
                }
                default -> {
                    references.add(intern(line.strip()));
                    if (--left == 0) {
                        done();
                        return;
                    }
                }
            }
            field++;
        }

        private long number(String line) {
            try {
                return Long.parseLong(line.strip());
            } catch (NumberFormatException e) {
                throw new NixOutputException("nix-store --dump-db: expected a number in the entry of " + path
                        + ", got '" + NixOutput.abbreviate(line) + "'", e);
            }
        }

        private void done() {
            each.accept(new PathInfo(path, narSize, references, deriver));
            field = 0;
        }

        void end() {
            if (field != 0) {
                throw new NixOutputException("nix-store --dump-db ended inside the entry of " + path);
            }
        }
    }
}
