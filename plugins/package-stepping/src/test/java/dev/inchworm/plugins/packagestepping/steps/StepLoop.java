package dev.inchworm.plugins.packagestepping.steps;

import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.SwitchAction;
import dev.inchworm.api.nix.SystemSource;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.storage.Volume;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.StrategyContext;
import dev.inchworm.api.strategy.SystemState;
import dev.inchworm.plugins.packagestepping.PackageSteppingStrategy;
import dev.inchworm.runtime.config.NixConfig;
import dev.inchworm.runtime.exec.ProcessRunner;
import dev.inchworm.runtime.nix.NixCli;
import dev.inchworm.testkit.PeakSampler;
import dev.inchworm.testkit.SandboxHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upgrade loop in miniature, as the engine runs it, over the real Nix backend in a sandbox
 * host: propose, build with a GC root, on failure collect and ask {@code afterFailure}, on
 * success set the profile, activate, delete the previous step's generation (never the initial
 * one) and collect garbage. It drives the strategy alone, without the engine.
 */
final class StepLoop {

    /** How a loop ended. */
    record Outcome(boolean reached, String passReason, List<StepResult> steps, long peakUsedBytes) {
        long done() {
            return steps.stream().filter(s -> s.outcome() == StepResult.Outcome.DONE).count();
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(StepLoop.class);

    final SandboxHost host;
    final NixCli nix;
    final ProcessRunner runner;
    private final Map<String, String> notes = new HashMap<>();

    StepLoop(SandboxHost host) {
        this(host, Map.of());
    }

    /** A loop whose Nix commands get these options (e.g. {@code substituters}). */
    StepLoop(SandboxHost host, Map<String, String> options) {
        this.host = host;
        Map<String, String> environment = new HashMap<>(host.nixEnvironment());
        NixConfig config = new NixConfig(Path.of(SandboxHost.SYSTEM_PROFILE), options, environment, host.prefix());
        this.runner = ProcessRunner.forHost(config, host.stateDir());
        this.nix = new NixCli(runner, config, host.stateDir().resolve("nix"), ZoneId.systemDefault(),
                List.of(host.stateDir().resolve("booted-system"), host.stateDir().resolve("current-system")));
    }

    /** The strategy's notes so far. */
    Map<String, String> notes() {
        return Map.copyOf(notes);
    }

    /** A plain rebuild: realise the target at once. Empty when it built, else the failure. */
    Optional<NixFailure> plainRebuild(Evaluation target) {
        try {
            nix.realise(target.drv(), Optional.empty(), line -> { });
            return Optional.empty();
        } catch (NixException e) {
            return Optional.of(e.failure());
        } finally {
            nix.collectGarbage(OptionalLong.empty());
        }
    }

    /** What the strategy tells a plan about the units, from the current system. */
    List<dev.inchworm.api.strategy.UnitChange> units(Evaluation target, PackageSteppingStrategy.Settings settings) {
        Generation current = nix.currentGeneration().orElseThrow();
        return new PackageSteppingStrategy().units(new Context(settings, new SystemState(current, current.toplevel(),
                Optional.empty(), Optional.empty()), target, List.of(), 0));
    }

    Outcome upgrade(Evaluation target, PackageSteppingStrategy.Settings settings, long reserveBytes) {
        PackageSteppingStrategy strategy = new PackageSteppingStrategy();
        Generation initial = nix.currentGeneration().orElseThrow();
        List<StepResult> history = new ArrayList<>();
        long peak = host.usedBytes();
        Step failedStep = null;
        NixFailure failure = null;
        Path root = host.stateDir().resolve("roots/step");
        for (int round = 0; round < 30; round++) {
            Generation current = nix.currentGeneration().orElseThrow();
            if (current.toplevel().equals(target.toplevel())) {
                return new Outcome(true, "", history, peak);
            }
            Context context = new Context(settings, new SystemState(current, current.toplevel(), Optional.empty(),
                    Optional.empty()), target, List.copyOf(history), reserveBytes);
            Proposal proposal = failedStep == null ? strategy.propose(context)
                    : strategy.afterFailure(context, failedStep, failure);
            failedStep = null;
            if (proposal instanceof Proposal.Pass pass) {
                return new Outcome(false, pass.reason(), history, peak);
            }
            Step step = ((Proposal.Next) proposal).step();
            LOG.info("step: {} (estimate {} bytes, {} free)", step.description(), step.estimatedBytes(), host.freeBytes());
            long freeBefore = host.freeBytes();
            try (PeakSampler sampler = PeakSampler.start(host)) {
                try {
                    Files.createDirectories(root.getParent());
                    nix.realise(step.drv(), Optional.of(root), line -> { });
                } catch (NixException e) {
                    peak = Math.max(peak, sampler.peakBytes());
                    deleteQuietly(root);
                    nix.collectGarbage(OptionalLong.empty());
                    failure = e.failure();
                    failedStep = step;
                    history.add(new StepResult(step, failure instanceof NixFailure.OutOfDisk
                            ? StepResult.Outcome.OUT_OF_DISK : StepResult.Outcome.FAILED, sampler.peakBytes(),
                            freeBefore, Duration.ZERO, 0));
                    continue;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                peak = Math.max(peak, sampler.peakBytes());
            }
            Generation made = nix.setSystem(step.toplevel());
            nix.switchToConfiguration(step.toplevel(), SwitchAction.SWITCH);
            if (current.number() != initial.number()) {
                nix.deleteGenerations(List.of(current.number()));
            }
            deleteQuietly(root);
            nix.collectGarbage(OptionalLong.empty());
            history.add(new StepResult(step, StepResult.Outcome.DONE, peak, freeBefore, Duration.ZERO, made.number()));
        }
        throw new IllegalStateException("no end after 30 rounds: " + history);
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The strategy's view: this host, the loop's history, notes kept in memory. */
    private final class Context implements StrategyContext<PackageSteppingStrategy.Settings>, Host {
        private final PackageSteppingStrategy.Settings settings;
        private final SystemState current;
        private final Evaluation target;
        private final List<StepResult> history;
        private final long reserve;

        Context(PackageSteppingStrategy.Settings settings, SystemState current, Evaluation target,
                List<StepResult> history, long reserve) {
            this.settings = settings;
            this.current = current;
            this.target = target;
            this.history = history;
            this.reserve = reserve;
        }

        @Override public PackageSteppingStrategy.Settings settings() { return settings; }
        @Override public Host host() { return this; }
        @Override public PluginState state() {
            return new PluginState() {
                @Override public Optional<String> get(String key) { return Optional.ofNullable(notes.get(key)); }
                @Override public void put(String key, String value) { notes.put(key, value); }
                @Override public void remove(String key) { notes.remove(key); }
                @Override public Map<String, String> all() { return Map.copyOf(notes); }
            };
        }
        @Override public SystemState current() { return current; }
        @Override public Evaluation target() { return target; }
        @Override public List<StepResult> history() { return history; }
        @Override public StorageReport storage() {
            return new StorageReport(Instant.now(), new Volume("/nix", host.sizeBytes(), host.freeBytes(), 0, 0),
                    Optional.empty());
        }
        @Override public long reserveBytes() { return reserve; }
        @Override public boolean hasFallback() { return false; }
        @Override public String name() { return host.name(); }
        @Override public Nix nix() { return nix; }
        @Override public SystemSource source() { throw new UnsupportedOperationException("no source in the loop"); }
        @Override public CommandRunner commands() { return runner; }
        @Override public Path stateDir() { return host.stateDir(); }
        @Override public Logger log() { return LOG; }
    }
}
