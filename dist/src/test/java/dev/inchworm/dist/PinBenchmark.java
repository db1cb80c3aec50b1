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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The user's example with the pins a NixOS host has (issue 9): a blender of 8 MiB and a gimp of
 * 6 MiB, both bumped, no build-only inputs (as when both are substituted). The smallest {@code
 * /nix} on which the real {@code inchworm upgrade} ends on the exact target, by bisection (a
 * fresh sandbox host per trial), for the plain rebuild, stepping that keeps the initial
 * generation, stepping with the defaults, and, with the booted system pinning the old versions,
 * stepping with and without reboots (the test kit's reboot stand-in; the CLI is run again after
 * each exit 6, as the boot's unit would). Writes the "Stepping past pinned old versions" section
 * of a Markdown file; run by {@code scripts/bench-stepping}; not a test.
 */
public final class PinBenchmark {

    private static final long GRAIN = 128 * KiB;
    private static final String TITLE = "## Stepping past pinned old versions";

    private PinBenchmark() {
    }

    /** How a trial's host and profile are set. */
    record Setup(String name, boolean bootedPins, List<String> chain, String keepInitial, Boolean reboots) {
    }

    record Trial(boolean ok, long usedBefore, long millis, long done, long tried, int reboots) {
    }

    public static void main(String[] args) throws IOException {
        Path markdown = Path.of(args[0]);
        String commandLine = args.length > 1 ? args[1] : "scripts/bench-stepping";
        List<String> stepping = List.of("full-rebuild", "package-stepping");
        List<Setup> setups = List.of(
                new Setup("plain rebuild (`[full-rebuild]`)", false, List.of("full-rebuild"), null, null),
                new Setup("stepping, `keepInitial: always` (the old \"keep everything\")", false, stepping, "always",
                        null),
                new Setup("stepping, defaults (`keepInitial: auto`)", false, stepping, null, null),
                new Setup("booted pin: plain rebuild", true, List.of("full-rebuild"), null, null),
                new Setup("booted pin: stepping, reboots not allowed", true, stepping, null, false),
                new Setup("booted pin: stepping, reboots allowed", true, stepping, null, true));
        long used = trial(setups.get(0), -1).usedBefore();
        long bound = ShedCase.BLENDER; // the biggest unit's new closure beside what the store held
        List<String> rows = new ArrayList<>();
        for (Setup s : setups) {
            long smallest = smallest(s, bound);
            Trial tight = trial(s, smallest);
            rows.add(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %+.0f%% | %d of %d | %d | %d |",
                    s.name(), mib(smallest), mib(used + smallest), mib(used + bound),
                    100.0 * (smallest - bound) / (used + bound), tight.done(), tight.tried(), tight.reboots(),
                    tight.millis()));
            System.out.println(rows.get(rows.size() - 1));
        }
        String section = """
                %s

                The user's example with the pins a NixOS host has: a blender of 8 MiB and a gimp of
                6 MiB, both bumped at the same sizes, with no build-only inputs (as when both are
                substituted from a cache), so `A.old + A.new + B.old + B.new` needs 14 MiB free and
                `A.old + A.new + B.old` 8 MiB. The smallest `/nix` on which the real `inchworm
                upgrade` ends on the exact target (exit 0, `reproducible: true`), by bisection over
                the bytes left free after the current system (grain %d KiB), each trial a fresh
                sandbox host (tmpfs `/nix`, Nix 2.8, store before %.1f MiB with Nix's 8 MiB
                `reserved` file), engine reserve 1 MiB. Without a booted pin the host was booted into
                an older system without either package and switched since (so only the initial
                generation and the current system pin the old versions); with it, the host runs the
                system it booted. Reboots are the test kit's stand-in (`engine.reboot.command`
                re-points the booted and current system links and returns; the CLI is started again
                after each exit 6, as the boot's unit would). The bound of this model: the store
                before plus the biggest unit's new closure (the new blender), without reserve or
                Nix's transient.

                | setup | free needed (MiB) | smallest /nix (MiB) | bound /nix (MiB) | over bound | steps done of tried | reboots | ms |
                |---|---:|---:|---:|---:|---:|---:|---:|
                %s

                Steps, reboots and wall time (all CLI runs, JVM starts included) are those of the
                run on its smallest disk.

                A run that could go on only after a reboot it may not take first tries the plain rebuild
                once from where it is (`engine.lastTry`; a tried step that ran out of disk counts in
                "tried"), and pauses on the switched intermediate system (exit 0, `paused`), saying what
                the reboot would free, only when that runs out of disk too.

                - Date: %s; Nix 2.8.0; Java %s; %d cores.
                - Command: `%s`
                """.formatted(TITLE, GRAIN / KiB, mib(used), String.join("\n", rows), LocalDate.now(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), commandLine);
        BenchmarkFiles.writeSection(markdown, TITLE, section);
        System.out.print(section);
    }

    /** The fewest free bytes (to the grain) on which the setup reaches the target. */
    static long smallest(Setup s, long lower) {
        return BenchmarkFiles.smallest(lower - 2 * GRAIN, ShedCase.BLENDER + ShedCase.GIMP + 4 * MiB, GRAIN,
                free -> trial(s, free).ok());
    }

    static Trial trial(Setup s, long free) {
        Path work = null;
        try {
            work = Files.createTempDirectory("bench-pins");
            SandboxHost.Builder disk = SandboxHost.builder().tmpfs(160);
            try (SandboxRun run = s.bootedPins() ? new SandboxRun(disk, work, ShedCase.studio())
                    .target("blender 4.2, gimp 2.11", ShedCase.bumpBoth())
                    : ShedCase.host(disk, work, ShedCase.bumpBoth())) {
                run.profile(p -> {
                    Map<String, Object> engine = new LinkedHashMap<>(Map.of("reserve", "1MiB"));
                    if (s.keepInitial() != null) {
                        engine.put("keepInitial", s.keepInitial());
                    }
                    p.strategies(s.chain().toArray(String[]::new)).set("engine", engine)
                            .nixSetting("bootedSystem", run.host.stateDir().resolve("booted-system").toString())
                            .nixSetting("currentSystem", run.host.stateDir().resolve("current-system").toString());
                    return s.reboots() == null ? p : p.rebootsWithStandIn(run.host, s.reboots());
                });
                run.host.run("nix-store", "--gc").requireOk();
                run.host.run("nix-store", "--query", "--hash", run.initial.toplevel().path()).requireOk();
                long used = run.host.usedBytes();
                if (free < 0) {
                    return new Trial(true, used, 0, 0, 0, 0);
                }
                run.host.leaveFree(free);
                long started = System.nanoTime();
                Dist.Result r = run.upgrade();
                for (int runs = 0; r.code() == 6 && runs < 4; runs++) {
                    r = run.upgrade(); // after the stand-in's reboot, as the boot's unit would
                }
                long millis = (System.nanoTime() - started) / 1_000_000;
                JsonNode report = run.json(r);
                boolean ok = r.code() == 0 && report.path("reproducible").asBoolean()
                        && run.profileToplevel().equals(run.targetEvaluation().toplevel());
                long done = 0;
                long tried = 0;
                for (JsonNode step : report.get("steps")) {
                    done += step.get("outcome").asText().equals("done") ? 1 : 0;
                    tried++;
                }
                System.out.printf(Locale.ROOT, "  %s, free %.2f MiB: %s%n", s.name(), mib(free), ok ? "ok" : "no");
                return new Trial(ok, used, millis, done, tried, report.path("reboot").path("reboots").asInt(0));
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
