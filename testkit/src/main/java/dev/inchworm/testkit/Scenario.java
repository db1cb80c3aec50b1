package dev.inchworm.testkit;

import dev.inchworm.api.nix.Revision;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A stand-in for nixpkgs: a git repository holding a synthetic package set in plain Nix (no
 * nixpkgs), one commit per revision. Its layout is NixOS's:
 * {@code nix-instantiate nixos/default.nix -A system} gives the toplevel
 * {@code nixos-system-HOST-VERSION}; {@code -A pkgs.NAME} a package, {@code -A systemPath},
 * {@code -A etc}, {@code -A initrd} the aggregators. The toplevel's
 * {@code bin/switch-to-configuration} records each action to {@code STATE/switch.log} and
 * fails while {@code STATE/switch-fail} exists.
 */
public final class Scenario {

    /** The expression file in the repository, for a host profile's {@code system.expression}. */
    public static final String EXPRESSION = "nixos/default.nix";
    /** The toplevel's attribute, for a host profile's {@code system.attribute}. */
    public static final String ATTRIBUTE = "system";

    private static final String[] STATIC_FILES = {
        "pkgs/make-package.nix", "pkgs/build-package.sh", "pkgs/make-source.nix",
        "nixos/default.nix", "nixos/system.nix", "nixos/build-system-path.sh", "nixos/build-toplevel.sh",
    };
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Path repository;
    private final Path stateDir;
    private final String hostName;
    private final Map<Revision, PackageSet> revisions = new LinkedHashMap<>();
    private PackageSet current = PackageSet.empty();

    private Scenario(Path repository, Path stateDir, String hostName) {
        this.repository = repository;
        this.stateDir = stateDir;
        this.hostName = hostName;
    }

    /**
     * A new, empty scenario repository for this host (in its work folder, removed when it
     * closes), recording activations into the host's state folder.
     */
    public static Scenario forHost(SandboxHost host) {
        return create(host.workDir().resolve("scenario-" + COUNTER.incrementAndGet()), host.stateDir(), host.name());
    }

