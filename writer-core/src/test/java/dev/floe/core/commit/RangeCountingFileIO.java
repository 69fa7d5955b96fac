package dev.floe.core.commit;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.inmemory.InMemoryFileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.RangeReadable;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * An in-memory FileIO whose streams answer ranged reads as S3's do (Iceberg's {@link
 * RangeReadable}), counting the bytes they hand out: what a reader really took, not what it says.
 */
final class RangeCountingFileIO extends InMemoryFileIO {
  final AtomicLong bytesRead = new AtomicLong();
  final AtomicLong streamsOpened = new AtomicLong();
  /** Ranged reads still to fail with a connection reset, as an S3 body read does. */
  final AtomicLong rangedReadsToFail = new AtomicLong();

  @Override
  public InputFile newInputFile(String location) {
    InputFile file = super.newInputFile(location);
    return new InputFile() {
      @Override
      public long getLength() {
        return file.getLength();
      }

      @Override
      public SeekableInputStream newStream() {
        streamsOpened.incrementAndGet();
        return new Stream(file);
      }

      @Override
      public String location() {
        return file.location();
      }

      @Override
      public boolean exists() {
        return file.exists();
      }
    };
  }

  private final class Stream extends SeekableInputStream implements RangeReadable {
    private final InputFile file;
    private final SeekableInputStream in;

    Stream(InputFile file) {
      this.file = file;
      this.in = file.newStream();
    }

    @Override
    public long getPos() throws IOException {
      return in.getPos();
    }

    @Override
    public void seek(long newPos) throws IOException {
      in.seek(newPos);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        bytesRead.incrementAndGet();
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        bytesRead.addAndGet(n);
      }
      return n;
    }

    @Override
    public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
      if (rangedReadsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new java.net.SocketException("Connection reset");
      }
      try (SeekableInputStream range = file.newStream()) {
        range.seek(position);
        int done = 0;
        while (done < length) {
          int n = range.read(buffer, offset + done, length - done);
          if (n < 0) {
            throw new java.io.EOFException("range beyond the end of " + file.location());
          }
          done += n;
        }
      }
      bytesRead.addAndGet(length);
    }

    @Override
    public int readTail(byte[] buffer, int offset, int length) throws IOException {
      long size = file.getLength();
      int n = (int) Math.min(size, length);
      readFully(size - n, buffer, offset, n);
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
