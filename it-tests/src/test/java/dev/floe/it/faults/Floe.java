package dev.floe.it.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.cli.FloeCli;
import dev.floe.it.servers.Endpoints;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;

/**
 * floe's command line, run in this JVM as {@code main} runs it, pointed at a catalog and an S3 API
 * through fault proxies. Keys travel as {@code AWS_*} variables of its environment, never as
 * arguments; other settings as {@code -D key=value}, as an operator would pass them.
 */
final class Floe {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> env;
  private final Map<String, String> settings;

  private Floe(Map<String, String> env, Map<String, String> settings) {
    this.env = Map.copyOf(env);
    this.settings = Map.copyOf(settings);
  }

  /** floe on the harness's servers, reached through {@code s3} and {@code catalog}. */
  static Floe via(Endpoints endpoints, URI s3, URI catalog) {
    Map<String, String> env = new TreeMap<>();
    env.put("FLOE_CATALOG_TYPE", "rest");
    env.put("FLOE_CATALOG_URI", catalog.toString());
    env.put("FLOE_WAREHOUSE", endpoints.warehouse());
    env.put("FLOE_S3_ENDPOINT", s3.toString());
    env.put("FLOE_S3_REGION", endpoints.region());
    env.put("FLOE_S3_PATH_STYLE", "true");
    env.put("AWS_ACCESS_KEY_ID", endpoints.accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", endpoints.secretAccessKey().reveal());
    endpoints.catalogToken().ifPresent(token -> env.put("FLOE_CATALOG_TOKEN", token.reveal()));
    return new Floe(env, Map.of());
  }

  /** The same floe with one more {@code -D key=value} setting. */
  Floe with(String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(settings);
    more.put(key, value);
    return new Floe(env, more);
  }

  record Result(int exitCode, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out.strip());
      } catch (IOException e) {
        throw new IllegalStateException("Invalid JSON from floe (exit " + exitCode + "): " + out + err, e);
      }
    }

    /** {@code batches_committed} of a run that must have succeeded. */
    int committedBatches() {
      if (exitCode != 0) {
        throw new AssertionError("floe exited " + exitCode + ":\n" + err);
      }
      return json().get("batches_committed").asInt();
    }

    /** The one-line error floe printed, for the test log. */
    String error() {
      return err.lines().filter(line -> line.startsWith("floe: ")).findFirst().orElse("");
    }
  }

  Result run(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = FloeCli.newCommandLine(env);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args.toArray(String[]::new));
    return new Result(exitCode, out.toString(), err.toString());
  }

  /** {@code floe ingest --json --table TABLE [-D ...] FILE...}; whatever its exit code. */
  Result ingest(String table, Path deadLetters, List<Path> files) {
    List<String> args = new ArrayList<>(List.of("ingest", "--json", "--table", table));
    args.addAll(List.of("--dead-letter-dir", deadLetters.toString()));
    settings.forEach((key, value) -> args.addAll(List.of("-D", key + "=" + value)));
    files.forEach(file -> args.add(file.toString()));
    return run(args);
  }

  /** {@code floe ingest --json --table TABLE [-D ...] --spool DIR}. */
  Result ingestSpool(String table, Path deadLetters, Path spool) {
    List<String> args = new ArrayList<>(List.of("ingest", "--json", "--table", table));
    args.addAll(List.of("--dead-letter-dir", deadLetters.toString(), "--spool", spool.toString()));
    settings.forEach((key, value) -> args.addAll(List.of("-D", key + "=" + value)));
    return run(args);
  }

  /** {@code floe maintain STEP --json --table TABLE [OPTION...] [-D ...]}. */
  Result maintain(String step, String table, String... options) {
    List<String> args = new ArrayList<>(List.of("maintain", step, "--json", "--table", table));
    args.addAll(List.of(options));
    settings.forEach((key, value) -> args.addAll(List.of("-D", key + "=" + value)));
    return run(args);
  }

  /**
   * {@code floe generate} with 200 objects, which must succeed. The generator derives object ids
   * from {@code seed * 31 + i}: seeds at least 7 apart give disjoint objects.
   */
  Path generate(Path file, int count, long seed) {
    Result result =
        run(
            List.of(
                "generate", "--count", Integer.toString(count), "--seed", Long.toString(seed),
                "--objects", "200", "--value-bytes", "200", "-o", file.toString()));
    if (result.exitCode() != 0) {
      throw new IllegalStateException("floe generate failed: " + result.err());
    }
    return file;
  }

  /**
   * {@code files} generated files {@code f1.ndjson.gz}, {@code f2.ndjson.gz}... in {@code dir}, of
   * {@code count} events each, file i from seed {@code seed + 10 * i} (disjoint objects).
   */
  List<Path> generateFiles(Path dir, int files, int count, long seed) {
    List<Path> generated = new ArrayList<>();
    for (int i = 1; i <= files; i++) {
      generated.add(generate(dir.resolve("f" + i + ".ndjson.gz"), count, seed + 10L * i));
    }
    return generated;
  }
}
