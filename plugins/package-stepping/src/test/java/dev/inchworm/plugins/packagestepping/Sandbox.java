package dev.inchworm.plugins.packagestepping;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.plugins.packagestepping.derivation.DerivationSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway Nix store for tests: a private mount namespace (held by a sleeping process) with
 * a tmpfs over {@code /nix}, so real Nix 2.8 instantiates and builds there without touching
 * the machine's store. Commands run through {@code nsenter}; the store is read from outside at
 * {@code /proc/<holder>/root/nix/store}. Closing kills the holder, and the mount goes with it.
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

    private static final String NIX_CONFIG = String.join("\n",
            "sandbox = false", "build-users-group =", "substituters =", "experimental-features = nix-command", "");

    private final Process holder;
    private final Path work;
    private int commands;

    private Sandbox(Process holder, Path work) {
        this.holder = holder;
        this.work = work;
    }

    /** Starts a sandbox whose {@code /nix} is a tmpfs of {@code sizeMiB}. */
    public static Sandbox start(int sizeMiB) {
        Path work;
        try {
            work = Files.createTempDirectory("inchworm-package-stepping-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process holder;
        try {
            holder = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sleep", "infinity")
                    .redirectErrorStream(true).redirectOutput(work.resolve("holder.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Sandbox sandbox = new Sandbox(holder, work);
        try {
            sandbox.awaitNamespace();
            sandbox.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + sizeMiB + "M", "tmpfs", "/nix")).check();
            return sandbox;
        } catch (RuntimeException e) {
            sandbox.close();
            throw e;
        }
    }

    private void awaitNamespace() {
        Path own = Path.of("/proc/self/ns/mnt");
        Path theirs = Path.of("/proc/" + holder.pid() + "/ns/mnt");
        for (int i = 0; i < 500; i++) {
            try {
                if (!Files.readSymbolicLink(own).equals(Files.readSymbolicLink(theirs))) {
                    return;
                }
            } catch (IOException e) {
                if (!holder.isAlive()) {
                    break;
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("unshare did not start a mount namespace (pid " + holder.pid() + ")");
    }

    /** Runs a command inside the namespace, with the Nix environment of NIX-FACTS.md. */
    public Result run(List<String> command) {
        List<String> full = new ArrayList<>(List.of("nsenter", "-t", Long.toString(holder.pid()), "-m", "--"));
        full.addAll(command);
        int n = ++commands;
        Path out = work.resolve("cmd-" + n + ".out");
        Path err = work.resolve("cmd-" + n + ".err");
        ProcessBuilder builder = new ProcessBuilder(full).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        env.put("NIX_REMOTE", "local");
        env.put("NIX_CONFIG", NIX_CONFIG);
        env.put("HOME", work.toString());
        env.put("XDG_CACHE_HOME", work.resolve("cache").toString());
        env.remove("NIX_PATH");
        try {
            Process process = builder.start();
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("command " + command + " did not finish in 300 s");
            }
            Result result = new Result(command, process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    /** Runs a command and fails unless it exits 0. */
    public Result check(String... command) {
        return run(List.of(command)).check();
    }

    /** Writes a file into the sandbox's work folder (visible inside: /tmp is shared). */
    public Path write(String fileName, byte[] content) {
        try {
            return Files.write(work.resolve(fileName), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a UTF-8 text file into the work folder. */
    public Path write(String fileName, String content) {
        return write(fileName, content.getBytes(StandardCharsets.UTF_8));
    }

    /** The work folder (expressions, Nix's HOME). */
    public Path work() {
        return work;
    }

    /** The store folder as seen from outside the namespace. */
    public Path store() {
        return Path.of("/proc/" + holder.pid() + "/root" + StorePath.STORE_DIR);
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
        holder.destroy();
        try {
            if (!holder.waitFor(10, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // A leftover temp folder is harmless; the namespace is gone either way.
        }
    }
}
