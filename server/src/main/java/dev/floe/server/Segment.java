package dev.floe.server;

import dev.floe.core.Batch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * One closed file of a stream's write-ahead spool: the requests it holds, each a frame of NDJSON
 * events. Frame layout (big-endian): {@code magic:int, crc32c:int, payloadLength:int,
 * keyLength:short, key:utf8, payload}; the CRC covers everything after itself. A frame that is cut
 * short or fails its CRC ends the segment: it was never answered 200, since an answer waits for the
 * frame's fsync.
 *
 * @param firstAppend when its first frame arrived (for the spool's age)
 */
record Segment(Path path, long bytes, List<Frame> frames, Instant firstAppend) {
  static final int MAGIC = 0x464c4f45; // "FLOE"
  static final int HEADER_BYTES = 14;
  static final int MAX_KEY_BYTES = 512;

  Segment {
    frames = List.copyOf(frames);
  }

  /**
   * One request in a segment.
   *
   * @param idempotencyKey the request's {@code Idempotency-Key}, if it had one
   * @param payloadOffset where its NDJSON starts in the file
   */
  record Frame(Optional<String> idempotencyKey, long payloadOffset, int payloadLength) {}

  String fileName() {
    return path.getFileName().toString();
  }

  /**
   * The segment as batches for one commit: each request with an idempotency key is its own batch,
   * identified by the key, so a retry that lands in another segment (or on another replica) is
   * recognised by the table's batch ledger; the requests without one form a single batch named by
   * this segment, so that a segment committed before a crash is recognised when the next start
   * offers it again.
   */
  List<Batch> batches(String stream) {
    List<Batch> batches = new ArrayList<>();
    List<Frame> keyless = new ArrayList<>();
    for (Frame frame : frames) {
      if (frame.idempotencyKey().isPresent()) {
        String key = frame.idempotencyKey().get();
        batches.add(new Batch(keyId(stream, key), path + "@" + frame.payloadOffset() + " (Idempotency-Key " + key + ")",
            () -> new FrameInput(path, List.of(frame))).withSize(frame.payloadLength()));
      } else {
        keyless.add(frame);
      }
    }
    if (!keyless.isEmpty()) {
      long size = keyless.stream().mapToLong(Frame::payloadLength).sum();
      batches.add(new Batch(segmentId(stream), path.toString(), () -> new FrameInput(path, keyless)).withSize(size));
    }
    return batches;
  }

  /** The batch id of a request with an idempotency key: the same on every replica. */
  static String keyId(String stream, String key) {
    return "serve:" + stream + ":key:" + key;
  }

  String segmentId(String stream) {
    return "serve:" + stream + ":segment:" + fileName();
  }

  /**
   * A frame's header and key, for the first {@code length} bytes of {@code payload}: the payload is
   * written after it as it is (not copied into the frame), and the CRC covers both.
   */
  static ByteBuffer header(Optional<String> key, byte[] payload, int length) {
    byte[] keyBytes = key.map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES + keyBytes.length).order(ByteOrder.BIG_ENDIAN);
    header.putInt(MAGIC).putInt(0).putInt(length).putShort((short) keyBytes.length).put(keyBytes);
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 8, header.capacity() - 8);
    crc.update(payload, 0, length);
    header.putInt(4, (int) crc.getValue());
    return header.flip();
  }

  /**
   * Reads the frames of {@code path}, up to the first one cut short or corrupt.
   *
   * @return the frames and the length of the intact prefix
   */
  static Scan scan(Path path) {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      List<Frame> frames = new ArrayList<>();
      long position = 0;
      ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
      while (position + HEADER_BYTES <= size) {
        header.clear();
        readFully(channel, header, position);
        header.flip();
        int magic = header.getInt();
        int expectedCrc = header.getInt();
        int payloadLength = header.getInt();
        int keyLength = header.getShort() & 0xffff;
        if (magic != MAGIC || payloadLength < 0 || keyLength > MAX_KEY_BYTES
            || position + HEADER_BYTES + keyLength + (long) payloadLength > size) {
          break;
        }
        ByteBuffer body = ByteBuffer.allocate(keyLength + payloadLength);
        readFully(channel, body, position + HEADER_BYTES);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 8, HEADER_BYTES - 8);
        crc.update(body.array(), 0, body.capacity());
        if ((int) crc.getValue() != expectedCrc) {
          break;
        }
        Optional<String> key = keyLength == 0 ? Optional.empty()
            : Optional.of(new String(body.array(), 0, keyLength, StandardCharsets.UTF_8));
        frames.add(new Frame(key, position + HEADER_BYTES + keyLength, payloadLength));
        position += HEADER_BYTES + keyLength + payloadLength;
      }
      return new Scan(frames, position, size);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read spool segment " + path + ": " + e.getMessage(), e);
    }
  }

  /** What {@link #scan} found: {@code intactBytes < fileBytes} when the file ends in a torn frame. */
  record Scan(List<Frame> frames, long intactBytes, long fileBytes) {}

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position + buffer.position());
      if (read < 0) {
        throw new IOException("unexpected end of file at byte " + (position + buffer.position()));
      }
    }
  }

  /** The payloads of some frames of one segment, one after the other, read with positional reads. */
  static final class FrameInput extends InputStream {
    private final FileChannel channel;
    private final List<Frame> frames;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private int next;
    private long position;
    private long remaining;

    FrameInput(Path path, List<Frame> frames) throws IOException {
      this.channel = FileChannel.open(path, StandardOpenOption.READ);
      this.frames = frames;
      buffer.limit(0);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      while (!buffer.hasRemaining()) {
        if (remaining == 0) {
          if (next == frames.size()) {
            return -1;
          }
          Frame frame = frames.get(next++);
          position = frame.payloadOffset();
          remaining = frame.payloadLength();
          continue;
        }
        buffer.clear();
        buffer.limit((int) Math.min(buffer.capacity(), remaining));
        int read = channel.read(buffer, position);
        if (read < 0) {
          throw new IOException("spool segment ended early at byte " + position);
        }
        position += read;
        remaining -= read;
        buffer.flip();
      }
      int count = Math.min(length, buffer.remaining());
      buffer.get(target, offset, count);
      return count;
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