    /**
     * A new, empty scenario repository in {@code repository} (created; must be empty).
     *
     * @param stateDir where {@code switch-to-configuration} records its actions (outside /nix)
     * @param hostName the host name in the toplevel's name
     */
    public static Scenario create(Path repository, Path stateDir, String hostName) {
        Objects.requireNonNull(hostName, "hostName");
        if (!hostName.matches("[a-zA-Z0-9][a-zA-Z0-9-]*")) {
            throw new IllegalArgumentException("host name '" + hostName + "' must be letters, digits and dashes");
        }
        try {
            Files.createDirectories(repository);
            try (var entries = Files.list(repository)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("scenario repository " + repository + " is not empty");
                }
            }
            Files.createDirectories(stateDir);
            for (String file : STATIC_FILES) {
                Path target = repository.resolve(file);
                Files.createDirectories(target.getParent());
                String resource = "scenario/" + file;
                try (InputStream in = Scenario.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException("test kit resource missing: " + resource);
                    }
                    Files.write(target, in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create scenario repository " + repository, e);
        }
        Scenario scenario = new Scenario(repository.toAbsolutePath(), stateDir.toAbsolutePath(), hostName);
        scenario.git("init", "-q", "-b", "main");
        return scenario;
    }

    /**
     * Commits a revision: {@code change} turns the current package set (empty before the first
     * commit) into the new one. A change that leaves the set as it was still commits (an
     * unrelated nixpkgs commit: same toplevel).
     *
     * @return the new revision (its git commit id)
     */
    public Revision commit(String message, UnaryOperator<PackageSet> change) {
        PackageSet next = Objects.requireNonNull(change.apply(current), "the change returned no package set");
        try {
            Files.writeString(repository.resolve("pkgs/default.nix"), packagesNix(next));
            Files.writeString(repository.resolve("nixos/configuration.nix"), configurationNix(next));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write scenario files in " + repository, e);
        }
        git("add", "-A");
        git("commit", "-q", "--allow-empty", "-m", message);
        Revision revision = new Revision(git("rev-parse", "HEAD").text());
        revisions.put(revision, next);
        current = next;
        return revision;
    }

    /**
     * A bare repository next to this one that the scenario publishes its {@code main} branch to
     * ({@link #publish()}), for a host profile's {@code system.remote}; made on first use.
     */
    public Path remote() {
        Path bare = repository.resolveSibling(repository.getFileName() + ".remote.git");
        if (!Files.isDirectory(bare)) {
            git("init", "-q", "--bare", "-b", "main", bare.toString());
        }
        return bare;
    }

    /** Pushes {@code main} as it is now to {@link #remote()}. */
    public void publish() {
        git("push", "-q", remote().toString(), "main:main");
    }

    /**
     * A revision's files as a NixOS channel holds them: with a {@code .git-revision} file, so
     * the system built from it says its commit in the toplevel's {@code nixos-version}
     * ({@code VERSION.SHORTREV}), as a channel's system does. Made once per revision.
     */
    public Path channelCheckout(Revision revision) {
        Path folder = repository.resolveSibling(repository.getFileName() + ".channels").resolve(revision.commit());
        if (Files.isDirectory(folder)) {
            return folder;
        }
        try {
            Path partial = Files.createDirectories(folder.resolveSibling(revision.commit() + ".partial"));
            Launcher.run(List.of("cp", "-a", checkout(revision) + "/.", partial.toString()), Map.of()).requireOk();
            Files.writeString(partial.resolve(".git-revision"), revision.commit());
            Files.move(partial, folder);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a channel of " + revision.shortId(), e);
        }
    }

    /** The git repository, for a host profile's {@code system.repository}. */
    public Path repository() {
        return repository;
    }

    /** The host name in the toplevel's name. */
    public String hostName() {
        return hostName;
    }

    /** Where the toplevel's {@code switch-to-configuration} records its actions. */
    public Path stateDir() {
        return stateDir;
    }

    /** The package set of the last commit (empty before the first). */
    public PackageSet packages() {
        return current;
    }

    /** The package set a revision holds. */
    public PackageSet packagesAt(Revision revision) {
        PackageSet set = revisions.get(revision);
        if (set == null) {
            throw new NoSuchElementException("revision " + revision.shortId() + " is not a commit of this scenario");
        }
        return set;
    }

    /** The revisions committed so far, oldest first. */
    public List<Revision> revisions() {
        return List.copyOf(revisions.keySet());
    }

    /** The last revision committed. */
    public Revision head() {
        if (revisions.isEmpty()) {
            throw new IllegalStateException("the scenario has no commit yet");
        }
        return new ArrayList<>(revisions.keySet()).get(revisions.size() - 1);
    }

    /**
     * The files of a revision in a folder of their own (next to the repository; made once per
     * revision), to evaluate it with {@code nix-instantiate FOLDER/nixos/default.nix -A system}.
     */
    public Path checkout(Revision revision) {
        packagesAt(revision);
        Path folder = repository.resolveSibling(repository.getFileName() + ".checkouts").resolve(revision.commit());
        if (Files.isDirectory(folder)) {
            return folder;
        }
        try {
            Path partial = Files.createDirectories(folder.resolveSibling(revision.commit() + ".partial"));
            Path tar = partial.resolve("revision.tar");
            git("archive", "--format=tar", "-o", tar.toString(), revision.commit());
            Launcher.run(List.of("tar", "-xf", tar.toString(), "-C", partial.toString()), Map.of()).requireOk();
            Files.delete(tar);
            Files.move(partial, folder);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check out " + revision.shortId() + " of " + repository, e);
        }
    }

    /** The expression file of a revision's checkout: {@code CHECKOUT/nixos/default.nix}. */
    public Path expression(Revision revision) {
        return checkout(revision).resolve(EXPRESSION);
    }

    /** The sha256 (hex) of a package's fixed-output source: what make-source.nix writes. */
    static String sourceSha256(Package p) {
        byte[] line = (p.fullName() + " source\n").getBytes(StandardCharsets.UTF_8);
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long left = p.sourceSize();
            while (left > 0) {
                int n = (int) Math.min(left, line.length);
                digest.update(line, 0, n);
                left -= n;
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    private String packagesNix(PackageSet set) {
        StringBuilder nix = new StringBuilder();
        nix.append("# Written by the Inchworm test kit: one attribute per package.\n")
                .append("let\n")
                .append("  package = import ./make-package.nix;\n")
                .append("  source = import ./make-source.nix;\n")
                .append("  self = {\n");
        for (Package p : set.packages()) {
            nix.append("    ").append(NixText.string(p.name())).append(" = package {\n")
                    .append("      pname = ").append(NixText.string(p.name())).append(";\n")
                    .append("      version = ").append(NixText.string(p.version())).append(";\n")
                    .append("      size = ").append(p.size()).append(";\n");
            if (!p.dependencies().isEmpty()) {
                nix.append("      dependencies = [");
                p.dependencies().forEach(d -> nix.append(" self.").append(NixText.string(d)));
                nix.append(" ];\n");
            }
            if (!p.buildDependencies().isEmpty()) {
                nix.append("      buildDependencies = [");
                p.buildDependencies().forEach(d -> nix.append(" self.").append(NixText.string(d))
                        .append(set.get(d).devSize() > 0 ? ".dev" : ""));
                nix.append(" ];\n");
            }
            if (p.devSize() > 0) {
                nix.append("      devSize = ").append(p.devSize()).append(";\n");
            }
            if (p.sourceSize() > 0) {
                nix.append("      source = source { pname = ").append(NixText.string(p.name()))
                        .append("; version = ").append(NixText.string(p.version()))
                        .append("; size = ").append(p.sourceSize())
                        .append("; sha256 = ").append(NixText.string(sourceSha256(p))).append("; };\n");
            }
            if (p.broken()) {
                nix.append("      broken = true;\n");
            }
            nix.append("    };\n");
        }
        return nix.append("  };\nin self\n").toString();
    }

    private String configurationNix(PackageSet set) {
        StringBuilder nix = new StringBuilder();
        nix.append("# Written by the Inchworm test kit: what the system is made of.\n{\n")
                .append("  hostName = ").append(NixText.string(hostName)).append(";\n")
                .append("  version = ").append(NixText.string(set.systemVersion())).append(";\n")
                .append("  stateDir = ").append(NixText.string(stateDir.toString())).append(";\n")
                .append("  kernel = ").append(set.kernel().map(k -> NixText.string(k.name())).orElse("null")).append(";\n")
                .append("  systemPackages = [");
        set.packages().stream().filter(Package::systemPackage).forEach(p -> nix.append(' ').append(NixText.string(p.name())));
        nix.append(" ];\n");
        if (!set.services().isEmpty()) {
            nix.append("  services = [");
            set.services().forEach(name -> nix.append(' ').append(NixText.string(name)));
            nix.append(" ];\n");
        }
        if (!set.linkedOnly().isEmpty()) {
            nix.append("  linkedOnly = [");
            set.linkedOnly().forEach(name -> nix.append(' ').append(NixText.string(name)));
            nix.append(" ];\n");
        }
        return nix.append("}\n").toString();
    }

    private Outcome git(String... args) {
        List<String> argv = new ArrayList<>(List.of("git", "-C", repository.toString(),
                "-c", "user.name=Inchworm test kit", "-c", "user.email=testkit@inchworm.invalid",
                "-c", "commit.gpgsign=false"));
        argv.addAll(List.of(args));
        // the machine's and the user's git configuration must not change what a scenario is
        return Launcher.run(argv, Map.of("GIT_CONFIG_NOSYSTEM", "1", "GIT_CONFIG_GLOBAL", "/dev/null")).requireOk();
    }

    /** Nix literals. */
    static final class NixText {
        private NixText() {
        }

        static String string(String text) {
            return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("${", "\\${") + '"';
        }
    }
}
