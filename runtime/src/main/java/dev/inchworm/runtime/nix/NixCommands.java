package dev.inchworm.runtime.nix;

import dev.inchworm.api.host.Command;
import dev.inchworm.api.host.CommandException;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.runtime.config.NixConfig;
import dev.inchworm.runtime.config.Timeouts;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How Nix commands are put together and run for one host: the profile's options become
 * {@code --option NAME VALUE} right after the program, its environment is added, the new CLI
 * gets its experimental features, and a failure becomes a {@link NixException} with a
 * classified failure.
 */
final class NixCommands {

    /** Lines that carry a failure symptom are kept up to this many, besides the stderr tail. */
    private static final int NOTABLE_LINES = 50;

    private final CommandRunner runner;
    private final NixConfig config;

    NixCommands(CommandRunner runner, NixConfig config) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.config = Objects.requireNonNull(config, "config");
    }

    NixConfig config() {
        return config;
    }

    /** A classic Nix program ({@code nix-store}, {@code nix-env}, {@code nix-instantiate}) with the options. */
    Command classic(String program, List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add(program);
        options(argv);
        argv.addAll(args);
        return onHost(argv);
    }

    /** The new CLI ({@code nix}), with {@code nix-command} (and {@code flakes} when asked) enabled. */
    Command modern(boolean flakes, List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add("nix");
        argv.add("--extra-experimental-features");
        argv.add(flakes ? "nix-command flakes" : "nix-command");
        options(argv);
        argv.addAll(args);
        return onHost(argv);
    }

    /** Any other program on the host (readlink, switch-to-configuration), with the Nix environment. */
    Command plain(List<String> argv) {
        return onHost(argv);
    }

    private void options(List<String> argv) {
        config.options().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(option -> {
            argv.add("--option");
            argv.add(option.getKey());
            argv.add(option.getValue());
        });
    }

    private Command onHost(List<String> argv) {
        return Command.of(argv).withEnvironment(config.environment());
    }

    /** Runs a command, throwing a classified {@link NixException} unless it succeeded. */
    CommandResult run(Command command) {
        return run(command, false);
    }

    /** Runs an evaluation ({@code nix-instantiate}, {@code nix eval}): its errors are the expression's. */
    CommandResult evaluate(Command command) {
        return run(command, true);
    }

    private CommandResult run(Command command, boolean evaluation) {
        Ran ran = runKeepingSymptoms(evaluation ? timed(command, config.timeouts().evaluation()) : command);
        if (!ran.result().ok()) {
            throw failed(ran, evaluation);
        }
        return ran.result();
    }

    /** Runs a command whose failure the caller interprets; a program that cannot start still throws. */
    Ran attempt(Command command) {
        return runKeepingSymptoms(command);
    }

    NixException failed(Ran ran, boolean evaluation) {
        return new NixException(FailureClassifier.classify(ran.result(), ran.notable(), evaluation), ran.result().argv());
    }

    /**
     * The profile's timeout for this kind of command (timeouts: evaluation, build, gc, query),
     * unless the caller chose one of its own.
     */
    private Command timed(Command command) {
        List<String> argv = command.argv();
        Timeouts timeouts = config.timeouts();
        Duration timeout;
        if (argv.contains("--realise") && !argv.contains("--dry-run")
                || argv.get(0).equals("nix") && argv.contains("build")) {
            timeout = timeouts.build();
        } else if (argv.contains("--gc") || argv.contains("--delete") || argv.contains("--delete-generations")) {
            timeout = timeouts.gc();
        } else if (argv.get(0).equals("nix-instantiate") || argv.contains("eval")) {
            timeout = timeouts.evaluation();
        } else {
            timeout = timeouts.query();
        }
        return timed(command, timeout);
    }

    private static Command timed(Command command, Duration timeout) {
        return command.timeout().equals(Command.DEFAULT_TIMEOUT) ? command.withTimeout(timeout) : command;
    }

    private Ran runKeepingSymptoms(Command unTimed) {
        Command command = timed(unTimed);
        List<String> notable = Collections.synchronizedList(new ArrayList<>());
        Consumer<String> downstream = command.lineListener();
        Command watched = command.withLineListener(line -> {
            if (notable.size() < NOTABLE_LINES && FailureClassifier.isNotable(line)) {
                notable.add(line);
            }
            downstream.accept(line);
        });
        try {
            return new Ran(runner.run(watched), List.copyOf(notable));
        } catch (CommandException e) {
            throw new NixException(FailureClassifier.classify(e), e.argv());
        }
    }

    /**
     * Runs a command and hands each line of its standard output to {@code each} as it comes
     * (UTF-8): nothing is kept or logged, whatever the output's size.
     */
    void lines(Command command, Consumer<String> each) {
        run(command.withStdoutReader(in -> {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                each.accept(line);
            }
        }));
    }

    /**
     * Runs a command and returns its whole standard output (UTF-8), however long, without
     * a log file: for outputs bounded by the question (a chunk of paths).
     */
    String text(Command command) {
        StringBuilder text = new StringBuilder();
        run(command.withStdoutReader(in -> text.append(new String(in.readAllBytes(), StandardCharsets.UTF_8))));
        return text.toString();
    }

    /** A result and the lines with failure symptoms seen while it ran. */
    record Ran(CommandResult result, List<String> notable) {
    }
}
