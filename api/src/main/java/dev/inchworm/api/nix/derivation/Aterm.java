package dev.inchworm.api.nix.derivation;

import dev.inchworm.api.Api;
import dev.inchworm.api.nix.StorePath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The ATerm form of a derivation, read and written as Nix 2.8's {@code parseDerivation} and
 * {@code Derivation::unparse} do. Characters are bytes (ISO-8859-1). Lists that Nix keeps in
 * sets or maps come out sorted, so a file Nix wrote prints back byte for byte.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.1")
public final class Aterm {

    private final String name;
    private final String text;
    private final Function<String, StorePath> paths;
    private int at;

    private Aterm(String name, String text, Function<String, StorePath> paths) {
        this.name = name;
        this.text = text;
        this.paths = paths;
    }

    /** Parses a derivation; {@code name} is its name (the file name without {@code .drv}). */
    public static Derivation parse(String name, String text) {
        return new Aterm(name, text, StorePath::new).derivation();
    }

    /**
     * Parses a derivation, making its store paths with {@code paths} (an interner, so that a
     * path named by many derivations is one object). Output names, platform and builder are
     * interned as strings.
     */
    public static Derivation parse(String name, String text, Function<String, StorePath> paths) {
        return new Aterm(name, text, paths).derivation();
    }

    /**
     * The output paths of a derivation, read from its first list only (the rest of the text is
     * not parsed: a backend that streams many {@code .drv} files keeps just these, cheaply).
     * Empty when an output's path is not fixed (floating content-addressed: Nix knows it only
     * once built).
     *
     * @throws IllegalArgumentException when the text does not start as a derivation does
     */
    public static java.util.Optional<List<StorePath>> outputPaths(String text, Function<String, StorePath> paths) {
        return new Aterm("", text, paths).outputs();
    }

    /**
     * Prints a derivation. {@code maskOutputs} blanks the output paths and the environment
     * variables named after outputs; {@code actualInputs}, when given, replaces the input
     * derivations (keys are modulo hashes in base16, as {@code hashDerivationModulo} has it).
     */
    public static String print(Derivation drv, boolean maskOutputs, SortedMap<String, SortedSet<String>> actualInputs) {
        StringBuilder s = new StringBuilder(1024);
        s.append("Derive([");
        boolean first = true;
        for (Map.Entry<String, DerivationOutput> output : drv.outputs().entrySet()) {
            first = comma(s, first);
            DerivationOutput o = output.getValue();
            s.append('(');
            unquoted(s, output.getKey());
            s.append(',');
            unquoted(s, maskOutputs ? "" : o.path());
            s.append(',');
            unquoted(s, o.hashAlgo());
            s.append(',');
            unquoted(s, o.hash());
            s.append(')');
        }
        s.append("],[");
        first = true;
        if (actualInputs != null) {
            for (Map.Entry<String, SortedSet<String>> input : actualInputs.entrySet()) {
                first = comma(s, first);
                s.append('(');
                unquoted(s, input.getKey());
                s.append(',');
                unquotedList(s, input.getValue());
                s.append(')');
            }
        } else {
            for (Map.Entry<StorePath, SortedSet<String>> input : drv.inputDrvs().entrySet()) {
                first = comma(s, first);
                s.append('(');
                unquoted(s, input.getKey().path());
                s.append(',');
                unquotedList(s, input.getValue());
                s.append(')');
            }
        }
        s.append("],[");
        first = true;
        for (StorePath source : drv.inputSrcs()) {
            first = comma(s, first);
            unquoted(s, source.path());
        }
        s.append("],");
        // Nix prints the platform without escaping; so do we, to hash what Nix hashes.
        unquoted(s, drv.platform());
        s.append(',');
        quoted(s, drv.builder());
        s.append(",[");
        first = true;
        for (String arg : drv.args()) {
            first = comma(s, first);
            quoted(s, arg);
        }
        s.append("],[");
        first = true;
        for (Map.Entry<String, String> variable : drv.env().entrySet()) {
            first = comma(s, first);
            s.append('(');
            quoted(s, variable.getKey());
            s.append(',');
            quoted(s, maskOutputs && drv.outputs().containsKey(variable.getKey()) ? "" : variable.getValue());
            s.append(')');
        }
        s.append("])");
        return s.toString();
    }

    private static boolean comma(StringBuilder s, boolean first) {
        if (!first) {
            s.append(',');
        }
        return false;
    }

    private static void unquoted(StringBuilder s, String value) {
        s.append('"').append(value).append('"');
    }

