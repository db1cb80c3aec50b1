package dev.inchworm.plugins.packagestepping;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.plugins.packagestepping.derivation.DerivationSource;
import dev.inchworm.testkit.Outcome;
import dev.inchworm.testkit.SandboxHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A throwaway Nix store for the derivation tests: a {@link SandboxHost} of the test kit (a
 * private mount namespace with a tmpfs over {@code /nix}), with the few shortcuts these tests
 * use: commands that must succeed, files in the work folder, the store read from outside.
 */
public final class Sandbox implements AutoCloseable {

    /** A finished command. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** Fails with the command and its stderr unless it exited 0. */
        public Result check() {
            if (exitCode != 0) {
                throw new IllegalStateException("command " + command + " exited " + exitCode + ":\n" + stderr);
            }
            return this;
        }
    }

    private final SandboxHost host;

    private Sandbox(SandboxHost host) {
        this.host = host;
    }

    /** Starts a sandbox whose {@code /nix} is a tmpfs of {@code sizeMiB}. */
    public static Sandbox start(int sizeMiB) {
        return new Sandbox(SandboxHost.builder().tmpfs(sizeMiB).build());
    }

    /** Runs a command inside the namespace, with the test kit's Nix environment. */
    public Result run(List<String> command) {
        Outcome outcome = host.run(command);
        return new Result(command, outcome.exitCode(), outcome.stdout(), outcome.stderr());
    }

    /** Runs a command and fails unless it exits 0. */
    public Result check(String... command) {
        return run(List.of(command)).check();
    }

    /** Writes a file into the sandbox's work folder (visible inside: only /nix is private). */
    public Path write(String fileName, byte[] content) {
        try {
            return Files.write(host.workDir().resolve(fileName), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a UTF-8 text file into the work folder. */
    public Path write(String fileName, String content) {
        return write(fileName, content.getBytes(StandardCharsets.UTF_8));
    }

    /** The work folder (expressions). */
    public Path work() {
        return host.workDir();
    }

    /** The store folder as seen from outside the namespace. */
    public Path store() {
        return host.storeRoot().resolve("store");
    }

    /** The bytes of a store file as ISO-8859-1 text, if the store holds it. */
    public Optional<String> read(StorePath path) {
        Path file = store().resolve(path.baseName());
        try {
            return Files.isRegularFile(file)
                    ? Optional.of(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The derivations in this store. */
    public DerivationSource derivations() {
        return DerivationSource.ofAterms(this::read);
    }

    /** All {@code .drv} paths in the store. */
    public List<StorePath> derivationPaths() {
        try (Stream<Path> files = Files.list(store())) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".drv"))
                    .map(f -> new StorePath(StorePath.STORE_DIR + "/" + f)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        host.close();
    }
}
