package dev.inchworm.dist;

import dev.inchworm.runtime.journal.InstalledRevisions;
import dev.inchworm.testkit.PackageSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code inchworm plan} and a stepped {@code inchworm upgrade} on NixOS-shaped systems
 * ({@code PackageSet.nixosShaped}: 1,000 / 3,000 / 10,000 packages) against
 * {@code nix-instantiate} of the same target, side by side: wall time, peak RSS (GNU time),
 * the JVM's peak heap after collections ({@code -Xlog:gc} added to the shipped launcher through
 * {@code JAVA_TOOL_OPTIONS}, so its flags and class data archive stay as shipped), and
 * for the upgrade the time each step spends outside Nix builds and the state folder's size
 * after the run. Writes the "NixOS scale" section of a Markdown file. Run by
 * {@code scripts/bench-scale}; not a test.
 *
 * <p>Arguments: the Markdown file, the command line to record, then the sizes (default
 * {@code 1000 3000 10000}).
 */
public final class ScaleBenchmark {

    /** The launcher's default JVM flags (dist/src/main/sh/inchworm), kept as shipped. */
    static final String SHIPPED_OPTS = "-XX:+UseSerialGC -Xmx64m -Xmn10m -Xss512k -XX:TieredStopAtLevel=1 -XX:-UsePerfData";
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    /** Rounds of nix-instantiate and plan per change, interleaved; the medians are reported. */
    private static final int ROUNDS = 3;
    private static final Pattern TIME = Pattern.compile("TIME ([0-9.]+) (\\d+)");
    // The exec debug log's line for a build (not its dry run): "ran nix-store --realise /nix/store/... in 778 ms".
    private static final Pattern BUILD = Pattern.compile("inchworm\\.exec - ran .*nix-store --realise /nix/store/.* in (\\d+) ms");
    /** Logs every command with its wall time (docs/upgrade.md, "Where a run's time goes"). */
    private static final String EXEC_LOG = "-Dorg.slf4j.simpleLogger.log.inchworm.exec=debug";

    private ScaleBenchmark() {
    }

    /** One measured command: wall seconds, peak RSS in KiB, peak heap in MiB (-1 if not a JVM). */
    record Measured(int code, double seconds, long rssKiB, long heapMiB, List<long[]> lines, String out) {
    }

