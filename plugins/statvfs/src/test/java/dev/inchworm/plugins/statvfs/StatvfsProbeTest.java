package dev.inchworm.plugins.statvfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.host.Command;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.SystemSource;
import dev.inchworm.api.storage.ProbeContext;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.storage.Volume;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class StatvfsProbeTest {

    /** Answers stat from a table by path, and records what it was asked. */
    static final class FakeStat implements CommandRunner {
        final Map<String, CommandResult> byPath;
        final List<Command> ran = new ArrayList<>();

        FakeStat(Map<String, CommandResult> byPath) {
            this.byPath = byPath;
        }

        @Override
        public CommandResult run(Command command) {
            ran.add(command);
            return byPath.get(command.argv().get(command.argv().size() - 1));
        }
    }

    static CommandResult ok(String stdout) {
        return new CommandResult(List.of("stat"), 0, stdout, List.of(), false, false, Duration.ZERO, Optional.empty());
    }

    static ProbeContext<StatvfsProbe.Settings> context(StatvfsProbe.Settings settings, CommandRunner runner) {
        Host host = new Host() {
            public String name() { return "h"; }
            public Nix nix() { throw new UnsupportedOperationException(); }
            public SystemSource source() { throw new UnsupportedOperationException(); }
            public CommandRunner commands() { return runner; }
            public StorageReport storage() { throw new UnsupportedOperationException(); }
            public Path stateDir() { throw new UnsupportedOperationException(); }
            public Logger log() { return LoggerFactory.getLogger("test"); }
        };
        return new ProbeContext<>() {
            public StatvfsProbe.Settings settings() { return settings; }
            public Host host() { return host; }
            public PluginState state() { throw new UnsupportedOperationException(); }
        };
    }

    @Test
    void measuresStoreAndBootOnTheHost() {
        FakeStat stat = new FakeStat(Map.of(
                "/nix/store", ok("4096 2621440 1310720 1179648 655360 600000\n"),
                "/boot", ok("1024 524288 262144 262144 0 0\n")));
        StorageReport report = new StatvfsProbe().measure(context(new StatvfsProbe.Settings(null, "/boot"), stat));

        assertEquals(new Volume("/nix/store", 10L << 30, 1179648L * 4096, 655360, 600000), report.store());
        assertEquals(Optional.of(new Volume("/boot", 512L << 20, 256L << 20, 0, 0)), report.boot());
        Command first = stat.ran.get(0);
        assertEquals(List.of("stat", "--file-system", "--format", "%S %b %f %a %c %d", "/nix/store"), first.argv());
        assertTrue(first.onHost(), "runs through the profile's prefix, in the host's namespace");
        assertEquals(StatvfsProbe.TIMEOUT, first.timeout());
    }

    @Test
    void freeMeansAvailableToNonRoot() {
        Volume v = StatvfsProbe.parse("/", "4096 100 50 40 10 5");
        assertEquals(40 * 4096, v.freeBytes());
        assertEquals(100 * 4096, v.totalBytes());
    }

    @Test
    void noBootUnlessConfigured() {
        FakeStat stat = new FakeStat(Map.of("/srv", ok("4096 10 5 5 3 2")));
        StorageReport report = new StatvfsProbe().measure(context(new StatvfsProbe.Settings("/srv", null), stat));
        assertEquals(Optional.empty(), report.boot());
        assertEquals(1, stat.ran.size());
    }

    @Test
    void unparsableOutputIsNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StatvfsProbe.parse("/nix/store", "stat: weird\n"));
        assertTrue(e.getMessage().contains("for /nix/store: expected six numbers, got 'stat: weird'"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> StatvfsProbe.parse("/", "1 2 3 4 5 x"));
        assertThrows(IllegalStateException.class, () -> StatvfsProbe.parse("/", "1 2 3 4 5 -6"));
    }

    @Test
    void aFailedStatNamesTheCommandAndItsError() {
        CommandResult failed = new CommandResult(List.of("nsenter", "stat", "/nope"), 1, "",
                List.of("stat: cannot read file system information for '/nope': No such file or directory"),
                false, false, Duration.ZERO, Optional.empty());
        FakeStat stat = new FakeStat(Map.of("/nope", failed));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new StatvfsProbe().measure(context(new StatvfsProbe.Settings("/nope", null), stat)));
        assertTrue(e.getMessage().startsWith("cannot measure /nope: nsenter stat /nope exited with 1: stat: cannot read"),
                e.getMessage());
    }

    @Test
    void settingsDefaultAndCheckPaths() {
        assertEquals("/nix/store", new StatvfsProbe.Settings(null, null).path());
        assertThrows(IllegalArgumentException.class, () -> new StatvfsProbe.Settings("nix/store", null));
        assertThrows(IllegalArgumentException.class, () -> new StatvfsProbe.Settings("/nix/store", "boot"));
    }
}
