package dev.floe.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP/1.1 connection driven by hand, to send a request's headers and body in separate
 * writes (as the JDK's client and most others do) and to send several requests on it.
 */
final class RawConnection implements AutoCloseable {
  record Answer(int status, Map<String, String> headers, String body) {}

  private final Socket socket;
  private final PushbackInputStream in;
  private final OutputStream out;

  RawConnection(FloeServer server) throws IOException {
    this.socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(10_000);
    this.in = new PushbackInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /**
   * Sends the headers, then the body once the server has begun an answer from the headers alone
   * (the case under test) or 50 ms have passed without one: a server that waits for the body is
   * not kept waiting longer, and one that answers early is seen to do so before the body is sent.
   */
  Answer post(String path, String contentType, byte[] body) throws IOException {
    String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
        + "\r\nContent-Length: " + body.length + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    awaitEarlyAnswer(50);
    out.write(body);
    out.flush();
    return read();
  }

  /** Waits up to the given time for the first byte of an answer, and leaves it to be read. */
  private void awaitEarlyAnswer(int millis) throws IOException {
    int timeout = socket.getSoTimeout();
    socket.setSoTimeout(millis);
    try {
      int first = in.read();
      if (first >= 0) {
        in.unread(first);
      }
    } catch (SocketTimeoutException e) {
      // No answer from the headers alone: the server waits for the body.
    } finally {
      socket.setSoTimeout(timeout);
    }
  }

  Answer get(String path) throws IOException {
    out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return read();
  }

  /** One answer with a Content-Length body; an IOException if the server closed the connection first. */
  private Answer read() throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("The server closed the connection without an answer");
    }
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String header = line(); header != null && !header.isEmpty(); header = line()) {
      int colon = header.indexOf(':');
      headers.put(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("Content-Length", "0"));
    byte[] body = in.readNBytes(length);
    return new Answer(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  private String line() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        String text = bytes.toString(StandardCharsets.US_ASCII);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      bytes.write(b);
    }
    return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.US_ASCII);
  }

  /** Whether the answer asks to close the connection. */
  static boolean closes(Answer answer) {
    return answer.headers().getOrDefault("Connection", "").toLowerCase(Locale.ROOT).contains("close");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
