package dev.floe.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.core.config.Settings;
import dev.floe.it.servers.Endpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One {@code floe ingest} (or another floe command) as its own process, run by {@code bin/floe}
 * as a user runs it (serial GC, its class-data-sharing archive made beforehand by an untimed
 * {@code bin/floe --version}), under {@code /usr/bin/time}, which reports the whole process: wall
 * time, user and system CPU of all its threads, peak RSS.
 */
final class FloeIngestProcess {
  static final Path TIME = Path.of("/usr/bin/time");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param summary the line {@code --json} printed
   * @param wall elapsed time as {@code time} measured it
   */
  record Result(JsonNode summary, Duration wall, double userSeconds, double systemSeconds, long peakRssBytes) {
    double cpuSeconds() {
      return userSeconds + systemSeconds;
    }
  }

  private FloeIngestProcess() {}

  /**
   * Runs {@code floe ingest --json --table TABLE FILE} against these endpoints; configuration and
   * keys go in its environment, never on its command line. Its output goes to {@code logs}.
   *
   * @throws IllegalStateException naming the log, when floe fails or runs out of {@code timeout}
   */
  static Result run(Path launcher, Endpoints endpoints, String table, Path input, Path logs, Duration timeout) {
    return run(launcher, endpoints, table, List.of(input.toString()), Map.of(), logs, timeout);
  }

  /**
   * Runs {@code floe ingest --json --table TABLE SOURCE...} (files, {@code --spool DIR} or an
   * {@code s3://} prefix), with {@code settings} (floe's keys) added to its environment.
   */
  static Result run(
      Path launcher, Endpoints endpoints, String table, List<String> sourceArgs, Map<String, String> settings, Path logs,
      Duration timeout) {
    List<String> args = new ArrayList<>(List.of(
        "ingest", "--json", "--table", table, "--dead-letter-dir", logs.resolve("dead-letters").toString(), "--stacktrace"));
    args.addAll(sourceArgs);
    Map<String, String> env = new TreeMap<>(environment(endpoints));
    settings.forEach((key, value) -> env.put(Settings.environmentName(key), value));
    return command(launcher, args, env, logs, timeout);
  }

  /**
   * Runs {@code floe ARGS...} (a command given {@code --json}) measured the same way, with only
   * {@code env} of floe's and AWS's variables; its output goes to {@code logs/floe-COMMAND.*}.
   *
   * @throws IllegalStateException naming the log, when floe fails or runs out of {@code timeout}
   */
  static Result command(Path launcher, List<String> args, Map<String, String> env, Path logs, Duration timeout) {
    if (!Files.isExecutable(launcher)) {
      throw new IllegalStateException("Cannot find " + launcher + " (bin/floe of this checkout)");
    }
    if (!Files.isExecutable(TIME)) {
      throw new IllegalStateException("Cannot find " + TIME + " (GNU time), which measures floe's process");
    }
    String name = "floe " + args.get(0);
    Path out = logs.resolve("floe-" + args.get(0) + ".out");
    Path err = logs.resolve("floe-" + args.get(0) + ".err");
    Path times = logs.resolve("floe-" + args.get(0) + ".time");
    List<String> command = new ArrayList<>(List.of(TIME.toString(), "-f", "%e %U %S %M", "-o", times.toString(),
        launcher.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().keySet().removeIf(key -> key.startsWith("FLOE_") || key.startsWith("AWS_"));
    builder.environment().putAll(env);
    String javaOptions = System.getProperty("bench.floe-java-opts");
    if (javaOptions != null) {
      // JVM options for each floe process, e.g. a flight recording or another JIT tier:
      // -Dbench.floe-java-opts="-XX:+UseSerialGC -XX:TieredStopAtLevel=1" (bin/floe's FLOE_JAVA_OPTS).
      builder.environment().put("FLOE_JAVA_OPTS", javaOptions);
    }
    try {
      Files.createDirectories(logs);
      prepare(launcher, logs, timeout);
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IllegalStateException(name + " did not finish within " + timeout + "; see " + err);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(name + " exited " + process.exitValue() + "; see " + err);
      }
      String[] measured = lastLine(times).split(" ");
      return new Result(
          JSON.readTree(lastJsonLine(out)),
          Duration.ofMillis(Math.round(Double.parseDouble(measured[0]) * 1000)),
          Double.parseDouble(measured[1]),
          Double.parseDouble(measured[2]),
          Long.parseLong(measured[3]) * 1024);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted waiting for " + name, e);
    }
  }

  /** Lets {@code bin/floe} build its jar and class-data-sharing archive if it has to, untimed. */
  private static void prepare(Path launcher, Path logs, Duration timeout) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(launcher.toString(), "--version")
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve("floe-prepare.out").toFile())
            .start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("bin/floe --version failed; see " + logs.resolve("floe-prepare.out"));
    }
  }

  /** The environment a cron job would give floe for this REST catalog and S3 API. */
  private static Map<String, String> environment(Endpoints endpoints) {
    Map<String, String> env = new TreeMap<>();
    env.put("FLOE_CATALOG_TYPE", "rest");
    env.put("FLOE_CATALOG_URI", endpoints.catalogUri().toString());
    env.put("FLOE_WAREHOUSE", endpoints.warehouse());
    env.put("FLOE_S3_ENDPOINT", endpoints.s3Endpoint().toString());
    env.put("FLOE_S3_REGION", endpoints.region());
    env.put("FLOE_S3_PATH_STYLE", "true");
    env.put("AWS_ACCESS_KEY_ID", endpoints.accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", endpoints.secretAccessKey().reveal());
    endpoints.catalogToken().ifPresent(token -> env.put("FLOE_CATALOG_TOKEN", token.reveal()));
    return env;
  }

  private static String lastLine(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return lines.get(lines.size() - 1).trim();
  }

  private static String lastJsonLine(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith("{")) {
        return lines.get(i);
      }
    }
    throw new IllegalStateException("floe printed no JSON line to " + file);
  }
}
