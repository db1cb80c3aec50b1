package dev.inchworm.plugins.shednonvital;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.NoSettings;
import dev.inchworm.api.estimate.FootprintEstimate;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Derivation;
import dev.inchworm.api.strategy.NonVital;
import dev.inchworm.api.strategy.ProfileRejected;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.StrategyContext;
import dev.inchworm.api.strategy.UpgradeStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.pf4j.Extension;

/**
 * Makes room by shedding the profile's non-vital units: an intermediate system without them
 * (the current system's aggregators re-derived), switched so the engine collects them; then
 * the target without them; then the target itself, which adds them back upgraded. Chain it
 * after package-stepping: it is asked when a unit or step cannot fit even alone. See
 * {@code docs/shed-non-vital.md}.
 */
@Extension
public final class ShedNonVitalStrategy implements UpgradeStrategy<NoSettings> {

    @Override
    public String id() {
        return "shed-non-vital";
    }

    @Override
    public Class<NoSettings> settingsType() {
        return NoSettings.class;
    }

    @Override
    public String description() {
        return "sheds the profile's nonVital units to make room, adds them back upgraded in the last step";
    }

    /** Every nonVital name must be a unit of the current system or of the target. */
    @Override
    public void checkProfile(StrategyContext<NoSettings> context) {
        if (context.nonVital().isEmpty()) {
            return;
        }
        Nix nix = context.host().nix();
        Set<String> known = new TreeSet<>();
        currentDrv(context).ifPresent(drv -> known.addAll(SystemTree.read(nix, drv).unitNames()));
        known.addAll(SystemTree.read(nix, context.target().drv()).unitNames());
        check(context.nonVital(), known);
    }

    static void check(List<NonVital> names, Set<String> known) {
        for (NonVital name : names) {
            if (!known.contains(name.name())) {
                throw new ProfileRejected(name.location() + ": nonVital: '" + name.name() + "' is no unit of the "
                        + "current system or the target (names as inchworm plan shows units); closest: "
                        + String.join(", ", UnitName.closest(name.name(), known)));
            }
        }
    }

    @Override
    public Proposal propose(StrategyContext<NoSettings> context) {
        if (context.nonVital().isEmpty()) {
            return Proposal.pass("no unit is tagged nonVital in the profile");
        }
        StorePath current = context.current().toplevel();
        Optional<ShedPlan> plan = ShedPlan.load(context.state());
        if (plan.isPresent() && current.equals(plan.get().vitalToplevel())) {
            return restore(context, plan.get());
        }
        if (plan.isPresent() && current.equals(plan.get().shedToplevel())) {
            if (plan.get().vitalToplevel().equals(plan.get().shedToplevel())) {
                return restore(context, plan.get());
            }
            return rest(context, plan.get());
        }
        try {
            return shed(context);
        } catch (Refused | ProfileRejected e) {
            return Proposal.pass(e.getMessage());
        }
    }

    /** The step after the shed one: the target without the shed units. */
    private Proposal rest(StrategyContext<NoSettings> context, ShedPlan plan) {
        List<StorePath> kept = plan.shedOutputs().stream().filter(context.host().nix()::isValid).toList();
        // Asked as after a reboot (the engine's engine.reboot), the booted system no longer holds them.
        if (built(context) && !kept.isEmpty() && context.keepsBootedSystem()) {
            return Proposal.pass("the shed units' old outputs are still in the store after the shed step ("
                    + kept.get(0).name() + (kept.size() > 1 ? " and " + (kept.size() - 1) + " more" : "")
                    + "): a root holds them, typically the booted system until a reboot; the rest does not "
                    + "fit beside them");
        }
        // The re-derived .drvs are not roots: the collection after the shed step took them. The
        // same units shed from the same target give the same derivations: add them again.
        Shedding vital;
        try {
            vital = Shedding.of(SystemTree.read(context.host().nix(), context.target().drv()),
                    new TreeSet<>(plan.units()));
        } catch (Refused e) {
            return Proposal.pass(e.getMessage());
        }
        if (!vital.drv().equals(plan.vitalDrv())) {
            throw new IllegalStateException("the target without " + plan.units() + " re-derives to "
                    + vital.drv() + ", not to the noted " + plan.vitalDrv());
        }
        add(context.host().nix(), vital);
        String description = "upgrade the rest while " + String.join(", ", plan.units())
                + " " + (plan.units().size() == 1 ? "is" : "are") + " shed";
        if (!built(context)) {
            return Proposal.next(new Step(description, plan.vitalDrv(), plan.vitalToplevel(),
                    plan.vitalBytes(), List.of(), Optional.empty()));
        }
        FootprintEstimate estimate = context.estimator().estimate(plan.vitalDrv());
        return Proposal.next(new Step(description, plan.vitalDrv(),
                plan.vitalToplevel(), estimate.bytes(), estimate.units(), Optional.empty(), estimate.terms()));
    }

