package dev.inchworm.plugins.packagestepping;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.estimate.FootprintEstimate;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.StrategyContext;
import dev.inchworm.plugins.packagestepping.derivation.StoreDerivations;
import dev.inchworm.plugins.packagestepping.masking.MaskedSystem;
import dev.inchworm.plugins.packagestepping.masking.Masking;
import dev.inchworm.plugins.packagestepping.masking.Unit;
import dev.inchworm.plugins.packagestepping.planning.Schedule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns a batch of units into a step: masks the target with the units not upgraded yet,
 * adds the masked derivations to the store (each at the path computed for it), and checks
 * that the step with every unit upgraded is the target itself. Used both by {@code upgrade}
 * ({@link #next}, from an analysis of the built current system) and by {@code plan}
 * ({@link #planned}, where the current system is an earlier planned step not built).
 */
final class StepProposer {

    private final StrategyContext<PackageSteppingStrategy.Settings> context;
    private final StoreDerivations source;
    private final Masking masking;
    private final SteppingState state;

    private StepProposer(StrategyContext<PackageSteppingStrategy.Settings> context, StoreDerivations source,
                         Masking masking) {
        this.context = context;
        this.source = source;
        this.masking = masking;
        this.state = new SteppingState(context.state());
    }

    /** The next step from the analysed current system, or a pass saying why there is none. */
    static Proposal next(UpgradeAnalysis analysis) {
        StrategyContext<PackageSteppingStrategy.Settings> context = analysis.context();
        PackageSteppingStrategy.Settings settings = context.settings();
        if (analysis.schedule() instanceof Schedule.Unfit unfit) {
            long reserve = context.reserveBytes();
            long total = context.storage().store().totalBytes();
            long freeNow = context.storage().store().freeBytes();
            long needed = unfit.neededBytes() + reserve;
            return Proposal.pass("unit " + unfit.unit() + " cannot fit even alone"
                    + (unfit.doneBefore().isEmpty() ? "" : " after " + unfit.doneBefore().size() + " steps")
                    + ": it needs about " + ByteSize.format(needed) + " (estimate "
                    + ByteSize.format(unfit.neededBytes()) + " + reserve " + ByteSize.format(reserve) + "), "
                    + ByteSize.format(freeNow) + " are free; the smallest disk that would do is about "
                    + ByteSize.format(total + Math.max(0, needed - freeNow)));
        }
        List<Schedule.Batch> batches = ((Schedule.Steps) analysis.schedule()).batches();
        if (batches.size() > settings.maxSteps()) {
            return Proposal.pass("the upgrade would take " + batches.size() + " steps, more than maxSteps "
                    + settings.maxSteps());
        }
        Set<String> batch = batches.isEmpty() ? Set.of() : new TreeSet<>(batches.get(0).units());
        long estimate = batches.isEmpty() ? 0 : Math.max(0, batches.get(0).addedBytes());
        StepProposer proposer = new StepProposer(context, analysis.source(), analysis.masking());
        MaskedSystem masked = proposer.add(batch);
        Map<String, Long> pending = new LinkedHashMap<>();
        for (String key : masked.upgraded()) {
            proposer.masking.units().get(key).flatMap(Unit::oldDrv).ifPresent(old ->
                    pending.put(key, analysis.ownBytes(old)));
        }
        proposer.state.pending(pending);
        proposer.state.planBase(proposer.masking.old().toplevel().path());
        List<SteppingState.Batch> rest = batches.subList(Math.min(1, batches.size()), batches.size()).stream()
                .map(b -> new SteppingState.Batch(b.units(), b.addedBytes())).toList();
        StorePath toplevel = masked.outputs().get("out");
        proposer.state.planned(toplevel, masked.upgraded(), rest);
        List<String> units = new ArrayList<>(batch);
        masked.upgraded().stream().filter(k -> !batch.contains(k)
                && proposer.masking.units().get(k).map(u -> u.change() != Unit.Change.UNCHANGED).orElse(false))
                .forEach(units::add);
        String what = units.isEmpty() ? "the aggregators" : units.stream().map(proposer::describe)
                .collect(Collectors.joining(", "));
        long done = context.history().stream().filter(r -> r.outcome() == StepResult.Outcome.DONE).count();
        String description = (masked.masked().isEmpty() ? "reach the target: " : "step " + (done + 1) + " of about "
                + (done + batches.size()) + ": ") + what;
        if (masked.masked().isEmpty() && analysis.whole().isPresent()) {
            // The whole rest: the shared estimator's figure, the same full-rebuild gives it.
            FootprintEstimate whole = analysis.whole().get();
            return Proposal.next(new Step(description, masked.toplevel(), toplevel, whole.bytes(), units,
                    Optional.empty(), whole.terms()));
        }
        return Proposal.next(new Step(description, masked.toplevel(), toplevel, estimate, units, Optional.empty()));
    }

    /**
     * The next step of a plan, where the current system is a step not built (the engine's
     * {@code plan} assumes each step succeeds): masks the plan's base system with what the
     * earlier steps upgraded plus the next batch of the remembered schedule.
     */
    static Proposal planned(StrategyContext<PackageSteppingStrategy.Settings> context) {
        SteppingState state = new SteppingState(context.state());
        StorePath current = context.current().toplevel();
        Optional<SteppingState.Planned> planned = state.planned(current);
        Optional<StorePath> base = state.planBase();
        if (planned.isEmpty() || base.isEmpty()) {
            throw new Refused("the current system " + current + " is not in the store (not built)");
        }
        Nix nix = context.host().nix();
        StoreDerivations source = new StoreDerivations(nix, RunMemory.of(nix));
        StorePath baseDrv = base.get();
        source.prefetch(context.target().drv());
        Masking masking;
        if (baseDrv.isDerivation()) {
            source.prefetch(baseDrv);
            masking = new Masking(source, context.target().drv(), baseDrv);
        } else {
            // The base's derivations were gone: its cut came from its outputs (see UpgradeAnalysis).
            List<PathInfo> infos = nix.closureInfo(baseDrv);
            Map<StorePath, PathInfo> closure = new HashMap<>();
            infos.forEach(i -> closure.put(i.path(), i));
            source.learnDerivers(infos);
            masking = Masking.fromOutputs(source, context.target().drv(), baseDrv, closure);
        }
        List<SteppingState.Batch> batches = planned.get().rest();
        Set<String> all = new TreeSet<>(planned.get().upgraded());
        List<String> batch = batches.isEmpty() ? List.of() : batches.get(0).units();
        long estimate = batches.isEmpty() ? 0 : Math.max(0, batches.get(0).addedBytes());
        all.addAll(batch);
        all.retainAll(masking.units().keys());
        StepProposer proposer = new StepProposer(context, source, masking);
        MaskedSystem masked = proposer.add(all);
        StorePath toplevel = masked.outputs().get("out");
        state.planned(toplevel, all, batches.subList(Math.min(1, batches.size()), batches.size()));
        String description = (masked.masked().isEmpty() ? "reach the target: " : "then: ") + String.join(", ", batch);
        return Proposal.next(new Step(description, masked.toplevel(), toplevel, estimate, batch, Optional.empty()));
    }

    /**
     * Masks the target with every unit but {@code upgraded} at its old derivation and adds the
     * masked derivations to the store.
     *
     * @throws IllegalStateException when Nix puts a derivation elsewhere than computed, or the
     *     system with every unit upgraded is not the target
     */
    private MaskedSystem add(Set<String> upgraded) {
        Nix nix = context.host().nix();
        MaskedSystem masked = masking.mask(upgraded);
        List<Map.Entry<String, String>> files = masked.derivations().stream()
                .map(drv -> Map.entry(drv.name(), drv.aterm())).toList();
        List<StorePath> added = nix.addDerivations(files);
        for (int i = 0; i < added.size(); i++) {
            MaskedSystem.NewDerivation drv = masked.derivations().get(i);
            if (!added.get(i).equals(drv.path())) {
                throw new IllegalStateException("Nix put the masked derivation " + drv.name() + " at " + added.get(i)
                        + ", not at " + drv.path());
            }
        }
        // Kept as added: the next step starts from this system and need not read it back.
        for (int i = 0; i < added.size(); i++) {
            source.added(added.get(i), files.get(i).getValue());
        }
        StorePath toplevel = masked.outputs().get("out");
        if (masked.masked().isEmpty() && !toplevel.equals(context.target().toplevel())) {
            throw new IllegalStateException("with every unit upgraded the masked toplevel " + toplevel
                    + " should be the target's " + context.target().toplevel());
        }
        return masked;
    }

    private String describe(String key) {
        Unit unit = masking.units().get(key).orElseThrow();
        return switch (unit.change()) {
            case ADDED -> "add " + unit.name() + " " + unit.newVersion().orElse("");
            case REMOVED -> "remove " + unit.name();
            default -> unit.name() + " " + unit.oldVersion().orElse("") + " -> " + unit.newVersion().orElse("");
        };
    }
}
