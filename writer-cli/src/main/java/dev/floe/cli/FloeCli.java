package dev.floe.cli;

import dev.floe.catalog.TlsVerificationException;
import dev.floe.core.TooManyRejectsException;
import dev.floe.core.commit.CommitUnknownException;
import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.write.StorageErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import org.apache.iceberg.IcebergBuild;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code floe} command: a root with one subcommand per job. */
@Command(
    name = "floe",
    mixinStandardHelpOptions = true,
    versionProvider = FloeCli.Version.class,
    description = "Writes Durable Object state-change events into an Apache Iceberg table.",
    subcommands = {
      IngestCommand.class, ServeCommand.class, StatusCommand.class, GenerateCommand.class, MaintainCommand.class, BenchCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success (also: nothing new to commit)",
      "1:failure (storage/catalog unavailable or full, commit conflict, anything unexpected); nothing committed",
      "2:usage or configuration error (also: a TLS certificate that fails verification)",
      "3:commit state unknown; files kept, the next run resolves it",
      "4:too many rejected events (--max-reject-ratio); nothing committed"
    })
public final class FloeCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;
  private final boolean terminal;

  private FloeCli(Map<String, String> env, boolean terminal) {
    this.env = Map.copyOf(env);
    this.terminal = terminal;
  }

  public static void main(String[] args) {
    // Java 17 has a console only when standard input and output are both a terminal: never under
    // cron or systemd, nor when either is a pipe or a file.
    System.exit(newCommandLine(System.getenv(), System.console() != null).execute(args));
  }

  /** The command line of a process that is not on a terminal (no progress display). */
  public static CommandLine newCommandLine(Map<String, String> env) {
    return newCommandLine(env, false);
  }

  /**
   * The one command line used by {@link #main} and by tests that run the CLI in-process; {@code
   * env} stands for the process environment, {@code terminal} for whether a person watches it on a
   * terminal (progress lines are drawn only then).
   */
  public static CommandLine newCommandLine(Map<String, String> env, boolean terminal) {
    CommandLine commandLine = new CommandLine(new FloeCli(env, terminal));
    CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
    commandLine.setExecutionStrategy(parsed -> {
      try {
        return run.execute(parsed);
      } catch (Error e) {
        // A storage failure that the library did not name (Hadoop's FSError is an Error): one
        // line and exit 1 like any other, not an uncaught trace.
        UncheckedIOException storage = StorageErrors.unchecked(e, "Cannot read or write storage");
        throw new CommandLine.ExecutionException(commandLine, storage.getMessage(), storage);
      }
    });
    commandLine.setExecutionExceptionHandler(FloeCli::handle);
    commandLine.setExitCodeExceptionMapper(FloeCli::exitCode);
    return commandLine;
  }

  Map<String, String> env() {
    return env;
  }

  boolean terminal() {
    return terminal;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static int exitCode(Throwable error) {
    if (error instanceof CommitUnknownException) {
      return ExitCodes.COMMIT_UNKNOWN;
    }
    if (error instanceof TooManyRejectsException) {
      return ExitCodes.TOO_MANY_REJECTS;
    }
    // Only floe's own config errors: an IllegalArgumentException from anywhere else (Iceberg's
    // checks on data, a bug) is not the user's to fix. An untrusted certificate stays untrusted
    // until the config (or the server) changes.
    if (error instanceof InvalidConfigException
        || error instanceof TlsVerificationException
        || error instanceof CommandLine.ParameterException) {
      return ExitCodes.USAGE;
    }
    return ExitCodes.RETRYABLE;
  }

  /** One line on stderr (the whole trace with --stacktrace); the exit code says what to do. */
  private static int handle(Exception error, CommandLine commandLine, CommandLine.ParseResult parsed) {
    PrintWriter err = commandLine.getErr();
    boolean stacktrace = false;
    // On any level: floe ingest --stacktrace, floe maintain compact --stacktrace.
    for (CommandLine.ParseResult level = parsed; level != null; level = level.subcommand()) {
      stacktrace |= level.hasMatchedOption("--stacktrace");
    }
    if (stacktrace) {
      error.printStackTrace(err);
    } else {
      err.println("floe: " + message(error));
    }
    err.flush();
    return exitCode(error);
  }

  static String message(Throwable error) {
    StringBuilder text = new StringBuilder(String.valueOf(error.getMessage()));
    Throwable cause = error.getCause();
    // Add the root cause when the message does not already say it.
    while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    if (cause != null && cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
      text.append(" (caused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage()).append(')');
    }
    return text.toString();
  }

  /**
   * The build's version, from a resource the build fills in (so it holds in tests and in the
   * shaded jar alike), and the Iceberg library on the classpath, from Iceberg's own build record.
   */
  static final class Version implements CommandLine.IVersionProvider {
    private static final String RESOURCE = "floe-version.properties";

    @Override
    public String[] getVersion() throws IOException {
      Properties build = new Properties();
      try (InputStream in = FloeCli.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("Cannot find " + RESOURCE + " beside " + FloeCli.class.getName() + ": a broken build");
        }
        build.load(in);
      }
      return new String[] {"floe " + build.getProperty("version") + " (Apache Iceberg " + IcebergBuild.version() + ")"};
    }
  }
}
