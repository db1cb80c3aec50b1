package dev.inchworm.plugins.journaldtrim;

import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.reclaim.ReclaimContext;
import dev.inchworm.runtime.engine.MemoryPluginState;
import dev.inchworm.runtime.engine.RuntimeHost;
import dev.inchworm.runtime.exec.ProcessRunner;
import dev.inchworm.testkit.SandboxHost;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;

/** Real contexts for a sandbox host: the runtime's process runner with the host's prefix. */
final class OnHost {

    record Context(JournaldTrim.Settings settings, Host host, PluginState state, Set<Integer> protectedGenerations)
            implements ReclaimContext<JournaldTrim.Settings> {
    }

    private OnHost() {
    }

    static Context context(SandboxHost host, JournaldTrim.Settings settings) {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(host.nixEnvironment());
        ProcessRunner runner = new ProcessRunner(host.prefix(), environment, host.stateDir().resolve("logs"),
                ProcessRunner.DEFAULT_STDOUT_BOUND, ProcessRunner.DEFAULT_TAIL_LINES);
        RuntimeHost runtimeHost = new RuntimeHost(host.name(), null, null, runner,
                () -> { throw new UnsupportedOperationException("no probe in this test"); },
                host.stateDir(), "journald-trim", LoggerFactory.getLogger("journald-trim"));
        return new Context(settings, runtimeHost, new MemoryPluginState(), Set.of());
    }
}
