package dev.inchworm.dist;

import static dev.inchworm.dist.BenchmarkFiles.mib;
import static dev.inchworm.testkit.Package.KiB;
import static dev.inchworm.testkit.Package.MiB;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inchworm.testkit.SandboxHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The smallest {@code /nix} on which the real {@code inchworm upgrade} completes, with {@code
 * [full-rebuild]} (a plain rebuild) and with {@code [full-rebuild, package-stepping]}, found by
 * bisection over the bytes left free after the current system, each trial a fresh sandbox host
 * and a run of the assembled CLI; against a lower bound from the package sizes; and steps and
 * wall time where both fit. Writes the "Per-package stepping" section of a Markdown file. Run
 * by {@code scripts/bench-stepping}; not a test.
 *
 * <p>Arguments: the Markdown file, the command line to record.
 */
public final class SteppingBenchmark {

    private static final long GRAIN = 128 * KiB;
    private static final long RESERVE = MiB; // SandboxRun's profile: engine.reserve 1MiB

    private SteppingBenchmark() {
    }

    /** One run of the CLI on a fresh host with {@code free} bytes left (or all, when negative). */
    record Trial(boolean ok, long usedBefore, long millis, long steps, long done, List<String> estimates) {
    }

    public static void main(String[] args) throws IOException {
        Path markdown = Path.of(args[0]);
        String commandLine = args.length > 1 ? args[1] : "scripts/bench-stepping";
        List<String> rows = new ArrayList<>();
        List<String> timings = new ArrayList<>();
        List<String> estimates = new ArrayList<>();
        for (SteppingCases c : SteppingCases.all()) {
            long used = trial(c, -1, false).usedBefore();
            long lower = c.newOutputBytes() + c.smallestSource();
            long plain = smallest(c, false, lower);
            long stepping = smallest(c, true, lower);
            rows.add(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %+.0f%% |", c.name(),
                    c.rebuilt().size(), mib(used), mib(used + plain), mib(used + stepping), mib(used + lower),
                    100.0 * (stepping - lower) / (used + lower)));
            long roomy = plain + 2 * MiB;
            Trial plainRun = trial(c, roomy, false);
            Trial steppingRun = trial(c, roomy, true);
            Trial tight = trial(c, stepping, true);
            timings.add(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d of %d | %d |", c.name(),
                    plainRun.millis(), steppingRun.millis(), steppingRun.done(), tight.done(), tight.steps(),
                    tight.millis()));
            estimates.add("| " + c.name() + " | " + String.join(", ", tight.estimates()) + " |");
            System.out.println(rows.get(rows.size() - 1) + "\n" + timings.get(timings.size() - 1)
                    + "\n" + estimates.get(estimates.size() - 1));
        }
        String section = """
                ## Per-package stepping

                The smallest `/nix` (MiB) on which the real `inchworm upgrade` (the assembled
                distribution, `dist/target/inchworm/bin/inchworm`, run as a subprocess) completes
                on the exact target (exit 0, `reproducible: true`): with `strategies: [full-rebuild]`
                (a plain rebuild) and with `[full-rebuild, package-stepping]` (the example profiles'
                chain). Found by bisection over the bytes left free after the current system (grain
                %d KiB), each trial a fresh sandbox host (tmpfs `/nix`, Nix 2.8, `gc-reserved-space`
                8 MiB counted as used) with the initial system installed and booted, and one run of
                the CLI with the engine's reserve at 1 MiB. The booted system and the initial
                generation stay rooted during the run, as on NixOS, so the old versions stay: the
                lower bound is the store before + every rebuilt package's new output + the
                smallest source among them (a step builds at least one package from its source; at
                the end every new output is there), without the reserve. Sources are fixed-output
                tarballs, collected between steps. No binary cache: sizes are estimated (growth
                factor 1.1, then measured), and a step that runs out of disk is split. The
                engine's reserve (1 MiB, kept free on top of each step's estimate) is part of
                Inchworm's figure and not of the bound.

                | scenario | rebuilt | store before | plain rebuild | Inchworm (full-rebuild, package-stepping) | lower bound | Inchworm over bound |
                |---|---:|---:|---:|---:|---:|---:|
                %s

                Wall time of the whole CLI run (ms, JVM start included) and steps where both fit
                (free = plain's smallest + 2 MiB: full-rebuild fits, one step), and Inchworm on its
                own smallest disk (steps done of steps tried: the others ran out of disk and were
                split), one run each:

                | scenario | plain rebuild ms | Inchworm ms | steps | on its smallest disk: steps | ms |
                |---|---:|---:|---:|---:|---:|
                %s

                Each step of that run on Inchworm's smallest disk: its estimate against what it
                really took (MiB; the step's peak store use less the store's use when it started),
                and the ratio (above 1: the estimate was high). A step that did not complete shows
                its outcome instead (out-of-disk: it was split).

                | scenario | steps: estimate / measured (ratio) |
                |---|---|
                %s

                - Date: %s; Nix 2.8.0; Java %s; %d cores.
                - Command: `%s`
                """.formatted(GRAIN / KiB, String.join("\n", rows), String.join("\n", timings),
                String.join("\n", estimates), LocalDate.now(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), commandLine);
        BenchmarkFiles.writeSection(markdown, "## Per-package stepping", section);
        System.out.print(section);
    }

    /**
     * The fewest free bytes (to the grain) on which the run completes: below the lower bound
     * nothing can; the upper end is every new output and every source plus the reserve and
     * room, doubled until a run completes.
     */
    static long smallest(SteppingCases c, boolean stepping, long lower) {
        return BenchmarkFiles.smallest(lower - GRAIN, c.newOutputBytes() + c.sourceBytes() + RESERVE + 2 * MiB, GRAIN,
                free -> trial(c, free, stepping).ok());
    }

    static Trial trial(SteppingCases c, long free, boolean stepping) {
        Path work = null;
        try {
            work = Files.createTempDirectory("bench-stepping");
            try (SandboxRun run = new SandboxRun(SandboxHost.builder().tmpfs(160), work, c.initial())) {
                run.target(c.name(), c.change());
                run.profile(p -> stepping ? p.strategies("full-rebuild", "package-stepping")
                        : p.strategies("full-rebuild"));
                run.host.run("nix-store", "--gc").requireOk();
                run.host.run("nix-store", "--query", "--hash", run.initial.toplevel().path()).requireOk();
                long used = run.host.usedBytes();
                if (free < 0) {
                    return new Trial(true, used, 0, 0, 0, List.of());
                }
                run.host.leaveFree(free);
                long started = System.nanoTime();
                Dist.Result r = run.upgrade();
                long millis = (System.nanoTime() - started) / 1_000_000;
                JsonNode report = run.json(r);
                boolean ok = r.code() == 0 && report.path("reproducible").asBoolean()
                        && run.profileToplevel().equals(run.targetEvaluation().toplevel());
                long steps = report.get("steps").size();
                long done = 0;
                List<String> estimates = new ArrayList<>();
                for (JsonNode step : report.get("steps")) {
                    boolean stepDone = step.get("outcome").asText().equals("done");
                    done += stepDone ? 1 : 0;
                    estimates.add(estimate(step, run.host.sizeBytes(), stepDone));
                }
                return new Trial(ok, used, millis, steps, done, estimates);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            BenchmarkFiles.delete(work);
        }
    }

    /** A step's estimate against its measured growth: its peak less the store's use at its start. */
    private static String estimate(JsonNode step, long sizeBytes, boolean done) {
        long estimated = step.path("estimatedBytes").asLong();
        long measured = step.path("peakStoreBytes").asLong() - (sizeBytes - step.path("freeBytesBefore").asLong());
        String figures = String.format(Locale.ROOT, "%.1f / %.1f", mib(estimated), mib(measured));
        if (!done) {
            return figures + " (" + step.path("outcome").asText() + ")";
        }
        return measured <= 0 ? figures : figures + String.format(Locale.ROOT, " (%.2f)", estimated / (double) measured);
    }
}
