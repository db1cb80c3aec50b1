package dev.inchworm.runtime.exec;

import java.util.List;
import java.util.function.Consumer;

/** Standard error: lines to the listener, the last few kept. */
final class StderrSink implements Sink {
    private final LineSplitter lines;
    private final java.util.ArrayDeque<String> tail = new java.util.ArrayDeque<>();

    StderrSink(int tailLines, Consumer<String> listener) {
        this.lines = new LineSplitter(line -> {
            listener.accept(line);
            synchronized (tail) {
                if (tail.size() == tailLines) {
                    tail.removeFirst();
                }
                tail.addLast(line);
            }
        });
    }

    @Override
    public void write(byte[] bytes, int length) {
        lines.write(bytes, length);
    }

    @Override
    public void end() {
        lines.end();
    }

    List<String> tail() {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }
}
