package dev.inchworm.plugins.packagestepping;

import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.StrategyContext;
import dev.inchworm.api.strategy.UnitChange;
import dev.inchworm.plugins.packagestepping.derivation.Derivation;
import dev.inchworm.plugins.packagestepping.derivation.StoreDerivations;
import dev.inchworm.plugins.packagestepping.masking.MaskedSystem;
import dev.inchworm.plugins.packagestepping.masking.Masking;
import dev.inchworm.plugins.packagestepping.masking.Unit;
import dev.inchworm.plugins.packagestepping.planning.Schedule;
import dev.inchworm.plugins.packagestepping.planning.StepPlanner;
import dev.inchworm.plugins.packagestepping.planning.StoreFootprints;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One look at the upgrade from where the host is now to the target: the cut, the units, their
 * sizes and the schedule. Computed afresh on every call from the current system and the
 * target, so a fresh instance after a crash reaches the same answer.
 */
final class Stepping {

    /** State: the unit limit per step after a step ran out of disk. */
    static final String MAX_UNITS = "maxUnitsPerStep";
    /** State: the units of the step proposed last with their old bytes, {@code key=bytes;...}. */
    static final String PENDING = "pending";
    /** State: old and new bytes of the units measured after their steps, for the growth factor. */
    static final String MEASURED_OLD = "measured.oldBytes";
    static final String MEASURED_NEW = "measured.newBytes";
    static final String MEASURED_UNIT = "measured.unit.";

