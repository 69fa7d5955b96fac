package dev.floe.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.cli.FloeCli;
import dev.floe.it.servers.Endpoints;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;

/**
 * floe's command line run in this JVM as {@code main} runs it, with an environment that points it
 * at one Iceberg REST catalog and its S3 storage. The S3 keys travel as {@code AWS_*} variables of
 * that environment, as an operator would pass them: never as arguments.
 */
final class FloeCommand {
  static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> env;

  private FloeCommand(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** floe on the harness's REST catalog and S3 API (with the catalog's token, if it has one). */
  static FloeCommand on(Endpoints endpoints) {
    Map<String, String> env =
        restEnvironment(endpoints.catalogUri(), endpoints.warehouse(), endpoints);
    endpoints.catalogToken().ifPresent(token -> env.put("FLOE_CATALOG_TOKEN", token.reveal()));
    return new FloeCommand(env);
  }

  /** floe on Nessie's Iceberg REST catalog (its default branch) and Nessie's S3 storage. */
  static FloeCommand on(Nessie nessie) {
    return new FloeCommand(
        restEnvironment(nessie.icebergUri(), nessie.warehouse(), nessie.storage()));
  }

  /**
   * A REST catalog at {@code catalogUri} whose warehouse is {@code warehouse}, writing to {@code
   * storage}'s S3 API with path-style addressing.
   */
  private static Map<String, String> restEnvironment(
      URI catalogUri, String warehouse, Endpoints storage) {
    Map<String, String> env = new TreeMap<>();
    env.put("FLOE_CATALOG_TYPE", "rest");
    env.put("FLOE_CATALOG_URI", catalogUri.toString());
    env.put("FLOE_WAREHOUSE", warehouse);
    env.put("FLOE_S3_ENDPOINT", storage.s3Endpoint().toString());
    env.put("FLOE_S3_REGION", storage.region());
    env.put("FLOE_S3_PATH_STYLE", "true");
    env.put("AWS_ACCESS_KEY_ID", storage.accessKeyId());
    env.put("AWS_SECRET_ACCESS_KEY", storage.secretAccessKey().reveal());
    return env;
  }

  record Result(int exitCode, String out, String err) {}

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = FloeCli.newCommandLine(env);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  /**
   * {@code floe ingest --json --table TABLE FILE...}, which must succeed; its one line of JSON.
   * Dead letters go to {@code deadLetters}.
   */
  JsonNode ingest(String table, Path deadLetters, Path... files) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "ingest", "--json", "--table", table, "--dead-letter-dir", deadLetters.toString()));
    for (Path file : files) {
      args.add(file.toString());
    }
    Result result = run(args.toArray(String[]::new));
    assertThat(result.exitCode()).as("floe ingest exit code; stderr:%n%s", result.err()).isZero();
    assertThat(result.out().strip()).as("floe ingest --json output").doesNotContain("\n");
    try {
      return JSON.readTree(result.out());
    } catch (IOException e) {
      throw new UncheckedIOException("Invalid JSON from floe ingest: " + result.out(), e);
    }
  }

  /** {@code floe generate --count N --seed S --value-bytes B -o FILE}, which must succeed. */
  Path generate(Path file, int count, long seed, int valueBytes) {
    Result result =
        run(
            "generate",
            "--count",
            Integer.toString(count),
            "--seed",
            Long.toString(seed),
            "--value-bytes",
            Integer.toString(valueBytes),
            "-o",
            file.toString());
    assertThat(result.exitCode()).as("floe generate exit code; stderr:%n%s", result.err()).isZero();
    return file;
  }
}
