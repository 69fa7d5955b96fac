package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the CLI with known credential values through success and failure paths and scans every
 * output floe produces (stdout, stderr, log lines, metrics, dead letters) for them.
 */
class SecretsScanTest {
  private static final String S3_SECRET = "S3SECRET-9f2c1e7a4b";
  private static final String TOKEN = "CATALOGTOKEN-5d8e3a";
  private static final String OAUTH_SECRET = "OAUTHSECRET-77c0b1";
  private static final List<String> SECRETS = List.of(S3_SECRET, TOKEN, OAUTH_SECRET);

  @TempDir Path dir;
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private PrintStream originalErr;
  private final List<String> outputs = new ArrayList<>();

  @BeforeEach
  void captureLogs() {
    originalErr = System.err;
    System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreLogs() {
    System.setErr(originalErr);
  }

  private void run(Map<String, String> env, String... args) {
    CliRunner.Result result = new CliRunner(env).run(args);
    outputs.add(result.out());
    outputs.add(result.err());
  }

  private Map<String, String> restEnv(String uri) {
    Map<String, String> env = new HashMap<>();
    env.put("FLOE_CATALOG_TYPE", "rest");
    env.put("FLOE_CATALOG_URI", uri);
    env.put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
    env.put("AWS_SECRET_ACCESS_KEY", S3_SECRET);
    env.put("FLOE_CATALOG_TOKEN", TOKEN);
    env.put("FLOE_S3_ENDPOINT", "http://127.0.0.1:1");
    return env;
  }

  @Test
  void noCredentialEverAppearsInAnythingFloePrintsOrWrites() throws IOException {
    Path input = Files.writeString(dir.resolve("in.ndjson"),
        "{\"do_id\":\"d\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1,\"seq\":1}\nnot json\n");
    Path metrics = dir.resolve("metrics.prom");
    String[] local = {"--warehouse", dir.resolve("wh").toString(), "-D", "dead-letter.dir=" + dir.resolve("dead"),
        "--metrics-file", metrics.toString()};

    // Success on the embedded catalog, with S3 credentials in the environment.
    Map<String, String> s3Only = new HashMap<>(Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", S3_SECRET));
    run(s3Only, concat(new String[] {"ingest", "--json", input.toString()}, local));
    run(s3Only, concat(new String[] {"ingest", input.toString()}, local));
    // A REST catalog that is not there: connection refused, with a token and S3 keys configured.
    run(restEnv("http://127.0.0.1:1/catalog"), "ingest", "--stacktrace", input.toString());
    run(restEnv("http://127.0.0.1:1/catalog"), "status");
    // OAuth2 client credentials against a token endpoint that is not there.
    Map<String, String> oauth = restEnv("http://127.0.0.1:1/catalog");
    oauth.remove("FLOE_CATALOG_TOKEN");
    oauth.put("FLOE_CATALOG_OAUTH2_CLIENT_ID", "client");
    oauth.put("FLOE_CATALOG_OAUTH2_CLIENT_SECRET", OAUTH_SECRET);
    run(oauth, "ingest", "--stacktrace", input.toString());
    // Configuration errors that involve the secret keys.
    Map<String, String> tokenOnLocal = new HashMap<>(Map.of("FLOE_CATALOG_TOKEN", TOKEN));
    run(tokenOnLocal, concat(new String[] {"ingest", input.toString()}, local));
    run(Map.of(), "ingest", "-D", "catalog.token=" + TOKEN, input.toString());
    run(Map.of(), "ingest", "-D", "s3.secret-access-key=" + S3_SECRET, input.toString());

    List<String> everything = new ArrayList<>(outputs);
    everything.add(logs.toString(StandardCharsets.UTF_8));
    everything.add(Files.readString(metrics));
    try (Stream<Path> deadLetters = Files.walk(dir.resolve("dead"))) {
      for (Path file : deadLetters.filter(Files::isRegularFile).toList()) {
        everything.add(Files.readString(file));
      }
    }
    assertThat(String.join("\n", everything)).contains("connect", "Invalid").doesNotContain(SECRETS);
    assertThat(outputs.size()).isEqualTo(16);
  }

  private static String[] concat(String[] a, String[] b) {
    return EmbeddedDefaultTest.concat(a, b);
  }
}
