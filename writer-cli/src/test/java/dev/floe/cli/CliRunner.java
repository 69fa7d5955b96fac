package dev.floe.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** Runs the CLI in-process, as {@code main} would, capturing exit code, stdout and stderr. */
record CliRunner(Map<String, String> env, boolean terminal) {
  record Result(int exitCode, String out, String err) {}

  /** Not on a terminal, as under cron or in CI. */
  CliRunner(Map<String, String> env) {
    this(env, false);
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = FloeCli.newCommandLine(env, terminal);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }
}
