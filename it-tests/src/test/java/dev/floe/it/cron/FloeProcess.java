package dev.floe.it.cron;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@code floe} CLI run in its own JVM, as cron starts it: {@code java -cp <this test JVM's
 * classpath> dev.floe.cli.FloeCli ARGS}, or {@link CrashingFloeCli} for a run that is to crash. Configuration and credentials reach it only through its
 * environment; its output goes to files under the launcher's log directory.
 */
final class FloeProcess {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** No single run in these tests takes long: a hung child fails the test instead of hanging it. */
  static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
  // Small, quick-starting JVMs, like the servers of the harness.
  private static final List<String> JVM_OPTIONS =
      List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

  /** Starts runs with one environment; {@code logs} receives each run's stdout and stderr. */
  record Launcher(Path logs, Map<String, String> env) {
    private static final AtomicInteger RUNS = new AtomicInteger();

    FloeProcess start(String... args) {
      return start(null, args);
    }

    /** A run that halts as by {@code kill -9} when it reaches {@code crashAt}. */
    FloeProcess start(CrashPoint crashAt, String... args) {
      int number = RUNS.incrementAndGet();
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(JVM_OPTIONS);
      command.addAll(List.of("-cp", System.getProperty("java.class.path")));
      if (crashAt == null) {
        command.add("dev.floe.cli.FloeCli");
      } else {
        command.addAll(List.of(CrashingFloeCli.class.getName(), crashAt.pointName()));
      }
      command.addAll(List.of(args));
      Path out = logs.resolve("run-" + number + ".out");
      Path err = logs.resolve("run-" + number + ".err");
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(logs.toFile())
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      // Nothing of the developer's own setup leaks in: exactly this environment for floe and AWS.
      builder.environment().keySet().removeIf(key -> key.startsWith("FLOE_") || key.startsWith("AWS_"));
      builder.environment().putAll(env);
      try {
        Files.createDirectories(logs);
        return new FloeProcess(number, builder.start(), out, err, System.nanoTime());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start floe run " + number + ": " + e.getMessage(), e);
      }
    }
  }

  private final int number;
  private final Process process;
  private final Path out;
  private final Path err;
  private final long startNanos;
  private long endNanos;

  private FloeProcess(int number, Process process, Path out, Path err, long startNanos) {
    this.number = number;
    this.process = process;
    this.out = out;
    this.err = err;
    this.startNanos = startNanos;
  }

  /** Waits up to {@code time} for the run to end by itself; true when it has. */
  boolean waitFor(Duration time) {
    try {
      boolean ended = process.waitFor(Math.max(0, time.toMillis()), TimeUnit.MILLISECONDS);
      if (ended && endNanos == 0) {
        endNanos = System.nanoTime();
      }
      return ended;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted waiting for floe run " + number, e);
    }
  }

  /** Waits for the run to end by itself and returns its exit code. */
  int await() {
    if (!waitFor(RUN_TIMEOUT)) {
      process.destroyForcibly();
      waitFor(RUN_TIMEOUT);
      throw new AssertionError("floe run " + number + " did not end within " + RUN_TIMEOUT + "; stderr:\n" + err());
    }
    return process.exitValue();
  }

  /** SIGKILL (what {@link Process#destroyForcibly()} sends on Linux), then waits for the exit. */
  int kill() {
    process.destroyForcibly();
    return await();
  }

  Duration duration() {
    return Duration.ofNanos((endNanos == 0 ? System.nanoTime() : endNanos) - startNanos);
  }

  String out() {
    return read(out);
  }

  String err() {
    return read(err);
  }

  /** The one JSON line {@code --json} prints. */
  JsonNode json() {
    String text = out().strip();
    try {
      return MAPPER.readTree(text.substring(text.lastIndexOf('\n') + 1));
    } catch (IOException e) {
      throw new AssertionError("floe run " + number + " printed no JSON line: '" + text + "'; stderr:\n" + err(), e);
    }
  }

  /** For assertion messages: which run, and how its stderr ends. */
  String describe() {
    String text = err();
    String[] lines = text.split("\n");
    int from = Math.max(0, lines.length - 15);
    return "floe run " + number + " (" + out.getParent() + ") stderr tail:\n"
        + String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
