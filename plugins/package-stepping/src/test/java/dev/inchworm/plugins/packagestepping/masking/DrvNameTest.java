package dev.inchworm.plugins.packagestepping.masking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inchworm.plugins.packagestepping.Sandbox;
import dev.inchworm.plugins.packagestepping.GeneratedDerivations;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Name/version splitting and version order agree with real Nix's builtins. */
class DrvNameTest {

    static final List<String> NAMES = List.of("hello-2.12.1", "xorg-server-21.1.4", "foo", "foo-bar",
            "foo-bar-1.0-rc1", "perl5.36.0-XML-Parser-2.46", "python3.11-requests-2.31.0", "nixos-system-test",
            "unit-foo.service", "a-1b", "-1", "foo-", "linux-6.1.0-rt", "etc", "system-path", "tool-1.0-man",
            "glibc-2.37-8", "source", "hook-", "x-Y-2");

    static final String[][] VERSIONS = {
        {"1.0", "1.0.1"}, {"2.3a", "2.3.1"}, {"1.0pre1", "1.0"}, {"1.0", "1.0pre"}, {"5.10", "5.9"},
        {"1.0-rc1", "1.0"}, {"abc", "abd"}, {"", "1"}, {"1.0.0", "1.0"}, {"20230101", "9"},
        {"3000000000", "4"}, {"99999999999999999999", "1"}, {"2.12.1", "2.12.1"}, {"1.2-3", "1.2.3"},
        {"alpha", "1"}, {"pre", "pre"}, {"1a", "1b"}, {"0.9", "0.10"},
    };

    @Test
    void agreesWithNixBuiltins() {
        StringBuilder nix = new StringBuilder("builtins.toJSON { names = map builtins.parseDrvName [");
        NAMES.forEach(n -> nix.append(' ').append(GeneratedDerivations.quote(n)));
        nix.append(" ]; versions = map (p: builtins.compareVersions (builtins.elemAt p 0) (builtins.elemAt p 1)) [");
        for (String[] pair : VERSIONS) {
            nix.append(" [ ").append(GeneratedDerivations.quote(pair[0])).append(' ')
                    .append(GeneratedDerivations.quote(pair[1])).append(" ]");
        }
        nix.append(" ]; }");
        String nixJson;
        try (Sandbox sandbox = Sandbox.start(16)) {
            String out = sandbox.check("nix-instantiate", "--eval", "--strict", "-E", nix.toString()).stdout().strip();
            // --eval prints the JSON as a Nix string: unquote it.
            nixJson = out.substring(1, out.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        StringBuilder java = new StringBuilder("{\"names\":[");
        List<String> parts = new ArrayList<>();
        for (String name : NAMES) {
            DrvName parsed = DrvName.parse(name);
            parts.add("{\"name\":" + json(parsed.name()) + ",\"version\":" + json(parsed.version()) + "}");
        }
        java.append(String.join(",", parts)).append("],\"versions\":[");
        parts.clear();
        for (String[] pair : VERSIONS) {
            parts.add(Integer.toString(DrvName.compareVersions(pair[0], pair[1])));
        }
        java.append(String.join(",", parts)).append("]}");
        assertEquals(nixJson, java.toString());
    }

    @Test
    void fullNameRoundTrips() {
        for (String name : NAMES) {
            if (!name.endsWith("-")) {
                assertEquals(name, DrvName.parse(name).fullName());
            }
        }
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
