package dev.floe.it.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.cli.FloeCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * Runs floe's command line in this JVM as {@code main} would, with {@code env} standing for the
 * process environment. Besides the command's own stdout and stderr it captures whatever the run
 * printed to {@link System#out} and {@link System#err} meanwhile, which is where floe's log lines
 * go, so a test can check that a secret shows up in none of them. Runs one at a time: the JVM's
 * standard streams are swapped for the duration (and still copied to the originals).
 */
final class InProcessCli {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Object STANDARD_STREAMS = new Object();

  private final Map<String, String> env;

  InProcessCli(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** This environment with {@code name} set to {@code value}, or removed when it is null. */
  InProcessCli with(String name, String value) {
    Map<String, String> changed = new LinkedHashMap<>(env);
    if (value == null) {
      changed.remove(name);
    } else {
      changed.put(name, value);
    }
    return new InProcessCli(changed);
  }

  /**
   * @param exitCode what {@code main} would exit with
   * @param out the command's standard output
   * @param err the command's standard error (its one-line errors)
   * @param console what the JVM's System.out and System.err received during the run (log lines)
   */
  record Run(int exitCode, String out, String err, String console) {
    /** The single line {@code --json} prints. */
    JsonNode json() {
      try {
        return MAPPER.readTree(out);
      } catch (IOException e) {
        throw new UncheckedIOException("Not one JSON value on stdout: " + out, e);
      }
    }

    /** Everything the run printed anywhere. */
    String everything() {
      return out + "\n" + err + "\n" + console;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    int exitCode;
    synchronized (STANDARD_STREAMS) {
      PrintStream originalOut = System.out;
      PrintStream originalErr = System.err;
      System.setOut(tee(originalOut, console));
      System.setErr(tee(originalErr, console));
      try {
        // Built after the swap: at execute() picocli (4.7, for backwards compatibility) resets
        // the output writers to the System.out/err its execution strategy saw when the command
        // line was built, if those have been replaced since.
        CommandLine commandLine = FloeCli.newCommandLine(env);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        exitCode = commandLine.execute(args);
      } finally {
        System.out.flush();
        System.err.flush();
        System.setOut(originalOut);
        System.setErr(originalErr);
      }
    }
    return new Run(exitCode, out.toString(), err.toString(), console.toString(StandardCharsets.UTF_8));
  }

  private static PrintStream tee(PrintStream original, ByteArrayOutputStream copy) {
    return new PrintStream(
        new OutputStream() {
          @Override
          public void write(int b) {
            original.write(b);
            synchronized (copy) {
              copy.write(b);
            }
          }

          @Override
          public void write(byte[] bytes, int offset, int length) {
            original.write(bytes, offset, length);
            synchronized (copy) {
              copy.write(bytes, offset, length);
            }
          }

          @Override
          public void flush() {
            original.flush();
          }
        },
        true,
        StandardCharsets.UTF_8);
  }
}
