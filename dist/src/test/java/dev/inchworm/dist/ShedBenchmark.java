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
 * The smallest {@code /nix} on which the real {@code inchworm upgrade} completes on the
 * shedding scenario ({@link ShedCase}) with {@code [full-rebuild]}, {@code [full-rebuild,
 * package-stepping]} and {@code [full-rebuild, package-stepping, shed-non-vital]}, by bisection
 * over the bytes left free after the current system, each trial a fresh sandbox host and a run
 * of the assembled CLI; against the lower bound of each model. Writes the "Shedding non-vital
 * units" section of a Markdown file. Run by {@code scripts/bench-shed}; not a test.
 *
 * <p>Arguments: the Markdown file, the command line to record.
 */
public final class ShedBenchmark {

    private static final long GRAIN = 128 * KiB;
    private static final String TITLE = "## Shedding non-vital units";

    private ShedBenchmark() {
    }

    record Trial(boolean ok, long usedBefore, long millis, long done) {
    }

    public static void main(String[] args) throws Exception {
        Path markdown = Path.of(args[0]);
        String commandLine = args.length > 1 ? args[1] : "scripts/bench-shed";
        long used = trial(-1, "full-rebuild").usedBefore();
        long v = ShedCase.BLENDER;
        long n = ShedCase.GIMP;
        // free bytes each model needs at least (no reserve, no Nix transient): plain holds both new;
        // stepping frees each old version after its step, so the first step decides: blender new
        // beside both old (or gimp first, then blender new beside the old blender); shedding frees
        // the old gimp first, then builds blender new, frees the old blender, builds gimp new
        long plainBound = v + n;
        long steppingBound = v;
        long shedBound = Math.max(0, v - n);
        List<String> rows = new ArrayList<>();
        String[][] chains = {{"full-rebuild"}, {"full-rebuild", "package-stepping"},
                {"full-rebuild", "package-stepping", "shed-non-vital"}};
        long[] bounds = {plainBound, steppingBound, shedBound};
        for (int i = 0; i < chains.length; i++) {
            long smallest = smallest(bounds[i], chains[i]);
            Trial tight = trial(smallest, chains[i]);
            rows.add(String.format(Locale.ROOT, "| `[%s]` | %.1f | %.1f | %.1f | %d | %d |", String.join(", ", chains[i]),
                    mib(smallest), mib(used + smallest), mib(used + bounds[i]), tight.done(), tight.millis()));
            System.out.println(rows.get(rows.size() - 1));
        }
        String section = """
                %s

                The shedding scenario of `ShedNonVitalIT` (a vital blender of 8 MiB and a non-vital
                gimp of 6 MiB, `nonVital: [gimp]`, both bumped at the same sizes; the host booted into
                an older system without either, so the booted system does not pin them; the engine
                releases the initial generation, `engine.keepInitial: auto`): the smallest `/nix` on
                which the real `inchworm upgrade` (the assembled distribution, a subprocess) ends on
                the exact target (exit 0, `reproducible: true`), by bisection over the bytes left
                free after the current system (grain %d KiB), each trial a fresh sandbox host (tmpfs
                `/nix`, Nix 2.8, store before %.1f MiB with Nix's 8 MiB `reserved` file), engine
                reserve 1 MiB. The bound is each model's least free space from the package sizes
                alone (no reserve, no Nix transient): plain, both new at once (14 MiB); stepping, the
                new blender beside the old one (8 MiB); shedding, the new blender once the old gimp
                is gone (2 MiB).

                | strategies | free needed (MiB) | smallest /nix (MiB) | bound /nix (MiB) | steps | ms on that disk |
                |---|---:|---:|---:|---:|---:|
                %s

                - Date: %s; Nix 2.8.0; Java %s; %d cores.
                - Command: `%s`
                """.formatted(TITLE, GRAIN / KiB, mib(used), String.join("\n", rows), LocalDate.now(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), commandLine);
        BenchmarkFiles.writeSection(markdown, TITLE, section);
        System.out.print(section);
    }

    /** The fewest free bytes (to the grain) on which the chain completes. */
    static long smallest(long lower, String... chain) {
        return BenchmarkFiles.smallest(lower - GRAIN, ShedCase.BLENDER + ShedCase.GIMP + 4 * MiB, GRAIN,
                free -> trial(free, chain).ok());
    }

    static Trial trial(long free, String... chain) {
        Path work = null;
        try {
            work = Files.createTempDirectory("bench-shed");
            try (SandboxRun run = ShedCase.host(SandboxHost.builder().tmpfs(160), work, ShedCase.bumpBoth())) {
                ShedCase.profile(run, List.of("gimp"), chain);
                run.host.run("nix-store", "--gc").requireOk();
                run.host.run("nix-store", "--query", "--hash", run.initial.toplevel().path()).requireOk();
                long used = run.host.usedBytes();
                if (free < 0) {
                    return new Trial(true, used, 0, 0);
                }
                run.host.leaveFree(free);
                long started = System.nanoTime();
                Dist.Result r = run.upgrade();
                long millis = (System.nanoTime() - started) / 1_000_000;
                JsonNode report = run.json(r);
                boolean ok = r.code() == 0 && report.path("reproducible").asBoolean()
                        && run.profileToplevel().equals(run.targetEvaluation().toplevel());
                long done = 0;
                for (JsonNode step : report.get("steps")) {
                    done += step.get("outcome").asText().equals("done") ? 1 : 0;
                }
                System.out.printf(Locale.ROOT, "  %s free %.2f MiB: %s%n", String.join(",", chain), mib(free),
                        ok ? "ok" : "no");
                return new Trial(ok, used, millis, done);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            BenchmarkFiles.delete(work);
        }
    }
}
