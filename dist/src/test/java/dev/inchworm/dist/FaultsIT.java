package dev.inchworm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Faults a new user meets before any run starts, through the assembled CLI: each is a clear
 * one-line error with a documented exit code, never a stack trace (docs/reliability.md).
 */
class FaultsIT {

    @TempDir
    Path tmp;

    Path profile(String nixBlock) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Path file = tmp.resolve("host.yaml");
        Files.writeString(file, "host: faults\n"
                + "stateDir: " + tmp.resolve("state") + "\n"
                + "system: {repository: " + repo + ", expression: default.nix, attribute: system}\n"
                + nixBlock);
        return file;
    }

    static void assertClear(Dist.Result r, int code, String... words) {
        assertEquals(code, r.code(), r.out() + r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("internal error"), "no stack trace: " + r.err());
        for (String word : words) {
            assertTrue(r.err().contains(word), "'" + word + "' in: " + r.err());
        }
    }

    @ParameterizedTest(name = "{0} with nix.prefix {1}")
    @CsvSource(delimiter = '|', value = {
        "status  | [/no/such/nsenter]",
        "plan    | [/no/such/nsenter]",
        "upgrade | [/no/such/nsenter]",
        "status  | [nsenter, -t, '999999', -m, --]",
        "plan    | [nsenter, -t, '999999', -m, --]",
        "upgrade | [nsenter, -t, '999999', -m, --]",
        "status  | [env, PATH=/nonexistent]",
        "plan    | [env, PATH=/nonexistent]",
        "upgrade | [env, PATH=/nonexistent]"})
    void nixThatCannotBeStartedIsExit2NamingThePrefix(String command, String prefix) throws Exception {
        Path file = profile("nix: {prefix: " + prefix + "}\n");
        Dist.Result r = Dist.run(tmp, command, "--profile", file.toString());
        assertClear(r, 2, "Nix cannot be run on the host", "nix.prefix");
    }
}
