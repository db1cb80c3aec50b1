package dev.inchworm.runtime.nix;

import dev.inchworm.api.nix.NixOutputException;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.derivation.Aterm;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * {@code .drv} files read as bytes, thousands in a few commands: one {@code stat} and one
 * {@code cat} per chunk of paths, streamed, each file's text handed on as it arrives. The
 * output paths each names are kept with the backend's other facts ({@link KnownClosures}).
 */
final class DerivationFiles {

    // Prints "SIZE PATH" for each file that exists, a blank line, then those files' bytes one
    // after the other: two processes for any number of files. Missing files are left out by
    // both (their errors dropped); one deleted between the two makes the bytes come up short,
    // which the reader reports.
    private static final String READ_FILES = "stat -c '%s %n' -- \"$@\" 2>/dev/null; echo; cat -- \"$@\" 2>/dev/null; exit 0";

    private final NixCommands nix;
    private final BulkStore store;

    DerivationFiles(NixCommands nix, BulkStore store) {
        this.nix = nix;
        this.store = store;
    }

    /** Reads {@code .drv} files with one {@code stat} and one {@code cat} per chunk, streamed. */
    void forEachDerivation(Collection<StorePath> drvs, BiConsumer<StorePath, String> each) {
        List<StorePath> paths = drvs.stream().distinct().toList();
        for (List<String> chunk : BulkStore.chunks(paths)) {
            List<String> argv = new ArrayList<>(List.of("sh", "-c", READ_FILES, "sh"));
            argv.addAll(chunk);
            nix.run(nix.plain(argv).withStdoutReader(in -> readFiles(new BufferedInputStream(in, 1 << 16),
                    (path, text) -> {
                        keepOutputs(path, text);
                        each.accept(path, text);
                    })));
        }
    }

    // The output paths a .drv names, for BulkStore's closure with outputs; a text that is no derivation is not kept
    // (whoever reads it reports what is wrong with it).
    private void keepOutputs(StorePath drv, String text) {
        if (store.known().outputs(drv).isPresent()) {
            return; // read before: a .drv never changes
        }
        try {
            Aterm.outputPaths(text, store::intern).ifPresent(outputs -> store.known().keepOutputs(drv, outputs));
        } catch (IllegalArgumentException notADerivation) {
            // not kept
        }
    }

    /** One file's bytes, as ISO-8859-1 text. */
    String readFile(StorePath path) {
        StringBuilder text = new StringBuilder();
        nix.run(nix.plain(List.of("cat", "--", path.path())).withStdoutReader(in ->
                text.append(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1))));
        return text.toString();
    }

    private void readFiles(InputStream in, BiConsumer<StorePath, String> each) throws IOException {
        List<StorePath> order = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (String line = asciiLine(in); line != null && !line.isEmpty(); line = asciiLine(in)) {
            int space = line.indexOf(' ');
            try {
                sizes.add(Integer.parseInt(line.substring(0, Math.max(0, space))));
            } catch (NumberFormatException e) {
                throw new NixOutputException("reading derivations, expected 'SIZE PATH', got '"
                        + NixOutput.abbreviate(line) + "'", e);
            }
            order.add(store.intern(NixOutput.storePath(line.substring(space + 1)).path()));
        }
        for (int i = 0; i < order.size(); i++) {
            byte[] bytes = in.readNBytes(sizes.get(i));
            if (bytes.length != sizes.get(i)) {
                throw new NixOutputException("reading derivations, the output ended inside " + order.get(i));
            }
            each.accept(order.get(i), new String(bytes, StandardCharsets.ISO_8859_1));
        }
    }

    private static String asciiLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
