package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.rollback.Rollback;
import dev.inchworm.runtime.config.EngineConfig;
import dev.inchworm.runtime.engine.Bound;
import dev.inchworm.runtime.engine.EngineSetup;
import dev.inchworm.runtime.engine.ExtensionCalls;
import dev.inchworm.runtime.engine.PluginCalls;
import dev.inchworm.runtime.engine.Progress;
import dev.inchworm.runtime.engine.RunRefused;
import dev.inchworm.runtime.engine.RunReport;
import dev.inchworm.runtime.engine.SourceRevisions;
import dev.inchworm.runtime.engine.UpgradeRequest;
import dev.inchworm.runtime.journal.InitialSystem;
import dev.inchworm.runtime.journal.InstalledRevisions;
import dev.inchworm.runtime.journal.JournalException;
import dev.inchworm.runtime.journal.JournalWriteException;
import dev.inchworm.runtime.journal.Journal;
import dev.inchworm.runtime.journal.RunFailure;
import dev.inchworm.runtime.journal.RunPhase;
import dev.inchworm.runtime.journal.RunRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The ways into a run (docs/architecture.md, "The run"): a new one, the journal's unfinished
 * one taken over, or a rollback on request. Each writes the run's first record and hands it to
 * {@link RunDriver}. Every transition is written before it is acted on, and every decision
 * after a crash is taken from the journal and the host's actual state. The caller holds the
 * host lock.
 */
public final class UpgradeRun {

    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final ActiveRun run;

    public UpgradeRun(EngineSetup setup, Journal journal, Progress progress) {
        this.run = new ActiveRun(setup, journal, progress);
    }

    /** Begins a new run toward the request's target and drives it to its end. */
    public RunReport start(UpgradeRequest request) {
        EngineSetup setup = run.setup();
        InstalledRevisions installed = run.installed();
        Generation current = run.nix().currentGeneration().orElseThrow(() -> new RunRefused(
                "the system profile has no generation: install a system before upgrading it"));
        SourceRevisions.fetch(setup.source());
        Revision to = SourceRevisions.target(setup.source(), request.to());
        Revision from = request.from().map(ref -> SourceRevisions.from(setup.source(), ref, current.toplevel(), to))
                .or(() -> SourceRevisions.current(setup.source(), installed, current.toplevel()))
                .orElseThrow(() -> new RunRefused(SourceRevisions.unknownCurrent(current.toplevel(),
                        setup.stateDir())));
        Instant now = setup.clock().instant();
        InitialSystem initial = new InitialSystem(current.number(), current.toplevel(),
                derivationOf(current.toplevel()).orElse(null), from);
        PluginCalls.clearLeftOver(setup.stateDir()); // from a plan or probe that was killed: no run to tell
        String runId = RUN_ID.format(now) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        try {
            if (request.from().isPresent()) {
                installed.record(current.toplevel(), from, now);
            }
            run.journal().write(RunRecord.begin(runId, setup.host(), now, initial, to));
        } catch (JournalWriteException e) {
            // before the first record nothing was done: a usage-like refusal, not "could not be restored"
            throw new JournalException(e.file(), "the run cannot begin: " + e.getCause().getMessage()
                    + "; nothing was done to the host; make room in the state folder " + setup.stateDir(), e);
        }
        run.progress().stage("run " + runId + ": " + from.shortId() + " -> " + to.shortId());
        return RunDriver.drive(run);
    }

    /** Takes over the journal's unfinished run: resumes it, or rolls it back as the profile says. */
    public RunReport resume(UpgradeRequest request) {
        RunRecord record = run.record();
        if (request.to().isPresent()) {
            Revision asked = SourceRevisions.resolve(run.setup().source(), request.to().get(), "--to");
            if (!asked.equals(record.targetRevision())) {
                throw new RunRefused("an interrupted run toward " + record.targetRevision().shortId() + " is in "
                        + run.journal().path() + ": finish it first (run without --to, or with --to "
                        + record.targetRevision().shortId() + ") or roll it back with 'inchworm rollback'");
            }
        }
        run.update(RunRecord::withResumed);
        run.progress().note("taking over run " + record.runId() + ", interrupted while " + describe(record));
        noteLeftOverPluginCall();
        Provisioners.release(run);
        if (record.phase() == RunPhase.RUNNING
                && run.setup().config().onInterrupted() == EngineConfig.Interrupted.ROLLBACK) {
            run.update(r -> r.withFailure(RunFailure.of("the run was interrupted and the profile's "
                    + "engine.onInterrupted is rollback")).withPhase(RunPhase.ROLLING_BACK));
        }
        return RunDriver.drive(run);
    }

