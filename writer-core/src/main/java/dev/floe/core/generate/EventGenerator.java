package dev.floe.core.generate;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.floe.core.config.InvalidConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Realistic synthetic state-change events for demos, tests and benchmarks: many Durable Objects,
 * ~20 entity types, ~1 KB JSON values, a few percent deletes, timestamps spread over several days
 * and {@code seq} increasing per object. The same seed always gives the same bytes.
 */
public final class EventGenerator {
  /** Events start here, so generated files are reproducible whatever the date. */
  public static final Instant DEFAULT_START = Instant.parse("2026-11-01T00:00:00Z");

  private static final String[] TYPES = {
    "user", "session", "cart", "order", "payment", "invoice", "product", "inventory", "review",
    "message", "room", "presence", "document", "comment", "task", "project", "counter", "lock",
    "config", "webhook"
  };
  private static final String[] NAMESPACES = {"app", "billing", "chat", "docs"};
  private static final String WORDS =
      "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar"
          + " papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu";

  private final long seed;
  private final int objects;
  private final Instant start;
  private final Duration span;
  private final double deleteRatio;
  private final int valueBytes;

  public EventGenerator(long seed) {
    this(seed, 1000, DEFAULT_START, Duration.ofDays(5), 0.03, 1000);
  }

  public EventGenerator(long seed, int objects, Instant start, Duration span, double deleteRatio, int valueBytes) {
    if (objects < 1 || valueBytes < 128 || deleteRatio < 0 || deleteRatio > 1 || span.isNegative()) {
      throw new InvalidConfigException(
          "Invalid generator settings: objects=" + objects + ", valueBytes=" + valueBytes + ", deleteRatio=" + deleteRatio);
    }
    this.seed = seed;
    this.objects = objects;
    this.start = start;
    this.span = span;
    this.deleteRatio = deleteRatio;
    this.valueBytes = valueBytes;
  }

  /** Writes {@code count} NDJSON events; timestamps rise through the span in order. */
  public void write(long count, OutputStream out) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] seqs = new long[objects];
    String[] ids = new String[objects];
    // Ids from their own stream of the seed, so different seeds give unrelated objects.
    SplittableRandom idRandom = new SplittableRandom(seed).split();
    for (int i = 0; i < objects; i++) {
      ids[i] = String.format("do-%016x", idRandom.nextLong());
    }
    long spanMillis = Math.max(1, span.toMillis());
    JsonFactory factory = new JsonFactory();
    try (JsonGenerator json = factory.createGenerator(out, JsonEncoding.UTF8)) {
      json.setRootValueSeparator(null);
      for (long n = 0; n < count; n++) {
        int object = random.nextInt(objects);
        String type = TYPES[(object + random.nextInt(3)) % TYPES.length];
        boolean delete = random.nextDouble() < deleteRatio;
        long timestamp = start.toEpochMilli() + (count <= 1 ? 0 : spanMillis * n / count) + random.nextInt(1000);
        json.writeStartObject();
        json.writeStringField("do_id", ids[object]);
        json.writeStringField("ns", NAMESPACES[object % NAMESPACES.length]);
        json.writeStringField("type", type);
        json.writeStringField("key", type + ":" + random.nextInt(500));
        if (delete) {
          json.writeNullField("value");
        } else {
          json.writeStringField("value", value(random, type, n));
        }
        json.writeStringField("op", delete ? "DELETE" : "PUT");
        json.writeNumberField("timestamp", timestamp);
        json.writeNumberField("seq", ++seqs[object]);
        json.writeEndObject();
        json.writeRaw('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write generated events: " + e.getMessage(), e);
    }
  }

  /** A JSON object of about {@code valueBytes} bytes with a few typed fields and some text. */
  private String value(SplittableRandom random, String type, long n) {
    StringBuilder text = new StringBuilder(valueBytes + 64);
    text.append("{\"id\":").append(n)
        .append(",\"type\":\"").append(type)
        .append("\",\"version\":").append(random.nextInt(100))
        .append(",\"active\":").append(random.nextBoolean())
        .append(",\"score\":").append(random.nextInt(100000) / 100.0)
        .append(",\"note\":\"");
    while (text.length() < valueBytes - 2) {
      int from = random.nextInt(WORDS.length() - 12);
      text.append(WORDS, from, from + 8 + random.nextInt(4)).append(' ');
    }
    text.setLength(valueBytes - 2);
    return text.append("\"}").toString();
  }
}
