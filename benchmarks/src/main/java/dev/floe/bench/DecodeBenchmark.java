package dev.floe.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.floe.core.decode.DecodeLimits;
import dev.floe.core.decode.EventDecoder;
import dev.floe.core.filter.EventFilter;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** Decoding ~1 KB NDJSON events, per event: floe's row path, its record path, a Jackson tree. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@OperationsPerInvocation(Data.EVENTS)
public class DecodeBenchmark {
  private static final String FILTER = "op != '_internal' AND type NOT IN ('_internal', '_tombstone')";

  private byte[] input;
  private EventDecoder decoder;
  private EventFilter filter;
  private final ObjectMapper mapper = new ObjectMapper();

  @Setup
  public void setUp() {
    input = Data.ndjson();
    decoder = new EventDecoder(Data.config().definition().schema(), DecodeLimits.defaults());
    filter = EventFilter.parse(FILTER, Data.config().definition().schema());
  }

  /** floe's path: bytes straight into a reused row. */
  @Benchmark
  public void rows(Blackhole hole) {
    decoder.decodeRows("bench", new ByteArrayInputStream(input), row -> hole.consume(row.longValue(7)), hole::consume);
  }

  /** The row path plus a two-term filter, which reads two string columns of each row. */
  @Benchmark
  public void rowsFiltered(Blackhole hole) {
    decoder.decodeRows("bench", new ByteArrayInputStream(input), row -> hole.consume(filter.test(row)), hole::consume);
  }

  /** The record path: Jackson streaming into a new GenericRecord per event. */
  @Benchmark
  public void records(Blackhole hole) {
    decoder.decode("bench", new ByteArrayInputStream(input), hole::consume, hole::consume);
  }

  /** The naive baseline's decoding: a String per line and a Jackson tree per event. */
  @Benchmark
  public void jacksonTree(Blackhole hole) throws IOException {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(input), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        hole.consume(mapper.readTree(line));
      }
    }
  }
}
