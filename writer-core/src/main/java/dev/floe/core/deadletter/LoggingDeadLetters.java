package dev.floe.core.deadletter;

import dev.floe.core.decode.Reject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class LoggingDeadLetters implements DeadLetters, DeadLetters.Run {
  private static final Logger LOG = LoggerFactory.getLogger(LoggingDeadLetters.class);

  @Override
  public Run begin(String runId) {
    return this;
  }

  @Override
  public void reject(String batchDigest, Reject reject) {
    LOG.warn("Rejected event at {} line {}: {}", reject.source(), reject.line(), reject.reason());
  }

  @Override
  public List<String> publish() {
    return List.of();
  }

  @Override
  public void discard() {}
}
