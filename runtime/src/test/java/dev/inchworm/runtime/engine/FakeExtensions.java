package dev.inchworm.runtime.engine;

import dev.inchworm.testkit.MemoryNix;

import dev.inchworm.api.NoSettings;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.provision.ProvisionContext;
import dev.inchworm.api.provision.Provisioner;
import dev.inchworm.api.reclaim.ReclaimContext;
import dev.inchworm.api.reclaim.Reclaimed;
import dev.inchworm.api.reclaim.Reclaimer;
import dev.inchworm.api.rollback.Rollback;
import dev.inchworm.api.rollback.RollbackContext;
import dev.inchworm.api.rollback.RollbackResult;
import dev.inchworm.api.storage.ProbeContext;
import dev.inchworm.api.storage.StorageProbe;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StrategyContext;
import dev.inchworm.api.strategy.UpgradeStrategy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.Optional;
import java.util.OptionalLong;

/** Small extensions for engine tests, each behind the real api interfaces. */
final class FakeExtensions {

    private FakeExtensions() {
    }

    /** Measures the fake store's disk. */
    record Probe(MemoryNix nix) implements StorageProbe<NoSettings> {
        @Override
        public String id() {
            return "fake-probe";
        }

        @Override
        public Class<NoSettings> settingsType() {
            return NoSettings.class;
        }

        @Override
        public StorageReport measure(ProbeContext<NoSettings> context) {
            return new StorageReport(Instant.now(), nix.volume(), Optional.empty());
        }
    }

    /** The whole target as one step, with a fixed estimate; passes once its step failed. */
    record Whole(String id, long estimate) implements UpgradeStrategy<NoSettings> {
        @Override
        public Class<NoSettings> settingsType() {
            return NoSettings.class;
        }

        @Override
        public Proposal propose(StrategyContext<NoSettings> context) {
            boolean failedBefore = context.history().stream()
                    .anyMatch(r -> r.step().toplevel().equals(context.target().toplevel())
                            && r.outcome() != dev.inchworm.api.strategy.StepResult.Outcome.DONE);
            if (failedBefore) {
                return Proposal.pass("the whole target failed before");
            }
            return Proposal.next(new Step("whole target", context.target().drv(), context.target().toplevel(),
                    estimate, List.of(), Optional.of(context.target().revision())));
        }

        @Override
        public Proposal afterFailure(StrategyContext<NoSettings> context, Step failed, NixFailure failure) {
            return Proposal.pass("the whole target does not build: " + failure.detail());
        }
    }

    /**
     * Walks through given systems one at a time; on out-of-disk of a step, splits it by
     * proposing the given smaller system instead (once).
     */
    static final class Walk implements UpgradeStrategy<NoSettings> {
        private final List<MemoryNix.Drv> systems;
        private final MemoryNix.Drv splitInto;
        final List<String> asked = new ArrayList<>();

        Walk(List<MemoryNix.Drv> systems, MemoryNix.Drv splitInto) {
            this.systems = systems;
            this.splitInto = splitInto;
        }

        @Override
        public String id() {
            return "walk";
        }

        @Override
        public Class<NoSettings> settingsType() {
            return NoSettings.class;
        }

        @Override
        public Proposal propose(StrategyContext<NoSettings> context) {
            asked.add("propose from " + context.current().toplevel().name());
            context.state().put("asked", String.valueOf(asked.size()));
            int at = -1;
            for (int i = 0; i < systems.size(); i++) {
                if (systems.get(i).out().equals(context.current().toplevel())) {
                    at = i;
                }
            }
            if (at + 1 >= systems.size()) {
                return Proposal.pass("nothing left to walk");
            }
            MemoryNix.Drv next = systems.get(at + 1);
            return Proposal.next(step(next));
        }

        @Override
        public Proposal afterFailure(StrategyContext<NoSettings> context, Step failed, NixFailure failure) {
            asked.add("afterFailure " + failed.toplevel().name());
            if (failure instanceof NixFailure.OutOfDisk && splitInto != null
                    && !failed.toplevel().equals(splitInto.out())) {
                return Proposal.next(step(splitInto));
            }
            return Proposal.pass("cannot split " + failed.description());
        }

        private static Step step(MemoryNix.Drv system) {
            return new Step("to " + system.out().name(), system.drv(), system.out(), system.size(), List.of(),
                    Optional.empty());
        }
    }

