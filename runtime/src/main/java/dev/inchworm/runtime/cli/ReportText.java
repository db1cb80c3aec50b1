package dev.inchworm.runtime.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.ByteSize;
import dev.inchworm.runtime.engine.HostStatus;
import dev.inchworm.runtime.engine.Pins;
import dev.inchworm.runtime.engine.Plan;
import dev.inchworm.runtime.engine.RebootCheck;
import dev.inchworm.runtime.engine.RunReport;
import dev.inchworm.runtime.journal.RunResult;
import dev.inchworm.runtime.journal.StateJson;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import dev.inchworm.api.strategy.UnitChange;
import dev.inchworm.runtime.engine.ClosureDiff;
import java.util.Locale;

/** The engine's reports, plans and status as text for people, or as JSON. */
final class ReportText {

    private ReportText() {
    }

    /** The exit code a run's result means. */
    static ExitCode exitCode(RunResult result) {
        return switch (result) {
            case UPGRADED, ALREADY_CURRENT, PAUSED -> ExitCode.OK;
            case REBOOTING -> ExitCode.REBOOTING;
            case ROLLED_BACK -> ExitCode.ROLLED_BACK;
            case FAILED -> ExitCode.NOT_RESTORED;
        };
    }

    /**
     * The run's ending as one line on standard error: an error when the command failed (so
     * {@code journalctl -p err} finds it), otherwise information.
     */
    static void outcome(Stderr err, RunReport r, Path saved, ExitCode code) {
        String line = "inchworm: " + r.result().word() + ": " + rev(r.from()) + " -> " + rev(r.to())
                + (r.failure() != null ? ": " + r.failure().reason() : "") + "; report " + saved;
        if (code == ExitCode.OK || code == ExitCode.REBOOTING) {
            err.info(line);
        } else {
            err.error(line);
        }
    }

