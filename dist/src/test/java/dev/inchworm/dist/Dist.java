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
        return run(workDir, env, launcher, Files.createTempFile(workDir, "err", ".txt"), args);
    }

    private static Result run(Path workDir, Map<String, String> env, List<String> launcher, Path err, String... args)
            throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(launcher);
        argv.addAll(List.of(args));
        Path out = Files.createTempFile(workDir, "out", ".txt");
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

    /**
     * Runs {@code launcher} as systemd runs a unit's command with its standard error connected to
     * the journal: {@code JOURNAL_STREAM} names the device and inode of the file standard error
     * goes to (systemd names its socket), standard input and output are not terminals.
     */
    static Result runUnderJournal(Path workDir, List<String> launcher, String... args)
            throws IOException, InterruptedException {
        Path err = Files.createTempFile(workDir, "journal", ".txt");
        Map<String, Object> stat = Files.readAttributes(err, "unix:dev,ino");
        return run(workDir, Map.of("JOURNAL_STREAM", stat.get("dev") + ":" + stat.get("ino")), launcher, err, args);
    }

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        return run(workDir, Map.of(), args);
    }
}
