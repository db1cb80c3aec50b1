package dev.inchworm.runtime.journal;

import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One run as the journal keeps it: everything the engine needs to resume or roll it back
 * after a crash, together with what the host itself shows (profile generations, valid paths).
 * Immutable: each transition makes a new record, which the journal writes before the engine
 * acts on it.
 *
 * @param format         journal format version, {@link #FORMAT}
 * @param runId          unique id of the run (also the report's file name)
 * @param host           the host's name
 * @param startedAt      when the run began
 * @param phase          where the run stands
 * @param initial        the system the run started from
 * @param targetRevision the revision the run goes to
 * @param target         what it evaluated to; null until evaluated
 * @param strategyIndex  position in the profile's strategy chain of the strategy driving now
 * @param passes         strategies that handed over, with their reasons
 * @param steps          steps so far, oldest first; at most the last one is in flight
 * @param provisioners   ids of provisioners acquired (written before acquiring), in order
 * @param notes          each extension's {@code PluginState} notes, by {@code point:id}
 * @param resumed        how many times a later process took the run over after an interruption
 * @param failure        why the run failed, or null
 * @param rollback       what the rollback did, or why it could not restore; null before one ran
 * @param result         how it ended, once finished (or the rollback failed)
 * @param finalToplevel  the toplevel the host ended on, once finished
 * @param finishedAt     when it finished, or null
 */
public record RunRecord(int format, String runId, String host, Instant startedAt, RunPhase phase,
                        InitialSystem initial, Revision targetRevision, Target target, int strategyIndex,
                        List<StrategyPass> passes, List<StepRecord> steps, List<String> provisioners,
                        Map<String, Map<String, String>> notes, int resumed, RunFailure failure,
                        String rollback, RunResult result, StorePath finalToplevel, Instant finishedAt) {

    /** The journal format this code writes and reads. */
    public static final int FORMAT = 1;

    public RunRecord {
        if (format != FORMAT) {
            throw new IllegalArgumentException("journal format " + format + " is not " + FORMAT);
        }
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(targetRevision, "targetRevision");
        passes = passes == null ? List.of() : List.copyOf(passes);
        steps = steps == null ? List.of() : List.copyOf(steps);
        provisioners = provisioners == null ? List.of() : List.copyOf(provisioners);
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        if (notes != null) {
            notes.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        }
        notes = java.util.Collections.unmodifiableMap(copy);
    }

    /** A run just begun. */
    public static RunRecord begin(String runId, String host, Instant at, InitialSystem initial, Revision target) {
        return new RunRecord(FORMAT, runId, host, at, RunPhase.RUNNING, initial, target, null, 0,
                List.of(), List.of(), List.of(), Map.of(), 0, null, null, null, null, null);
    }

    public boolean finished() {
        return phase == RunPhase.FINISHED;
    }

    /** The step in flight, if any. */
    public Optional<StepRecord> inFlight() {
        return lastStep().filter(StepRecord::inFlight);
    }

    public Optional<StepRecord> lastStep() {
        return steps.isEmpty() ? Optional.empty() : Optional.of(steps.get(steps.size() - 1));
    }

    /** The steps that were installed and activated, oldest first. */
    public List<StepRecord> doneSteps() {
        return steps.stream().filter(StepRecord::done).toList();
    }

    public RunRecord withPhase(RunPhase newPhase) {
        return new RunRecord(format, runId, host, startedAt, newPhase, initial, targetRevision, target, strategyIndex,
                passes, steps, provisioners, notes, resumed, failure, rollback, result, finalToplevel, finishedAt);
    }

    public RunRecord withTarget(Target newTarget) {
        return new RunRecord(format, runId, host, startedAt, phase, initial, targetRevision, newTarget, strategyIndex,
                passes, steps, provisioners, notes, resumed, failure, rollback, result, finalToplevel, finishedAt);
    }

    /** The driving strategy handed over: the next one in the chain drives. */
    public RunRecord withPass(StrategyPass pass) {
        List<StrategyPass> more = new ArrayList<>(passes);
        more.add(pass);
        return new RunRecord(format, runId, host, startedAt, phase, initial, targetRevision, target, strategyIndex + 1,
                more, steps, provisioners, notes, resumed, failure, rollback, result, finalToplevel, finishedAt);
    }

    public RunRecord withStepAdded(StepRecord step) {
        List<StepRecord> more = new ArrayList<>(steps);
        more.add(step);
        return withSteps(more);
    }

    /** Replaces the last step. */
    public RunRecord withLastStep(UnaryOperator<StepRecord> change) {
        if (steps.isEmpty()) {
            throw new IllegalStateException("run " + runId + " has no step");
        }
        List<StepRecord> changed = new ArrayList<>(steps);
        changed.set(changed.size() - 1, change.apply(changed.get(changed.size() - 1)));
        return withSteps(changed);
    }

    private RunRecord withSteps(List<StepRecord> newSteps) {
        return new RunRecord(format, runId, host, startedAt, phase, initial, targetRevision, target, strategyIndex,
                passes, newSteps, provisioners, notes, resumed, failure, rollback, result, finalToplevel, finishedAt);
    }

    public RunRecord withProvisioners(List<String> ids) {
        return new RunRecord(format, runId, host, startedAt, phase, initial, targetRevision, target, strategyIndex,
                passes, steps, ids, notes, resumed, failure, rollback, result, finalToplevel, finishedAt);
    }

    /** The notes' owner under which the engine journals its own decisions. */
    public static final String ENGINE_NOTES = "engine";
    private static final String INITIAL_RELEASED = "initialReleased";

    /** Why the run released its initial generation (engine.keepInitial), or empty while it keeps it. */
    public Optional<String> initialReleased() {
        return Optional.ofNullable(notes.getOrDefault(ENGINE_NOTES, Map.of()).get(INITIAL_RELEASED));
    }

    /** The decision to release the initial generation once the first step is switched, and why. */
    public RunRecord withInitialReleased(String why) {
        Map<String, String> engine = new LinkedHashMap<>(notes.getOrDefault(ENGINE_NOTES, Map.of()));
        engine.put(INITIAL_RELEASED, Objects.requireNonNull(why, "why"));
        return withNotes(ENGINE_NOTES, engine);
    }

    private static final String REBOOTS = "reboots";
    private static final String STEPS_BEFORE_REBOOT = "stepsBeforeReboot";
    private static final String PAUSE_DEFERRED = "pauseDeferred";
    private static final String BOOT_FELL_BACK = "bootFellBack";

    /** What the run awaits a reboot into, while it does (run phase AWAITING_REBOOT). */
    public Optional<RebootWait> rebootWait() {
        return RebootWait.readFrom(notes.getOrDefault(ENGINE_NOTES, Map.of()));
    }

    /** Starts or updates the wait for a reboot. */
    public RunRecord withRebootWait(RebootWait wait) {
        Map<String, String> engine = new LinkedHashMap<>(notes.getOrDefault(ENGINE_NOTES, Map.of()));
        RebootWait.removeFrom(engine);
        wait.writeTo(engine);
        return withNotes(ENGINE_NOTES, engine);
    }

    /** The host booted the step it waited for: the wait is over, one more reboot counted. */
    public RunRecord withRebooted() {
        Map<String, String> engine = new LinkedHashMap<>(notes.getOrDefault(ENGINE_NOTES, Map.of()));
        RebootWait.removeFrom(engine);
        engine.put(REBOOTS, Integer.toString(reboots() + 1));
        engine.put(STEPS_BEFORE_REBOOT, Integer.toString(steps.size()));
        return withNotes(ENGINE_NOTES, engine);
    }

    /**
     * The strategy (its index in the chain) that could go on only after a reboot the run may
     * not take, while the engine's last try comes first; empty when none.
     */
    public Optional<Integer> pauseDeferred() {
        return Optional.ofNullable(notes.getOrDefault(ENGINE_NOTES, Map.of()).get(PAUSE_DEFERRED)).map(Integer::valueOf);
    }

    /** Notes the strategy whose pause is put off for the last try. */
    public RunRecord withPauseDeferred(int strategyIndex) {
        Map<String, String> engine = new LinkedHashMap<>(notes.getOrDefault(ENGINE_NOTES, Map.of()));
        engine.put(PAUSE_DEFERRED, Integer.toString(strategyIndex));
        return withNotes(ENGINE_NOTES, engine);
    }

    /**
     * How many of the steps came before the last reboot into a step (0 without one): a step
     * that ran out of disk before it may fit after it, the booted system's pin being gone.
     */
    public int stepsBeforeReboot() {
        return Integer.parseInt(notes.getOrDefault(ENGINE_NOTES, Map.of()).getOrDefault(STEPS_BEFORE_REBOOT, "0"));
    }

    /** The wait is over without a reboot into the step: {@code fellBack} says what the host booted instead, if anything. */
    public RunRecord withoutRebootWait(String fellBack) {
        Map<String, String> engine = new LinkedHashMap<>(notes.getOrDefault(ENGINE_NOTES, Map.of()));
        RebootWait.removeFrom(engine);
        if (fellBack != null) {
            engine.put(BOOT_FELL_BACK, fellBack);
        }
        return withNotes(ENGINE_NOTES, engine);
    }

    /** How many reboots into a step this run went through. */
    public int reboots() {
        return Integer.parseInt(notes.getOrDefault(ENGINE_NOTES, Map.of()).getOrDefault(REBOOTS, "0"));
    }

    /** What the host booted instead of the step it was rebooted into, once that happened in this run. */
    public Optional<String> bootFellBack() {
        return Optional.ofNullable(notes.getOrDefault(ENGINE_NOTES, Map.of()).get(BOOT_FELL_BACK));
    }

    /** Replaces one extension's notes. */
    public RunRecord withNotes(String owner, Map<String, String> ownerNotes) {
        Map<String, Map<String, String>> changed = new LinkedHashMap<>(notes);
        if (ownerNotes.isEmpty()) {
            changed.remove(owner);
        } else {
            changed.put(owner, ownerNotes);
        }
        return new RunRecord(format, runId, host, startedAt, phase, initial, targetRevision, target, strategyIndex,
                passes, steps, provisioners, changed, resumed, failure, rollback, result, finalToplevel, finishedAt);
    }

    public RunRecord withResumed() {
        return new RunRecord(format, runId, host, startedAt, phase, initial, targetRevision, target, strategyIndex,
                passes, steps, provisioners, notes, resumed + 1, failure, rollback, result, finalToplevel, finishedAt);
    }

    /** Records why the run failed (kept when it is rolled back). */
    public RunRecord withFailure(RunFailure why) {
        return new RunRecord(format, runId, host, startedAt, phase, initial, targetRevision, target, strategyIndex,
                passes, steps, provisioners, notes, resumed, why, rollback, result, finalToplevel, finishedAt);
    }

    /** What the rollback did, or why it could not restore. */
    public RunRecord withRollback(String detail) {
        return new RunRecord(format, runId, host, startedAt, phase, initial, targetRevision, target, strategyIndex,
                passes, steps, provisioners, notes, resumed, failure, detail, result, finalToplevel, finishedAt);
    }

    /** How the run ended and where the host is. */
    public RunRecord withResult(RunResult how, StorePath hostToplevel, Instant at) {
        return new RunRecord(format, runId, host, startedAt, phase, initial, targetRevision, target, strategyIndex,
                passes, steps, provisioners, notes, resumed, failure, rollback, how, hostToplevel, at);
    }
}