    /** JSON in the state folder's form (store paths and revisions as strings). */
    static void json(PrintWriter out, Object document) {
        try {
            out.println(StateJson.mapper().writeValueAsString(document));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void report(PrintWriter out, RunReport r, Path saved) {
        out.println(r.result().word() + ": " + rev(r.from()) + " -> " + rev(r.to()) + " on " + r.host()
                + " (run " + r.runId() + (r.resumed() > 0 ? ", resumed " + r.resumed() + "x" : "") + ")");
        for (RunReport.StepReport s : r.steps()) {
            out.println(String.format(Locale.ROOT, "  step %d %s: %s: %s; peak %s, %s free before, %.1f s",
                    s.number(), s.strategy(), s.description(), s.outcome(), ByteSize.format(s.peakStoreBytes()),
                    ByteSize.format(s.freeBytesBefore()), s.durationMs() / 1000.0));
            s.reclaimed().forEach(n -> out.println("    reclaimed by " + n.reclaimer() + ": " + n.summary()));
            if (s.failure() != null) {
                out.println("    " + s.failure().lines().findFirst().orElse(""));
            }
        }
        r.passes().forEach(p -> out.println("  " + p.strategy() + " passed: " + p.reason()));
        if (r.initialReleased() != null) {
            out.println("initial generation released: " + r.initialReleased());
        }
        if (r.failure() != null) {
            out.println("why: " + r.failure().reason());
            if (r.failure().neededBytes() != null || r.failure().freeBytes() != null) {
                out.println("  needed " + bytes(r.failure().neededBytes()) + ", free " + bytes(r.failure().freeBytes()));
            }
        }
        if (r.rollback() != null) {
            out.println("rollback: " + r.rollback());
        }
        out.println("final toplevel: " + (r.finalToplevel() == null ? "unknown" : r.finalToplevel())
                + (r.reproducible() ? " (exactly the target's: reproducible)" : ""));
        if (r.rebootNeeded()) {
            out.println(RebootCheck.advice(r.rebootFor()));
        }
        reboot(out, r.reboot());
        out.println("peak store usage: " + ByteSize.format(r.peakStoreBytes()));
        out.println("report: " + saved);
        out.flush();
    }

    /** A run that awaits a reboot, or went through some: what for and what it frees. */
    private static void reboot(PrintWriter out, RunReport.Reboot reboot) {
        if (reboot == null) {
            return;
        }
        if (reboot.into() != null) {
            out.println("awaiting a reboot into " + reboot.into() + ": it frees "
                    + ByteSize.format(reboot.freesBytes() == null ? 0 : reboot.freesBytes())
                    + "; the next 'inchworm upgrade' goes on after it");
            out.println("  why: " + reboot.why());
        }
        if (reboot.reboots() > 0) {
            out.println("reboots in this run: " + reboot.reboots());
        }
        if (reboot.fellBack() != null) {
            out.println("a reboot came back into " + reboot.fellBack() + " instead of the step it was for");
        }
    }

    /** The pins that hold old versions, one line each (plan and status). */
    private static void pins(PrintWriter out, java.util.List<Pins.Pin> pins) {
        pins.stream().filter(pin -> pin.oldBytes() > 0).forEach(pin -> out.println("  pin: " + pin.describe()));
    }

    static void plan(PrintWriter out, Plan p) {
        out.println("plan: " + rev(p.from()) + " -> " + rev(p.to()));
        p.notes().forEach(n -> out.println("  note: " + n));
        if (p.alreadyCurrent()) {
            out.println("  the host already runs the target " + p.to().toplevel());
            out.flush();
            return;
        }
        out.println("  " + ByteSize.format(p.freeBytes()) + " free, reserve " + ByteSize.format(p.reserveBytes()));
        if (p.closure() != null) {
            closure(out, p.closure());
        }
        pins(out, p.pins());
        for (Plan.StrategyUnits u : p.units()) {
            units(out, u);
        }
        p.passes().forEach(x -> out.println("  " + x.strategy() + " passes: " + x.reason()));
        for (Plan.PlannedStep s : p.steps()) {
            out.println("  step " + s.number() + " (" + s.strategy() + "): " + s.description());
            out.println("    builds " + s.toBuild().size() + ", fetches " + s.toFetch().size() + ", needs about "
                    + ByteSize.format(s.estimatedBytes()) + (s.fits() ? "" : " (does not fit in what is free now)"));
            if (!s.estimateTerms().isEmpty()) {
                out.println("    estimate: " + s.estimateTerms().stream().map(t -> t.name() + " (" + t.basis() + ", "
                        + t.paths() + ") " + ByteSize.format(t.bytes())).collect(java.util.stream.Collectors.joining(" + ")));
            }
            s.toBuild().stream().limit(8).forEach(d -> out.println("      " + d.name()));
            if (s.toBuild().size() > 8) {
                out.println("      ... and " + (s.toBuild().size() - 8) + " more");
            }
        }
        out.println(p.complete() ? "  reaches the target " + p.to().toplevel() : "  does not reach the target");
        out.flush();
    }

    /** The packages that change, whatever the strategy, as {@code nvd diff} lists them. */
    static void closure(PrintWriter out, ClosureDiff d) {
        out.println("  packages: " + count(d.packages(), UnitChange.Change.CHANGED) + " changed, "
                + count(d.packages(), UnitChange.Change.ADDED) + " added, "
                + count(d.packages(), UnitChange.Change.REMOVED) + " removed"
                + (d.rebuilt() > 0 ? ", " + d.rebuilt() + " rebuilt at the same version" : "")
                + "; closure " + ByteSize.format(d.oldBytes()) + " -> " + (d.newBytesExact() ? "" : "~")
                + ByteSize.format(d.newBytes()) + (d.newBytesExact() ? " (built)" : " (estimated before the build)"));
        changes(out, d.packages(), d.newBytesExact() ? "" : "~");
    }

    private static long count(java.util.List<UnitChange> changes, UnitChange.Change kind) {
        return changes.stream().filter(c -> c.change() == kind).count();
    }

    /** Units like {@code nvd diff}: name, old -> new version, old size -> estimated new size. */
    static void units(PrintWriter out, Plan.StrategyUnits u) {
        java.util.Map<dev.inchworm.api.strategy.UnitChange.Change, Long> counts = new java.util.EnumMap<>(
                dev.inchworm.api.strategy.UnitChange.Change.class);
        u.units().forEach(c -> counts.merge(c.change(), 1L, Long::sum));
        out.println("  units (" + u.strategy() + "): " + counts.getOrDefault(dev.inchworm.api.strategy.UnitChange.Change.CHANGED, 0L)
                + " changed, " + counts.getOrDefault(dev.inchworm.api.strategy.UnitChange.Change.ADDED, 0L) + " added, "
                + counts.getOrDefault(dev.inchworm.api.strategy.UnitChange.Change.REMOVED, 0L) + " removed");
        changes(out, u.units(), "~");
    }

    private static void changes(PrintWriter out, java.util.List<UnitChange> units, String estimated) {
        int width = units.stream().mapToInt(c -> c.name().length()).max().orElse(4);
        for (UnitChange c : units) {
            String mark = switch (c.change()) {
                case ADDED -> "[A]";
                case REMOVED -> "[R]";
                case CHANGED -> "[U]";
            };
            String versions = switch (c.change()) {
                case ADDED -> "(none) -> " + c.newVersion();
                case REMOVED -> c.oldVersion() + " -> (none)";
                case CHANGED -> c.oldVersion() + " -> " + c.newVersion();
            };
            String sizes = switch (c.change()) {
                case ADDED -> c.estimatedNewBytes() == 0 && !estimated.isEmpty() ? "size known once built"
                        : "+" + estimated + ByteSize.format(c.estimatedNewBytes());
                case REMOVED -> "-" + ByteSize.format(c.oldBytes());
                case CHANGED -> ByteSize.format(c.oldBytes()) + " -> " + estimated + ByteSize.format(c.estimatedNewBytes());
            };
            out.println("    " + mark + " " + String.format("%-" + width + "s", c.name()) + "  " + versions + "  " + sizes);
        }
    }

    static void status(PrintWriter out, HostStatus s) {
        out.println("host " + s.host());
        Generation current = s.current();
        out.println("  current generation: " + (current == null ? "none"
                : current.number() + " " + current.toplevel()) + (s.revision() == null ? ""
                : " (revision " + s.revision().shortId() + ")"));
        out.println("  live systems: " + (s.liveSystems().isEmpty() ? "none" : s.liveSystems())
                + (s.liveGenerations().isEmpty() ? "" : " = generations " + s.liveGenerations()));
        out.println("  generations: " + s.generations().stream().map(g -> String.valueOf(g.number())).toList());
        if (s.rebootNeeded()) {
            out.println("  " + RebootCheck.advice(s.rebootFor()));
        }
        pins(out, s.pins());
        if (s.initialGeneration() != null) {
            out.println("  the last run started from generation " + s.initialGeneration());
        }
        if (s.lockedBy() != null) {
            out.println("  a run is in progress: " + s.lockedBy());
        }
        if (s.unfinishedRun() != null) {
            HostStatus.RunSummary u = s.unfinishedRun();
            out.println("  unfinished run " + u.runId() + " toward " + u.target().shortId() + ": " + u.phase()
                    + (u.doing() == null ? "" : ", " + u.doing()) + " (the next upgrade takes it over)");
        }
        if (s.lastReport() != null) {
            RunReport r = s.lastReport();
            out.println("  last run " + r.runId() + ": " + r.result().word() + ", " + rev(r.from()) + " -> "
                    + rev(r.to()) + (r.finishedAt() == null ? "" : " at " + r.finishedAt()));
        }
        out.flush();
    }

    private static String rev(RunReport.Side side) {
        return side.rev() == null ? "(unknown revision)" : side.rev().shortId();
    }

    private static String bytes(Long value) {
        return value == null ? "unknown" : ByteSize.format(value);
    }
}
