package dev.inchworm.runtime.nix;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NixStringTest {

    @Test
    void nixStringEscapesWhatNixInterprets() {
        assertEquals("\"a\\\"b\\\\c\\${d} $e\\n\"", NixCli.nixString("a\"b\\c${d} $e\n"));
    }

    @Test
    void argumentsAreArgstrForStringsAndArgOtherwise() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("name", "host 1");
        values.put("small", true);
        values.put("size", 3);
        values.put("none", null);

        assertEquals(List.of("--argstr", "name", "host 1", "--arg", "none", "null", "--arg", "size", "3",
                "--arg", "small", "true"), GitSource.arguments(values));
        assertThrows(IllegalArgumentException.class, () -> GitSource.arguments(Map.of("list", List.of(1))));
    }
}
