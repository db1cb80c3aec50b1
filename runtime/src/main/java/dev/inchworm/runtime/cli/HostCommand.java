package dev.inchworm.runtime.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every subcommand about a host shares: the root command (plugins, profile reading, exit
 * codes), its own spec (where it prints), the {@code --profile} option and the output format.
 * Picocli injects the annotated fields of a superclass as it does a command's own.
 */
abstract class HostCommand implements Callable<Integer> {

    @ParentCommand
    InchwormCommand root;

    @Spec
    CommandSpec spec;

    @Mixin
    ProfileOption profileOption;

    @Mixin
    OutputOption output;
}
