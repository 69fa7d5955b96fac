package dev.floe.core.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One input line (or array element) that did not become a record.
 *
 * @param source the source name given to {@link EventDecoder#decode}
 * @param line 1-based line of the decompressed input where the line or element starts
 * @param reason why it was rejected, short and naming the field concerned
 * @param raw the line without its terminator; only the first 1 KiB of a line over the length limit,
 *     and the bytes read so far when the source could not be read further
 */
public record Reject(String source, long line, String reason, byte[] raw) {
  private static final JsonFactory JSON = new JsonFactory();

  public Reject {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(reason, "reason");
    raw = raw == null ? new byte[0] : raw;
  }

  /**
   * One dead-letter NDJSON line (no trailing newline): {@code
   * {"source":..,"line":..,"reason":..,"raw":"<text>"}}. When raw is not valid UTF-8, {@code
   * raw_base64} holds it instead of {@code raw}, so that the exact bytes can be recovered.
   */
  public String toJson() {
    StringWriter out = new StringWriter(raw.length + reason.length() + 64);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("source", source);
      json.writeNumberField("line", line);
      json.writeStringField("reason", reason);
      if (Utf8Validator.isValid(raw)) {
        json.writeStringField("raw", new String(raw, StandardCharsets.UTF_8));
      } else {
        json.writeStringField("raw_base64", Base64.getEncoder().encodeToString(raw));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write reject of " + source + " line " + line, e);
    }
    return out.toString();
  }

  // A record compares arrays by identity; a reject is a value, so compare the bytes.
  @Override
  public boolean equals(Object other) {
    return other instanceof Reject that
        && line == that.line
        && source.equals(that.source)
        && reason.equals(that.reason)
        && Arrays.equals(raw, that.raw);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, line, reason, Arrays.hashCode(raw));
  }

  @Override
  public String toString() {
    return "Reject[source="
        + source
        + ", line="
        + line
        + ", reason="
        + reason
        + ", raw="
        + raw.length
        + " bytes]";
  }
}
