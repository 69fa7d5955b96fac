package dev.floe.it.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A load generator's HTTP/1.1 client for one thread: POSTs a JSON body over one kept-alive
 * loopback connection and returns the status, reading the answer's headers and its
 * {@code Content-Length} body. It exists so the clients cost the shared cores as little as wrk
 * would: the JDK's {@code HttpClient} took about 0.8 of the 2 cores at 500 requests/s, a third of
 * what the machine had for the server. It knows only what {@code floe serve} answers
 * (Content-Length bodies, {@code Connection: close}); it is not a general client.
 */
final class LoopbackPoster implements AutoCloseable {
  private final InetSocketAddress address;
  private final String head;
  private final int timeoutMillis;
  private Socket socket;
  private OutputStream out;
  private InputStream in;

  LoopbackPoster(URI uri, int timeoutMillis) {
    this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    this.head = "POST " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
        + "\r\nContent-Type: application/json\r\n";
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * Sends {@code body} (with an {@code Idempotency-Key} when {@code key} is not null) and waits for
   * the answer. On an I/O error the connection is dropped, and the next call opens a new one.
   */
  int post(byte[] body, String key) throws IOException {
    if (socket == null) {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(address, timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 8192);
    }
    try {
      String headers = head + (key == null ? "" : "Idempotency-Key: " + key + "\r\n")
          + "Content-Length: " + body.length + "\r\n\r\n";
      byte[] headerBytes = headers.getBytes(StandardCharsets.US_ASCII);
      byte[] request = new byte[headerBytes.length + body.length];
      System.arraycopy(headerBytes, 0, request, 0, headerBytes.length);
      System.arraycopy(body, 0, request, headerBytes.length, body.length);
      out.write(request);
      out.flush();
      return readAnswer();
    } catch (IOException | RuntimeException e) {
      close();
      throw e instanceof IOException io ? io : new IOException(e);
    }
  }

  private int readAnswer() throws IOException {
    String status = line();
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("Not an HTTP answer: " + status);
    }
    int code = Integer.parseInt(parts[1]);
    long length = -1;
    boolean closeAfter = false;
    for (String header = line(); !header.isEmpty(); header = line()) {
      int colon = header.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).trim();
      if (name.equals("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
        closeAfter = true;
      } else if (name.equals("transfer-encoding")) {
        throw new IOException("Chunked answers are not read by this client");
      }
    }
    if (length < 0) {
      throw new IOException("An answer without Content-Length");
    }
    for (long left = length; left > 0; ) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException("The answer's body ended early");
        }
        skipped = 1;
      }
      left -= skipped;
    }
    if (closeAfter) {
      close();
    }
    return code;
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder(64);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("The connection closed before the answer ended");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Dropped either way.
      }
    }
    socket = null;
    out = null;
    in = null;
  }
}
