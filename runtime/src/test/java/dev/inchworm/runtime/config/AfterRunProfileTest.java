package dev.inchworm.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metrics:} and {@code hooks:}: what follows each run. */
class AfterRunProfileTest {

    @TempDir
    Path tmp;

    private final ProfileReader reader = new ProfileReader();

    private HostProfile read(String more) throws IOException {
        return reader.read(Files.writeString(tmp.resolve("h.yaml"),
                "host: h\nsystem: {repository: /r, expression: e.nix, attribute: system}\n" + more));
    }

    @Test
    void noneByDefault() throws IOException {
        HostProfile profile = read("");
        assertEquals(MetricsConfig.NONE, profile.metrics());
        assertEquals(HooksConfig.NONE, profile.hooks());
        assertEquals(Duration.ofMinutes(5), profile.hooks().timeout());
        assertEquals(List.of(), read("hooks: {afterRun: []}\n").hooks().afterRun());
    }

    @Test
    void theTextfileIsAPathRelativeToTheProfile() throws IOException {
        assertEquals(Optional.of(tmp.resolve("prom/inchworm.prom")),
                read("metrics: {textfile: prom/inchworm.prom}\n").metrics().textfile());
        assertEquals(Optional.of(Path.of("/var/lib/node/inchworm.prom")),
                read("metrics: {textfile: /var/lib/node/inchworm.prom}\n").metrics().textfile());
    }

    @Test
    void aHookIsAnArgumentListAndSeveralAreAListOfThem() throws IOException {
        assertEquals(List.of(List.of("/bin/notify", "--to", "admin")),
                read("hooks: {afterRun: [/bin/notify, --to, admin]}\n").hooks().afterRun());
        HooksConfig two = read("hooks: {afterRun: [[/bin/a], [/bin/b, x]], timeout: 30s}\n").hooks();
        assertEquals(List.of(List.of("/bin/a"), List.of("/bin/b", "x")), two.afterRun());
        assertEquals(Duration.ofSeconds(30), two.timeout());
    }

    @Test
    void aShellLineOrAMixIsRefusedNamingTheKey() throws IOException {
        ProfileException line = assertThrows(ProfileException.class, () -> read("hooks: {afterRun: 'notify admin'}\n"));
        assertTrue(line.getMessage().contains(":3:9: hooks.afterRun: wrong type: expected a command as a list of "
                + "strings"), line.getMessage());
        ProfileException mixed = assertThrows(ProfileException.class, () -> read("hooks: {afterRun: [[/bin/a], /bin/b]}\n"));
        assertTrue(mixed.getMessage().contains("hooks.afterRun: expected a command") && mixed.getMessage()
                .endsWith("found the string '/bin/b'"), mixed.getMessage());
        ProfileException timeout = assertThrows(ProfileException.class, () -> read("hooks: {timeout: soon}\n"));
        assertTrue(timeout.getMessage().contains("hooks.timeout: "), timeout.getMessage());
        ProfileException unknown = assertThrows(ProfileException.class, () -> read("metrics: {file: x}\n"));
        assertTrue(unknown.getMessage().contains("metrics.file: unknown key 'file'; allowed keys: textfile"),
                unknown.getMessage());
    }
}
