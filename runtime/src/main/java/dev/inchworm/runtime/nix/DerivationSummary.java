package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.StorePath;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the Nix backend needs from a {@code .drv} (ATerm) file: its outputs, input
 * derivations and input sources. Only this much is read here; rewriting derivations is the
 * derivation library's job.
 *
 * @param outputs   output name to output path, in file order (empty path for floating CA outputs)
 * @param inputDrvs input derivation to the output names used from it
 * @param inputSrcs input sources (plain store paths)
 */
public record DerivationSummary(Map<String, String> outputs, Map<StorePath, List<String>> inputDrvs,
                                List<StorePath> inputSrcs) {

    public DerivationSummary {
        outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        inputDrvs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputDrvs));
        inputSrcs = List.copyOf(inputSrcs);
    }

    /** The store paths a {@code .drv} with these inputs references: input derivations and sources. */
    public List<StorePath> references() {
        List<StorePath> refs = new ArrayList<>(inputDrvs.keySet());
        refs.addAll(inputSrcs);
        return refs;
    }

    /**
     * Reads the ATerm text of a derivation ({@code Derive(...)}, ISO-8859-1 decoded).
     *
     * @throws IllegalArgumentException naming the offset where the text is not a derivation
     */
    public static DerivationSummary parse(String aterm) {
        Reader reader = new Reader(aterm);
        reader.expect("Derive(");
        Map<String, String> outputs = new LinkedHashMap<>();
        for (Object tuple : reader.list()) {
            List<?> output = (List<?>) tuple;
            outputs.put((String) output.get(0), (String) output.get(1));
        }
        reader.expect(",");
        Map<StorePath, List<String>> inputDrvs = new LinkedHashMap<>();
        for (Object tuple : reader.list()) {
            List<?> input = (List<?>) tuple;
            List<String> names = new ArrayList<>();
            for (Object name : (List<?>) input.get(1)) {
                names.add((String) name);
            }
            inputDrvs.put(new StorePath((String) input.get(0)), names);
        }
        reader.expect(",");
        List<StorePath> inputSrcs = new ArrayList<>();
        for (Object src : reader.list()) {
            inputSrcs.add(new StorePath((String) src));
        }
        return new DerivationSummary(outputs, inputDrvs, inputSrcs);
    }

    /** A small reader of ATerm lists, tuples and strings. */
    private static final class Reader {
        private final String text;
        private int at;

        Reader(String text) {
            this.text = Objects.requireNonNull(text, "aterm");
        }

        void expect(String literal) {
            if (!text.startsWith(literal, at)) {
                throw error("expected '" + literal + "'");
            }
            at += literal.length();
        }

        List<Object> list() {
            return sequence('[', ']');
        }

        private List<Object> sequence(char open, char close) {
            expect(String.valueOf(open));
            List<Object> items = new ArrayList<>();
            if (peek() == close) {
                at++;
                return items;
            }
            while (true) {
                items.add(value());
                char c = next();
                if (c == close) {
                    return items;
                }
                if (c != ',') {
                    at--;
                    throw error("expected ',' or '" + close + "'");
                }
            }
        }

        private Object value() {
            return switch (peek()) {
                case '"' -> string();
                case '[' -> list();
                case '(' -> sequence('(', ')');
                default -> throw error("expected a string, list or tuple");
            };
        }

        private String string() {
            expect("\"");
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    char e = next();
                    out.append(switch (e) {
                        case 'n' -> '\n';
                        case 'r' -> '\r';
                        case 't' -> '\t';
                        default -> e;
                    });
                } else {
                    out.append(c);
                }
            }
        }

        private char peek() {
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            return text.charAt(at);
        }

        private char next() {
            char c = peek();
            at++;
            return c;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("not a derivation: " + what + " at offset " + at);
        }
    }
}
