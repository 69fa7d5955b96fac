package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code floe serve}'s configuration errors: exit 2 with the key or the file named, before it listens. */
class ServeCommandTest {
  @TempDir Path dir;

  private CliRunner.Result serve(Map<String, String> env, String... args) {
    String[] all = new String[args.length + 5];
    all[0] = "serve";
    all[1] = "--warehouse";
    all[2] = dir.resolve("warehouse").toString();
    all[3] = "--spool-dir";
    all[4] = dir.resolve("spool").toString();
    System.arraycopy(args, 0, all, 5, args.length);
    return new CliRunner(env).run(all);
  }

  private Path stream(String http) throws IOException {
    Path file = dir.resolve("stream.json");
    Files.writeString(file, "{\"name\": \"orders\", \"schema\": {\"fields\": [{\"name\": \"id\", \"type\": \"string\", "
        + "\"required\": true}]}, \"http\": " + http + "}");
    return file;
  }

  @Test
  void aStreamThatAsksForAuthenticationNeedsAToken() throws IOException {
    CliRunner.Result result = serve(Map.of(), "--stream", stream("{\"enabled\": true, \"authentication\": true}").toString());
    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("requires a bearer token").contains("FLOE_SERVE_TOKEN").contains("serve.token-file");
    assertThat(result.out()).doesNotContain("Listening");
  }

  @Test
  void anUnreadableTokenFileIsAConfigErrorNamingTheKey() throws IOException {
    CliRunner.Result result = serve(Map.of(), "-D", "serve.token-file=" + dir.resolve("missing"),
        "--stream", stream("{\"authentication\": true}").toString());
    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("Invalid value for serve.token-file: cannot read");
  }

  @Test
  void anOutOfRangePortIsAConfigError() {
    CliRunner.Result result = serve(Map.of(), "--port", "70000");
    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("Invalid value for serve.port: 70000");
  }
}
