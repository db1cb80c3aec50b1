package dev.inchworm.runtime.exec;

import dev.inchworm.api.host.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** Standard output handed to the command's own reader; the rest drained after it returns. */
final class StreamedStdout {
    private final Command.StdoutReader reader;
    private volatile Throwable failure;

    StreamedStdout(Command.StdoutReader reader) {
        this.reader = reader;
    }

    Thread start(InputStream in, String name) {
        Thread thread = new Thread(() -> {
            try (in) {
                try {
                    reader.read(in);
                } catch (Throwable e) { // NOPMD: an Error too is the caller's, rethrown on its thread
                    failure = e;
                }
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                // The stream closes when the process is killed.
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    void rethrow(List<String> argv) {
        Throwable e = failure;
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
        if (e != null) {
            throw new UncheckedIOException("cannot read the output of " + argv + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }
}
