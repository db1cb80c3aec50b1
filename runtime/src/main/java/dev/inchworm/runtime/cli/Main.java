package dev.inchworm.runtime.cli;

/** The entry point of the launcher. The only place that calls {@code System.exit}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        int code = InchwormCommand.commandLine(CliEnvironment.ofProcess(HostCommands::forProfile)).execute(args);
        System.exit(code);
    }
}
