package dev.inchworm.plugins.packagestepping.steps;

import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.plugins.packagestepping.PackageSteppingStrategy;
import dev.inchworm.testkit.Package;
import dev.inchworm.testkit.PackageSet;
import dev.inchworm.testkit.SandboxHost;
import dev.inchworm.testkit.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

import static dev.inchworm.testkit.Package.KiB;
import static dev.inchworm.testkit.Package.MiB;

/**
 * The smallest {@code /nix} on which a plain rebuild and package-stepping complete, found by
 * bisection over the free bytes left after the current system (each trial on a fresh sandbox
 * host), against a lower bound from the package sizes; and steps and wall time where both
 * fit. Writes the "Per-package stepping" section of a Markdown file. Run by
 * {@code scripts/bench-stepping}; not a test.
 *
 * <p>Arguments: the Markdown file, the command line to record.
 */
public final class SteppingBenchmark {

    /** A scenario: the initial set, the change, and the packages the change rebuilds. */
    record Case(String name, PackageSet initial, UnaryOperator<PackageSet> change, List<String> rebuilt) {
    }

    private static final long GRAIN = 128 * KiB;

    private SteppingBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path markdown = Path.of(args[0]);
        String commandLine = args.length > 1 ? args[1] : "scripts/bench-stepping";
        List<String> rows = new ArrayList<>();
        List<String> timings = new ArrayList<>();
        for (Case c : cases()) {
            long used = trial(c, Long.MAX_VALUE, false).usedBefore;
            long lower = lowerBound(c);
            long plain = smallest(c, false);
            long stepping = smallest(c, true);
            rows.add(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %+.0f%% |", c.name(),
                    c.rebuilt().size(), mib(used), mib(used + plain), mib(used + stepping), mib(used + lower),
                    100.0 * (stepping - lower) / (used + lower)));
            long roomy = plain + 2 * MiB;
            Trial plainRun = trial(c, roomy, false);
            Trial steppingRun = trial(c, roomy, true);
            Trial tight = trial(c, stepping, true);
            timings.add(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d of %d | %d |", c.name(), plainRun.millis,
                    steppingRun.millis, steppingRun.done, tight.done, tight.steps, tight.millis));
            System.out.println(rows.get(rows.size() - 1) + "\n" + timings.get(timings.size() - 1));
        }
        String section = """
                ## Per-package stepping

                The smallest `/nix` (MiB) on which each upgrade completes: a plain rebuild (build the
                target at once) and `package-stepping` (the strategy over the real Nix backend, driven
                by `StepLoop`, a test loop doing what the engine does: build, on out-of-disk collect and
                split, set the profile, activate, delete the previous step's generation, collect). Found by bisection over the bytes left free after the current
                system (grain %d KiB), each trial on a fresh sandbox host (tmpfs `/nix`, Nix 2.8,
                `gc-reserved-space` 8 MiB counted as used). The booted system and the initial
                generation stay rooted during the run, as on NixOS, so the old versions stay: the
                lower bound is the store before + every rebuilt package's new output + the smallest
                source among them (a step builds at least one package from its source; at the end
                every new output is there). Sources are fixed-output tarballs, collected between
                steps. No binary cache: sizes are estimated, and the first steps are split on
                out-of-disk.

                | scenario | rebuilt | store before | plain rebuild | package-stepping | lower bound | stepping over bound |
                |---|---:|---:|---:|---:|---:|---:|
                %s

                Wall time (ms) and steps where both fit (free = plain's smallest + 2 MiB), and
                package-stepping on its smallest disk (steps done of steps tried: the others ran
                out of disk and were split), one run each:

                | scenario | plain rebuild ms | package-stepping ms | steps | on its smallest disk: steps | ms |
                |---|---:|---:|---:|---:|---:|
                %s

                - Date: %s; Nix 2.8.0; Java %s; %d cores.
                - Command: `%s`
                """.formatted(GRAIN / KiB, String.join("\n", rows), String.join("\n", timings), LocalDate.now(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), commandLine);
        write(markdown, section);
        System.out.print(section);
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("two big packages bumped", PackageSet.typical()
                .add(Package.of("blender", "4.1", 3 * MiB).withSource(3 * MiB))
                .add(Package.of("gimp", "2.10", 3 * MiB).withSource(3 * MiB)),
                p -> p.bump("blender").bump("gimp"), List.of("blender", "gimp")));
        PackageSet leaves = PackageSet.typical();
        long[] sizes = {512 * KiB, MiB, 2 * MiB, 3 * MiB, 4 * MiB};
        List<String> leafNames = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            String name = "leaf" + (char) ('a' + i);
            leaves = leaves.add(Package.of(name, "1.0", sizes[i]).withSource(sizes[i]));
            leafNames.add(name);
        }
        cases.add(new Case("five leaves, mixed sizes", leaves, p -> {
            PackageSet set = p;
            for (String name : leafNames) {
                set = set.bump(name);
            }
            return set;
        }, leafNames));
        PackageSet apps = PackageSet.empty().add(Package.of("libc", "2.39", MiB).library());
        List<String> appNames = new ArrayList<>(List.of("libc"));
        for (int i = 0; i < 6; i++) {
            String name = "app" + (char) ('a' + i);
            apps = apps.add(Package.of(name, "1.0", 1536 * KiB).withSource(1536 * KiB).dependsOn("libc"));
            appNames.add(name);
        }
        cases.add(new Case("library under 6 apps (mass rebuild)", apps, p -> p.bump("libc"), appNames));
        PackageSet appliance = PackageSet.fromClosure(PackageSet.applianceClosure(), 40, 40);
        List<Package> bySize = appliance.packages().stream().filter(p -> p.sourceSize() > 0)
                .sorted(Comparator.comparingLong(Package::size).reversed()).toList();
        List<String> routine = new ArrayList<>(List.of(PackageSet.KERNEL));
        for (int i = 0; i < bySize.size(); i++) {
            if (i < 2 || i % 6 == 5) {
                routine.add(bySize.get(i).name());
            }
        }
        cases.add(new Case("appliance closure /40, routine update", appliance, p -> {
            PackageSet set = p.bump(PackageSet.KERNEL);
            for (String name : routine.subList(1, routine.size())) {
                Package old = p.get(name);
                set = set.bump(name, old.size() + old.size() / 20);
            }
            return set;
        }, routine));
        List<String> all = new ArrayList<>(appliance.packages().stream().map(Package::name)
                .filter(n -> !n.equals(PackageSet.KERNEL)).toList());
        cases.add(new Case("appliance closure /40, glibc (mass rebuild)", appliance, p -> p.bump("glibc"), all));
        return cases;
    }

    /** Store before + new outputs of the rebuilt packages + the smallest source among them. */
    static long lowerBound(Case c) {
        PackageSet after = c.change().apply(c.initial());
        long outputs = 0;
        long smallestSource = Long.MAX_VALUE;
        for (String name : c.rebuilt()) {
            Package p = after.get(name);
            outputs += p.size() + p.devSize();
            if (p.sourceSize() > 0) {
                smallestSource = Math.min(smallestSource, p.sourceSize());
            }
        }
        return outputs + (smallestSource == Long.MAX_VALUE ? 0 : smallestSource);
    }

    /** The fewest free bytes (to the grain) on which the upgrade completes. */
    static long smallest(Case c, boolean stepping) {
        long lo = 0;
        long hi = 64 * MiB;
        while (hi - lo > GRAIN) {
            long mid = (lo + hi) / 2 / GRAIN * GRAIN;
            if (trial(c, mid, stepping).ok) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    record Trial(boolean ok, long usedBefore, long millis, long steps, long done) {
    }

    static Trial trial(Case c, long free, boolean stepping) {
        try (SandboxHost host = SandboxHost.builder().tmpfs(160).name("vps-1").build()) {
            Scenario scenario = Scenario.forHost(host);
            Revision first = scenario.commit("initial", p -> c.initial());
            Revision next = scenario.commit("change", c.change());
            host.install(scenario, first);
            StepLoop loop = new StepLoop(host);
            Evaluation target = host.evaluate(scenario, next);
            Path root = host.stateDir().resolve("roots/target");
            Files.createDirectories(root.getParent());
            loop.nix.rootDerivation(target.drv(), root);
            loop.nix.collectGarbage(OptionalLong.empty());
            loop.nix.isValid(target.drv()); // makes Nix's reserved file again
            long used = host.usedBytes();
            if (free != Long.MAX_VALUE) {
                host.leaveFree(free);
            }
            long started = System.nanoTime();
            boolean ok;
            long steps = 0;
            long done = 0;
            if (stepping) {
                StepLoop.Outcome outcome = loop.upgrade(target, PackageSteppingStrategy.Settings.defaults(), 0);
                ok = outcome.reached() && host.systemProfile().orElseThrow().equals(target.toplevel());
                steps = outcome.steps().size();
                done = outcome.done();
            } else {
                ok = free == Long.MAX_VALUE || loop.plainRebuild(target).isEmpty();
            }
            return new Trial(ok, used, (System.nanoTime() - started) / 1_000_000, steps, done);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (RuntimeException e) {
            return new Trial(false, 0, 0, 0, 0);
        }
    }

    private static double mib(long bytes) {
        return bytes / (double) MiB;
    }

    /** Replaces (or appends) the section in the Markdown file, keeping the other sections. */
    static void write(Path markdown, String section) throws IOException {
        String text = Files.exists(markdown) ? Files.readString(markdown)
                : "# Benchmarks\n\nFigures measured by the scripts in `scripts/`; each section names its command.\n\n";
        String title = "## Per-package stepping";
        int start = text.indexOf(title);
        if (start < 0) {
            text = text.endsWith("\n\n") ? text + section : text.stripTrailing() + "\n\n" + section;
        } else {
            int nextSection = text.indexOf("\n## ", start + 1);
            text = text.substring(0, start) + section + (nextSection < 0 ? "" : text.substring(nextSection + 1));
        }
        Files.writeString(markdown, text);
    }
}
