package dev.inchworm.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The assembled distribution, run as a user runs it: {@code bin/inchworm} in a subprocess. */
final class Dist {

    static final Path HOME = Path.of(System.getProperty("inchworm.dist", "target/inchworm")).toAbsolutePath();
    static final Path ROOT = Path.of(System.getProperty("inchworm.root", "..")).toAbsolutePath().normalize();
    static final Path LAUNCHER = HOME.resolve("bin/inchworm");

    record Result(int code, String out, String err) {
    }

    private Dist() {
    }

    static Result run(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(workDir, env, List.of(LAUNCHER.toString()), args);
    }

    /** Runs {@code launcher} (the launcher, or e.g. {@code nsenter ... LAUNCHER}) with {@code args}. */
    static Result run(Path workDir, Map<String, String> env, List<String> launcher, String... args)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(launcher);
        argv.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "out", ".txt");
        Path err = Files.createTempFile(workDir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(argv).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("INCHWORM_PLUGINS");
        pb.environment().remove("INCHWORM_JAVA_OPTS");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException("inchworm did not finish: " + argv);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        return run(workDir, Map.of(), args);
    }
}
