package dev.floe.bench;

import dev.floe.cli.bench.NaiveBaseline;
import dev.floe.core.decode.DecodeLimits;
import dev.floe.core.decode.EventDecoder;
import dev.floe.core.write.PartitionedWriter;
import dev.floe.core.write.WriteOptions;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parquet encoding with ZSTD (floe's write properties: level 3, bloom filter on do_id) into local
 * files, per event: floe's path end to end (decode rows + write), floe's writer fed generic
 * records, and Iceberg's generic writer as the naive baseline uses it. Files are deleted after
 * each operation batch; nothing is committed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@OperationsPerInvocation(Data.EVENTS)
public class EncodeBenchmark {
  private Path warehouse;
  private Table table;
  private byte[] input;
  private EventDecoder decoder;
  private List<Record> records;

  @Setup
  public void setUp() {
    warehouse = Data.tempDir();
    table = Data.table(warehouse, "encode");
    input = Data.ndjson();
    decoder = new EventDecoder(table.schema(), DecodeLimits.defaults());
    records = new ArrayList<>();
    decoder.decode("bench", new ByteArrayInputStream(input), records::add, reject -> {});
  }

  @TearDown
  public void tearDown() {
    Data.delete(warehouse);
  }

  /** floe's hot path: NDJSON bytes -> rows -> Parquet column writers -> ZSTD pages. */
  @Benchmark
  public void floeDecodeAndWrite(Blackhole hole) {
    PartitionedWriter writer = new PartitionedWriter(table, "jmh", WriteOptions.defaults());
    decoder.decodeRows("bench", new ByteArrayInputStream(input), writer::write, hole::consume);
    finish(writer, hole);
  }

  /** floe's writer fed already-built generic records (Iceberg's generic value writers inside). */
  @Benchmark
  public void floeWriterRecords(Blackhole hole) {
    PartitionedWriter writer = new PartitionedWriter(table, "jmh", WriteOptions.defaults());
    records.forEach(writer::write);
    finish(writer, hole);
  }

  /** The naive baseline's encoding: Iceberg's GenericFileWriterFactory and rolling writers. */
  @Benchmark
  public void naiveEncode(Blackhole hole) {
    NaiveBaseline.Encoder encoder =
        new NaiveBaseline.Encoder(table, WriteOptions.defaults().parquetProperties(), WriteOptions.DEFAULT_TARGET_FILE_SIZE.bytes());
    records.forEach(encoder::write);
    for (DataFile file : encoder.complete()) {
      hole.consume(file.fileSizeInBytes());
      table.io().deleteFile(file.location());
    }
  }

  private void finish(PartitionedWriter writer, Blackhole hole) {
    for (DataFile file : writer.complete()) {
      hole.consume(file.fileSizeInBytes());
      table.io().deleteFile(file.location());
    }
  }
}
