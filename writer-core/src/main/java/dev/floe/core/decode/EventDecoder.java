package dev.floe.core.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * Decodes batches of Durable Object state-change events into Iceberg records of a table schema.
 *
 * <p>A source is NDJSON (one object per line) or one JSON array of objects, either of them plain,
 * gzip or zstd, recognised by its first bytes. Each object is validated against the schema:
 * required columns must be present and non-null, values must have the column's JSON type, keys that
 * are not columns are ignored, and a key given twice is rejected. Timestamps are epoch milliseconds
 * or RFC 3339 strings with an offset. A string column whose doc is {@code json} takes any JSON
 * value and stores its text. {@link ValueRules} add plausibility: a timestamp window and allowed
 * values for string columns, each rejected with a reason that names the likely mistake. Only
 * primitive columns (string, int, long, float, double, boolean,
 * date, timestamp, timestamptz) can be decoded.
 *
 * <p>Bad content never fails a source: each bad line becomes a {@link Reject} and decoding goes on.
 * Instances are thread-safe; every call to {@link #decode} has its own buffers.
 */
public final class EventDecoder {
  /** Window kept beyond the element limit for an array, for the parser's read-ahead. */
  private static final int ARRAY_READ_AHEAD_BYTES = 64 * 1024;

  /**
   * Jackson's own depth guard, only a backstop: the decoders enforce the real limit with a clear
   * reason. It stays well above that limit so that a rejected array element can be skipped.
   */
  private static final int PARSER_DEPTH_BACKSTOP = 1000;

  private final Columns columns;
  private final DecodeLimits limits;
  private final JsonFactory factory;
  private final GenericRecord template;
  private final Schema schema;

  /**
   * A decoder that checks types only ({@link ValueRules#none()}).
   *
   * @throws IllegalArgumentException if a column has a type that cannot be decoded from JSON
   */
  public EventDecoder(Schema schema, DecodeLimits limits) {
    this(schema, limits, ValueRules.none());
  }

  /**
   * A decoder that also rejects implausible values: timestamps outside the rules' window, strings
   * that are not among a column's allowed values.
   *
   * @throws IllegalArgumentException if a column has a type that cannot be decoded from JSON, or
   *     the rules' window has relative bounds not yet resolved ({@link ValueRules#at})
   */
  public EventDecoder(Schema schema, DecodeLimits limits, ValueRules rules) {
    Objects.requireNonNull(schema, "schema");
    this.limits = Objects.requireNonNull(limits, "limits");
    this.schema = schema;
    this.columns = Columns.of(schema, Objects.requireNonNull(rules, "rules"));
    this.template = GenericRecord.create(schema);
    int depthBackstop = Math.max(PARSER_DEPTH_BACKSTOP, limits.maxNestingDepth() + 2);
    this.factory =
        new JsonFactoryBuilder()
            .rootValueSeparator((String) null) // the json-column generator writes one value each
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES) // hostile keys must not fill the JVM
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(depthBackstop)
                    .maxStringLength(limits.maxLineBytes())
                    .build())
            .streamWriteConstraints(
                StreamWriteConstraints.builder().maxNestingDepth(depthBackstop).build())
            .build();
  }

  /**
   * Decodes one source. Never throws for bad content: each invalid line becomes a Reject and
   * decoding goes on with the next line. A source whose content cannot be read to its end
   * (truncated or corrupt compression) ends with one reject after every line read before it.
   * Exceptions thrown by the consumers propagate. The input is not closed.
   *
   * @throws SourceReadException when {@code input} itself fails (a disk error, a connection reset
   *     while streaming an object): the events after the failure are valid but unread, so they must
   *     not be dead-lettered; the caller retries the source instead
   *
   * @param sourceName names the source in rejects, e.g. its object key
   * @param records receives each valid event, in input order
   * @param rejects receives each invalid line, in input order
   */
  public DecodeStats decode(
      String sourceName, InputStream input, Consumer<Record> records, Consumer<Reject> rejects) {
    Objects.requireNonNull(records, "records");
    return decode(sourceName, input, rejects, (objects, checkedRejects) ->
        new DecodeRun(sourceName, factory, objects, template, records, checkedRejects));
  }

  /**
   * Decodes one source as {@link #decode(String, InputStream, Consumer, Consumer)} does, with the
   * same records and rejects, but hands each event over as one reused {@link EventRow} instead of
   * a new record: the fast path, with no object per field for the common NDJSON line. A row is
   * valid only during the call that receives it.
   */
  public DecodeStats decodeRows(
      String sourceName, InputStream input, Consumer<EventRow> rows, Consumer<Reject> rejects) {
    Objects.requireNonNull(rows, "rows");
    return decode(sourceName, input, rejects, (objects, checkedRejects) ->
        new DecodeRun(sourceName, factory, objects, new EventRow(schema, columns),
            columns.unstructured() ? null : new FastLineDecoder(columns, limits), rows, checkedRejects));
  }

  /**
   * Decodes NDJSON held whole in {@code bytes[offset, offset + length)}, as {@link
   * #decodeRows(String, InputStream, Consumer, Consumer)} decodes the same bytes from a stream, but
   * straight out of the array: no read buffer and no copy per source, for callers that already hold
   * a source in memory (a request to {@code floe serve}). The bytes must be uncompressed NDJSON; a
   * JSON array or compressed bytes are not recognised here. The array is not modified.
   *
   * <p>The one difference: an over-long line's reject holds the line's own first bytes (at most
   * 1 KB), where a stream's holds what had been read ahead of it when it was found too long, which,
   * under a line limit of 1 KB, can be fewer bytes or include the line's '\r'.
   */
  public DecodeStats decodeRows(String sourceName, byte[] bytes, int offset, int length,
      Consumer<EventRow> rows, Consumer<Reject> rejects) {
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(rejects, "rejects");
    Objects.checkFromIndexSize(offset, length, bytes.length);
    ObjectDecoder objects = new ObjectDecoder(columns, limits, new NestedJson(factory, limits));
    DecodeRun run = new DecodeRun(sourceName, factory, objects, new EventRow(schema, columns),
        columns.unstructured() ? null : new FastLineDecoder(columns, limits), rows, rejects);
    return NdjsonReader.read(bytes, offset, length, run, limits.maxLineBytes());
  }

  /**
   * A consumer of this decoder's rows that passes them on to {@code rows} on a thread of its own
   * (see {@link RowHandoff}), for {@link #decodeRows} to overlap with what follows decoding.
   */
  public RowHandoff handoff(String threadName, Consumer<EventRow> rows) {
    return new RowHandoff(threadName, new EventRow(schema, columns), rows);
  }

  /**
   * A handoff that clusters: {@code rows} receives each window of rows grouped by {@code partitions}
   * (see {@link RowHandoff}), which is asked on the consuming thread.
   */
  public RowHandoff handoff(String threadName, ToIntFunction<EventRow> partitions, Consumer<EventRow> rows) {
    return new RowHandoff(threadName, new EventRow(schema, columns), Objects.requireNonNull(partitions, "partitions"), rows);
  }

  private interface RunFactory {
    DecodeRun create(ObjectDecoder objects, Consumer<Reject> checkedRejects);
  }

  private DecodeStats decode(
      String sourceName, InputStream input, Consumer<Reject> rejects, RunFactory runs) {
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(rejects, "rejects");
    NestedJson nested = new NestedJson(factory, limits);
    ObjectDecoder objects = new ObjectDecoder(columns, limits, nested);
    GuardedInput guarded = new GuardedInput(input);
    Consumer<Reject> checkedRejects =
        reject -> {
          guarded.throwIfFailed(sourceName);
          rejects.accept(reject);
        };
    DecodeRun run = runs.create(objects, checkedRejects);
    InputStream stream = null;
    try {
      stream = SourceFormat.decompressed(guarded);
      PeekedInputStream peeked = SourceFormat.peekContent(stream);
      if (SourceFormat.isJsonArray(peeked)) {
        int window = limits.maxLineBytes() + ARRAY_READ_AHEAD_BYTES;
        CapturingInputStream capturing = new CapturingInputStream(peeked, window);
        return new ArrayReader(factory, capturing, run, limits.maxLineBytes()).read();
      }
      return new NdjsonReader(peeked, run, limits.maxLineBytes()).read();
    } catch (IOException e) {
      // Only a gzip header is read before the readers, which report their own failures, start.
      String detail = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      run.reject(1, "Cannot read source: truncated or corrupt input (" + detail + ")", new byte[0]);
      return run.stats(1, 0);
    } finally {
      closeQuietly(stream);
    }
  }

  private static void closeQuietly(InputStream stream) {
    if (stream != null) {
      try {
        stream.close(); // frees the decompressor's native or inflater memory
      } catch (IOException e) {
        // Everything was read that will be; a failing close loses nothing.
      }
    }
  }

  /**
   * The caller's stream as the decompressors see it: closing it does not close the caller's
   * stream, and a failure of the stream itself (as opposed to of the bytes it delivered) is
   * remembered, so it is not mistaken for corrupt content.
   */
  private static final class GuardedInput extends FilterInputStream {
    private IOException failure;

    GuardedInput(InputStream input) {
      super(input);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        return super.read(buffer, offset, length);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    void throwIfFailed(String sourceName) {
      if (failure != null) {
        throw new SourceReadException(sourceName, failure);
      }
    }

    @Override
    public void close() {}
  }
}
