package dev.floe.core.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a local file, held by the operating system: it is released when the holder
 * exits for any reason, including {@code kill -9}, so a dead run never blocks the next one.
 */
public final class FileLock implements AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  private final java.nio.channels.FileLock lock;

  private FileLock(Path path, FileChannel channel, java.nio.channels.FileLock lock) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock or fails at once with {@link SourceBusyException} when another process holds it. */
  public static FileLock acquire(Path path, String holder) {
    FileChannel channel = null;
    try {
      channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      java.nio.channels.FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw new SourceBusyException("Cannot lock " + path + ": another floe run holds it");
      }
      channel.truncate(0);
      channel.write(java.nio.ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)));
      return new FileLock(path, channel, lock);
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw new SourceBusyException("Cannot lock " + path + ": this process already holds it");
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("Cannot lock " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot release lock " + path + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Already failing.
      }
    }
  }
}
