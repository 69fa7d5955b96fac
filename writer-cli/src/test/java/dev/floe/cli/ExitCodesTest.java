package dev.floe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.floe.catalog.TlsVerificationException;
import dev.floe.catalog.TransportConfig;
import dev.floe.core.TooManyRejectsException;
import dev.floe.core.commit.CommitUnknownException;
import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.table.IncompatibleTableException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.CertPathBuilderException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each exit code a cron wrapper branches on, provoked for real where the CLI can be made to hit it. */
class ExitCodesTest {
  @TempDir Path dir;
  private CronFixture cron;

  @BeforeEach
  void setUp() {
    cron = new CronFixture(dir);
  }

  @Test
  void zeroWhenTheRunCommitsAndWhenThereIsNothingNew() {
    cron.drop("a.ndjson", CronFixture.events("do-1", 1, 5));

    CliRunner.Result first = cron.ingestSpool();
    CliRunner.Result second = cron.ingestSpool();

    assertThat(first.exitCode()).as(first.err()).isEqualTo(ExitCodes.OK);
    assertThat(CronFixture.json(first).get("batches_committed").asInt()).isEqualTo(1);
    assertThat(second.exitCode()).as(second.err()).isEqualTo(ExitCodes.OK);
    JsonNode nothing = CronFixture.json(second);
    assertThat(nothing.get("committed").asBoolean()).isFalse();
    assertThat(nothing.get("batches_offered").asInt()).isZero();
    assertThat(cron.rows()).hasSize(5);
  }

