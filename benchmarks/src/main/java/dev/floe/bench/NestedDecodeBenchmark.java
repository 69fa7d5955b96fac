package dev.floe.bench;

import dev.floe.core.decode.DecodeLimits;
import dev.floe.core.decode.DecodeStats;
import dev.floe.core.decode.EventDecoder;
import dev.floe.core.decode.TimestampWindow;
import dev.floe.core.schema.EventSchemas;
import dev.floe.core.schema.StreamDefinition;
import dev.floe.core.schema.StreamDefinitions;
import java.io.ByteArrayInputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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

/**
 * Decoding per event, through the row path an ingest run takes: the flat default event schema
 * (the fast path, no parser) beside a stream definition with nested types (a struct holding a
 * list of structs, json, a microsecond timestamp, decimals, binary), which always takes Jackson's.
 * Both with their definition's rules and the default timestamp window, as a run has them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@OperationsPerInvocation(Data.EVENTS)
public class NestedDecodeBenchmark {
  private byte[] flatInput;
  private byte[] nestedInput;
  private EventDecoder flat;
  private EventDecoder nested;

  @Setup
  public void setUp() {
    flatInput = Data.ndjson();
    nestedInput = Data.nestedNdjson();
    StreamDefinition defaults = EventSchemas.defaultDefinition();
    flat = new EventDecoder(defaults.schema(), DecodeLimits.defaults(), defaults.rules(TimestampWindow.defaults()));
    StreamDefinition orders = StreamDefinitions.parse(Data.NESTED_DEFINITION, "nested-bench");
    nested = new EventDecoder(orders.schema(), DecodeLimits.defaults(), orders.rules(TimestampWindow.defaults()));
    // A benchmark of rejects would measure the wrong path: every event must decode.
    requireAllDecoded("flat", flat, flatInput);
    requireAllDecoded("nested", nested, nestedInput);
    System.out.printf(
        "%n[input] flat: %d events, %.0f bytes each; nested: %d events, %.0f bytes each%n",
        Data.EVENTS, (double) flatInput.length / Data.EVENTS, Data.EVENTS, (double) nestedInput.length / Data.EVENTS);
  }

  private static void requireAllDecoded(String name, EventDecoder decoder, byte[] input) {
    AtomicLong rows = new AtomicLong();
    AtomicLong rejects = new AtomicLong();
    decoder.decodeRows("bench", new ByteArrayInputStream(input), row -> rows.incrementAndGet(), reject -> {
      if (rejects.getAndIncrement() == 0) {
        System.err.println("[" + name + "] first reject: " + reject);
      }
    });
    if (rows.get() != Data.EVENTS || rejects.get() != 0) {
      throw new IllegalStateException(
          "Cannot benchmark " + name + ": " + rows.get() + " of " + Data.EVENTS + " events decoded, " + rejects.get() + " rejected");
    }
  }

  /** The flat default event schema: the fast path, bytes straight into a reused row. */
  @Benchmark
  public DecodeStats flatFastPath(Blackhole hole) {
    return flat.decodeRows("bench", new ByteArrayInputStream(flatInput), hole::consume, hole::consume);
  }

  /** Nested types: Jackson streaming, a record per struct and a list per list. */
  @Benchmark
  public DecodeStats nestedJackson(Blackhole hole) {
    return nested.decodeRows("bench", new ByteArrayInputStream(nestedInput), hole::consume, hole::consume);
  }
}
