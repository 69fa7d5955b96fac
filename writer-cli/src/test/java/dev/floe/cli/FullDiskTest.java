package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded warehouse's disk fills up during a run, at each point where floe writes: a data
 * file while rows go in and while it is closed, and the commit's files (batch ledger, manifests,
 * the new metadata that the SQLite catalog would point at). The run says so in one line, exits 1,
 * leaves no data file behind and takes nothing from the spool; the next run, with space again,
 * commits every event exactly once.
 */
class FullDiskTest {
  @TempDir Path dir;
  private CronFixture cron;

  @BeforeEach
  void setUp() {
    cron = new CronFixture(dir);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    // A 1 KB row group goes to the file while rows are still written; 64 MB ones only at the close.
    "writing a data file     | .parquet       | 0 | 1KB  | Cannot write data file TABLE/data/\\S+\\.parquet: No space left on device",
    "closing a data file     | .parquet       | 4 | 64MB | Cannot close data file TABLE/data/\\S+\\.parquet: No space left on device",
    // Hadoop's FSError as a plain HadoopFileIO passes it on: floe's writer names the file all the same.
    "writing, raw FSError    | .parquet!      | 0 | 1KB  | Cannot write data file TABLE/data/\\S+\\.parquet: No space left on device",
    "closing, raw FSError    | .parquet!      | 4 | 64MB | Cannot close data file TABLE/data/\\S+\\.parquet: No space left on device",
    "writing the ledger      | .ledger        | 0 | 64MB | COMMIT: Cannot write TABLE/metadata/floe-ledger/\\S+\\.ledger: No space left on device",
    "writing a manifest      | .avro          | 0 | 64MB | COMMIT: Cannot write TABLE/metadata/\\S+-m0\\.avro: No space left on device",
    "writing the new metadata| .metadata.json | 0 | 64MB | COMMIT: Cannot write TABLE/metadata/\\S+\\.metadata\\.json: No space left on device",
  })
  void aRunThatFillsTheDiskSaysWhereDeletesItsFilesAndTheNextRunCommitsOnce(
      String point, String files, long afterBytes, String rowGroup, String expected) {
    cron.drop("a.ndjson", CronFixture.events("do-1", 1, 5));
    CliRunner.Result first = cron.ingestSpool();
    assertThat(first.exitCode()).as(first.err()).isEqualTo(ExitCodes.OK);
    List<String> before = allFiles();
    cron.drop("b.ndjson", CronFixture.events("do-2", 1, 2000));
    cron.drop("c.ndjson", CronFixture.events("do-3", 1, 5));

    CliRunner.Result full = cron.ingestSpool("-D", "catalog.property.io-impl=" + FaultyFileIO.class.getName(),
        "-D", "catalog.property.faulty.files=" + files.replace("!", ""), "-D", "catalog.property.faulty.above=" + files.endsWith("!"), "-D", "catalog.property.faulty.after-bytes=" + afterBytes,
        "-D", "write.row-group-size=" + rowGroup);

    String table = Pattern.quote("file:" + cron.warehouse + "/cron/events");
    String message = expected
        .replace("TABLE", table)
        .replace("COMMIT", "Cannot commit run \\S+ to floe\\.cron\\.events");
    assertThat(full.exitCode()).as(full.err()).isEqualTo(ExitCodes.RETRYABLE);
    assertThat(full.err()).matches("floe: " + message + "\\s*");
    assertThat(full.out()).isEmpty();
    // Nothing of the run is left: data files, batch ledger, manifests, a half-written metadata file.
    assertThat(allFiles()).as("files after the full run").isEqualTo(before);
    assertThat(cron.files("")).containsExactly("b.ndjson", "c.ndjson");

    CliRunner.Result again = cron.ingestSpool();
    assertThat(again.exitCode()).as(again.err()).isEqualTo(ExitCodes.OK);
    assertThat(CronFixture.json(again).get("batches_committed").asInt()).isEqualTo(2);
    List<String> expectedRows = new ArrayList<>();
    for (String doId : List.of("do-1", "do-2", "do-3")) {
      for (int seq = 1; seq <= (doId.equals("do-2") ? 2000 : 5); seq++) {
        expectedRows.add(doId + "/" + seq);
      }
    }
    assertThat(cron.rows()).containsExactlyInAnyOrderElementsOf(expectedRows);
    assertThat(cron.files("done")).containsExactly("a.ndjson", "b.ndjson", "c.ndjson");
  }

  private List<String> allFiles() {
    try (Stream<Path> files = Files.walk(cron.warehouse)) {
      return files.filter(Files::isRegularFile).map(Path::toString).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
