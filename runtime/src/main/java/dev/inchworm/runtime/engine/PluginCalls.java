package dev.inchworm.runtime.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every call into a plugin, in one place: on a thread of its own (named
 * {@code inchworm-plugin-ID}), bounded by {@code timeouts.pluginCall}, with a stack overflow,
 * out of memory, a class that fails to link or a failed assertion turned into a failed call. While a call runs, {@code <stateDir>/plugin-call} names it: a
 * process that ends inside a plugin call ({@code System.exit}, {@code Runtime.halt}, a kill)
 * leaves the file behind, and the next run says which plugin it was (docs/reliability.md).
 */
public final class PluginCalls {

    /** The file naming the plugin call in progress. */
    public static final String MARKER = "plugin-call";
    /** The prefix of the threads plugin calls run on. */
    public static final String THREAD_PREFIX = "inchworm-plugin-";

    private final Path stateDir;
    private final Duration timeout;

    public PluginCalls(Path stateDir, Duration timeout) {
        this.stateDir = stateDir;
        this.timeout = timeout;
    }

    /** The call a previous process left unfinished, as the marker names it ({@code point 'id' what}). */
    public static Optional<String> leftOver(Path stateDir) {
        Path marker = stateDir.resolve(MARKER);
        try {
            if (!Files.isRegularFile(marker)) {
                return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(marker);
            String text = new String(bytes, 0, Math.min(bytes.length, 500), StandardCharsets.UTF_8).strip();
            return Optional.of(text);
        } catch (IOException e) {
            return Optional.of("(unreadable " + marker + ": " + e.getMessage() + ")");
        }
    }

    /** Forgets a left-over marker (after the take-over noted it). */
    public static void clearLeftOver(Path stateDir) {
        try {
            Files.deleteIfExists(stateDir.resolve(MARKER));
        } catch (IOException e) {
            // It is named again next time: harmless.
        }
    }

    /**
     * Calls {@code body} for the extension {@code id} of {@code point}. A RuntimeException
     * from the plugin is rethrown as it is.
     *
     * @throws PluginCallFailed for an Error thrown by the plugin, or a call past the timeout
     */
    public <R> R call(String point, String id, String what, Callable<R> body) {
        String name = point + " '" + id + "' (" + what + ")";
        FutureTask<R> task = new FutureTask<>(body);
        Thread thread = new Thread(task, THREAD_PREFIX + id);
        thread.setDaemon(true);
        boolean marked = mark(name);
        thread.start();
        try {
            return task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new PluginCallFailed(name + " did not return within " + show(timeout)
                    + " (timeouts.pluginCall); its thread was interrupted and left behind", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.interrupt();
            throw new PluginCallFailed("interrupted while waiting for " + name, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof VirtualMachineError || cause instanceof LinkageError || cause instanceof AssertionError
                    || cause instanceof Exception) {
                throw new PluginCallFailed(name + " threw " + cause, cause);
            }
            // Any other Error is the process ending (the test kit's simulated crash among them):
            // it ends the command as it would have without this thread.
            throw (Error) cause;
        } finally {
            if (marked) {
                clearLeftOver(stateDir);
            }
        }
    }

    private boolean mark(String name) {
        try {
            Files.createDirectories(stateDir);
            Files.writeString(stateDir.resolve(MARKER), name + " since " + Instant.now() + "\n");
            return true;
        } catch (IOException e) {
            return false; // a full disk: the call runs unnamed rather than not at all
        }
    }

    private static String show(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
