package dev.inchworm.runtime.nix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inchworm.api.host.Command;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.runtime.config.NixConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closures and their paths' facts are read from Nix once between collections; a collection
 * that removes a root makes the next question go to Nix again, and facts of paths no kept
 * closure holds are read again.
 */
class KnownClosuresTest {

    private static final StorePath LIB = new StorePath("/nix/store/0c7fs3lmqjwbfn9asmxvpvm80yy2qqvm-lib-1.0");
    private static final StorePath OLD = new StorePath("/nix/store/1b8a0r9x6rhmagw4rr6zipaixcnw9qgw-system-old");
    private static final StorePath NEW = new StorePath("/nix/store/2fxz0vfi5ifygw2sjyi8b1hhcmz4wv6a-system-new");
    private static final NixConfig CONFIG = new NixConfig(Path.of("/nix/var/nix/profiles/system"), Map.of(), Map.of(),
            List.of());

    @TempDir
    Path work;

    private final List<StorePath> invalid = new ArrayList<>();

    private RecordingRunner.Answer answer(Command command) {
        List<String> argv = command.argv();
        if (argv.contains("--requisites")) {
            String root = argv.get(argv.size() - 1);
            return RecordingRunner.Answer.ok(LIB + "\n" + root + "\n");
        }
        if (argv.contains("--dump-db")) {
            StringBuilder out = new StringBuilder();
            for (String path : argv.subList(argv.indexOf("--dump-db") + 1, argv.size())) {
                boolean lib = path.equals(LIB.path());
                out.append(path).append("\nsha256:00\n").append(lib ? 10 : 20).append("\n\n")
                        .append(lib ? "0\n" : "1\n" + LIB + "\n");
            }
            return RecordingRunner.Answer.ok(out.toString());
        }
        if (argv.contains("--check-validity")) {
            StringBuilder out = new StringBuilder();
            invalid.forEach(p -> out.append(p).append('\n'));
            return RecordingRunner.Answer.ok(out.toString());
        }
        return RecordingRunner.Answer.ok("2 store paths deleted, 1.00 MiB freed\n");
    }

    private long count(RecordingRunner runner, String arg) {
        return runner.commands.stream().filter(c -> c.argv().contains(arg)).count();
    }

    @Test
    void aClosureIsReadOnceAndANewSystemReadsOnlyItsNewPaths() {
        RecordingRunner runner = new RecordingRunner(this::answer);
        NixCli nix = new NixCli(runner, CONFIG, work);

        List<PathInfo> first = nix.closureInfo(OLD);
        assertEquals(first, nix.closureInfo(OLD));
        assertEquals(List.of(LIB, OLD), nix.closure(OLD, false));
        assertEquals(1, count(runner, "--requisites"));
        assertEquals(1, count(runner, "--dump-db"));
        assertEquals(List.of(new PathInfo(LIB, 10, List.of(), Optional.empty()),
                new PathInfo(OLD, 20, List.of(LIB), Optional.empty())), first);

        nix.closureInfo(NEW);
        Command dump = runner.commands.get(runner.commands.size() - 1);
        assertEquals(List.of("nix-store", "--dump-db", NEW.path()), dump.argv(), "only the new path's facts are read");

        // A built system's closure holds no .drv, so with outputs it is the same kept closure;
        // with .drv files in it, their outputs come from what their reads kept (NixCliTest).
        assertEquals(nix.closure(NEW, false), nix.closure(NEW, true));
        assertEquals(2, count(runner, "--requisites"), "with outputs, a kept closure is not asked again");
    }

    @Test
    void aCollectionThatRemovesARootMakesItsClosureAskedAgain() {
        RecordingRunner runner = new RecordingRunner(this::answer);
        NixCli nix = new NixCli(runner, CONFIG, work);
        nix.closureInfo(OLD);
        nix.closureInfo(NEW);

        invalid.add(OLD);
        nix.collectGarbage(OptionalLong.empty());
        Command check = runner.commands.get(runner.commands.size() - 1);
        assertEquals("--print-invalid", check.argv().get(2));
        assertEquals(List.of(OLD.path(), NEW.path()).stream().sorted().toList(),
                check.argv().subList(3, check.argv().size()).stream().sorted().toList());

        nix.closureInfo(NEW);
        assertEquals(2, count(runner, "--requisites"), "the remaining root is still known");
        nix.closureInfo(OLD);
        assertEquals(3, count(runner, "--requisites"), "the collected root is asked again");
        Command dump = runner.commands.get(runner.commands.size() - 1);
        assertEquals(List.of("nix-store", "--dump-db", OLD.path()), dump.argv(),
                "the library stayed in a kept closure; the collected root's facts are read again");
    }
}
