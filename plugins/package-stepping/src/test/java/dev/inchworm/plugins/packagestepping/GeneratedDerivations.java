package dev.inchworm.plugins.packagestepping;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A Nix expression of many varied derivations, for checking Java against real Nix: single and
 * multiple outputs, fixed outputs (flat and recursive; md5, sha1, sha256, sha512; hashes given
 * in base16, base32 and SRI; twins with equal output paths), dependency chains hundreds deep,
 * diamonds, references to non-default outputs and to {@code drvPath}, text files and local
 * files as input sources, structured attributes, and environments with quotes, backslashes,
 * control characters, dollars and non-ASCII text. Deterministic for a seed.
 */
public final class GeneratedDerivations {

    private static final String NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-._?=";
    private static final String[] TEXTS = {
        "plain", "", "with \"quotes\" and \\backslashes\\", "line1\nline2\n", "tab\there", "cr\rlf\r\n",
        "dollar $HOME and ${'$'}{not interpolated}", "räksmörgås", "肥猪 こんにちは", "🌮 taco", "a=b;c\"d'e`f",
        "\\n literally", "x".repeat(300),
    };
    private static final String[][] ALGOS = {{"md5", "16"}, {"sha1", "20"}, {"sha256", "32"}, {"sha512", "64"}};

    private GeneratedDerivations() {
    }

