package dev.inchworm.plugins.packagestepping.derivation;

import dev.inchworm.api.nix.derivation.Derivation;

import dev.inchworm.api.nix.StorePath;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts derivations into the store on Nix before 2.15 (no {@code nix derivation add}):
 * {@code builtins.toFile "<name>.drv" (builtins.appendContext "<aterm>" { "<ref>" = { path = true; }; ... })}
 * evaluated with {@code nix-instantiate --eval --strict --read-write-mode}. The string context
 * carries the references (input sources and input derivations), so Nix registers the file at
 * the text path Java computes; Nix parses a {@code .drv} it registers and rejects wrong output
 * paths. The expression is ISO-8859-1 text (a {@code .drv} may hold any byte): give Nix its
 * {@link #bytes bytes} in a file or on standard input ({@code -}), not as an argument.
 */
public final class DerivationAdd {

    private static final Pattern QUOTED_PATH = Pattern.compile("\"(/nix/store/[^\"]+)\"");

    private DerivationAdd() {
    }

    /** The expression adding one derivation; it evaluates to the {@code .drv} path. */
    public static String expression(String name, String aterm, Collection<StorePath> references) {
        StringBuilder nix = new StringBuilder("builtins.toFile ");
        nix.append(quote(name + ".drv")).append(" (builtins.appendContext ").append(quote(aterm)).append(" {");
        for (StorePath reference : new TreeSet<>(references)) {
            nix.append(' ').append(quote(reference.path())).append(" = { path = true; };");
        }
        return nix.append(" })").toString();
    }

    /** The expression adding one derivation. */
    public static String expression(Derivation drv) {
        return expression(drv.name(), drv.aterm(), drv.references());
    }

    /**
     * The expression adding derivations in order (inputs before the derivations using them):
     * a list of their paths. Each element is forced after the previous one ({@code seq}), so a
     * derivation may reference one added before it in the same expression.
     */
    public static String expression(List<Derivation> inOrder) {
        StringBuilder nix = new StringBuilder("let\n");
        for (int i = 0; i < inOrder.size(); i++) {
            nix.append("  d").append(i).append(" = ");
            if (i > 0) {
                nix.append("builtins.seq d").append(i - 1).append(" (");
            }
            nix.append(expression(inOrder.get(i)));
            nix.append(i > 0 ? ");\n" : ";\n");
        }
        nix.append("in [");
        for (int i = 0; i < inOrder.size(); i++) {
            nix.append(" d").append(i);
        }
        return nix.append(" ]\n").toString();
    }

    /** The expression as the bytes Nix must read. */
    public static byte[] bytes(String expression) {
        return expression.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The {@code nix-instantiate} arguments that evaluate an expression file (or {@code -} for standard input). */
    public static List<String> command(String expressionFile) {
        return List.of("nix-instantiate", "--eval", "--strict", "--read-write-mode", expressionFile);
    }

    /** The store paths in the printed result: one quoted path, or a list of them. */
    public static List<StorePath> parseResult(String stdout) {
        List<StorePath> paths = new ArrayList<>();
        Matcher m = QUOTED_PATH.matcher(stdout);
        while (m.find()) {
            paths.add(new StorePath(m.group(1)));
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("no store path in nix-instantiate's output: '" + stdout.strip() + "'");
        }
        return paths;
    }

    /** A Nix string literal holding any text: quotes, backslashes, dollars and control characters escaped. */
    public static String quote(String text) {
        StringBuilder s = new StringBuilder(text.length() + 16).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '$' -> s.append("\\$");
                case '\n' -> s.append("\\n");
                // A raw CR would be normalised to LF by Nix's lexer.
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> s.append(c);
            }
        }
        return s.append('"').toString();
    }
}
