package dev.floe.it.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.iceberg.data.Record;

/**
 * One state-change event as the table holds it, in a form every reader can produce, so that rows
 * read by different engines compare with {@code equals}: the timestamp as epoch milliseconds, the
 * JSON value as its text.
 */
record Event(
    String doId,
    long seq,
    String ns,
    String type,
    String key,
    String value,
    String op,
    long timestampMillis) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** (do_id, seq): the identity of an event. */
  record Key(String doId, long seq) {}

  Key id() {
    return new Key(doId, seq);
  }

  /** The events of an NDJSON file, gzip-compressed when its name ends in {@code .gz}. */
  static List<Event> readNdjson(Path file) {
    List<Event> events = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        JsonNode event = JSON.readTree(line);
        events.add(
            new Event(
                event.get("do_id").asText(),
                event.get("seq").asLong(),
                text(event, "ns"),
                text(event, "type"),
                event.get("key").asText(),
                text(event, "value"),
                event.get("op").asText(),
                event.get("timestamp").asLong()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read events from " + file, e);
    }
    return events;
  }

  /** A row read with Iceberg's generic reader. */
  static Event fromRecord(Record row) {
    return new Event(
        (String) row.getField("do_id"),
        (Long) row.getField("seq"),
        (String) row.getField("ns"),
        (String) row.getField("type"),
        (String) row.getField("key"),
        (String) row.getField("value"),
        (String) row.getField("op"),
        ((OffsetDateTime) row.getField("timestamp")).toInstant().toEpochMilli());
  }

  /**
   * A row of Spark's {@code toJSON}, selected with {@link SparkSql#EVENT_COLUMNS}. Spark leaves
   * null fields out.
   */
  static Event fromSparkRow(JsonNode row) {
    return new Event(
        row.get("do_id").asText(),
        row.get("seq").asLong(),
        text(row, "ns"),
        text(row, "type"),
        row.get("key").asText(),
        text(row, "value"),
        row.get("op").asText(),
        row.get("timestamp_ms").asLong());
  }

  /** The field's text; null when it is JSON null or absent. */
  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
