package dev.inchworm.runtime.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The process's {@code System.err} under journald: gives a priority to the lines written there
 * without one, which are slf4j-simple's ({@code [WARN] name - message}) with their stack traces,
 * and the crash hook's. Lines {@link Stderr} wrote already carry theirs and pass as they are.
 */
final class PriorityLines extends OutputStream {

    private final OutputStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private Priority last = Priority.INFO;

    PriorityLines(OutputStream target) {
        this.target = target;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        line.write(b);
        if (b == '\n') {
            emit();
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            write(bytes[i]);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        target.flush();
    }

    private void emit() throws IOException {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        target.write(prefixed(text).getBytes(StandardCharsets.UTF_8));
        target.flush();
    }

    /** The line with a priority: its own, slf4j's level, or the line before's for a stack trace. */
    String prefixed(String text) {
        if (text.length() > 2 && text.charAt(0) == '<' && Character.isDigit(text.charAt(1)) && text.charAt(2) == '>') {
            return text;
        }
        if (text.startsWith("[ERROR]")) {
            last = Priority.ERROR;
        } else if (text.startsWith("[WARN]")) {
            last = Priority.WARNING;
        } else if (!(text.startsWith("\t") || text.startsWith(" ") || text.startsWith("Caused by:"))) {
            last = Priority.INFO;
        }
        return last.prefix() + text;
    }
}
