package dev.inchworm.plugins.packagestepping;

import dev.inchworm.api.estimate.FootprintEstimate;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.StrategyContext;
import dev.inchworm.api.strategy.SystemState;
import dev.inchworm.api.strategy.UnitChange;
import dev.inchworm.plugins.packagestepping.derivation.StoreDerivations;
import dev.inchworm.plugins.packagestepping.masking.Masking;
import dev.inchworm.plugins.packagestepping.masking.Unit;
import dev.inchworm.plugins.packagestepping.planning.Schedule;
import dev.inchworm.plugins.packagestepping.planning.StepPlanner;
import dev.inchworm.plugins.packagestepping.planning.StoreFootprints;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The upgrade from where the host is now to the target, the two systems compared: the cut,
 * the units, their sizes and the schedule. Computed afresh on every call from the current
 * system and the target, so a fresh instance after a crash reaches the same answer.
 */
final class UpgradeAnalysis {

    private final StrategyContext<PackageSteppingStrategy.Settings> context;
    private final StoreDerivations source;
    private final Masking masking;
    private final Map<StorePath, PathInfo> current;
    private final StoreFootprints footprints;
    private final Schedule schedule;
    private final long free;
    private final Optional<FootprintEstimate> whole;

    private UpgradeAnalysis(StrategyContext<PackageSteppingStrategy.Settings> context, StoreDerivations source,
                            Masking masking, Map<StorePath, PathInfo> current, StoreFootprints footprints,
                            Schedule schedule, long free, Optional<FootprintEstimate> whole) {
        this.context = context;
        this.source = source;
        this.masking = masking;
        this.current = current;
        this.footprints = footprints;
        this.schedule = schedule;
        this.free = free;
        this.whole = whole;
    }

    /**
     * What an analysis depends on besides the store, the plugin state as the analysis left it:
     * the same inputs from the same store give the same analysis.
     */
    record Inputs(SystemState current, Evaluation target, List<StepResult> history, long free, long reserve,
                  boolean keepsInitial, PackageSteppingStrategy.Settings settings, Map<String, String> state) {
        static Inputs of(StrategyContext<PackageSteppingStrategy.Settings> context) {
            return new Inputs(context.current(), context.target(), List.copyOf(context.history()),
                    context.storage().store().freeBytes(), context.reserveBytes(), context.keepsInitialGeneration(),
                    context.settings(), Map.copyOf(context.state().all()));
        }
    }

    /**
     * The analysis {@code units} made, kept for the {@code propose} that follows it with the
     * same inputs (a plan asks both, and nothing is built or collected in between); taken by
     * the next call either way, so no analysis outlives it.
     */
    static UpgradeAnalysis forUnits(StrategyContext<PackageSteppingStrategy.Settings> context) {
        UpgradeAnalysis analysis = of(context);
        RunMemory.keepAnalysis(context.host().nix(), Inputs.of(context), analysis);
        return analysis;
    }

    /** The analysis for {@code propose}: the one {@link #forUnits} just made for the same inputs, else a fresh one. */
    static UpgradeAnalysis forProposal(StrategyContext<PackageSteppingStrategy.Settings> context) {
        return RunMemory.takeAnalysis(context.host().nix(), Inputs.of(context)).orElseGet(() -> of(context));
    }

