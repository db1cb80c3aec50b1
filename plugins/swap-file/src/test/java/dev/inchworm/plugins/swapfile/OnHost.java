package dev.inchworm.plugins.swapfile;

import dev.inchworm.api.host.PluginState;
import dev.inchworm.runtime.engine.BasicContext;
import dev.inchworm.runtime.engine.MemoryPluginState;
import dev.inchworm.runtime.engine.RuntimeHost;
import dev.inchworm.runtime.exec.ProcessRunner;
import dev.inchworm.testkit.SandboxHost;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** Real contexts for a sandbox host: the runtime's process runner with the host's prefix. */
final class OnHost {

    private OnHost() {
    }

    static BasicContext<SwapFile.Settings> context(SandboxHost host, SwapFile.Settings settings, PluginState state) {
        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.putAll(host.nixEnvironment());
        ProcessRunner runner = new ProcessRunner(host.prefix(), environment, host.stateDir().resolve("logs"),
                ProcessRunner.DEFAULT_STDOUT_BOUND, ProcessRunner.DEFAULT_TAIL_LINES);
        RuntimeHost runtimeHost = new RuntimeHost(host.name(), null, null, runner,
                () -> { throw new UnsupportedOperationException("no probe in this test"); },
                host.stateDir(), "swap-file", LoggerFactory.getLogger("swap-file"));
        return new BasicContext<>(settings, runtimeHost, state);
    }

    static BasicContext<SwapFile.Settings> context(SandboxHost host, SwapFile.Settings settings) {
        return context(host, settings, new MemoryPluginState());
    }
}