    /** Rolls back the journal's run on request: an unfinished one, or the last one that upgraded. */
    public RunReport rollBackOnRequest() {
        RunRecord record = run.record();
        if (record.finished()) {
            refuseWhenItCannotRestore(record);
            run.update(r -> r.withFailure(RunFailure.of("rolled back on request"))
                    .withResult(null, null, null).withPhase(RunPhase.ROLLING_BACK));
        } else {
            run.update(RunRecord::withResumed);
            noteLeftOverPluginCall();
            Provisioners.release(run);
            if (record.phase() != RunPhase.ROLLING_BACK) {
                run.update(r -> r.withFailure(RunFailure.of("interrupted run rolled back on request"))
                        .withPhase(RunPhase.ROLLING_BACK));
            }
        }
        return RunDriver.drive(run);
    }

    /**
     * A finished run is rolled back only when the profile's rollback says up front that it can:
     * after an upgrade the initial generation is gone, which {@code generation} needs and
     * {@code retrace} does not. Nothing is written before this is known.
     */
    private void refuseWhenItCannotRestore(RunRecord record) {
        Bound<? extends Rollback<?>, ?> rollback = run.setup().extensions().rollback();
        ExtensionCalls.RollbackFacts facts = Restore.facts(run, record);
        boolean can;
        try {
            can = run.calls().canRestore(rollback, facts);
        } catch (RuntimeException e) {
            throw new RunRefused("cannot roll back run " + record.runId() + ": rollback '" + rollback.id()
                    + "' failed to say whether it can restore: " + e.getMessage() + "; nothing was changed", e);
        }
        if (!can) {
            boolean gone = run.nix().generations().stream().noneMatch(g -> g.number() == record.initial().generation());
            throw new RunRefused("cannot roll back run " + record.runId() + ": " + ExtensionCalls.cannotRestore(rollback, facts)
                    + (gone ? " (its generation " + record.initial().generation() + " was deleted when the run ended)" : "")
                    + "; nothing was changed. 'rollback: retrace' in the profile rebuilds it from its revision "
                    + Optional.ofNullable(record.initial().revision()).map(Revision::shortId).orElse("(unknown)"));
        }
    }

    /**
     * The process before ended inside a plugin call (the plugin called System.exit or
     * Runtime.halt, or the process was killed there): said, and kept in the journal's notes.
     */
    private void noteLeftOverPluginCall() {
        Path stateDir = run.setup().stateDir();
        PluginCalls.leftOver(stateDir).ifPresent(call -> {
            run.progress().note("the process before ended inside the call of " + call
                    + ": the plugin exited or halted there, or the process was killed");
            run.update(r -> r.withNotes(INTERRUPTED_NOTES, Map.of("endedInPluginCall", call)));
            PluginCalls.clearLeftOver(stateDir);
        });
    }

    /** The journal's notes owner for what the engine found when it took a run over. */
    public static final String INTERRUPTED_NOTES = "engine:interrupted";

    private static String describe(RunRecord run) {
        return switch (run.phase()) {
            case RUNNING -> run.inFlight().map(s -> "step " + s.number() + " was " + s.phase().name()
                    .toLowerCase(Locale.ROOT).replace('_', ' ')).orElse("choosing its next step");
            case FINISHING -> "finishing at the target";
            case ROLLING_BACK -> "rolling back";
            case FINISHED -> "finished";
        };
    }

    private Optional<StorePath> derivationOf(StorePath toplevel) {
        try {
            return run.nix().pathInfo(List.of(toplevel)).stream().findFirst()
                    .flatMap(info -> info.deriver()).filter(run.nix()::isValid);
        } catch (NixException e) {
            return Optional.empty();
        }
    }
}
