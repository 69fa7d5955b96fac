package dev.floe.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.core.FloeWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteWarmupTest {
  @TempDir
  Path dir;

  @Test
  void writesGeneratedEventsToALocalFileItDeletesAndLeavesTheTableAlone() throws IOException {
    ServeFixture fixture = new ServeFixture(dir);
    FloeWriter writer = fixture.writer();
    Path spool = dir.resolve("spool");

    java.util.List<RequestBody.Lines> requests = new java.util.ArrayList<>();
    WriteWarmup.Result result = WriteWarmup.run(writer, spool, 25_050, Clock.systemUTC(), requests::add);

    assertThat(requests).as("requests of 100 events, the last one shorter").hasSize(251);
    assertThat(requests.stream().mapToLong(WriteWarmupTest::lines).sum()).isEqualTo(25_050);
    assertThat(lines(requests.get(250))).isEqualTo(50);
    assertThat(result.generated()).isEqualTo(25_050);
    assertThat(result.written()).as("every generated event fits the default schema").isEqualTo(25_050);
    assertThat(result.rejected()).isZero();
    assertThat(files(spool)).as("the warm-up file is deleted").isEmpty();
    Table table = fixture.catalog.loadTable(ServeFixture.TABLE);
    assertThat(table.currentSnapshot()).as("nothing is committed").isNull();
    try (Stream<Path> underTable = Files.walk(dir.resolve("warehouse"))) {
      assertThat(underTable.filter(p -> p.toString().endsWith(".parquet")).toList())
          .as("nothing is written to the table's storage").isEmpty();
    }
  }

  @Test
  void deletesAWarmupFileLeftByAKilledProcess() throws IOException {
    ServeFixture fixture = new ServeFixture(dir);
    Path spool = Files.createDirectories(dir.resolve("spool"));
    Path left = Files.writeString(spool.resolve("warmup-123.parquet"), "torn");
    Path segment = Files.writeString(spool.resolve("000000000001-x" + WriteAheadSpool.SUFFIX), "not a warm-up file");

    WriteWarmup.run(fixture.writer(), spool, 10, Clock.systemUTC());

    assertThat(left).doesNotExist();
    assertThat(files(spool)).containsExactly(segment);
  }

  @Test
  void zeroEventsDoesNothing() {
    ServeFixture fixture = new ServeFixture(dir);
    Path spool = dir.resolve("spool");

    WriteWarmup.Result result = WriteWarmup.run(fixture.writer(), spool, 0, Clock.systemUTC());

    assertThat(result.written()).isZero();
    assertThat(spool).doesNotExist();
  }

  private static long lines(RequestBody.Lines ndjson) {
    long lines = 0;
    for (int i = 0; i < ndjson.length(); i++) {
      lines += ndjson.bytes()[i] == '\n' ? 1 : 0;
    }
    return lines;
  }

  private static java.util.List<Path> files(Path directory) throws IOException {
    try (Stream<Path> listing = Files.list(directory)) {
      return listing.toList();
    }
  }
}
