package dev.inchworm.runtime.nix;

import dev.inchworm.api.host.Command;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.host.CommandRunner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** A fake runner for unit tests: records each command and answers from a function. */
final class RecordingRunner implements CommandRunner {

    final List<Command> commands = new ArrayList<>();
    private final Function<Command, Answer> answers;

    /** What the fake program prints (each line also to the listener) and how it exits. */
    record Answer(int exitCode, String stdout, List<String> stderr) {
        static Answer ok(String stdout) {
            return new Answer(0, stdout, List.of());
        }
    }

    RecordingRunner(Function<Command, Answer> answers) {
        this.answers = answers;
    }

    @Override
    public CommandResult run(Command command) {
        commands.add(command);
        Answer answer = answers.apply(command);
        if (command.stdoutReader().isPresent()) {
            // the fake program's bytes: one char of the answer per byte
            try {
                command.stdoutReader().get().read(new java.io.ByteArrayInputStream(
                        answer.stdout().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            answer.stderr().forEach(command.lineListener());
            return new CommandResult(command.argv(), answer.exitCode(), "", answer.stderr(), false, false,
                    Duration.ofMillis(1), Optional.empty());
        }
        answer.stdout().lines().forEach(command.lineListener());
        answer.stderr().forEach(command.lineListener());
        return new CommandResult(command.argv(), answer.exitCode(), answer.stdout(), answer.stderr(), false, false,
                Duration.ofMillis(1), Optional.empty());
    }
}
