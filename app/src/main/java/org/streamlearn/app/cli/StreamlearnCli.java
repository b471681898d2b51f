package org.streamlearn.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code streamlearn}: the entry point of the runnable jar. */
@Command(name = "streamlearn", mixinStandardHelpOptions = true, versionProvider = StreamlearnCli.Version.class,
        description = "Online gradient-descent learning from event streams.",
        subcommands = {DemoCommand.class, RunCommand.class, BacktestCommand.class, ProduceCommand.class,
                PredictCommand.class, CommandLine.HelpCommand.class})
public final class StreamlearnCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new StreamlearnCli());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println(line.getColorScheme().errorText("error: " + ex.getMessage()));
            return 2;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = StreamlearnCli.class.getPackage().getImplementationVersion();
            return new String[] {"streamlearn " + (v == null ? "(development build)" : v)};
        }
    }
}
