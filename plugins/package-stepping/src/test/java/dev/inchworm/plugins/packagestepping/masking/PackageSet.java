package dev.inchworm.plugins.packagestepping.masking;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.plugins.packagestepping.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scenarios over the plain-Nix package set in {@code src/test/resources/packageset}: an old
 * and a new revision, and overlays (the new revision's system with chosen packages taken from
 * the old revision), instantiated by real Nix in a sandbox.
 */
final class PackageSet {

    /** One revision: versions, the system's packages, and the tool's outputs. */
    record Revision(Map<String, String> versions, List<String> names, List<String> toolOutputs) {

        static Revision base() {
            Map<String, String> v = new TreeMap<>(Map.of("libfoo", "1.0", "appA", "1.0", "appB", "1.0",
                    "leaf1", "1.0", "leaf2", "2.0", "leaf3", "3.0", "tool", "1.0", "kernel", "5.10",
                    "oldpkg", "0.9", "newpkg", "0.1"));
            return new Revision(v, List.of("libfoo", "appA", "appB", "leaf1", "leaf2", "leaf3", "tool", "oldpkg"),
                    List.of("out", "bin", "man"));
        }

        Revision bump(String pkg, String version) {
            Map<String, String> v = new TreeMap<>(versions);
            v.put(pkg, version);
            return new Revision(v, names, toolOutputs);
        }

        Revision withNames(List<String> newNames) {
            return new Revision(versions, newNames, toolOutputs);
        }

        Revision withToolOutputs(List<String> outputs) {
            return new Revision(versions, names, outputs);
        }

        String nix(String packagesFile) {
            StringBuilder s = new StringBuilder("import ").append(packagesFile).append(" { v = {");
            versions.forEach((k, val) -> s.append(' ').append(k).append(" = \"").append(val).append("\";"));
            s.append(" }; names = [");
            names.forEach(n -> s.append(" \"").append(n).append('"'));
            s.append(" ]; toolOutputs = [");
            toolOutputs.forEach(n -> s.append(" \"").append(n).append('"'));
            return s.append(" ]; }").toString();
        }
    }

    private final Sandbox sandbox;
    private final String packages;
    private final String system;
    private int scenarios;

    PackageSet(Sandbox sandbox) {
        this.sandbox = sandbox;
        this.packages = sandbox.write("packages.nix", resource("packages.nix")).toString();
        this.system = sandbox.write("system.nix", resource("system.nix")).toString();
    }

    /**
     * Instantiates the old and new systems and the overlays, in that order.
     *
     * @param overlays name to the packages taken from the old revision
     * @return attribute name ({@code old}, {@code new}, overlay names) to toplevel {@code .drv}
     */
    Map<String, StorePath> instantiate(Revision old, Revision neu, Map<String, List<String>> overlays) {
        StringBuilder nix = new StringBuilder("let\n");
        nix.append("  old = ").append(old.nix(packages)).append(";\n");
        nix.append("  new = ").append(neu.nix(packages)).append(";\n");
        nix.append("  system = import ").append(system).append(";\n");
        nix.append("  take = ns: new // builtins.listToAttrs (map (n: { name = n; value = old.${n}; }) ns);\n");
        nix.append("in {\n  old = system old;\n  new = system new;\n");
        overlays.forEach((name, taken) -> {
            nix.append("  ").append(name).append(" = system (take [");
            taken.forEach(t -> nix.append(" \"").append(t).append('"'));
            nix.append(" ]);\n");
        });
        nix.append("}\n");
        String file = sandbox.write("scenario-" + (++scenarios) + ".nix", nix.toString()).toString();
        List<String> attrs = new ArrayList<>(List.of("old", "new"));
        attrs.addAll(overlays.keySet());
        List<String> command = new ArrayList<>(List.of("nix-instantiate", file));
        attrs.forEach(a -> command.addAll(List.of("-A", a)));
        List<String> lines = sandbox.run(command).check().stdout().lines().toList();
        if (lines.size() != attrs.size()) {
            throw new IllegalStateException("expected " + attrs.size() + " paths, got " + lines);
        }
        Map<String, StorePath> toplevels = new LinkedHashMap<>();
        for (int i = 0; i < attrs.size(); i++) {
            toplevels.put(attrs.get(i), new StorePath(lines.get(i).strip()));
        }
        return toplevels;
    }

    private static byte[] resource(String name) {
        try (InputStream in = PackageSet.class.getResourceAsStream("/packageset/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
