package dev.inchworm.runtime.engine;

import dev.inchworm.testkit.MemoryNix;

import dev.inchworm.api.NoSettings;
import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.SwitchAction;
import dev.inchworm.api.provision.Provisioner;
import dev.inchworm.api.reclaim.Reclaimer;
import dev.inchworm.api.rollback.Rollback;
import dev.inchworm.api.storage.StorageProbe;
import dev.inchworm.api.strategy.UpgradeStrategy;
import dev.inchworm.runtime.config.EngineConfig;
import dev.inchworm.runtime.config.Timeouts;
import dev.inchworm.runtime.journal.CrashPoint;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A small world for engine tests: a fake store of 100 MiB holding system 1 (app 20 MiB + lib
 * 10 MiB), and revisions 1 and 2 (system 2: app 22 MiB + lib 12 MiB, both new).
 */
class EngineFixture {

    static final long MIB = 1L << 20;

    final Path state;
    final MemoryNix nix;
    final List<String> log = new ArrayList<>();
    final MemoryNix.Drv lib1;
    final MemoryNix.Drv app1;
    final MemoryNix.Drv sys1;
    final MemoryNix.Drv lib2;
    final MemoryNix.Drv app2;
    final MemoryNix.Drv sys2;
    final Revision rev1;
    final Revision rev2;

    final List<Bound<? extends UpgradeStrategy<?>, ?>> strategies = new ArrayList<>();
    final List<Bound<? extends Reclaimer<?>, ?>> reclaimers = new ArrayList<>();
    final List<Bound<? extends Provisioner<?>, ?>> provisioners = new ArrayList<>();
    FakeExtensions.ProfileRollback rollback = new FakeExtensions.ProfileRollback();
    Rollback<?> rollbackExtension = rollback;
    EngineConfig config = new EngineConfig(MIB, EngineConfig.Interrupted.RESUME);
    Timeouts timeouts = Timeouts.DEFAULTS;
    SwitchAction action = SwitchAction.SWITCH;
    Clock clock = Clock.systemUTC();
    CommandRunner commands = command -> {
        throw new UnsupportedOperationException("engine tests run no commands: " + command.argv());
    };
    /** The storage probe; null: the store's bytes as MemoryNix has them, no inode count. */
    StorageProbe<NoSettings> probe;

    EngineFixture(Path state, long capacity) {
        this.state = state;
        this.nix = new MemoryNix(capacity);
        lib1 = nix.pkg("lib-1", 10 * MIB);
        app1 = nix.pkg("app-1", 20 * MIB, lib1);
        sys1 = nix.system("1", app1, lib1);
        lib2 = nix.pkg("lib-2", 12 * MIB);
        app2 = nix.pkg("app-2", 22 * MIB, lib2);
        sys2 = nix.system("2", app2, lib2);
        rev1 = nix.revision(1, sys1);
        rev2 = nix.revision(2, sys2);
        nix.install(sys1);
    }

    EngineFixture strategy(UpgradeStrategy<?> strategy) {
        strategies.add(Bound.of(strategy, new NoSettings()));
        return this;
    }

    EngineFixture reclaimer(Reclaimer<?> reclaimer) {
        reclaimers.add(Bound.of(reclaimer, new NoSettings()));
        return this;
    }

    EngineFixture provisioner(String id) {
        provisioners.add(new Bound<>(new FakeExtensions.Recorder(id, log, nix), new NoSettings()));
        return this;
    }

    EngineSetup setup(CrashPoint crashPoint) {
        Bound<? extends StorageProbe<?>, ?> probe = new Bound<>(this.probe == null ? new FakeExtensions.Probe(nix)
                : this.probe, new NoSettings());
        Bound<? extends Rollback<?>, ?> chosenRollback = Bound.of(rollbackExtension, new NoSettings());
        Extensions extensions = new Extensions(probe, strategies, chosenRollback, reclaimers, provisioners);
        return new EngineSetup("test-host", state, action, config, nix, nix, commands, extensions, crashPoint,
                clock, timeouts);
    }

    UpgradeEngine engine() {
        return new UpgradeEngine(setup(CrashPoint.none()));
    }

    /** An engine whose process "crashes" right after the n-th journal write. */
    UpgradeEngine crashingAfter(int write) {
        return new UpgradeEngine(setup(CrashPoint.afterWrite(write, () -> {
            nix.crash();
            throw new MemoryNix.SimulatedCrash();
        })));
    }
}