    /**
     * Reads both systems' derivations, cuts and matches them, sizes the units and plans.
     *
     * @throws Refused when the upgrade cannot be stepped (content-addressed,
     *     impure or dynamic derivations, an unreadable tree)
     */
    static UpgradeAnalysis of(StrategyContext<PackageSteppingStrategy.Settings> context) {
        Nix nix = context.host().nix();
        StorePath toplevel = context.current().toplevel();
        StorePath targetDrv = context.target().drv();
        StoreDerivations source = new StoreDerivations(nix, RunMemory.of(nix));
        if (!source.isValid(targetDrv)) {
            throw new Refused("the target's derivation " + targetDrv + " is not in the store (collected since the "
                    + "evaluation?): evaluate the target again");
        }
        List<PathInfo> infos = nix.closureInfo(toplevel);
        Map<StorePath, PathInfo> current = new HashMap<>();
        infos.forEach(i -> current.put(i.path(), i));
        // Without the current system's derivations (substituted, or collected with
        // keep-derivations = false) its units are found in its output closure instead.
        Optional<StorePath> currentDrv = context.current().drv()
                .or(() -> Optional.ofNullable(current.get(toplevel)).flatMap(PathInfo::deriver))
                .filter(source::isValid);
        try {
            source.prefetch(targetDrv);
            currentDrv.ifPresent(source::prefetch);
        } catch (IllegalArgumentException e) {
            throw new Refused("a derivation could not be read (dynamic derivations are not supported): "
                    + e.getMessage());
        }
        refuseUnsupported(source.known());
        source.learnDerivers(infos);
        Masking masking;
        try {
            masking = currentDrv.isPresent() ? Masking.withSourceUnits(source, targetDrv, currentDrv.get(), current)
                    : Masking.fromOutputs(source, targetDrv, toplevel, current);
        } catch (IllegalArgumentException e) {
            throw new Refused("cannot cut the derivation trees of " + currentDrv.orElse(toplevel).name() + " and "
                    + targetDrv.name() + ": " + e.getMessage());
        }
        PackageSteppingStrategy.Settings settings = context.settings();
        SteppingState state = new SteppingState(context.state());
        measurePending(state, masking, source, current);
        double growth = state.growth(settings.growthFactor());
        StoreFootprints footprints = new StoreFootprints(masking, source, current, cached(nix, masking, source),
                pinned(nix, toplevel, context.keepsInitialGeneration()
                        && context.history().stream().noneMatch(r -> r.outcome() == StepResult.Outcome.DONE),
                        !context.keepsInitialGeneration(), context.keepsBootedSystem()),
                growth, context.estimator()::learnedPeak);
        long free = context.storage().store().freeBytes() - context.reserveBytes();
        int maxUnits = settings.maxUnitsPerStep();
        Optional<Integer> split = state.maxUnits();
        if (split.isPresent()) {
            maxUnits = maxUnits == 0 ? split.get() : Math.min(maxUnits, split.get());
        }
        Schedule schedule = new StepPlanner(footprints.itemBytes(), footprints.sources(), free, settings.batchBytes(), maxUnits)
                .plan(footprints.footprints());
        Optional<FootprintEstimate> whole = Optional.empty();
        if (schedule instanceof Schedule.Steps one && one.batches().size() == 1) {
            // The whole rest in one step is the work full-rebuild estimates: the same figure.
            whole = Optional.of(context.estimator().estimate(targetDrv));
        }
        // As full-rebuild decides: it does not fit when it needs more than is free plus what a
        // collection would free now (the reclaimers run before the build).
        boolean wholeDoesNotFit = whole.filter(w -> w.bytes() > free && w.bytes() > free + garbageBytes(nix)).isPresent();
        if (schedule instanceof Schedule.Steps steps && steps.batches().size() == 1
                && steps.batches().get(0).units().size() > 1 && (wholeDoesNotFit || targetRanOutOfDiskFromHere(context))) {
            // The whole rest in one step does not fit by the shared estimate, or is what just ran
            // out of disk from this very system (say, full-rebuild before us): halve it.
            whole = Optional.empty();
            int half = Math.max(1, steps.batches().get(0).units().size() / 2);
            state.limitUnits(maxUnits == 0 ? half : Math.min(maxUnits, half));
            schedule = new StepPlanner(footprints.itemBytes(), footprints.sources(), free, settings.batchBytes(),
                    maxUnits == 0 ? half : Math.min(maxUnits, half)).plan(footprints.footprints());
        }
        return new UpgradeAnalysis(context, source, masking, current, footprints, schedule, free, whole);
    }

    /**
     * True when a step to the target itself ran out of disk in this run and no step has been
     * done since: the host is still on the system that attempt started from.
     */
    private static boolean targetRanOutOfDiskFromHere(StrategyContext<PackageSteppingStrategy.Settings> context) {
        StorePath target = context.target().toplevel();
        List<StepResult> history = context.history();
        for (int i = history.size() - 1; i >= 0; i--) {
            StepResult result = history.get(i);
            if (result.outcome() == StepResult.Outcome.DONE) {
                return false;
            }
            if (result.outcome() == StepResult.Outcome.OUT_OF_DISK && result.step().toplevel().equals(target)) {
                return true;
            }
        }
        return false;
    }

    private static long garbageBytes(Nix nix) {
        List<StorePath> dead = nix.deadPaths().stream().filter(p -> !p.isDerivation()).toList();
        return dead.isEmpty() ? 0 : nix.pathInfo(dead).stream().mapToLong(PathInfo::narSize).sum();
    }

    /** What the configured binary caches know of the new units' outputs and their closures. */
    private static Map<StorePath, PathInfo> cached(Nix nix, Masking masking, StoreDerivations source) {
        List<StorePath> outputs = new ArrayList<>();
        for (Unit unit : masking.units().all()) {
            if (unit.change() == Unit.Change.CHANGED || unit.change() == Unit.Change.ADDED) {
                outputs.addAll(source.outputs(unit.newDrv().orElseThrow()).values());
            }
        }
        Map<StorePath, PathInfo> cached = new HashMap<>();
        if (!outputs.isEmpty()) {
            nix.cachedPathInfo(outputs).forEach(i -> cached.put(i.path(), i));
        }
        return cached;
    }

