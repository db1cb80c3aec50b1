package dev.inchworm.runtime.cli;

import dev.inchworm.runtime.engine.PluginCalls;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/** The entry point of the launcher. The only place that calls {@code System.exit}. */
public final class Main {

    private static volatile boolean finished;

    private Main() {
    }

    public static void main(String[] args) {
        Runtime.getRuntime().addShutdownHook(new Thread(Main::onShutdown, "inchworm-exit-guard"));
        CliEnvironment environment = CliEnvironment.ofProcess(HostCommands::forProfile);
        if (environment.journal()) {
            // Before anything logs: slf4j-simple and the crash hook write to System.err.
            System.setErr(new PrintStream(new PriorityLines(new FileOutputStream(FileDescriptor.err)), true,
                    StandardCharsets.UTF_8));
        }
        int code = InchwormCommand.commandLine(environment).execute(args);
        finished = true;
        System.exit(code);
    }

    /**
     * Runs on every exit. When {@code main} did not finish and a thread other than the JVM's
     * signal handler called {@code System.exit} (a plugin, or a thread a plugin started), the
     * exit can never look like success: says so and halts with {@link ExitCode#PLUGIN_EXIT}.
     * The plugin call it ended stays named in the state folder for the next run's take-over.
     * A kill (SIGTERM) and {@code Runtime.halt} are left as they are: the latter cannot be caught.
     */
    private static void onShutdown() {
        if (finished) {
            return;
        }
        exitingThread(Thread.getAllStackTraces()).ifPresent(thread -> {
            System.err.println("inchworm: the command did not finish: System.exit was called by thread '" + thread
                    + "'" + (thread.startsWith(PluginCalls.THREAD_PREFIX) ? " (plugin "
                    + thread.substring(PluginCalls.THREAD_PREFIX.length()) + ")" : "")
                    + "; an interrupted run is taken over by the next 'inchworm upgrade' or 'inchworm rollback' (exit "
                    + ExitCode.PLUGIN_EXIT.code() + ")");
            System.err.flush();
            Runtime.getRuntime().halt(ExitCode.PLUGIN_EXIT.code());
        });
    }

    /** The thread that called {@code Runtime.exit} (so {@code System.exit}), if one did. */
    static Optional<String> exitingThread(Map<Thread, StackTraceElement[]> stacks) {
        return stacks.entrySet().stream()
                .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().equals("java.lang.Runtime")
                        && f.getMethodName().equals("exit")))
                .map(e -> e.getKey().getName())
                .findFirst();
    }
}
