package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small in-process run: the report's shape, not its numbers (a benchmark is not a test). */
class BenchCommandTest {
  @TempDir Path dir;

  @Test
  void reportsFloeAndBothBaselinesOnTheSameEventsAsOneJsonLine() throws Exception {
    CliRunner.Result result =
        new CliRunner(Map.of()).run("bench", "--events", "2000", "--work-dir", dir.toString(), "--json");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(result.out());
    assertThat(report.get("events").asLong()).isEqualTo(2000);
    assertThat(report.get("phases")).extracting(phase -> phase.get("name").asText()).containsExactly("floe", "naive", "limit");
    for (JsonNode phase : report.get("phases")) {
      assertThat(phase.get("events").asLong()).as(phase.toString()).isEqualTo(2000);
      assertThat(phase.get("data_files").asInt()).as(phase.toString()).isEqualTo(5);
      assertThat(phase.get("cpu_s").asDouble()).isPositive();
    }
    JsonNode floe = report.get("phases").get(0);
    assertThat(floe.get("commits").asLong()).isEqualTo(1);
    assertThat(floe.get("catalog_requests").asLong()).isBetween(2L, 6L);
    assertThat(report.get("peer").asText()).contains("not run");
  }

  @Test
  void rejectsAnUnknownBaseline() {
    CliRunner.Result result = new CliRunner(Map.of()).run("bench", "--events", "10", "--baselines", "spark");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("Invalid --baselines: spark");
  }
}
