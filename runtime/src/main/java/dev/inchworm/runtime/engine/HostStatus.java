package dev.inchworm.runtime.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.runtime.journal.HostLock;
import dev.inchworm.runtime.journal.InstalledRevisions;
import dev.inchworm.runtime.journal.Journal;
import dev.inchworm.runtime.journal.RunRecord;
import java.util.List;
import java.util.Optional;

/**
 * The host as {@code inchworm status} shows it.
 *
 * @param host              the host's name
 * @param current           the current generation of the system profile, or null when none
 * @param revision          the source revision of the current system, when Inchworm installed it
 * @param generations       all generations, oldest first
 * @param liveSystems       the booted and the running system's toplevels (never collected)
 * @param liveGenerations   the generations those systems are, when they are in the profile
 * @param initialGeneration the generation the last run started from, or null when no run is recorded
 * @param lockedBy          the live process holding the host lock, or null
 * @param unfinishedRun     the interrupted run the next upgrade takes over, or null
 * @param lastReport        the report of the last run, or null
 * @param rebootNeeded      true when the current generation has another kernel, initrd or kernel
 *                          modules than the booted system (as {@code system.autoUpgrade} checks)
 * @param rebootFor         those boot files
 * @param pins              the systems other than the current one that roots keep, with what each
 *                          holds that the current system does not need (old versions)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostStatus(String host, Generation current, Revision revision, List<Generation> generations,
                         List<StorePath> liveSystems, List<Integer> liveGenerations, Integer initialGeneration,
                         String lockedBy, RunSummary unfinishedRun, RunReport lastReport, boolean rebootNeeded,
                         List<String> rebootFor, List<Pins.Pin> pins) {

    public HostStatus {
        rebootFor = rebootFor == null ? List.of() : List.copyOf(rebootFor); // reports saved before 0.2 lack it
        pins = pins == null ? List.of() : List.copyOf(pins);
    }

    /**
     * A run that did not finish.
     *
     * @param runId  its id
     * @param phase  where it stopped
     * @param target the revision it was going to
     * @param steps  steps recorded
     * @param doing  what it was doing when it stopped
     */
    public record RunSummary(String runId, String phase, Revision target, int steps, String doing) {
    }

    static HostStatus read(EngineSetup setup) {
        Optional<RunRecord> run = Journal.read(setup.stateDir());
        List<Generation> generations = setup.nix().generations();
        Optional<Generation> current = setup.nix().currentGeneration();
        List<StorePath> live = setup.nix().liveSystems();
        List<Integer> liveGenerations = generations.stream().filter(g -> live.contains(g.toplevel()))
                .map(Generation::number).toList();
        Revision revision = current.flatMap(g -> InstalledRevisions.open(setup.stateDir()).revisionOf(g.toplevel()))
                .orElse(null);
        List<String> reboot = current.map(g -> RebootCheck.note(setup.nix(), g.toplevel()))
                .map(note -> RebootCheck.changed(note)).orElse(List.of());
        RunSummary unfinished = run.filter(r -> !r.finished()).map(r -> new RunSummary(r.runId(),
                r.phase().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), r.targetRevision(),
                r.steps().size(), r.inFlight().map(s -> "step " + s.number() + " (" + s.description() + "): "
                        + s.phase().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
                        .or(() -> r.rebootWait().map(w -> (r.result() == null ? "" : r.result().word() + ": ")
                                + "awaiting a reboot into " + w.into() + ", which frees "
                                + dev.inchworm.api.ByteSize.format(w.freesBytes()) + " (" + w.why() + ")"))
                        .orElse(null)))
                .orElse(null);
        return new HostStatus(setup.host(), current.orElse(null), revision, generations, live, liveGenerations,
                run.map(r -> r.initial().generation()).orElse(null),
                HostLock.holder(setup.stateDir()).map(Object::toString).orElse(null), unfinished,
                new Reports(setup.stateDir()).last().orElse(null), !reboot.isEmpty(), reboot,
                current.map(g -> pins(setup, g.toplevel())).orElse(List.of()));
    }

    /** The pins other than the current system, against its closure; none when the store cannot tell. */
    private static List<Pins.Pin> pins(EngineSetup setup, StorePath toplevel) {
        try {
            return Pins.against(setup.nix(), Pins.neededBySystem(setup.nix(), toplevel)).stream()
                    .filter(p -> !p.toplevel().equals(toplevel)).toList();
        } catch (RuntimeException e) {
            return List.of(); // status only informs: a store that cannot be read leaves the pins out
        }
    }
}