    /**
     * The expression: a list of {@code count} derivations (and a few twins).
     *
     * @param localFile a file the expression copies into the store as a source (absolute path)
     */
    public static String expression(int count, long seed, String localFile) {
        Random random = new Random(seed);
        StringBuilder nix = new StringBuilder("let\n");
        nix.append("  src = builtins.toFile \"generated-src.sh\" \"echo generated\\n\";\n");
        List<List<String>> outputs = new ArrayList<>();
        List<Boolean> fixed = new ArrayList<>();
        List<Integer> leaves = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int shape = random.nextInt(100);
            boolean isFixed = shape < 12;
            boolean isMulti = !isFixed && shape < 30;
            boolean structured = !isFixed && shape >= 30 && shape < 36;
            fixed.add(isFixed);
            List<String> chosen = List.of("out");
            if (isMulti) {
                List<String> outs = new ArrayList<>(List.of("dev", "lib", "bin", "man"));
                java.util.Collections.shuffle(outs, random);
                List<String> picked = new ArrayList<>(outs.subList(0, 1 + random.nextInt(3)));
                picked.add("out");
                java.util.Collections.shuffle(picked, random);
                chosen = picked;
            }
            outputs.add(chosen);
            nix.append("  d").append(i).append(" = derivation {\n");
            nix.append("    name = ").append(quote(name(random, i))).append(";\n");
            nix.append("    system = ").append(random.nextInt(10) == 0 ? "\"aarch64-linux\"" : "\"x86_64-linux\"").append(";\n");
            if (structured) {
                nix.append("    __structuredAttrs = true;\n");
                nix.append("    nested = { list = [ 1 2 \"three\" ]; flag = true; text = ").append(quote(text(random))).append("; };\n");
            }
            List<String> refs = new ArrayList<>();
            if (i > 0) {
                // Chains (the previous one), near neighbours and far ones: deep and wide at once.
                int deps = random.nextInt(4);
                if (random.nextInt(3) > 0) {
                    refs.add(reference(i - 1, outputs, random));
                }
                for (int k = 0; k < deps; k++) {
                    refs.add(reference(random.nextInt(i), outputs, random));
                }
            }
            if (refs.isEmpty() && !isFixed) {
                leaves.add(i);
            }
            int builder = random.nextInt(10);
            if (builder == 0 && !refs.isEmpty()) {
                nix.append("    builder = \"").append(refs.get(0)).append("/bin/build\";\n");
            } else {
                nix.append("    builder = \"/bin/sh\";\n");
            }
            nix.append("    args = [ \"-c\" ").append(quote(text(random)));
            for (String ref : refs) {
                nix.append(" \"").append(ref).append("/lib\"");
            }
            nix.append(" ];\n");
            if (!refs.isEmpty()) {
                nix.append("    deps = \"").append(String.join(":", refs)).append("\";\n");
            }
            int extras = random.nextInt(4);
            for (int k = 0; k < extras; k++) {
                nix.append("    ").append(quote("v" + k + text(random).replace('\n', ' ').strip()))
                        .append(" = ").append(quote(text(random))).append(";\n");
            }
            switch (random.nextInt(6)) {
                case 0 -> nix.append("    preferLocalBuild = true;\n    allowSubstitutes = false;\n");
                case 1 -> nix.append("    count = ").append(random.nextInt(1000)).append(";\n    empty = null;\n");
                case 2 -> nix.append("    script = src;\n");
                case 3 -> nix.append("    data = ").append(localFile).append(";\n");
                case 4 -> {
                    // A drvPath brings its whole closure in as inputs: only leaves, to stay small.
                    if (!leaves.isEmpty()) {
                        nix.append("    recipe = d").append(leaves.get(random.nextInt(leaves.size()))).append(".drvPath;\n");
                    }
                }
                default -> nix.append("    words = [ \"a\" \"b c\" ").append(quote(text(random))).append(" ];\n");
            }
            if (isMulti) {
                nix.append("    outputs = [ ");
                chosen.forEach(o -> nix.append('"').append(o).append("\" "));
                nix.append("];\n");
            }
            if (isFixed) {
                String[] algo = ALGOS[random.nextInt(ALGOS.length)];
                byte[] hash = new byte[Integer.parseInt(algo[1])];
                random.nextBytes(hash);
                nix.append("    outputHashAlgo = \"").append(algo[0]).append("\";\n");
                nix.append("    outputHashMode = \"").append(random.nextBoolean() ? "recursive" : "flat").append("\";\n");
                nix.append("    outputHash = \"").append(hashText(algo[0], hash, random.nextInt(3))).append("\";\n");
            }
            nix.append("  };\n");
        }
        // Twins: fixed-output derivations with another recipe but the same name and hash have
        // the same output path, so their modulo hashes merge in a dependent's inputs.
        nix.append("  twinA = derivation { name = \"twin\"; system = \"x86_64-linux\"; builder = \"/bin/sh\"; args = [ \"a\" ];"
                + " outputHashMode = \"flat\"; outputHashAlgo = \"sha256\";"
                + " outputHash = \"0000000000000000000000000000000000000000000000000000000000000000\"; };\n");
        nix.append("  twinB = derivation { name = \"twin\"; system = \"x86_64-linux\"; builder = \"/bin/sh\"; args = [ \"b\" ];"
                + " outputHashMode = \"flat\"; outputHashAlgo = \"sha256\";"
                + " outputHash = \"0000000000000000000000000000000000000000000000000000000000000000\"; };\n");
        nix.append("  twins = derivation { name = \"uses-twins\"; system = \"x86_64-linux\"; builder = \"/bin/sh\";"
                + " a = twinA; b = twinB; };\n");
        nix.append("in [ twins");
        for (int i = 0; i < count; i++) {
            nix.append(" d").append(i);
        }
        nix.append(" ]\n");
        return nix.toString();
    }

    private static String reference(int dep, List<List<String>> outputs, Random random) {
        List<String> outs = outputs.get(dep);
        if (outs.size() > 1 && random.nextBoolean()) {
            // Any output, often not the default (first) one.
            return "${d" + dep + "." + outs.get(random.nextInt(outs.size())) + "}";
        }
        return "${d" + dep + "}";
    }

    private static String name(Random random, int i) {
        StringBuilder name = new StringBuilder(random.nextInt(5) == 0 ? "lib" : "p");
        name.append(i);
        int extra = random.nextInt(6);
        for (int k = 0; k < extra; k++) {
            name.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
        }
        if (random.nextBoolean()) {
            name.append('-').append(random.nextInt(20)).append('.').append(random.nextInt(10));
        }
        return name.toString();
    }

    private static String text(Random random) {
        return TEXTS[random.nextInt(TEXTS.length)];
    }

    private static String hashText(String algo, byte[] hash, int form) {
        return switch (form) {
            case 0 -> java.util.HexFormat.of().formatHex(hash);
            case 1 -> dev.inchworm.api.nix.derivation.NixBase32.encode(hash);
            default -> algo + "-" + java.util.Base64.getEncoder().encodeToString(hash);
        };
    }

    /** A Nix string literal for any text: the same quoting the drvs Inchworm adds to the store use. */
    public static String quote(String text) {
        return dev.inchworm.plugins.packagestepping.derivation.DerivationAdd.quote(text);
    }
}
