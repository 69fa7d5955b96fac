package dev.floe.core.deadletter;

import dev.floe.core.config.InvalidConfigException;
import dev.floe.core.decode.Reject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Dead letters as objects {@code <prefix><source name>-<batch digest>.ndjson}, named like {@link
 * DirectoryDeadLetters}' files so a retried batch replaces its earlier object. Rejects are buffered
 * in a local temp file (memory stays bounded however many there are) and uploaded on publish.
 */
final class S3DeadLetters implements DeadLetters {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  S3DeadLetters(S3Client s3, String uri) {
    if (!uri.startsWith("s3://") || uri.length() <= 5) {
      throw new InvalidConfigException("Invalid dead-letter location: '" + uri + "' (expected s3://bucket/prefix/)");
    }
    String rest = uri.substring(5);
    int slash = rest.indexOf('/');
    this.s3 = s3;
    this.bucket = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    this.prefix = path.isEmpty() || path.endsWith("/") ? path : path + "/";
  }

  @Override
  public Run begin(String runId) {
    return new S3Run();
  }

  private final class S3Run implements Run {
    private final Map<String, Path> buffers = new LinkedHashMap<>();
    private final Map<String, BufferedWriter> writers = new LinkedHashMap<>();
    private final Map<String, String> names = new LinkedHashMap<>();
    private final List<String> published = new ArrayList<>();

    @Override
    public void reject(String batchDigest, Reject reject) {
      try {
        BufferedWriter writer = writers.get(batchDigest);
        if (writer == null) {
          Path buffer = Files.createTempFile("floe-dead-letter-", ".ndjson");
          buffers.put(batchDigest, buffer);
          names.put(batchDigest, DirectoryDeadLetters.fileName(reject.source(), batchDigest));
          writer = Files.newBufferedWriter(buffer, StandardCharsets.UTF_8);
          writers.put(batchDigest, writer);
        }
        writer.write(reject.toJson());
        writer.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot buffer dead letters for s3://" + bucket + "/" + prefix + ": " + e.getMessage(), e);
      }
    }

    @Override
    public List<String> publish() {
      List<String> locations = new ArrayList<>();
      for (Map.Entry<String, BufferedWriter> entry : writers.entrySet()) {
        String key = prefix + names.get(entry.getKey());
        try {
          entry.getValue().close();
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot buffer dead letters for s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
        s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/x-ndjson"), RequestBody.fromFile(buffers.get(entry.getKey())));
        published.add(key);
        locations.add("s3://" + bucket + "/" + key);
      }
      writers.clear();
      deleteBuffers();
      return locations;
    }

    @Override
    public void discard() {
      writers.values().forEach(DirectoryDeadLetters::closeQuietly);
      writers.clear();
      deleteBuffers();
      for (String key : published) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
      }
      published.clear();
    }

    private void deleteBuffers() {
      buffers.values().forEach(DirectoryDeadLetters::deleteQuietly);
      buffers.clear();
    }
  }
}
