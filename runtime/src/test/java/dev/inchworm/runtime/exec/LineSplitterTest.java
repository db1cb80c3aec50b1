package dev.inchworm.runtime.exec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LineSplitterTest {

    @Test
    void splitsAcrossWritesAndKeepsTheLastLine() {
        List<String> lines = new ArrayList<>();
        LineSplitter splitter = new LineSplitter(lines::add);
        byte[] a = "one\ntw".getBytes(StandardCharsets.UTF_8);
        byte[] b = "o\r\nthree".getBytes(StandardCharsets.UTF_8);

        splitter.write(a, a.length);
        splitter.write(b, b.length);
        splitter.end();

        assertEquals(List.of("one", "two", "three"), lines);
    }

    @Test
    void longLinesArriveInPieces() {
        List<String> lines = new ArrayList<>();
        LineSplitter splitter = new LineSplitter(lines::add);
        byte[] big = "x".repeat(LineSplitter.MAX_LINE * 2 + 10).getBytes(StandardCharsets.UTF_8);

        splitter.write(big, big.length);
        splitter.end();

        assertEquals(List.of(LineSplitter.MAX_LINE, LineSplitter.MAX_LINE, 10),
                lines.stream().map(String::length).toList());
    }
}
