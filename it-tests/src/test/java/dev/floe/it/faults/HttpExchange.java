package dev.floe.it.faults;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads HTTP/1.1 messages off a socket byte for byte, keeping the exact bytes so that the relay
 * forwards what the client sent (SigV4 signs the Host header and more; nothing may change).
 */
final class HttpExchange {
  private static final int MAX_HEAD_BYTES = 64 * 1024;

  private HttpExchange() {}

  /** A request or response head plus its body, each as the raw bytes that were on the wire. */
  record Message(String startLine, List<String[]> headers, byte[] head, byte[] body) {
    String header(String name) {
      for (String[] header : headers) {
        if (header[0].equalsIgnoreCase(name)) {
          return header[1];
        }
      }
      return null;
    }

    boolean closes() {
      String connection = header("Connection");
      return connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
    }

    /** Status code of a response. */
    int status() {
      String[] parts = startLine.split(" ", 3);
      return Integer.parseInt(parts[1]);
    }

    byte[] bytes() {
      byte[] all = new byte[head.length + body.length];
      System.arraycopy(head, 0, all, 0, head.length);
      System.arraycopy(body, 0, all, head.length, body.length);
      return all;
    }
  }

  /** The head (start line and headers, through the blank line); null at a clean end of stream. */
  static Message readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        if (head.size() == 0) {
          return null;
        }
        throw new EOFException("Connection closed inside an HTTP head");
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > MAX_HEAD_BYTES) {
        throw new IOException("HTTP head over " + MAX_HEAD_BYTES + " bytes");
      }
    }
    byte[] bytes = head.toByteArray();
    String[] lines = new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n");
    List<String[]> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.add(
            new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
      }
    }
    return new Message(lines[0], headers, bytes, new byte[0]);
  }

  /**
   * The body that follows {@code head}, raw (chunked framing kept). {@code untilClose} is for a
   * response with neither length nor chunking, which ends when the server closes.
   */
  static Message withBody(Message head, InputStream in, boolean hasBody) throws IOException {
    if (!hasBody) {
      return head;
    }
    String encoding = head.header("Transfer-Encoding");
    byte[] body;
    if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      body = readChunked(in);
    } else if (head.header("Content-Length") != null) {
      body = in.readNBytes(Integer.parseInt(head.header("Content-Length")));
      if (body.length < Integer.parseInt(head.header("Content-Length"))) {
        throw new EOFException("Connection closed inside an HTTP body");
      }
    } else if (head.startLine().startsWith("HTTP/")) {
      body = in.readAllBytes();
    } else {
      body = new byte[0];
    }
    return new Message(head.startLine(), head.headers(), head.head(), body);
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in, raw);
      int semicolon = sizeLine.indexOf(';');
      int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      if (size == 0) {
        // trailers, then the blank line
        while (!readLine(in, raw).isEmpty()) {
          // a trailer header
        }
        return raw.toByteArray();
      }
      byte[] chunk = in.readNBytes(size + 2);
      if (chunk.length < size + 2) {
        throw new EOFException("Connection closed inside a chunk");
      }
      raw.write(chunk);
    }
  }

  private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("Connection closed inside a chunk header");
      }
      raw.write(b);
      if (previous == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
      previous = b;
    }
  }
}
