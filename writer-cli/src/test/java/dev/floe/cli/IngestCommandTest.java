package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final long T = 1_762_000_000_000L;

  @TempDir Path dir;
  private CliRunner cli;
  private String[] where;

  @BeforeEach
  void setUp() {
    cli = new CliRunner(Map.of());
    where = new String[] {"--warehouse", dir.resolve("wh").toString(), "-D", "dead-letter.dir=" + dir.resolve("dead")};
  }

  private static String event(String doId, long seq) {
    return "{\"do_id\":\"" + doId + "\",\"ns\":\"app\",\"type\":\"user\",\"key\":\"k" + seq
        + "\",\"value\":\"{}\",\"op\":\"PUT\",\"timestamp\":" + T + ",\"seq\":" + seq + "}";
  }

  @Test
  void malformedLinesAreDeadLetteredWithLineAndReasonAndValidOnesWritten() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<String> lines = List.of(
        event("do-1", 1),
        "{\"do_id\": \"do-1\", broken",
        "{\"ns\":\"app\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1,\"seq\":2}",
        "{\"do_id\":\"do-1\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1,\"seq\":\"two\"}",
        "{\"do_id\":[\"not\",\"a\",\"string\"],\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":true,\"seq\":3}",
        event("do-1", 4));
    for (String line : lines) {
      bytes.write(line.getBytes(StandardCharsets.UTF_8));
      bytes.write('\n');
    }
    bytes.write("{\"do_id\":\"do-\u00e9".getBytes(StandardCharsets.UTF_8));
    bytes.write(new byte[] {(byte) 0xC3, (byte) 0x28}); // invalid UTF-8
    bytes.write("\",\"key\":\"k\",\"op\":\"PUT\",\"timestamp\":1,\"seq\":5}\n".getBytes(StandardCharsets.UTF_8));
    bytes.write((event("do-1", 6) + "\n").getBytes(StandardCharsets.UTF_8));
    Path malformed = dir.resolve("malformed.ndjson");
    Files.write(malformed, bytes.toByteArray());

    ByteArrayOutputStream gzip = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
      for (int seq = 1; seq <= 2000; seq++) {
        out.write((event("do-2", seq) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] whole = gzip.toByteArray();
    Path truncated = dir.resolve("truncated.ndjson.gz");
    Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));

    CliRunner.Result result = cli.run(EmbeddedDefaultTest.concat(
        new String[] {"ingest", "--json", malformed.toString(), truncated.toString()}, where));

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode summary = MAPPER.readTree(result.out());
    long truncatedLines = summary.get("events_written").asLong() - 3;
    assertThat(truncatedLines).isBetween(1L, 1999L);
    assertThat(summary.get("events_rejected").asLong()).isEqualTo(5 + 1);
    List<JsonNode> rejects = new ArrayList<>();
    for (JsonNode location : summary.get("dead_letters")) {
      for (String line : Files.readAllLines(Path.of(location.asText()))) {
        rejects.add(MAPPER.readTree(line));
      }
    }
    assertThat(rejects).filteredOn(r -> r.get("source").asText().equals(malformed.toString()))
        .extracting(r -> r.get("line").asLong())
        .containsExactly(2L, 3L, 4L, 5L, 7L);
    assertThat(rejects).filteredOn(r -> r.get("source").asText().equals(malformed.toString()))
        .allSatisfy(r -> assertThat(r.get("reason").asText()).isNotBlank());
    assertThat(rejects).filteredOn(r -> r.get("line").asLong() == 7)
        .singleElement().satisfies(r -> {
          assertThat(r.get("reason").asText()).containsIgnoringCase("UTF-8");
          assertThat(r.has("raw_base64")).isTrue();
        });
    assertThat(rejects).filteredOn(r -> r.get("source").asText().equals(truncated.toString()))
        .singleElement().satisfies(r -> assertThat(r.get("reason").asText()).contains("truncated"));
  }

  @Test
  void anInvalidTableNameIsAUsageError() throws IOException {
    Path file = Files.writeString(dir.resolve("a.ndjson"), event("do-1", 1));
    CliRunner.Result result = cli.run(EmbeddedDefaultTest.concat(new String[] {"ingest", "--table", "nodots", file.toString()}, where));
    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err().strip())
        .isEqualTo("floe: Invalid value for table (command line): 'nodots': expected namespace.table, e.g. do_state.changes");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void aMissingFileIsAUsageError() {
    CliRunner.Result result = cli.run(EmbeddedDefaultTest.concat(new String[] {"ingest", dir.resolve("nope.ndjson").toString()}, where));
    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("floe: Invalid input: " + dir.resolve("nope.ndjson") + " is not a readable file");
  }

  @Test
  void secretsAreRefusedOnTheCommandLineWithoutEchoingThem() throws IOException {
    Path file = Files.writeString(dir.resolve("a.ndjson"), event("do-1", 1));
    CliRunner.Result result = cli.run(EmbeddedDefaultTest.concat(
        new String[] {"ingest", "-D", "s3.secret-access-key=TOPSECRET123", file.toString()}, where));
    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("secrets are not accepted on the command line").doesNotContain("TOPSECRET123");
  }

  @Test
  void aBadFilterIsAUsageErrorAndNothingIsCommitted() throws IOException {
    Path file = Files.writeString(dir.resolve("a.ndjson"), event("do-1", 1));
    CliRunner.Result result = cli.run(EmbeddedDefaultTest.concat(
        new String[] {"ingest", "--filter", "op = = 'x'", file.toString()}, where));
    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).startsWith("floe: Invalid filter");
    CliRunner.Result status = cli.run(EmbeddedDefaultTest.concat(new String[] {"status", "--json"}, where));
    assertThat(status.out()).contains("\"rows\":0");
  }

  @Test
  void environmentVariablesConfigureTheRun() throws IOException {
    Path file = Files.writeString(dir.resolve("a.ndjson"), event("do-1", 1) + "\n" + event("do-1", 2));
    CliRunner withEnv = new CliRunner(Map.of("FLOE_TABLE", "other.events", "FLOE_WAREHOUSE", dir.resolve("wh2").toString(),
        "FLOE_DEAD_LETTER_DIR", dir.resolve("dead2").toString()));
    CliRunner.Result result = withEnv.run("ingest", "--json", file.toString());
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(MAPPER.readTree(result.out()).get("table").asText()).endsWith("other.events");
    assertThat(dir.resolve("wh2").resolve("catalog.db")).exists();
  }

  @Test
  void aSettingGivenWithDashDIsNotHiddenByAnAbsentNamedOption() throws IOException {
    Path file = Files.writeString(dir.resolve("a.ndjson"), event("do-1", 1) + "\nnot json\n");
    Path dead = dir.resolve("elsewhere");
    CliRunner.Result result = cli.run("ingest", "--json", "--warehouse", dir.resolve("wh").toString(),
        "-D", "dead-letter.dir=" + dead, "-D", "table=ns.other", file.toString());
    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode summary = MAPPER.readTree(result.out());
    assertThat(summary.get("table").asText()).endsWith("ns.other");
    assertThat(summary.get("dead_letters").get(0).asText()).startsWith(dead.toString());
  }
}
