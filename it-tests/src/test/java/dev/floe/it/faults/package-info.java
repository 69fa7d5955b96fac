/**
 * floe under injected faults: a real HTTP relay ({@link dev.floe.it.faults.FaultProxy}) between
 * floe and the real S3 API and REST catalog injects errors, resets, latency, time-outs and lost
 * commit answers at seeded rates; the tests check that runs succeed through retries or fail
 * retryably, that nothing is half-committed, and that every event lands exactly once. With no
 * faults, the same relays count the requests floe makes per commit ({@link
 * dev.floe.it.faults.CommitRequestsIT}, through {@link dev.floe.it.faults.RequestLog}). See
 * it-tests/README.md.
 */
package dev.floe.it.faults;
