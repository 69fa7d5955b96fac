package dev.floe.core.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Table schemas as data: the built-in state-change event schema, or a stream definition file in any
 * form {@link StreamDefinitions} reads (Pipelines' stream, wrangler's schema file, a bare {@code
 * {"fields": [...]}}, or floe's compact {@code {"field": {"type": "string", "required": true}}}).
 *
 * <p>Pipelines' {@code json} type is stored as an Iceberg string holding the JSON text; the column
 * doc {@value #JSON_DOC} marks it, so the decoder knows to accept objects for it as well.
 */
public final class EventSchemas {
  /** Column doc that marks a string column holding JSON text. */
  public static final String JSON_DOC = "json";

  /**
   * The ops a Durable Object state-change event has: {@code PUT}, {@code DELETE}, and the {@code
   * _internal} bookkeeping events that filters drop. The built-in schema rejects any other.
   */
  public static final List<String> DEFAULT_OPS = List.of("PUT", "DELETE", "_internal");

  private static final String DEFAULT_SCHEMA_RESOURCE = "default-event-schema.json";
  private static final Logger LOG = LoggerFactory.getLogger(EventSchemas.class);

  private EventSchemas() {}

  /**
   * The Durable Object state-change event: {@code do_id, ns, type, key, value (JSON text), op,
   * timestamp, seq}.
   */
  public static Schema defaultSchema() {
    return defaultDefinition().schema();
  }

  /** The built-in event stream: its schema, and {@code op} limited to {@link #DEFAULT_OPS}. */
  public static StreamDefinition defaultDefinition() {
    try (InputStream in = EventSchemas.class.getResourceAsStream(DEFAULT_SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Cannot find " + DEFAULT_SCHEMA_RESOURCE + " on the classpath");
      }
      return StreamDefinitions.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), DEFAULT_SCHEMA_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + DEFAULT_SCHEMA_RESOURCE, e);
    }
  }

  public static Schema load(Path file) {
    return loadDefinition(file).schema();
  }

  /** Reads a stream definition file in any form {@link StreamDefinitions} takes; logs what it ignores. */
  public static StreamDefinition loadDefinition(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read schema file " + file, e);
    }
    StreamDefinition definition = StreamDefinitions.parse(text, file.toString());
    definition.warnings().forEach(warning -> LOG.warn("Schema file {}: {}", file, warning));
    return definition;
  }

  /** Parses a stream definition or schema; {@code source} names it in error messages. */
  public static Schema parse(String json, String source) {
    return StreamDefinitions.parse(json, source).schema();
  }

  /** True when the column holds JSON text (Pipelines' {@code json} type). */
  public static boolean isJson(Types.NestedField column) {
    return JSON_DOC.equals(column.doc()) && column.type().typeId() == Type.TypeID.STRING;
  }

}
