package dev.floe.it.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Faults at set rates from a seeded generator, each limited to the requests it makes sense for
 * (e.g. resets only where the client is expected to retry), and optionally R2's rule that a key
 * takes at most one write per second (429 beyond).
 */
final class RandomFaults implements FaultPolicy {
  private record Rule(Fault fault, double rate, Predicate<ProxiedRequest> applies) {}

  private final List<Rule> rules;
  private final boolean sameKeyWriteLimit;
  private final Random random;
  private final LongSupplier nanoTime;
  private final Map<String, Long> lastWriteNanos = new HashMap<>();

  private RandomFaults(Builder builder) {
    this.rules = List.copyOf(builder.rules);
    this.sameKeyWriteLimit = builder.sameKeyWriteLimit;
    this.random = new Random(builder.seed);
    this.nanoTime = builder.nanoTime;
  }

  static Builder seeded(long seed) {
    return new Builder(seed);
  }

  @Override
  public synchronized Fault decide(ProxiedRequest request) {
    boolean limited = sameKeyWriteLimit && request.method().equals("PUT") && !request.hasQuery();
    long now = nanoTime.getAsLong();
    if (limited) {
      Long last = lastWriteNanos.get(request.path());
      if (last != null && now - last < 1_000_000_000L) {
        return Fault.TOO_MANY_REQUESTS;
      }
    }
    Fault fault = draw(request);
    if (limited && fault.forwards()) {
      // the store saw this write: the next one to the key within a second is refused
      lastWriteNanos.put(request.path(), now);
    }
    return fault;
  }

  /** One draw per request: the rules' rates add up, so each keeps its own share. */
  private Fault draw(ProxiedRequest request) {
    double draw = random.nextDouble();
    double cumulative = 0;
    for (Rule rule : rules) {
      if (rule.applies().test(request)) {
        cumulative += rule.rate();
        if (draw < cumulative) {
          return rule.fault();
        }
      }
    }
    return Fault.PASS;
  }

  static final class Builder {
    private final long seed;
    private final List<Rule> rules = new ArrayList<>();
    private boolean sameKeyWriteLimit;
    private LongSupplier nanoTime = System::nanoTime;

    private Builder(long seed) {
      this.seed = seed;
    }

    Builder rate(Fault fault, double rate) {
      return rate(fault, rate, request -> true);
    }

    Builder rate(Fault fault, double rate, Predicate<ProxiedRequest> applies) {
      rules.add(new Rule(fault, rate, applies));
      return this;
    }

    /** R2: a second PutObject to the same key within a second is answered 429. */
    Builder sameKeyWriteLimit() {
      this.sameKeyWriteLimit = true;
      return this;
    }

    /** The clock of the same-key rule, for tests. */
    Builder nanoTime(LongSupplier clock) {
      this.nanoTime = clock;
      return this;
    }

    RandomFaults build() {
      double total = rules.stream().mapToDouble(Rule::rate).sum();
      if (total > 1) {
        throw new IllegalArgumentException("Invalid fault rates: they add up to " + total);
      }
      return new RandomFaults(this);
    }
  }
}
