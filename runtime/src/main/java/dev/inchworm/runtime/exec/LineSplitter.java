package dev.inchworm.runtime.exec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into UTF-8 lines for a listener. A line longer than {@link #MAX_LINE}
 * bytes is passed on in pieces, so output without newlines needs bounded memory.
 */
final class LineSplitter {

    /** Longest piece of a line held before it is passed on. */
    static final int MAX_LINE = 64 * 1024;

    private final Consumer<String> listener;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineSplitter(Consumer<String> listener) {
        this.listener = listener;
    }

    void write(byte[] bytes, int length) {
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                line.write(bytes, start, i - start);
                emit();
                start = i + 1;
            } else if (line.size() + (i - start) >= MAX_LINE) {
                line.write(bytes, start, i - start);
                emit();
                start = i;
            }
        }
        line.write(bytes, start, length - start);
    }

    /** Passes on a last line without a newline. */
    void end() {
        if (line.size() > 0) {
            emit();
        }
    }

    private void emit() {
        int size = line.size();
        byte[] bytes = line.toByteArray();
        // A CRLF line keeps no trailing CR; progress bars' bare CRs stay inside the line.
        if (size > 0 && bytes[size - 1] == '\r') {
            size--;
        }
        line.reset();
        listener.accept(new String(bytes, 0, size, StandardCharsets.UTF_8));
    }
}