    public static void main(String[] args) throws Exception {
        Path markdown = Path.of(args[0]);
        String commandLine = args.length > 1 ? args[1] : "scripts/bench-scale";
        List<Integer> sizes = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            sizes.add(Integer.parseInt(args[i]));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(1000, 3000, 10000);
        }
        List<String> planRows = new ArrayList<>();
        List<String> stepRows = new ArrayList<>();
        for (int n : sizes) {
            planRows.addAll(measure(n, stepRows));
        }
        String section = """
                ## NixOS scale

                `inchworm plan` and a stepped `inchworm upgrade` with the shipped launcher
                (`bin/inchworm`: `%s` and its class data archive) on NixOS-shaped systems (`PackageSet.nixosShaped`: a
                glibc-like root under every package, packages in ten layers each using one to
                four lower ones, two of three built from a fixed-output source, 200 packages in
                the `system-path` buildEnv, 100 unit files under `system-units`), against
                `nix-instantiate` of the same target in the same sandbox host, interleaved, median
                of %d rounds (peak RSS and heap of the median run). `plan` with package-stepping's defaults (the whole change in as
                few steps as fit). Wall time and peak RSS from GNU time; heap is the JVM's peak heap
                in use before a collection (`-Xlog:gc` through `JAVA_TOOL_OPTIONS`, so the launcher
                keeps its flags and class data archive). A mass
                rebuild bumps glibc; "20 leaves" bumps 20 system packages nothing depends on.

                | packages | change | `.drv` files (target) | `nix-instantiate` s / RSS MiB | `plan` s / RSS MiB / heap MiB | plan / instantiate |
                |---:|---|---:|---:|---:|---:|
                %s

                The stepped upgrade: "20 leaves" with `package-stepping` alone at
                `maxUnitsPerStep: 5` (four steps and the aggregators), on a disk with room.
                Outside builds: a step's wall time (from its line on standard error to the
                next step's, the last one's to `at the target`) less the time its
                `nix-store --realise` took (the exec debug log's wall time of each build). Start:
                from the process's start to the first step's line (JVM, evaluation, the
                analysis and planning of the first step); finish: from `at the target` to the
                process's exit (the initial generation released, the last collection, the
                report). State: the state folder after the run.

                | packages | steps | wall s | RSS MiB / heap MiB | outside builds per step, s (max) | start / finish s | state folder KiB |
                |---:|---:|---:|---:|---:|---:|---:|
                %s

                Measured %s with `%s`.
                """.formatted(SHIPPED_OPTS, ROUNDS, String.join("\n", planRows), String.join("\n", stepRows),
                LocalDate.now(ZoneOffset.UTC), commandLine);
        write(markdown, "## NixOS scale", section);
        System.out.println(section);
    }

    /** One host per size: the mass rebuild planned, then the 20 leaves planned and upgraded. */
    private static List<String> measure(int n, List<String> stepRows) throws Exception {
        Path work = Files.createTempDirectory("bench-scale-");
        PackageSet initial = PackageSet.nixosShaped(n, 200, 100, 1);
        List<String> leaves = initial.leaves().stream().filter(p -> initial.get(p).systemPackage()).limit(20).toList();
        PackageSet leavesBumped = initial;
        for (String name : leaves) {
            leavesBumped = leavesBumped.bump(name);
        }
        PackageSet twenty = leavesBumped;
        List<String> rows = new ArrayList<>();
        try (SandboxRun run = new SandboxRun(256 + n / 8, work, initial)
                .profile(p -> p.strategies("package-stepping"))) {
            // As on a host Inchworm upgraded before: the state folder records the running system's
            // revision, so plan and upgrade need no --from (which would evaluate that revision
            // again to check it).
            InstalledRevisions.open(run.stateDir()).record(run.initial.toplevel(), run.first, Instant.now());
            for (String change : List.of("mass rebuild", "20 leaves")) {
                run.target(change, change.startsWith("mass") ? pkgs -> initial.update("glibc",
                        p -> p.at(p.nextVersion(), p.size())) : pkgs -> twenty);
                Path expression = run.scenario.expression(run.target);
                // Interleaved rounds, medians: the first evaluation writes the target's .drv files.
                List<Measured> instantiates = new ArrayList<>();
                List<Measured> plans = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    instantiates.add(timed(run, run.host.prefix(), List.of("nix-instantiate", expression.toString(),
                            "-A", "system"), Map.of(), work));
                    Measured plan = cli(run, work, "plan", "--profile", run.profile.toString());
                    if (plan.code() != 0) {
                        throw new IllegalStateException("plan failed: " + plan.out());
                    }
                    plans.add(plan);
                }
                Measured instantiate = median(instantiates);
                Measured plan = median(plans);
                String drv = instantiate.out().strip().lines().reduce((a, b) -> b).orElse("");
                long drvs = run.host.run("nix-store", "--query", "--requisites", drv).requireOk().lines().stream()
                        .filter(l -> l.endsWith(".drv")).count();
                rows.add(String.format(Locale.ROOT, "| %,d | %s | %,d | %.2f / %d | %.2f / %d / %d | %.1fx |", n,
                        change, drvs, instantiate.seconds(), instantiate.rssKiB() / 1024, plan.seconds(),
                        plan.rssKiB() / 1024, plan.heapMiB(), plan.seconds() / instantiate.seconds()));
                System.out.println(rows.get(rows.size() - 1));
            }
            run.profile(p -> p.strategies().addStrategy("package-stepping", Map.of("maxUnitsPerStep", 5)));
            Measured upgrade = cliWith(run, work, EXEC_LOG, "upgrade", "--profile", run.profile.toString(), "--json",
                    "--progress");
            if (upgrade.code() != 0) {
                throw new IllegalStateException("upgrade failed: " + upgrade.out());
            }
            double[] outside = outsideBuilds(upgrade.lines(), upgrade.seconds());
            stepRows.add(String.format(Locale.ROOT, "| %,d | %d | %.1f | %d / %d | %.2f (%.2f) | %.2f / %.2f | %,d |", n,
                    (int) outside[2], upgrade.seconds(), upgrade.rssKiB() / 1024, upgrade.heapMiB(), outside[0],
                    outside[1], outside[4], outside[3], stateBytes(run.stateDir()) / 1024));
            System.out.println(stepRows.get(stepRows.size() - 1));
        }
        return rows;
    }

    /** The run of median wall time. */
    private static Measured median(List<Measured> runs) {
        List<Measured> sorted = runs.stream().sorted(java.util.Comparator.comparingDouble(Measured::seconds)).toList();
        return sorted.get(sorted.size() / 2);
    }

    /**
     * Mean and max seconds per step outside Nix builds, the number of steps, and the seconds of
     * the run's finish after its last step and its start before the first: a step's wall
     * time, from its announcement to the next one's (or the end), less the time its builds took
     * ({@code nix-store --realise} in the exec debug log, attributed to the step it ended in).
     */
    static double[] outsideBuilds(List<long[]> lines, double totalSeconds) {
        // lines: {nanos since start, kind, build nanos}: kind 1 = a step announced, 2 = a build ended
        List<long[]> steps = lines.stream().filter(l -> l[1] == 1).toList();
        // The last step ends where the run says it is at the target; what follows (releasing the
        // initial generation, the last collection, the report, the JVM's exit) is the run's finish.
        long finish = lines.stream().filter(l -> l[1] == 3).mapToLong(l -> l[0]).findFirst()
                .orElse((long) (totalSeconds * 1e9));
        double sum = 0;
        double max = 0;
        for (int i = 0; i < steps.size(); i++) {
            long start = steps.get(i)[0];
            long end = i + 1 < steps.size() ? steps.get(i + 1)[0] : finish;
            long building = 0;
            for (long[] line : lines) {
                if (line[1] == 2 && line[0] >= start && line[0] < end) {
                    building += line[2];
                }
            }
            double outside = ((end - start) - building) / 1e9;
            sum += outside;
            max = Math.max(max, outside);
        }
        return new double[] {steps.isEmpty() ? 0 : sum / steps.size(), max, steps.size(),
                totalSeconds - finish / 1e9, steps.isEmpty() ? 0 : steps.get(0)[0] / 1e9};
    }

    /**
     * The CLI with the shipped flags, a GC log, with {@code INCHWORM_BENCH_JVM} more JVM flags,
     * and with {@code INCHWORM_BENCH_JFR=FOLDER} a flight recording per command in that folder
     * (for the findings in docs/benchmarks.md).
     */
    private static Measured cli(SandboxRun run, Path work, String... args) throws Exception {
        return cliWith(run, work, "", args);
    }

    private static Measured cliWith(SandboxRun run, Path work, String jvmOptions, String... args) throws Exception {
        Path gc = Files.createTempFile(work, "gc", ".log");
        List<String> argv = new ArrayList<>(List.of(Dist.LAUNCHER.toString()));
        argv.addAll(List.of(args));
        // The measuring flags go to the JVM itself, not in INCHWORM_JAVA_OPTS: that would
        // replace the launcher's flags and turn its class data archive off.
        String opts = "-Xlog:gc:file=" + gc + (jvmOptions.isEmpty() ? "" : " " + jvmOptions);
        // INCHWORM_BENCH_JVM: more flags for the measured JVM, to compare a launcher change side by side
        String extra = System.getenv("INCHWORM_BENCH_JVM");
        if (extra != null && !extra.isBlank()) {
            opts += " " + extra.strip();
        }
        String jfr = System.getenv("INCHWORM_BENCH_JFR");
        if (jfr != null && !jfr.isBlank()) {
            opts += " -XX:StartFlightRecording=settings=profile,filename=" + Path.of(jfr).toAbsolutePath()
                    .resolve(args[0] + "-" + System.nanoTime() + ".jfr");
        }
        return timed(run, List.of(), argv, Map.of("JAVA_TOOL_OPTIONS", opts), work, gc);
    }

    private static Measured timed(SandboxRun run, List<String> prefix, List<String> command, Map<String, String> env,
                                  Path work) throws Exception {
        return timed(run, prefix, command, env, work, null);
    }

    private static Measured timed(SandboxRun run, List<String> prefix, List<String> command, Map<String, String> env,
                                  Path work, Path gcLog) throws Exception {
        Path timeFile = Files.createTempFile(work, "time", ".txt");
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(List.of("/usr/bin/time", "-o", timeFile.toString(), "-f", "TIME %e %M"));
        argv.addAll(command);
        Path out = Files.createTempFile(work, "out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(argv).directory(work.toFile()).redirectOutput(out.toFile());
        pb.environment().remove("INCHWORM_PLUGINS");
        pb.environment().putAll(run.host.nixEnvironment());
        pb.environment().putAll(env);
        long started = System.nanoTime();
        Process process = pb.start();
        CompletableFuture<List<long[]>> lines = CompletableFuture.supplyAsync(() -> {
            List<long[]> seen = new ArrayList<>();
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = err.readLine(); line != null; line = err.readLine()) {
                    long at = System.nanoTime() - started;
                    Matcher build = BUILD.matcher(line);
                    if (line.startsWith("inchworm: step ") && line.contains("(")) {
                        seen.add(new long[] {at, 1, 0});
                    } else if (line.startsWith("inchworm: at the target")) {
                        seen.add(new long[] {at, 3, 0});
                    } else if (build.find()) {
                        seen.add(new long[] {at, 2, Long.parseLong(build.group(1)) * 1_000_000});
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return seen;
        });
        int code = process.waitFor();
        Matcher time = TIME.matcher(Files.readString(timeFile));
        if (!time.find()) {
            throw new IllegalStateException("no timing for " + argv + ": " + Files.readString(timeFile));
        }
        long heap = -1;
        if (gcLog != null && Files.exists(gcLog)) {
            for (String line : Files.readAllLines(gcLog)) {
                Matcher m = GC_LINE.matcher(line);
                if (m.find()) {
                    heap = Math.max(heap, Long.parseLong(m.group(1)));
                }
            }
        }
        return new Measured(code, Double.parseDouble(time.group(1)), Long.parseLong(time.group(2)), heap,
                lines.get(), Files.readString(out));
    }

    private static long stateBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /**
     * Replaces (or appends) the section titled {@code title} in the Markdown file, keeping the
     * others and the section's own subsections ({@code ### ...}: the findings written by hand).
     */
    static void write(Path markdown, String title, String section) throws IOException {
        String text = Files.exists(markdown) ? Files.readString(markdown) : "# Benchmarks\n\n";
        int start = text.indexOf(title);
        if (start < 0) {
            text = text.stripTrailing() + "\n\n" + section;
        } else {
            int nextSection = text.indexOf("\n## ", start + 1);
            int subsection = text.indexOf("\n### ", start + 1);
            int end = subsection >= 0 && (nextSection < 0 || subsection < nextSection) ? subsection : nextSection;
            text = text.substring(0, start) + section + (end < 0 ? "" : "\n" + text.substring(end + 1));
        }
        Files.writeString(markdown, text);
    }
}