    private Proposal restore(StrategyContext<NoSettings> context, ShedPlan plan) {
        String description = "add back " + String.join(", ", plan.units()) + ", upgraded: reach the target";
        if (!built(context)) {
            return Proposal.next(new Step(description, context.target().drv(), context.target().toplevel(),
                    plan.restoreBytes(), List.of(), Optional.of(context.target().revision())));
        }
        FootprintEstimate estimate = context.estimator().estimate(context.target().drv());
        long bytes = Math.max(estimate.bytes(), plan.restoreBytes());
        long free = context.storage().store().freeBytes();
        if (bytes + context.reserveBytes() > free) {
            // Said, not tried: the engine can then free what pins the old versions (a reboot).
            return Proposal.pass("adding back " + String.join(", ", plan.units()) + " needs about "
                    + ByteSize.format(bytes + context.reserveBytes()) + " (estimate " + ByteSize.format(bytes)
                    + " + reserve " + ByteSize.format(context.reserveBytes()) + "), " + ByteSize.format(free)
                    + " are free");
        }
        // The shed units' old outputs were the counterparts that sized their new ones; once they
        // are collected the figure noted when they were shed is the better one (it has no terms).
        boolean noted = estimate.bytes() < plan.restoreBytes();
        return Proposal.next(new Step(description, context.target().drv(), context.target().toplevel(),
                bytes, estimate.units(), Optional.of(context.target().revision()),
                noted ? List.of() : estimate.terms()));
    }

    /**
     * False in {@code inchworm plan} past the first step: the current system is a planned step,
     * not built, so the estimator (which reads its closure) cannot be asked; the estimates noted
     * when shedding was decided stand in.
     */
    private static boolean built(StrategyContext<NoSettings> context) {
        return context.host().nix().isValid(context.current().toplevel());
    }

    private Proposal shed(StrategyContext<NoSettings> context) {
        Nix nix = context.host().nix();
        StorePath drv = currentDrv(context).orElseThrow(() -> new Refused("shed-non-vital needs the current "
                + "system's derivation tree, and " + context.current().toplevel().name() + " has none in the store"));
        SystemTree currentTree = SystemTree.read(nix, drv);
        SystemTree targetTree = SystemTree.read(nix, context.target().drv());
        Set<String> known = new TreeSet<>(currentTree.unitNames());
        known.addAll(targetTree.unitNames());
        check(context.nonVital(), known);
        Set<String> names = new TreeSet<>();
        context.nonVital().stream().map(NonVital::name).filter(currentTree.unitNames()::contains).forEach(names::add);
        if (names.isEmpty()) {
            return Proposal.pass("none of the nonVital units " + context.nonVital().stream().map(NonVital::name).toList()
                    + " is in the current system: nothing to shed");
        }
        boolean initialKept = context.keepsInitialGeneration()
                && context.history().stream().noneMatch(r -> r.outcome() == StepResult.Outcome.DONE);
        Shedding shed = Shedding.of(currentTree, names);
        Set<StorePath> shedOutputs = outputs(currentTree, shed);
        Freed freeing = freed(nix, context.current().toplevel(), shedOutputs, initialKept);
        long freed = freeing.bytes();
        if (freed <= 0) {
            return Proposal.pass("shedding " + String.join(", ", names) + " frees nothing: "
                    + (initialKept ? "the initial generation, kept for a rollback, holds them (engine.keepInitial)"
                    : "the booted system or another generation holds them; a reboot would release the booted one"));
        }
        Shedding vital = Shedding.of(targetTree, names);
        add(nix, shed);
        add(nix, vital);
        long free = context.storage().store().freeBytes() - context.reserveBytes();
        FootprintEstimate vitalEstimate = context.estimator().estimate(vital.drv());
        FootprintEstimate shedEstimate = context.estimator().estimate(shed.drv());
        if (vitalEstimate.bytes() > free - shedEstimate.bytes() + freed) {
            return Proposal.pass("shedding " + String.join(", ", names) + " frees about " + ByteSize.format(freed)
                    + ", but the upgrade without them needs about " + ByteSize.format(vitalEstimate.bytes())
                    + " and only about " + ByteSize.format(Math.max(0, free - shedEstimate.bytes() + freed))
                    + " would be free then (the reserve kept)");
        }
        long whole = context.estimator().estimate(context.target().drv()).bytes();
        new ShedPlan(shed.drv(), shed.toplevel(), vital.drv(), vital.toplevel(), List.copyOf(names), freed,
                vitalEstimate.bytes(), Math.max(0, whole - vitalEstimate.bytes()), freeing.outputs())
                .save(context.state());
        String what = names.stream().map(n -> n + " " + currentTree.versionOf(n)).collect(Collectors.joining(", "));
        return Proposal.next(new Step("shed " + what + " (frees about " + ByteSize.format(freed)
                + "; added back upgraded in the last step)", shed.drv(), shed.toplevel(), shedEstimate.bytes(),
                List.copyOf(names), Optional.empty(), shedEstimate.terms()));
    }