    private static void unquotedList(StringBuilder s, Iterable<String> values) {
        s.append('[');
        boolean first = true;
        for (String value : values) {
            first = comma(s, first);
            unquoted(s, value);
        }
        s.append(']');
    }

    private static void quoted(StringBuilder s, String value) {
        s.append('"');
        int first = firstSpecial(value);
        if (first < 0) {
            s.append(value).append('"');
            return;
        }
        s.append(value, 0, first);
        for (int i = first; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> s.append(c);
            }
        }
        s.append('"');
    }

    private static int firstSpecial(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t') {
                return i;
            }
        }
        return -1;
    }

    // --- parsing ------------------------------------------------------------------------------

    private java.util.Optional<List<StorePath>> outputs() {
        expect("Derive([");
        List<StorePath> found = new ArrayList<>(2);
        while (!endOfList()) {
            expect("(");
            string();
            expect(",");
            String path = string();
            if (path.isEmpty()) {
                return java.util.Optional.empty();
            }
            found.add(storePath(path));
            expect(",");
            string();
            expect(",");
            string();
            expect(")");
        }
        return java.util.Optional.of(found);
    }

    private Derivation derivation() {
        expect("Derive([");
        SortedMap<String, DerivationOutput> outputs = new TreeMap<>();
        while (!endOfList()) {
            expect("(");
            String id = string().intern();
            expect(",");
            String path = string();
            if (!path.isEmpty()) {
                path = storePath(path).path();
            }
            expect(",");
            String hashAlgo = string();
            expect(",");
            String hash = string();
            expect(")");
            try {
                outputs.put(id, new DerivationOutput(path, hashAlgo, hash));
            } catch (IllegalArgumentException e) {
                throw error("bad output '" + id + "': " + e.getMessage());
            }
        }
        expect(",[");
        SortedMap<StorePath, SortedSet<String>> inputDrvs = new TreeMap<>();
        while (!endOfList()) {
            expect("(");
            StorePath drvPath = path();
            expect(",[");
            inputDrvs.put(drvPath, strings());
            expect(")");
        }
        expect(",[");
        SortedSet<StorePath> inputSrcs = new TreeSet<>();
        while (!endOfList()) {
            inputSrcs.add(path());
        }
        expect(",");
        String platform = string().intern();
        expect(",");
        String builder = string().intern();
        expect(",[");
        List<String> args = new ArrayList<>();
        while (!endOfList()) {
            args.add(string());
        }
        expect(",[");
        SortedMap<String, String> env = new TreeMap<>();
        while (!endOfList()) {
            expect("(");
            String key = string();
            expect(",");
            String value = string();
            expect(")");
            env.put(key, value);
        }
        expect(")");
        if (at != text.length()) {
            throw error("trailing characters");
        }
        try {
            return new Derivation(name, outputs, inputDrvs, inputSrcs, platform, builder, args, env);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    private SortedSet<String> strings() {
        SortedSet<String> values = new TreeSet<>();
        while (!endOfList()) {
            values.add(string().intern());
        }
        return values;
    }

    private StorePath storePath(String value) {
        try {
            return paths.apply(value);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    private StorePath path() {
        int start = at;
        String value = string();
        try {
            return paths.apply(value);
        } catch (IllegalArgumentException e) {
            at = start;
            throw error("bad store path '" + value + "'");
        }
    }

    // Nix's endOfList: a comma continues, a closing bracket ends, anything else is an element.
    private boolean endOfList() {
        char c = peek();
        if (c == ',') {
            at++;
            return false;
        }
        if (c == ']') {
            at++;
            return true;
        }
        return false;
    }

    private String string() {
        expect("\"");
        StringBuilder value = null;
        int start = at;
        while (true) {
            if (at >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(at);
            if (c == '"') {
                String result = value == null ? text.substring(start, at) : value.append(text, start, at).toString();
                at++;
                return result;
            }
            if (c == '\\') {
                if (value == null) {
                    value = new StringBuilder();
                }
                value.append(text, start, at);
                if (at + 1 >= text.length()) {
                    throw error("unterminated string");
                }
                char escaped = text.charAt(at + 1);
                value.append(switch (escaped) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> escaped;
                });
                at += 2;
                start = at;
            } else {
                at++;
            }
        }
    }

    private char peek() {
        if (at >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(at);
    }

    private void expect(String token) {
        if (!text.startsWith(token, at)) {
            throw error("expected '" + token + "'");
        }
        at += token.length();
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("derivation '" + name + "' at byte " + at + ": " + what);
    }
}
