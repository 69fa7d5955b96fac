package dev.floe.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A request body as Pipelines' HTTP endpoint takes it, a JSON array of event objects, turned into
 * NDJSON (one event per line) for the spool and the decoder. Each element's own bytes are kept as
 * sent; only line breaks between tokens become spaces (JSON strings cannot hold a raw one).
 */
final class RequestBody {
  private static final JsonFactory JSON = new JsonFactory();

  private RequestBody() {}

  /** A body refused as a whole: 400 with this reason. */
  static final class BadRequestException extends RuntimeException {
    BadRequestException(String message) {
      super(message);
    }
  }

  /** A body above a size limit: 413 with this reason. */
  static final class TooLargeException extends RuntimeException {
    TooLargeException(String message) {
      super(message);
    }
  }

  /** Reads at most {@code limit} bytes of {@code in}; more is a {@link TooLargeException}. */
  static byte[] read(InputStream in, long limit, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(limit, 64 * 1024));
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int read; (read = in.read(buffer)) >= 0; ) {
      total += read;
      if (total > limit) {
        throw new TooLargeException("Invalid request: " + what + " is over " + limit + " bytes");
      }
      out.write(buffer, 0, read);
    }
    return out.toByteArray();
  }

  /** Undoes {@code Content-Encoding: gzip}, up to {@code limit} inflated bytes. */
  static byte[] gunzip(byte[] body, long limit) {
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(body), 64 * 1024)) {
      return read(in, limit, "the inflated gzip body");
    } catch (ZipException | java.io.EOFException e) {
      throw new BadRequestException("Invalid request: the body is not valid gzip (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new BadRequestException("Invalid request: cannot inflate the gzip body (" + e.getMessage() + ")");
    }
  }

  /**
   * The events of a JSON array body, one per line.
   *
   * @throws BadRequestException when the body is not a JSON array of objects
   */
  static byte[] toNdjson(byte[] body) {
    // Never outgrown: each element is followed by a ',' or the ']' in the body, and its line break
    // takes that byte's place. Copied in bulk: a ByteArrayOutputStream's write(int) is synchronized,
    // and byte by byte it was the request threads' largest cost (18% of floe serve's CPU samples).
    byte[] out = new byte[body.length];
    int length = 0;
    try (JsonParser parser = JSON.createParser(body)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_ARRAY) {
        throw new BadRequestException("Invalid request: the body must be a JSON array of event objects, not "
            + (first == null ? "empty" : describe(first)));
      }
      int index = 0;
      for (JsonToken token; (token = parser.nextToken()) != JsonToken.END_ARRAY; index++) {
        if (token == null) {
          throw new BadRequestException("Invalid request: the JSON array is not closed");
        }
        if (token != JsonToken.START_OBJECT) {
          throw new BadRequestException("Invalid request: element " + index + " of the array is " + describe(token)
              + ", not an event object");
        }
        int start = Math.toIntExact(parser.currentTokenLocation().getByteOffset());
        parser.skipChildren();
        int end = Math.toIntExact(parser.currentLocation().getByteOffset());
        System.arraycopy(body, start, out, length, end - start);
        for (int i = length, stop = length + end - start; i < stop; i++) {
          if (out[i] == '\n' || out[i] == '\r') {
            out[i] = ' ';
          }
        }
        length += end - start;
        out[length++] = '\n';
      }
      JsonToken after = parser.nextToken();
      if (after != null) {
        throw new BadRequestException("Invalid request: " + describe(after) + " after the JSON array");
      }
    } catch (JsonProcessingException e) {
      throw new BadRequestException("Invalid request: the body is not valid JSON (" + e.getOriginalMessage()
          + " at byte " + e.getLocation().getByteOffset() + ")");
    } catch (IOException e) {
      throw new BadRequestException("Invalid request: cannot read the body (" + e.getMessage() + ")");
    }
    return length == out.length ? out : Arrays.copyOf(out, length);
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case START_OBJECT -> "a JSON object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.toString();
    };
  }
}
