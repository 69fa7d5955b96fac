package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code floe ingest} with a growing {@code schema.file}: v2 evolves the table, a refused change
 * exits 2 naming the field and leaves the table as it was, and {@code floe status} shows the
 * schema history in text and JSON.
 */
class SchemaEvolutionCliTest {
  private static final String V1 =
      "{\"name\": \"orders\", \"format\": {\"type\": \"json\", \"timestamp_format\": \"unix_millis\"},"
          + " \"schema\": {\"fields\": ["
          + "{\"name\": \"id\", \"type\": \"string\", \"required\": true},"
          + "{\"name\": \"ts\", \"type\": \"timestamp\", \"required\": true},"
          + "{\"name\": \"qty\", \"type\": \"int32\", \"required\": true}]}}";
  private static final String V2 =
      V1.replace("\"int32\", \"required\": true}", "\"int64\"}, {\"name\": \"tag\", \"type\": \"string\"}");
  private static final String NARROWED = V1.replace("\"int32\"", "\"string\"");

  @TempDir Path dir;
  private CronFixture cron;

  @BeforeEach
  void setUp() {
    cron = new CronFixture(dir);
  }

  private CliRunner.Result ingest(String name, String definition, String... lines) throws IOException {
    Path schema = Files.writeString(dir.resolve(name + ".json"), definition);
    cron.drop(name + ".ndjson", List.of(lines));
    return cron.ingestSpool("-D", "schema.file=" + schema);
  }

  private CliRunner.Result status(String... args) {
    List<String> all = new ArrayList<>(List.of("status", "--warehouse", cron.warehouse.toString(), "--table", CronFixture.TABLE));
    all.addAll(List.of(args));
    return cron.cli.run(all.toArray(String[]::new));
  }

  @Test
  void aRefusedChangeExitsTwoNamingTheFieldAndStatusShowsTheHistory() throws IOException {
    assertThat(V2).isNotEqualTo(V1);
    CliRunner.Result v1 = ingest("v1", V1, "{\"id\":\"a\",\"ts\":1767139201000,\"qty\":1}");
    assertThat(v1.exitCode()).as(v1.err()).isEqualTo(ExitCodes.OK);
    CliRunner.Result v2 = ingest("v2", V2, "{\"id\":\"b\",\"ts\":1767139202000,\"qty\":5000000000,\"tag\":\"t\"}");
    assertThat(v2.exitCode()).as(v2.err()).isEqualTo(ExitCodes.OK);
    JsonNode before = CronFixture.json(status("--json"));

    CliRunner.Result refused = ingest("narrowed", NARROWED, "{\"id\":\"c\",\"ts\":1767139203000,\"qty\":\"x\"}");

    assertThat(refused.exitCode()).as(refused.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(refused.err())
        .contains("Cannot evolve table cron.events to the schema definition (the table is left unchanged):"
            + " field 'qty' is long in the table and string in the definition");
    assertThat(cron.files("")).contains("narrowed.ndjson");
    JsonNode after = CronFixture.json(status("--json"));
    assertThat(after.get("schema_id")).isEqualTo(before.get("schema_id"));
    assertThat(after.get("current_snapshot_id")).isEqualTo(before.get("current_snapshot_id"));
    assertThat(after.get("rows").asLong()).isEqualTo(2);

    JsonNode history = after.get("schema_history");
    assertThat(history).hasSize(2);
    assertThat(history.get(0).get("schema_id").asInt()).isZero();
    assertThat(history.get(0).get("current").asBoolean()).isFalse();
    assertThat(history.get(0).get("since").asText()).isNotEmpty();
    assertThat(history.get(0).get("changes")).isEmpty();
    JsonNode second = history.get(1);
    assertThat(second.get("current").asBoolean()).isTrue();
    assertThat(second.get("since_snapshot_id")).isEqualTo(after.get("current_snapshot_id"));
    assertThat(second.get("changes")).extracting(JsonNode::asText)
        .containsExactly("widened qty from int to long", "made qty optional", "added tag string");

    CliRunner.Result text = status();
    assertThat(text.exitCode()).as(text.err()).isEqualTo(ExitCodes.OK);
    assertThat(text.out())
        .contains("Schema history\n  0 since ")
        .containsPattern("  1 \\(current\\) since \\S+, snapshot "
            + after.get("current_snapshot_id").asText() + ": widened qty from int to long, made qty optional, added tag string\n");
  }
}
