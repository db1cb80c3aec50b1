package dev.inchworm.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Nix files of {@code dist/src/test/nix} evaluated by the machine's {@code nix-instantiate} with
 * the real Nixpkgs library: {@code $INCHWORM_NIXPKGS_LIB} (or {@code -Dinchworm.nixpkgsLib}), else
 * {@code shared/nixpkgs-lib} beside the checkout or one of its parent folders. Evaluation only, in
 * a dummy store: nothing is built or written. Without the library this fails, saying where it looked.
 */
final class NixEval {

    static final Path NIX_DIR = Dist.ROOT.resolve("dist/src/test/nix");

    record Result(int code, String out, String err) {
        JsonNode json() throws IOException {
            if (code != 0) {
                throw new AssertionError("nix-instantiate failed (" + code + "): " + err);
            }
            return new ObjectMapper().readTree(out);
        }
    }

    private NixEval() {
    }

    /** The checkout's {@code origin} when it is a folder on this machine, else null. */
    private static Path origin() {
        try {
            Process p = new ProcessBuilder("git", "-C", Dist.ROOT.toString(), "config", "--get", "remote.origin.url")
                    .redirectErrorStream(true).start();
            String url = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || !url.startsWith("/")) {
                return null;
            }
            return Path.of(url).toAbsolutePath().normalize();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static Path nixpkgsLib() {
        String given = System.getProperty("inchworm.nixpkgsLib", System.getenv("INCHWORM_NIXPKGS_LIB"));
        if (given != null && !given.isBlank()) {
            Path lib = Path.of(given).toAbsolutePath();
            if (!Files.isRegularFile(lib.resolve("lib/default.nix"))) {
                throw new AssertionError("INCHWORM_NIXPKGS_LIB=" + given + " is not the Nixpkgs library (no lib/default.nix)");
            }
            return lib;
        }
        // Beside the checkout or a parent of it, else beside its origin: a clone made elsewhere
        // (`git clone /work/main /tmp/x`) finds the workspace's shared/ through where it came from.
        List<Path> tried = new ArrayList<>();
        for (Path start : new Path[] {Dist.ROOT, origin()}) {
            for (Path dir = start == null ? null : start.getParent(); dir != null; dir = dir.getParent()) {
                Path lib = dir.resolve("shared/nixpkgs-lib");
                if (Files.isRegularFile(lib.resolve("lib/default.nix"))) {
                    return lib;
                }
                tried.add(lib);
            }
        }
        throw new AssertionError("the Nixpkgs library (lib/ of nix-community/nixpkgs.lib) is needed to evaluate "
                + "nix/module.nix and was not found at " + tried + "; set INCHWORM_NIXPKGS_LIB to its folder "
                + "(docs/install.md, 'Tests')");
    }

    /** {@code nix-instantiate --eval --strict --json FILE --arg nixpkgsLib LIB --arg NAME PATH...}. */
    static Result eval(String file, Path tmp, String... pathArgs) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("nix-instantiate", "--store", "dummy://", "--eval", "--strict",
                "--json", NIX_DIR.resolve(file).toString(), "--arg", "nixpkgsLib", nixpkgsLib().toString()));
        for (int i = 0; i < pathArgs.length; i += 2) {
            argv.addAll(List.of("--arg", pathArgs[i], pathArgs[i + 1]));
        }
        Path out = Files.createTempFile(tmp, "nix", ".out");
        Path err = Files.createTempFile(tmp, "nix", ".err");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("NIX_REMOTE", "local");
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException("nix-instantiate did not finish: " + argv);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Evaluates nix/module.nix with {@code hostModule} (the text of a NixOS module) as the host's configuration. */
    static Result module(Path tmp, String hostModule) throws IOException, InterruptedException {
        Path host = Files.createTempFile(tmp, "host", ".nix");
        Files.writeString(host, hostModule);
        return eval("eval-module.nix", tmp, "host", host.toString());
    }
}