  @Test
  void zeroAndNothingDoneWhenAnotherRunHoldsTheSpool() throws IOException {
    cron.drop("a.ndjson", CronFixture.events("do-1", 1, 5));
    Path lock = Files.createDirectories(cron.spool.resolve(".floe")).resolve("lock");
    CliRunner.Result result;
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {
      result = cron.ingest("--spool", cron.spool.toString());
    }

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).startsWith("Nothing done: Cannot lock " + lock);
    assertThat(cron.files("")).containsExactly("a.ndjson");
    assertThat(cron.files(".floe/claims")).isEmpty();
  }

  @Test
  void oneWhenTheCatalogIsUnreachableAndTheSpoolIsLeftAsItWas() throws IOException {
    cron.drop("a.ndjson", CronFixture.events("do-1", 1, 5));
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }

    CliRunner.Result result = cron.cli.run("ingest", "--catalog-type", "rest", "--catalog-uri", "http://127.0.0.1:" + closedPort,
        "--table", CronFixture.TABLE, "-D", "source.settle-time=0s", "--spool", cron.spool.toString());

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.RETRYABLE);
    assertThat(result.err()).startsWith("floe: Cannot open REST catalog floe at http://127.0.0.1:" + closedPort)
        .contains("Connection refused");
    assertThat(result.err().strip()).doesNotContain("\n");
    assertThat(result.out()).isEmpty();
    assertThat(cron.files("")).containsExactly("a.ndjson");
    assertThat(cron.files(".floe/claims")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "no source                | ingest                                     | Invalid arguments: name input files",
    "a spool and files        | ingest --spool SPOOL a.ndjson              | Invalid arguments: give either --spool or input files, not both",
    "stdin with a file        | ingest - a.ndjson                          | Invalid arguments: '-' and an s3:// prefix must be the only source of a run",
    "an unknown option        | ingest --frobnicate SPOOL                  | Unknown option: '--frobnicate'",
    "a bad size               | ingest --max-bytes lots --spool SPOOL      | Invalid value for ingest.max-bytes",
    "a bad reject ratio       | ingest --max-reject-ratio 2 --spool SPOOL  | Invalid ingest.max-reject-ratio: 2.0 (0 to 1)",
    "a spool that is no dir   | ingest --spool SPOOL/a.ndjson              | Invalid spool: ",
    "a file that is not there | ingest SPOOL/missing.ndjson                | Invalid input: ",
    "a bad partition spec     | ingest -D table.partition-spec=week(timestamp) --spool SPOOL | Invalid partition spec 'week(timestamp)': unknown transform 'week'",
    "a bad filter             | ingest --filter op=== --spool SPOOL        | Invalid filter at position",
    "a REST catalog, no URI   | ingest --catalog-type rest --spool SPOOL   | Invalid config: catalog.uri is required when catalog.type=rest",
    "a negative backoff       | ingest -D commit.retry-backoff=-1s --spool SPOOL | Invalid commit backoff",
    "a negative read-ahead    | ingest -D ingest.read-ahead=-1 --spool SPOOL | Invalid ingest.read-ahead: -1",
    "an empty timestamp window | ingest -D decode.timestamp-min=2200-01-01T00:00:00Z --spool SPOOL | Invalid timestamp window",
    "a zero max-past          | ingest -D decode.timestamp-max-past=0s --spool SPOOL | Invalid value for decode.timestamp-max-past (command line): PT0S (must be positive)",
    "a schema file, no fields | ingest -D schema.file=SPOOL/../empty-schema.json --spool SPOOL | no fields",
  })
  void twoForUsageErrorsWithNothingTaken(String what, String command, String message) throws IOException {
    cron.drop("a.ndjson", CronFixture.events("do-1", 1, 5));
    Files.writeString(cron.spool.resolveSibling("empty-schema.json"), "{\"fields\": []}");
    List<String> args = new ArrayList<>();
    for (String arg : command.split(" ")) {
      args.add(arg.replace("SPOOL", cron.spool.toString()));
    }
    args.addAll(List.of("--warehouse", cron.warehouse.toString()));

    CliRunner.Result result = cron.cli.run(args.toArray(String[]::new));

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains(message);
    assertThat(result.out()).isEmpty();
    assertThat(cron.files("")).containsExactly("a.ndjson");
  }

  @Test
  void fourWhenTooManyEventsAreRejectedAndNothingIsCommittedOrMoved() {
    List<String> lines = new ArrayList<>(CronFixture.events("do-1", 1, 3));
    lines.add("{\"do_id\":\"do-1\", broken");
    lines.add("{\"do_id\":\"do-1\",\"seq\":\"not a number\"}");
    cron.drop("a.ndjson", lines);

    CliRunner.Result result = cron.ingestSpool("--max-reject-ratio", "0.2");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.TOO_MANY_REJECTS);
    assertThat(result.err()).matches("(?s)floe: Cannot commit run \\S+ to floe\\.cron\\.events: 2 of 5 events were rejected"
        + " \\(40\\.0%, more than the 20\\.0% allowed by ingest\\.max-reject-ratio\\); nothing was committed;"
        + " the rejected events are in \\S+a\\.ndjson-\\S+\\.ndjson\\s*");
    assertThat(cron.files("")).containsExactly("a.ndjson");
    assertThat(cron.files(".floe/claims")).isEmpty();
    // Kept so the operator can see what is wrong; a later run of the batch replaces them.
    assertThat(cron.deadLetterFiles()).as("dead letters of a run that committed nothing").hasSize(1);
    assertThat(cron.rows()).isEmpty();

    CliRunner.Result lenient = cron.ingestSpool("--max-reject-ratio", "0.5");
    assertThat(lenient.exitCode()).as(lenient.err()).isEqualTo(ExitCodes.OK);
    assertThat(cron.rows()).hasSize(3);
    assertThat(cron.files("done")).containsExactly("a.ndjson");
  }

  /**
   * Exit code 3 needs a catalog that loses its answer to a commit; the CLI builds its own catalog,
   * so this is covered by the library tests (IngestJobCommitUnknownTest: the claim is kept and the
   * next run settles it) and here by the mapping from the library's exceptions to exit codes.
   */
  @Test
  void theLibrarysExceptionsMapToTheirExitCodes() {
    assertThat(FloeCli.exitCode(new CommitUnknownException("r", "Cannot tell", new CommitStateUnknownException(new RuntimeException()))))
        .isEqualTo(ExitCodes.COMMIT_UNKNOWN);
    assertThat(FloeCli.exitCode(new TooManyRejectsException("Cannot commit"))).isEqualTo(ExitCodes.TOO_MANY_REJECTS);
    assertThat(FloeCli.exitCode(new CommitFailedException("conflict"))).isEqualTo(ExitCodes.RETRYABLE);
    assertThat(FloeCli.exitCode(new InvalidConfigException("Invalid x"))).isEqualTo(ExitCodes.USAGE);
    assertThat(FloeCli.exitCode(new IncompatibleTableException("Cannot write table t"))).isEqualTo(ExitCodes.USAGE);
    // Not floe's config error: Iceberg's argument checks, a bug. Nothing for the user to fix.
    assertThat(FloeCli.exitCode(new IllegalArgumentException("Invalid x"))).isEqualTo(ExitCodes.RETRYABLE);
  }

  /** An IllegalArgumentException that no config parsing threw (an Iceberg check on the data, say) is no usage error. */
  @Test
  void oneWhenAnArgumentCheckFailsWhileWriting() {
    cron.drop("a.ndjson", CronFixture.events("do-1", 1, 5));

    CliRunner.Result result = cron.ingestSpool("-D", "catalog.property.io-impl=" + FaultyFileIO.class.getName(),
        "-D", "catalog.property.faulty.files=.parquet", "-D", "catalog.property.faulty.error=illegal-argument");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.RETRYABLE);
    assertThat(result.err()).matches("floe: Cannot write file:" + Pattern.quote(cron.warehouse.toString())
        + "/cron/events/data/\\S+\\.parquet: a check that refuses it\\s*");
    assertThat(cron.files("")).containsExactly("a.ndjson");
    assertThat(cron.rows()).isEmpty();
  }

  /** Real handshakes with untrusted certificates run in catalog-adapter's tests and the ITs. */
  @Test
  void twoWhenATlsCertificateFailsVerificationNotOne() {
    RuntimeException handshake =
        new IllegalStateException(
            "Unable to execute HTTP request",
            new CertPathBuilderException("unable to find valid certification path to requested target"));
    RuntimeException explained =
        TlsVerificationException.explain(handshake, "S3 endpoint", "https://minio:9000", TransportConfig.defaults());

    assertThat(explained).isInstanceOf(TlsVerificationException.class);
    assertThat(FloeCli.exitCode(explained)).isEqualTo(ExitCodes.USAGE);
    assertThat(FloeCli.exitCode(handshake)).isEqualTo(ExitCodes.RETRYABLE);
  }
}
