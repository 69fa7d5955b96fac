package dev.floe.server;

import dev.floe.core.FloeWriter;
import dev.floe.core.decode.EventDecoder;
import dev.floe.core.generate.EventGenerator;
import dev.floe.core.write.RowFileWriterFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.data.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs generated events through a stream's request path (array to NDJSON, the counting decoder),
 * decoder and Parquet writer before the server listens, into a local file under the spool that is
 * deleted after: nothing is spooled, and nothing reaches the table or its storage. Without it the first roll's commit runs in the interpreter while the JIT compiles the
 * write path, and on two cores that starves the request threads: in ServeBench at 50,000 events/s
 * the first commit of 42,100 events took 10 s (later ones of 100,000 events took 0.6 s) and answers
 * waited 3 to 5 s for most of the next 10 s, which is what a Durable Object switched over to a
 * freshly started server would meet. Events the stream's schema does not take are rejected by the
 * decoder and only warm the decoder.
 */
final class WriteWarmup {
  private static final Logger LOG = LoggerFactory.getLogger(WriteWarmup.class);
  /** Events generated and decoded at a time, to keep the warm-up's memory small. */
  private static final int CHUNK_EVENTS = 10_000;
  /** Events per warm-up request: what a Durable Object's flush typically holds. */
  private static final int REQUEST_EVENTS = 100;

  private WriteWarmup() {}

  /** What the warm-up did. */
  record Result(long generated, long written, long rejected, Duration took) {}

  /**
   * Writes {@code events} generated events to a throwaway Parquet file in {@code directory}.
   *
   * @param events 0 to skip
   */
  static Result run(FloeWriter writer, Path directory, long events, Clock clock) {
    return run(writer, directory, events, clock, ndjson -> { });
  }

  /**
   * As {@link #run(FloeWriter, Path, long, Clock)}, and first sends each chunk through the request
   * path as requests of {@value #REQUEST_EVENTS} events: the JSON array is split into NDJSON as
   * {@link RequestBody#toNdjson} does for a request, and handed to {@code requests} (the stream's
   * counting decoder), so the code every request runs is compiled too. Nothing is spooled.
   */
  static Result run(FloeWriter writer, Path directory, long events, Clock clock,
      Consumer<RequestBody.Lines> requests) {
    Instant start = clock.instant();
    if (events <= 0) {
      return new Result(0, 0, 0, Duration.ZERO);
    }
    Table table = writer.table();
    Instant now = clock.instant();
    EventDecoder decoder = new EventDecoder(table.schema(), writer.config().limits(), writer.config().rules().at(now));
    RowFileWriterFactory factory =
        new RowFileWriterFactory(table, writer.config().write().parquetProperties(), SortOrder.unsorted());
    Path file;
    try {
      Files.createDirectories(directory);
      // One left by a process killed while warming up.
      try (java.nio.file.DirectoryStream<Path> left = Files.newDirectoryStream(directory, "warmup-*.parquet")) {
        for (Path old : left) {
          Files.deleteIfExists(old);
        }
      }
      file = Files.createTempFile(directory, "warmup-", ".parquet");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the warm-up file in " + directory + ": " + e.getMessage(), e);
    }
    long written = 0;
    long rejected = 0;
    try {
      DataWriter<Record> data = factory.newDataWriter(
          EncryptedFiles.plainAsEncryptedOutput(org.apache.iceberg.Files.localOutput(file.toFile())),
          PartitionSpec.unpartitioned(), null);
      long[] counts = new long[2];
      try (data) {
        for (long done = 0, chunk = 0; done < events; done += CHUNK_EVENTS, chunk++) {
          int count = (int) Math.min(CHUNK_EVENTS, events - done);
          // Timestamps of the last hour, inside any plausibility window a stream sets.
          EventGenerator generator = new EventGenerator(chunk, 1000, now.minus(Duration.ofHours(1)), Duration.ofHours(1),
              0.03, 1000);
          ByteArrayOutputStream ndjson = new ByteArrayOutputStream(count * 1200);
          generator.write(count, ndjson);
          byte[] lines = ndjson.toByteArray();
          for (byte[] body : asRequests(lines)) {
            requests.accept(RequestBody.toNdjson(body));
          }
          decoder.decodeRows("warm-up", new ByteArrayInputStream(lines), row -> {
            data.write(row);
            counts[0]++;
          }, reject -> counts[1]++);
        }
      }
      written = counts[0];
      rejected = counts[1];
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the warm-up file " + file + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warn("Cannot delete the warm-up file {}: {}", file, e.getMessage());
      }
    }
    Result result = new Result(events, written, rejected, Duration.between(start, clock.instant()));
    LOG.info("Warmed up the write path of {} with {} generated events ({} written to a local file, since deleted; {}"
        + " rejected by the stream's schema) in {} ms", writer.config().table(), result.generated(), result.written(),
        result.rejected(), result.took().toMillis());
    return result;
  }

  /** NDJSON lines as JSON array bodies of {@value #REQUEST_EVENTS} events each. */
  private static java.util.List<byte[]> asRequests(byte[] lines) {
    java.util.List<byte[]> bodies = new java.util.ArrayList<>();
    ByteArrayOutputStream body = new ByteArrayOutputStream(REQUEST_EVENTS * 1200);
    int inBody = 0;
    int start = 0;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i] != '\n') {
        continue;
      }
      body.write(inBody == 0 ? '[' : ',');
      body.write(lines, start, i - start);
      start = i + 1;
      if (++inBody == REQUEST_EVENTS) {
        body.write(']');
        bodies.add(body.toByteArray());
        body.reset();
        inBody = 0;
      }
    }
    if (inBody > 0) {
      body.write(']');
      bodies.add(body.toByteArray());
    }
    return bodies;
  }
}
