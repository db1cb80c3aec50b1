package dev.inchworm.plugins.stopservices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.host.PluginState;
import dev.inchworm.runtime.engine.BasicContext;
import dev.inchworm.runtime.engine.MemoryPluginState;
import dev.inchworm.runtime.engine.RuntimeHost;
import dev.inchworm.runtime.exec.ProcessRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Through the runtime's real process runner, against a systemctl stand-in: the build machine
 * has no systemd as PID 1, so real units cannot be stopped here (see docs/plugins.md).
 */
class StopServicesTest {

    @TempDir
    Path temp;

    SystemctlStandIn systemctl;
    final StopServices stopServices = new StopServices();

    @BeforeEach
    void standIn() {
        systemctl = new SystemctlStandIn(temp.resolve("systemd"));
    }

    BasicContext<StopServices.Settings> context(List<String> units, PluginState state) {
        ProcessRunner runner = ProcessRunner.local(temp.resolve("logs"));
        RuntimeHost host = new RuntimeHost("vps-1", null, null, runner, () -> {
            throw new UnsupportedOperationException();
        }, temp.resolve("state"), "stop-services", LoggerFactory.getLogger("stop-services"));
        return new BasicContext<>(new StopServices.Settings(units, null, systemctl.program.toString()), host, state);
    }

    @Test
    void stopsWhatRunsInOrderAndStartsItAgainInReverse() {
        systemctl.running("nginx.service", "postgresql.service", "backup.timer");
        var context = context(List.of("nginx", "grafana", "postgresql.service", "backup.timer"), new MemoryPluginState());

        stopServices.acquire(context);

        assertEquals(List.of("is-active nginx.service", "stop nginx.service", "is-active grafana.service",
                "is-active postgresql.service", "stop postgresql.service", "is-active backup.timer", "stop backup.timer"),
                systemctl.calls());
        assertFalse(systemctl.isRunning("nginx.service"));
        assertEquals(Map.of(StopServices.STOPPED_KEY, "nginx.service postgresql.service backup.timer"), context.state().all());

        stopServices.release(context);

        assertEquals(List.of("start backup.timer", "start postgresql.service", "start nginx.service"),
                systemctl.calls().subList(7, 10));
        assertTrue(systemctl.isRunning("nginx.service") && systemctl.isRunning("postgresql.service"));
        assertFalse(systemctl.isRunning("grafana.service"), "it was not running: it is not started");
        assertEquals(Map.of(), context.state().all());

        stopServices.release(context);
        assertEquals(10, systemctl.calls().size(), "a second release does nothing");
    }

    @Test
    void theNextRunStartsWhatACrashedRunStopped() {
        systemctl.running("nginx.service", "postgresql.service");
        var crashed = context(List.of("nginx", "postgresql"), new MemoryPluginState());
        stopServices.acquire(crashed);

        MemoryPluginState journal = new MemoryPluginState();
        crashed.state().all().forEach(journal::put);
        new StopServices().release(context(List.of("nginx", "postgresql"), journal));

        assertTrue(systemctl.isRunning("nginx.service") && systemctl.isRunning("postgresql.service"));
        assertEquals(Map.of(), journal.all());
    }

    @Test
    void aUnitThatWillNotStopFailsAcquireAndReleaseStartsWhatWasStopped() {
        systemctl.running("nginx.service", "postgresql.service");
        systemctl.failing("stop", "postgresql.service");
        var context = context(List.of("nginx", "postgresql"), new MemoryPluginState());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> stopServices.acquire(context));
        assertTrue(e.getMessage().startsWith("cannot stop postgresql.service: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("exited with 1: Failed to stop postgresql.service: Access denied"), e.getMessage());

        stopServices.release(context);
        assertTrue(systemctl.isRunning("nginx.service"));
        assertEquals(List.of("start postgresql.service", "start nginx.service"),
                systemctl.calls().subList(4, 6), "the one noted before its stop failed is started too: harmless");
    }

    @Test
    void aUnitThatWillNotStartAgainIsReportedAndTheOthersStillStart() {
        systemctl.running("nginx.service", "postgresql.service");
        var context = context(List.of("nginx", "postgresql"), new MemoryPluginState());
        stopServices.acquire(context);
        systemctl.failing("start", "postgresql.service");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> stopServices.release(context));

        assertTrue(e.getMessage().startsWith("could not start again: postgresql.service ("), e.getMessage());
        assertTrue(systemctl.isRunning("nginx.service"));
        assertEquals(Map.of(StopServices.STOPPED_KEY, "postgresql.service"), context.state().all(),
                "kept for another try");
    }

    @Test
    void vitalAndProtectedUnitsAreRefusedWhenTheProfileIsRead() {
        for (String vital : List.of("sshd", "sshd.service", "systemd-journald", "dbus", "dbus-broker.service",
                "nix-daemon.socket", "nix-daemon", "NetworkManager", "systemd-networkd.service", "network-addresses-eth0")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new StopServices.Settings(List.of("nginx", vital), null, null), vital);
            assertTrue(e.getMessage().contains("is vital (matches '"), e.getMessage());
        }
        assertEquals("units: 'postgresql.service' is protected by protect: 'postgres*'; remove it from units or from protect",
                assertThrows(IllegalArgumentException.class,
                        () -> new StopServices.Settings(List.of("postgresql"), List.of("postgres*"), null)).getMessage());
        assertEquals("units: 'multi-user.target' cannot be stopped by stop-services: only services, sockets, timers "
                + "and paths (.service, .socket, .timer, .path)", assertThrows(IllegalArgumentException.class,
                        () -> new StopServices.Settings(List.of("multi-user.target"), null, null)).getMessage());
        assertEquals("units: not a unit name: 'nginx; reboot'", assertThrows(IllegalArgumentException.class,
                () -> new StopServices.Settings(List.of("nginx; reboot"), null, null)).getMessage());
        assertEquals("units: 'nginx.service' is listed twice", assertThrows(IllegalArgumentException.class,
                () -> new StopServices.Settings(List.of("nginx", "nginx.service"), null, null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new StopServices.Settings(List.of(), null, null));
        assertThrows(IllegalArgumentException.class, () -> new StopServices.Settings(List.of("nginx"), null, "bin/systemctl"));
        assertEquals(List.of("nginx.service", "backup.timer"),
                new StopServices.Settings(List.of("nginx", "backup.timer"), null, null).units());
        assertTrue(systemctl.calls().isEmpty(), "refused before any command");
    }
}
