package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -D key=value} sets any key, including those that also have a named option. */
class DashDOptionTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void keysWithANamedOptionCanBeSetWithDashDWhenTheOptionIsNotGiven() throws Exception {
    Path input = dir.resolve("events.ndjson");
    Files.write(input, List.of(
        "{\"do_id\":\"do-1\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1762000000000,\"seq\":1}",
        "{\"do_id\": broken"));
    Path deadLetters = dir.resolve("rejects");

    CliRunner.Result run = new CliRunner(Map.of()).run(
        "ingest", "--json", "--warehouse", dir.resolve("wh").toString(),
        "-D", "dead-letter.dir=" + deadLetters, "-D", "table=ns.from_dash_d", input.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode summary = MAPPER.readTree(run.out());
    assertThat(summary.get("table").asText()).isEqualTo("floe.ns.from_dash_d");
    assertThat(summary.get("events_rejected").asLong()).isEqualTo(1);
    assertThat(summary.get("dead_letters")).singleElement()
        .satisfies(location -> assertThat(Path.of(location.asText())).startsWith(deadLetters).isRegularFile());
  }
}
