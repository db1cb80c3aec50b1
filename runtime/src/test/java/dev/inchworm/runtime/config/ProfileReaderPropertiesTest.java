package dev.inchworm.runtime.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The profile reader, given any file content (YAML and JSON): a profile, or a
 * {@link ProfileException} naming the file; never another exception.
 */
class ProfileReaderPropertiesTest {

    private static final List<String> FRAGMENTS = List.of(
            "host: h\n", "system: {repository: /r, expression: default.nix, attribute: system}\n", "system:\n",
            "  repository: ", "/r\n", "nix: {prefix: [nsenter, -t, '1', -m]}\n", "nix:\n  options: {max-jobs: 1}\n",
            "stateDir: ", "\"\"\n", "pluginsDir: ", "timeouts: {build: 6h, pluginCall: ", "90s}\n", "-1}\n", "x}\n",
            "engine: {reserve: ", "32MiB}\n", "lots}\n", "strategies: [", "full-rebuild", "{id: gc}", "]\n",
            "reclaimers: [gc, ", "probe: {id: statvfs, settings: {path: /}}\n", "switch: reboot\n", "&a ", "*a\n",
            "!!binary AAAA\n", "? \n", "- \n", ": \n", "{", "}", "[", "]", "\t", "'", "\"", "\u0000", "\ufeff", "#\n",
            "{\"host\": \"h\"", ", \"system\": null", "}\n", "99999999999999999999999\n", "~\n");

    @Provide
    Arbitrary<String> content() {
        Arbitrary<String> nearMiss = Arbitraries.of(FRAGMENTS).list().ofMaxSize(14).map(l -> String.join("", l));
        return Arbitraries.oneOf(nearMiss, Arbitraries.strings().ofMaxLength(300));
    }

    @Property(tries = 500)
    void anyYamlIsAProfileOrAnErrorNamingTheFile(@ForAll("content") String content) throws IOException {
        readOrClearError(content, ".yaml");
    }

    @Property(tries = 500)
    void anyJsonIsAProfileOrAnErrorNamingTheFile(@ForAll("content") String content) throws IOException {
        readOrClearError(content, ".json");
    }

    private static void readOrClearError(String content, String suffix) throws IOException {
        Path file = Files.createTempFile("profile", suffix);
        try {
            Files.writeString(file, content);
            try {
                new ProfileReader().read(file);
            } catch (ProfileException e) {
                if (!e.getMessage().contains(file.toString())) {
                    throw new AssertionError("the error does not name the file: " + e.getMessage(), e);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