    /** The upgrade cannot be done by this strategy; the message says why. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private final StrategyContext<PackageSteppingStrategy.Settings> context;
    private final Nix nix;
    private final StoreDerivations source;
    private final Masking masking;
    private final Map<StorePath, PathInfo> current;
    private final StoreFootprints footprints;
    private final Schedule schedule;
    private final long free;

    private Stepping(StrategyContext<PackageSteppingStrategy.Settings> context, Nix nix, StoreDerivations source,
                     Masking masking, Map<StorePath, PathInfo> current, StoreFootprints footprints, Schedule schedule,
                     long free) {
        this.context = context;
        this.nix = nix;
        this.source = source;
        this.masking = masking;
        this.current = current;
        this.footprints = footprints;
        this.schedule = schedule;
        this.free = free;
    }

    /**
     * Reads both systems' derivations, cuts and matches them, sizes the units and plans.
     *
     * @throws Refused when the upgrade cannot be stepped (content-addressed,
     *     impure or dynamic derivations, an unreadable tree)
     */
    static Stepping analyse(StrategyContext<PackageSteppingStrategy.Settings> context) {
        Nix nix = context.host().nix();
        StorePath toplevel = context.current().toplevel();
        StorePath targetDrv = context.target().drv();
        if (!nix.isValid(targetDrv)) {
            throw new Refused("the target's derivation " + targetDrv + " is not in the store (collected since the "
                    + "evaluation?): evaluate the target again");
        }
        List<PathInfo> infos = nix.pathInfo(nix.closure(toplevel, false));
        Map<StorePath, PathInfo> current = new HashMap<>();
        infos.forEach(i -> current.put(i.path(), i));
        // Without the current system's derivations (substituted, or collected with
        // keep-derivations = false) its units are found in its output closure instead.
        Optional<StorePath> currentDrv = context.current().drv()
                .or(() -> Optional.ofNullable(current.get(toplevel)).flatMap(PathInfo::deriver))
                .filter(nix::isValid);
        StoreDerivations source = new StoreDerivations(nix);
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
        PluginState state = context.state();
        measurePending(state, masking, source, current);
        double growth = growth(state, settings.growthFactor());
        StoreFootprints footprints = new StoreFootprints(masking, source, current, cached(nix, masking, source),
                pinned(nix, toplevel, context.history().stream().noneMatch(r -> r.outcome() == StepResult.Outcome.DONE)),
                growth);
        long free = context.storage().store().freeBytes() - context.reserveBytes();
        int maxUnits = settings.maxUnitsPerStep();
        Optional<Integer> split = state.get(MAX_UNITS).map(Integer::parseInt);
        if (split.isPresent()) {
            maxUnits = maxUnits == 0 ? split.get() : Math.min(maxUnits, split.get());
        }
        Schedule schedule = new StepPlanner(footprints.itemBytes(), free, settings.batchBytes(), maxUnits)
                .plan(footprints.footprints());
        if (schedule instanceof Schedule.Steps steps && steps.batches().size() == 1
                && steps.batches().get(0).units().size() > 1 && targetRanOutOfDiskFromHere(context)) {
            // The whole rest in one step is what just ran out of disk from this very system (say,
            // full-rebuild before us): proposing it again would fail the same way, so halve it.
            int half = Math.max(1, steps.batches().get(0).units().size() / 2);
            state.put(MAX_UNITS, String.valueOf(maxUnits == 0 ? half : Math.min(maxUnits, half)));
            schedule = new StepPlanner(footprints.itemBytes(), free, settings.batchBytes(),
                    maxUnits == 0 ? half : Math.min(maxUnits, half)).plan(footprints.footprints());
        }
        return new Stepping(context, nix, source, masking, current, footprints, schedule, free);
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
     * system is the initial one: pinned too.
     */
    private static Set<StorePath> pinned(Nix nix, StorePath currentToplevel, boolean initial) {
        Set<StorePath> roots = new TreeSet<>(nix.liveSystems());
        nix.generations().forEach(g -> roots.add(g.toplevel()));
        if (!initial) {
            roots.remove(currentToplevel);
        }
        Set<StorePath> pinned = new java.util.HashSet<>();
        for (StorePath root : roots) {
            if (!pinned.contains(root)) {
                pinned.addAll(nix.closure(root, false));
            }
        }
        return pinned;
    }

    static void refuseUnsupported(Map<StorePath, Derivation> derivations) {
        List<String> refused = new ArrayList<>();
        for (Map.Entry<StorePath, Derivation> e : new java.util.TreeMap<>(derivations).entrySet()) {
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
    private static void measurePending(PluginState state, Masking masking, StoreDerivations source,
                                       Map<StorePath, PathInfo> current) {
        Optional<String> pending = state.get(PENDING);
        if (pending.isEmpty()) {
            return;
        }
        long oldSum = 0;
        long newSum = 0;
        for (String entry : pending.get().split(";")) {
            int eq = entry.lastIndexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = entry.substring(0, eq);
            long oldBytes = Long.parseLong(entry.substring(eq + 1));
            Optional<Unit> unit = masking.units().get(key).filter(u -> u.change() == Unit.Change.UNCHANGED);
            if (unit.isEmpty() || oldBytes <= 0) {
                continue;
            }
            long newBytes = ownBytes(source, unit.get().newDrv().orElseThrow(), current);
            state.put(MEASURED_UNIT + key, String.valueOf(newBytes));
            oldSum += oldBytes;
            newSum += newBytes;
        }
        if (oldSum > 0) {
            state.put(MEASURED_OLD, String.valueOf(oldSum + state.get(MEASURED_OLD).map(Long::parseLong).orElse(0L)));
            state.put(MEASURED_NEW, String.valueOf(newSum + state.get(MEASURED_NEW).map(Long::parseLong).orElse(0L)));
        }
        state.remove(PENDING);
    }

    /** The measured ratio of new to old bytes once a step measured one, else the setting. */
    private static double growth(PluginState state, double configured) {
        long oldBytes = state.get(MEASURED_OLD).map(Long::parseLong).orElse(0L);
        long newBytes = state.get(MEASURED_NEW).map(Long::parseLong).orElse(0L);
        return oldBytes > 0 && newBytes > 0 ? (double) newBytes / oldBytes : configured;
    }

    /** NAR bytes of a derivation's own outputs that the current system holds. */
    private static long ownBytes(StoreDerivations source, StorePath drv, Map<StorePath, PathInfo> current) {
        try {
            return source.outputs(drv).values().stream().map(current::get).filter(java.util.Objects::nonNull)
                    .mapToLong(PathInfo::narSize).sum();
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    /** The next step, or a pass saying why there is none. */
    Proposal next() {
        PackageSteppingStrategy.Settings settings = context.settings();
        if (schedule instanceof Schedule.Unfit unfit) {
            long reserve = context.reserveBytes();
            long total = context.storage().store().totalBytes();
            long freeNow = context.storage().store().freeBytes();
            long needed = unfit.neededBytes() + reserve;
            return Proposal.pass("unit " + unfit.unit() + " cannot fit even alone"
                    + (unfit.doneBefore().isEmpty() ? "" : " after " + unfit.doneBefore().size() + " steps")
                    + ": it needs about " + show(needed) + " (estimate " + show(unfit.neededBytes()) + " + reserve "
                    + show(reserve) + "), " + show(freeNow) + " are free; the smallest disk that would do is about "
                    + show(total + Math.max(0, needed - freeNow)));
        }
        List<Schedule.Batch> batches = ((Schedule.Steps) schedule).batches();
        if (batches.size() > settings.maxSteps()) {
            return Proposal.pass("the upgrade would take " + batches.size() + " steps, more than maxSteps "
                    + settings.maxSteps());
        }
        Set<String> batch = batches.isEmpty() ? Set.of() : new TreeSet<>(batches.get(0).units());
        long estimate = batches.isEmpty() ? 0 : Math.max(0, batches.get(0).addedBytes());
        MaskedSystem masked = masking.mask(batch);
        for (MaskedSystem.NewDerivation drv : masked.derivations()) {
            StorePath added = nix.addDerivation(drv.name(), drv.aterm());
            if (!added.equals(drv.path())) {
                throw new IllegalStateException("Nix put the masked derivation " + drv.name() + " at " + added
                        + ", not at " + drv.path());
            }
        }
        StorePath toplevel = masked.outputs().get("out");
        boolean last = masked.masked().isEmpty();
        if (last && !toplevel.equals(context.target().toplevel())) {
            throw new IllegalStateException("with every unit upgraded the masked toplevel " + toplevel
                    + " should be the target's " + context.target().toplevel());
        }
        StringBuilder pending = new StringBuilder();
        for (String key : masked.upgraded()) {
            masking.units().get(key).flatMap(Unit::oldDrv).ifPresent(old ->
                    pending.append(key).append('=').append(ownBytes(source, old, current)).append(';'));
        }
        context.state().put(PENDING, pending.toString());
        remember(context.state(), toplevel, masked.upgraded(), batches.subList(Math.min(1, batches.size()), batches.size()));
        List<String> units = new ArrayList<>(batch);
        masked.upgraded().stream().filter(k -> !batch.contains(k)
                && masking.units().get(k).map(u -> u.change() != Unit.Change.UNCHANGED).orElse(false))
                .forEach(units::add);
        String what = units.isEmpty() ? "the aggregators" : units.stream().map(this::describe)
                .collect(Collectors.joining(", "));
        long done = context.history().stream().filter(r -> r.outcome() == StepResult.Outcome.DONE).count();
        String description = (last ? "reach the target: " : "step " + (done + 1) + " of about "
                + (done + batches.size()) + ": ") + what;
        return Proposal.next(new Step(description, masked.toplevel(), toplevel, estimate, units, Optional.empty()));
    }

    /** State: for a plan, the steps after the one that reaches a toplevel, and what it upgraded. */
    static final String PLAN_UPGRADED = "plan.upgraded.";
    static final String PLAN_REST = "plan.rest.";
    static final String PLAN_BASE = "plan.base";

    /** Notes, from a built system, what a plan's later steps need: the base, the upgraded units, the rest. */
    private void remember(PluginState state, StorePath toplevel, Set<String> upgraded, List<Schedule.Batch> rest) {
        state.put(PLAN_BASE, masking.old().toplevel().path());
        state.put(PLAN_UPGRADED + toplevel, String.join(",", upgraded));
        state.put(PLAN_REST + toplevel, rest.stream().map(b -> String.join(",", b.units()) + "=" + b.addedBytes())
                .collect(Collectors.joining(";")));
    }

    /**
     * The next step of a plan, where the current system is a step not built (the engine's
     * {@code plan} assumes each step succeeds): masks the plan's base system with what the
     * earlier steps upgraded plus the next batch of the remembered schedule.
     */
    static Proposal planned(StrategyContext<PackageSteppingStrategy.Settings> context) {
        PluginState state = context.state();
        StorePath current = context.current().toplevel();
        Optional<String> upgraded = state.get(PLAN_UPGRADED + current);
        Optional<String> rest = state.get(PLAN_REST + current);
        Optional<String> base = state.get(PLAN_BASE);
        if (upgraded.isEmpty() || rest.isEmpty() || base.isEmpty()) {
            throw new Refused("the current system " + current + " is not in the store (not built)");
        }
        Nix nix = context.host().nix();
        StoreDerivations source = new StoreDerivations(nix);
        StorePath baseDrv = new StorePath(base.get());
        source.prefetch(context.target().drv());
        Masking masking;
        if (baseDrv.isDerivation()) {
            source.prefetch(baseDrv);
            masking = new Masking(source, context.target().drv(), baseDrv);
        } else {
            // The base's derivations were gone: its cut came from its outputs (see analyse).
            List<PathInfo> infos = nix.pathInfo(nix.closure(baseDrv, false));
            Map<StorePath, PathInfo> closure = new HashMap<>();
            infos.forEach(i -> closure.put(i.path(), i));
            source.learnDerivers(infos);
            masking = Masking.fromOutputs(source, context.target().drv(), baseDrv, closure);
        }
        List<String> batches = rest.get().isEmpty() ? List.of() : List.of(rest.get().split(";"));
        Set<String> all = new TreeSet<>(List.of(upgraded.get().split(",")));
        all.remove("");
        List<String> batch = List.of();
        long estimate = 0;
        if (!batches.isEmpty()) {
            String first = batches.get(0);
            int eq = first.lastIndexOf('=');
            batch = List.of(first.substring(0, eq).split(","));
            estimate = Math.max(0, Long.parseLong(first.substring(eq + 1)));
        }
        all.addAll(batch);
        all.retainAll(masking.units().keys());
        MaskedSystem masked = masking.mask(all);
        for (MaskedSystem.NewDerivation drv : masked.derivations()) {
            nix.addDerivation(drv.name(), drv.aterm());
        }
        StorePath toplevel = masked.outputs().get("out");
        state.put(PLAN_UPGRADED + toplevel, String.join(",", all));
        state.put(PLAN_REST + toplevel, String.join(";", batches.subList(Math.min(1, batches.size()), batches.size())));
        boolean last = masked.masked().isEmpty();
        String description = (last ? "reach the target: " : "then: ") + String.join(", ", batch);
        return Proposal.next(new Step(description, masked.toplevel(), toplevel, estimate, batch, Optional.empty()));
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

    private String describe(String key) {
        Unit unit = masking.units().get(key).orElseThrow();
        return switch (unit.change()) {
            case ADDED -> "add " + unit.name() + " " + unit.newVersion().orElse("");
            case REMOVED -> "remove " + unit.name();
            default -> unit.name() + " " + unit.oldVersion().orElse("") + " -> " + unit.newVersion().orElse("");
        };
    }

    /** Bytes for people: {@code 12.3 MiB}. */
    static String show(long bytes) {
        if (Math.abs(bytes) < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int i = -1;
        while (Math.abs(value) >= 1024 && i < units.length - 1) {
            value /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[i]);
    }

    Masking masking() {
        return masking;
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
}
