package dev.floe.it.serve;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code floe serve} in its own JVM ({@code java -cp <this test JVM's classpath>
 * dev.floe.cli.FloeCli serve ...}) on a free port of 127.0.0.1, its configuration and credentials
 * only in its environment, its output in files. Each start picks a new port; the spool folder is
 * what survives a kill.
 */
final class ServeProcess {
  private static final Pattern LISTENING = Pattern.compile("Listening on (http://127\\.0\\.0\\.1:\\d+)");
  private static final Pattern SKIPPED = Pattern.compile(": (\\d+) of \\d+ batches already in ");
  /** JVM start-up, catalog, table load and spool recovery: a few seconds here, far less than this. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final List<String> JVM_OPTIONS =
      List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

  /**
   * Starts servers with one environment on one spool.
   *
   * @param settings {@code -D} settings for every start (roll interval and the like)
   */
  record Launcher(Path logs, Map<String, String> env, Path spool, Map<String, String> settings) {
    private static final AtomicInteger STARTS = new AtomicInteger();

    /** Starts a server and waits until it listens. */
    ServeProcess start() {
      int number = STARTS.incrementAndGet();
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(JVM_OPTIONS);
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.floe.cli.FloeCli", "serve",
          "--port", "0", "--spool-dir", spool.toString()));
      settings.forEach((key, value) -> command.addAll(List.of("-D", key + "=" + value)));
      Path out = logs.resolve("serve-" + number + ".out");
      Path err = logs.resolve("serve-" + number + ".err");
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(logs.toFile())
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      builder.environment().keySet().removeIf(key -> key.startsWith("FLOE_") || key.startsWith("AWS_"));
      builder.environment().putAll(env);
      ServeProcess server;
      try {
        Files.createDirectories(logs);
        server = new ServeProcess(number, builder.start(), out, err);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start floe serve " + number + ": " + e.getMessage(), e);
      }
      server.awaitListening();
      return server;
    }
  }

  private final int number;
  private final Process process;
  private final Path out;
  private final Path err;
  private URI uri;

  private ServeProcess(int number, Process process, Path out, Path err) {
    this.number = number;
    this.process = process;
    this.out = out;
    this.err = err;
  }

  private void awaitListening() {
    try {
      await("floe serve " + number + " listening").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50))
          .until(() -> LISTENING.matcher(read(out)).find() || !process.isAlive());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      process.destroyForcibly();
      throw new AssertionError("floe serve " + number + " did not listen within " + START_TIMEOUT + "; " + describe(), e);
    }
    Matcher listening = LISTENING.matcher(read(out));
    if (!listening.find()) {
      throw new AssertionError("floe serve " + number + " exited " + process.exitValue() + " before listening; "
          + describe());
    }
    uri = URI.create(listening.group(1) + "/");
  }

  /** Where it takes {@code POST /}. */
  URI uri() {
    return uri;
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL, as {@code kill -9}; returns the exit code (137). */
  int kill() {
    process.destroyForcibly();
    return awaitExit(Duration.ofSeconds(30));
  }

  /** SIGTERM: the server stops taking requests, commits its spool and exits; returns the exit code. */
  int terminate(Duration timeout) {
    process.destroy();
    return awaitExit(timeout);
  }

  private int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError("floe serve " + number + " did not exit within " + timeout + "; " + describe());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted waiting for floe serve " + number, e);
    }
  }

  /** For clean-up after a failed test: SIGKILL if still running. */
  void killQuietly() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  /** Commits it made so far, as its log says. */
  int commits() {
    return err().split("committed snapshot", -1).length - 1;
  }

  /** Batches its commits found already in the table and skipped, as its log says. */
  long batchesSkipped() {
    Matcher skipped = SKIPPED.matcher(err());
    long total = 0;
    while (skipped.find()) {
      total += Long.parseLong(skipped.group(1));
    }
    return total;
  }

  String err() {
    return read(err);
  }

  /** For assertion messages: which server, and how its stderr ends. */
  String describe() {
    String[] lines = err().split("\n");
    int from = Math.max(0, lines.length - 20);
    return "floe serve " + number + " (" + err + ") stderr tail:\n"
        + String.join("\n", Arrays.copyOfRange(lines, from, lines.length));
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