    /** Points the profile back at the initial generation, activates it, deletes the newer ones. */
    static final class ProfileRollback implements Rollback<NoSettings> {
        int restores;
        boolean refuse;

        @Override
        public String id() {
            return "profile";
        }

        @Override
        public Class<NoSettings> settingsType() {
            return NoSettings.class;
        }

        @Override
        public boolean canRestore(RollbackContext<NoSettings> context) {
            return !refuse && context.host().nix().generations().stream()
                    .anyMatch(g -> g.number() == context.initialGeneration().number());
        }

        @Override
        public RollbackResult restore(RollbackContext<NoSettings> context) {
            restores++;
            Nix nix = context.host().nix();
            if (nix.currentGeneration().map(Generation::number).orElse(0) != context.initialGeneration().number()) {
                nix.switchGeneration(context.initialGeneration().number());
            }
            nix.switchToConfiguration(context.initialToplevel(), context.action());
            List<Integer> newer = nix.generations().stream().map(Generation::number)
                    .filter(n -> n > context.initialGeneration().number()).toList();
            nix.deleteGenerations(newer);
            return RollbackResult.restored("back on generation " + context.initialGeneration().number());
        }
    }

    /** Collects garbage (cost 0), recording each call. */
    record Gc(List<String> log) implements Reclaimer<NoSettings> {
        @Override
        public String id() {
            return "gc";
        }

        @Override
        public Class<NoSettings> settingsType() {
            return NoSettings.class;
        }

        @Override
        public int cost() {
            return COST_FREE;
        }

        @Override
        public Reclaimed reclaim(ReclaimContext<NoSettings> context, long bytesWanted) {
            log.add("gc " + bytesWanted);
            var gc = context.host().nix().collectGarbage(OptionalLong.of(bytesWanted));
            return new Reclaimed(gc.bytesFreed(), "collected " + gc.pathsDeleted() + " paths");
        }
    }

    /** Deletes every unprotected generation (cost 80), recording what it was told. */
    record Prune(List<String> log) implements Reclaimer<NoSettings> {
        @Override
        public String id() {
            return "prune";
        }

        @Override
        public Class<NoSettings> settingsType() {
            return NoSettings.class;
        }

        @Override
        public int cost() {
            return COST_ROLLBACK;
        }

        @Override
        public Reclaimed reclaim(ReclaimContext<NoSettings> context, long bytesWanted) {
            log.add("prune protecting " + context.protectedGenerations());
            Nix nix = context.host().nix();
            List<Integer> old = nix.generations().stream().map(Generation::number)
                    .filter(n -> !context.protectedGenerations().contains(n)).toList();
            nix.deleteGenerations(old);
            var gc = nix.collectGarbage(OptionalLong.empty());
            return new Reclaimed(gc.bytesFreed(), "deleted generations " + old);
        }
    }

    /** Records acquire and release, and notes what it holds in its state first. */
    record Recorder(String id, List<String> log, MemoryNix nix) implements Provisioner<NoSettings> {
        @Override
        public Class<NoSettings> settingsType() {
            return NoSettings.class;
        }

        @Override
        public void acquire(ProvisionContext<NoSettings> context) {
            nix.isValid(MemoryNix.path("liveness-check")); // a crashed process does nothing
            context.state().put("holding", "yes");
            log.add("acquire " + id);
        }

        @Override
        public void release(ProvisionContext<NoSettings> context) {
            nix.isValid(MemoryNix.path("liveness-check"));
            if (context.state().get("holding").isPresent()) {
                log.add("release " + id);
                context.state().remove("holding");
            }
        }
    }

    static StorePath unused() {
        return MemoryNix.path("unused");
    }

    /** A strategy whose propose throws what it is given (an Error, say), or never returns. */
    record Hostile(String id, Supplier<Proposal> propose) implements UpgradeStrategy<NoSettings> {
        @Override
        public Class<NoSettings> settingsType() {
            return NoSettings.class;
        }

        @Override
        public Proposal propose(StrategyContext<NoSettings> context) {
            return propose.get();
        }

        @Override
        public Proposal afterFailure(StrategyContext<NoSettings> context, Step failed, NixFailure failure) {
            return propose.get();
        }
    }

    /** Never returns from propose until its thread is interrupted. */
    static Proposal forever() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Proposal.pass("interrupted");
    }

    static Proposal overflow() {
        return overflow();
    }
}
