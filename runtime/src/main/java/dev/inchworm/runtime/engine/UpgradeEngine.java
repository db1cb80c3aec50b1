package dev.inchworm.runtime.engine;

import dev.inchworm.runtime.journal.HostLock;
import dev.inchworm.runtime.engine.phase.UpgradeRun;
import dev.inchworm.runtime.journal.Journal;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.RunResult;
import dev.inchworm.runtime.journal.SpareRoom;
import dev.inchworm.api.storage.StorageReport;
import java.util.Objects;
import java.util.Optional;

/**
 * The upgrade engine of one host: {@code upgrade}, {@code rollback}, {@code plan} and
 * {@code status}. Runs that change the host, and plans (they share the system source's work
 * folder), take the host lock first.
 *
 * <p>Errors: {@link dev.inchworm.runtime.journal.LockHeldException} when another run holds the
 * lock (exit 5); {@link dev.inchworm.runtime.journal.JournalException} naming the file when the
 * journal is unreadable or corrupt (exit 2, nothing done to the host);
 * {@link RunRefused} for a request that cannot start (exit 2). A run that starts always ends
 * with a report: upgraded or already-current (exit 0), rolled-back (3), failed (4).
 */
public final class UpgradeEngine {

    private final EngineSetup setup;

    public UpgradeEngine(EngineSetup setup) {
        this.setup = Objects.requireNonNull(setup, "setup");
    }

    /**
     * Upgrades the host to the request's target; or first finishes (resumes or rolls back, as
     * the profile says) a run that was interrupted, and reports that run.
     */
    public RunReport upgrade(UpgradeRequest request, Progress progress) {
        try (HostLock lock = HostLock.acquire(setup.stateDir())) {
            lock.takenOverFrom().ifPresent(h -> progress.note("took over the stale lock of " + h + ", which is gone"));
            SpareRoom.requireRunRoom(setup.stateDir());
            Journal journal = Journal.open(setup.stateDir(), setup.crashPoint());
            UpgradeRun run = new UpgradeRun(setup, journal, progress);
            if (journal.run().filter(r -> !r.finished()).isPresent()) {
                return run.resume(request);
            }
            journal.run().filter(r -> r.result() == RunResult.FAILED).ifPresent(r -> progress.note("the last run "
                    + r.runId() + " ended failed, not restored" + (r.rollback() == null ? "" : " (" + r.rollback() + ")")
                    + ", on " + (r.finalToplevel() == null ? "an unknown system" : r.finalToplevel().toString())
                    + ": starting a new run from the system the host runs now"));
            return run.start(request);
        }
    }

    /**
     * Brings the host back to where the last run started: rolls back an unfinished run, or
     * undoes the last run that upgraded. A run that already ended where it started is
     * reported as it is.
     *
     * @throws RunRefused when the journal holds no run
     */
    public RunReport rollBack(Progress progress) {
        try (HostLock lock = HostLock.acquire(setup.stateDir())) {
            lock.takenOverFrom().ifPresent(h -> progress.note("took over the stale lock of " + h + ", which is gone"));
            SpareRoom.requireRunRoom(setup.stateDir());
            Journal journal = Journal.open(setup.stateDir(), setup.crashPoint());
            RunRecord last = journal.run().orElseThrow(() -> new RunRefused(
                    "nothing to roll back: no run is recorded in " + journal.path()));
            if (last.finished() && last.result() != RunResult.UPGRADED && last.result() != RunResult.FAILED) {
                progress.note("nothing to roll back: the last run " + last.runId() + " ended "
                        + last.result().word() + ", on the system it started from");
                return new Reports(setup.stateDir()).last().filter(r -> r.runId().equals(last.runId()))
                        .orElse(RunReport.of(last));
            }
            return new UpgradeRun(setup, journal, progress).rollBackOnRequest();
        }
    }

    /**
     * What an upgrade would do now, without changing the host. It holds the lock all the same:
     * planning checks revisions out in the work folder a running upgrade evaluates in.
     */
    public Plan plan(UpgradeRequest request, Progress progress) {
        try (HostLock lock = HostLock.acquire(setup.stateDir())) {
            return new Planner(setup, progress).plan(request);
        }
    }

    /** One measurement by the profile's storage probe; changes nothing. */
    public StorageReport measure() {
        return new ExtensionCalls(setup, (point, id) -> new MemoryPluginState()).measure();
    }

    /** The host's systems, the unfinished run if any, and the last report. */
    public HostStatus status() {
        return HostStatus.read(setup);
    }

    /** The journal's run, if any, without taking the lock. */
    public Optional<RunRecord> lastRun() {
        return Journal.read(setup.stateDir());
    }
}