    /**
     * Paths no step frees: the closures of the live systems (booted, activated) and of every
     * generation but the current one (the engine keeps the initial one for a rollback, and
     * deletes the current one only after the next step). Before the first step the current
     * system is the initial one: pinned too, unless the engine releases it
     * ({@code StrategyContext.keepsInitialGeneration()}). Asked as after a reboot into the current
     * system ({@code keepsBootedSystem()} false), the booted system pins nothing of its own.
     */
    private static Set<StorePath> pinned(Nix nix, StorePath currentToplevel, boolean initial, boolean released,
                                         boolean booted) {
        Set<StorePath> roots = new TreeSet<>(nix.liveSystems());
        nix.generations().forEach(g -> roots.add(g.toplevel()));
        if (!booted) {
            // After a reboot into the current system the booted one is no longer live, but a
            // generation that stays still holds it. With the initial generation released, the
            // booted system is taken to be that one (the host booted what it ran when the run
            // began, the usual case); the engine's own figure (BootedPin) is exact.
            nix.bootedSystem().filter(b -> !b.equals(currentToplevel))
                    .filter(b -> released || nix.generations().stream().noneMatch(g -> g.toplevel().equals(b)))
                    .ifPresent(roots::remove);
        }
        if (!initial) {
            roots.remove(currentToplevel);
        }
        Set<StorePath> pinned = new HashSet<>();
        for (StorePath root : roots) {
            if (!pinned.contains(root)) {
                pinned.addAll(nix.closure(root, false));
            }
        }
        return pinned;
    }

    static void refuseUnsupported(Map<StorePath, Derivation> derivations) {
        List<String> refused = new ArrayList<>();
        for (Map.Entry<StorePath, Derivation> e : new TreeMap<>(derivations).entrySet()) {
            String why;
            try {
                Derivation.Kind kind = e.getValue().kind();
                why = switch (kind) {
                    case CONTENT_ADDRESSED -> "content-addressed";
                    case IMPURE -> "impure";
                    default -> e.getValue().outputs().values().stream().anyMatch(o -> o.hashAlgo().startsWith("text:")
                            || o.hashAlgo().startsWith("r:text")) ? "dynamic (text-hashed outputs)" : null;
                };
            } catch (IllegalArgumentException ex) {
                why = ex.getMessage();
            }
            if (why != null) {
                refused.add(e.getKey().name() + " (" + why + ")");
            }
        }
        if (!refused.isEmpty()) {
            throw new Refused("package-stepping supports input-addressed and fixed-output derivations only; "
                    + "these are not: " + String.join(", ", refused.subList(0, Math.min(5, refused.size())))
                    + (refused.size() > 5 ? " and " + (refused.size() - 5) + " more" : ""));
        }
    }

    /** Units of the last proposed step that are upgraded now: their measured sizes go into the state. */
    private static void measurePending(SteppingState state, Masking masking, StoreDerivations source,
                                       Map<StorePath, PathInfo> current) {
        Optional<Map<String, Long>> pending = state.pending();
        if (pending.isEmpty()) {
            return;
        }
        long oldSum = 0;
        long newSum = 0;
        for (Map.Entry<String, Long> entry : pending.get().entrySet()) {
            String key = entry.getKey();
            long oldBytes = entry.getValue();
            Optional<Unit> unit = masking.units().get(key).filter(u -> u.change() == Unit.Change.UNCHANGED);
            if (unit.isEmpty() || oldBytes <= 0) {
                continue;
            }
            long newBytes = ownBytes(source, unit.get().newDrv().orElseThrow(), current);
            state.measuredUnit(key, newBytes);
            oldSum += oldBytes;
            newSum += newBytes;
        }
        if (oldSum > 0) {
            state.addMeasured(oldSum, newSum);
        }
        state.clearPending();
    }

    /** NAR bytes of a derivation's own outputs that the current system holds. */
    private static long ownBytes(StoreDerivations source, StorePath drv, Map<StorePath, PathInfo> current) {
        try {
            return source.outputs(drv).values().stream().map(current::get).filter(Objects::nonNull)
                    .mapToLong(PathInfo::narSize).sum();
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    /** The changing units with their sizes, for plans. */
    List<UnitChange> changes() {
        List<UnitChange> changes = new ArrayList<>();
        footprints.sizes().forEach((key, size) -> {
            Unit unit = masking.units().get(key).orElseThrow();
            UnitChange.Change change = switch (unit.change()) {
                case ADDED -> UnitChange.Change.ADDED;
                case REMOVED -> UnitChange.Change.REMOVED;
                default -> UnitChange.Change.CHANGED;
            };
            changes.add(new UnitChange(unit.name(), unit.oldVersion().orElse(""), unit.newVersion().orElse(""),
                    size.oldBytes(), size.newBytes(), change));
        });
        return changes;
    }

    /** NAR bytes of the own outputs of {@code drv} that the current system holds. */
    long ownBytes(StorePath drv) {
        return ownBytes(source, drv, current);
    }

    StrategyContext<PackageSteppingStrategy.Settings> context() {
        return context;
    }

    Masking masking() {
        return masking;
    }

    /** The derivations this analysis read, where the step's masked ones are added. */
    StoreDerivations source() {
        return source;
    }

    StoreFootprints footprints() {
        return footprints;
    }

    Schedule schedule() {
        return schedule;
    }

    long free() {
        return free;
    }

    /** The shared estimator's figure for the whole rest, when the schedule proposes it in one step. */
    Optional<FootprintEstimate> whole() {
        return whole;
    }
}