    @Override
    public Proposal afterFailure(StrategyContext<NoSettings> context, Step failed, NixFailure failure) {
        return Proposal.pass("step '" + failed.description() + "' failed: " + failure.detail());
    }

    /** The current system's {@code .drv}: the one the engine knows, else the deriver its toplevel records. */
    private static Optional<StorePath> currentDrv(StrategyContext<NoSettings> context) {
        Nix nix = context.host().nix();
        return context.current().drv()
                .or(() -> nix.pathInfo(List.of(context.current().toplevel())).stream().findFirst()
                        .flatMap(PathInfo::deriver))
                .filter(nix::isValid);
    }

    private static Set<StorePath> outputs(SystemTree tree, Shedding shed) {
        Set<StorePath> outputs = new TreeSet<>();
        shed.shed().values().forEach(drvs -> drvs.forEach(d -> outputs.addAll(tree.get(d).outputPaths().values())));
        return outputs;
    }

    /**
     * What collecting after the shed step frees: the NAR bytes of the current closure's paths
     * that only the shed units reach and no pin keeps (the live systems and every generation but
     * the current one, the current one too while the initial generation is kept, before the first
     * step), and the shed outputs among them.
     */
    record Freed(long bytes, List<StorePath> outputs) {
    }

    static Freed freed(Nix nix, StorePath toplevel, Set<StorePath> shedOutputs, boolean initialKept) {
        Map<StorePath, PathInfo> closure = new java.util.HashMap<>();
        nix.closureInfo(toplevel).forEach(i -> closure.put(i.path(), i));
        Set<StorePath> kept = new java.util.HashSet<>();
        java.util.Deque<StorePath> walk = new java.util.ArrayDeque<>(List.of(toplevel));
        while (!walk.isEmpty()) {
            StorePath path = walk.pop();
            if (shedOutputs.contains(path) || !kept.add(path) || !closure.containsKey(path)) {
                continue;
            }
            closure.get(path).references().forEach(walk::push);
        }
        Set<StorePath> roots = new TreeSet<>(nix.liveSystems());
        nix.generations().forEach(g -> roots.add(g.toplevel()));
        if (!initialKept) {
            roots.remove(toplevel);
        }
        Set<StorePath> pinned = new java.util.HashSet<>();
        for (StorePath root : roots) {
            if (!pinned.contains(root) && nix.isValid(root)) {
                pinned.addAll(nix.closure(root, false));
            }
        }
        long bytes = 0;
        List<StorePath> outputs = new ArrayList<>();
        for (PathInfo info : closure.values()) {
            if (!kept.contains(info.path()) && !pinned.contains(info.path())) {
                bytes += info.narSize();
                if (shedOutputs.contains(info.path())) {
                    outputs.add(info.path());
                }
            }
        }
        java.util.Collections.sort(outputs);
        return new Freed(bytes, outputs);
    }

    private static void add(Nix nix, Shedding shed) {
        List<Map.Entry<String, String>> files = new ArrayList<>();
        for (Derivation drv : shed.derivations()) {
            files.add(Map.entry(drv.name(), drv.aterm()));
        }
        List<StorePath> added = nix.addDerivations(files);
        for (int i = 0; i < added.size(); i++) {
            StorePath expected = shed.derivations().get(i).path();
            if (!added.get(i).equals(expected)) {
                throw new IllegalStateException("Nix put the re-derived " + shed.derivations().get(i).name() + " at "
                        + added.get(i) + ", not at " + expected);
            }
        }
    }
}
