package dev.floe.it.faults;

/** What {@link FaultProxy} does with one request. */
public enum Fault {
  /** Forward it and relay the answer unchanged. */
  PASS,
  /** Answer 500 InternalError without forwarding. */
  INTERNAL_ERROR,
  /** Answer 503 SlowDown (with Retry-After) without forwarding. */
  SLOW_DOWN,
  /** Answer 403 AccessDenied without forwarding, as for an object the credentials may not read. */
  ACCESS_DENIED,
  /** Answer 429 without forwarding, as R2 does beyond one write per second to a key. */
  TOO_MANY_REQUESTS,
  /** Forward it, then send the answer's head and half its body and reset the connection. */
  RESET_MID_BODY,
  /** Forward it after a latency spike. */
  DELAY,
  /** Never forward it nor answer; close once the client gave up (its socket time-out). */
  TIMEOUT,
  /** Forward it (the server acts on it), then reset the connection without a byte of answer. */
  DROP_ANSWER,
  /** Forward it, then hold the answer until the client times out. */
  HOLD_ANSWER,
  /** Forward it, then answer 503 with Retry-After instead: the client sends it again. */
  LOSE_ANSWER_INVITE_RETRY,
  /** Forward it, then answer 502 Bad Gateway instead of the server's answer. */
  BAD_GATEWAY_AFTER;

  /** Whether the server saw the request (and may have acted on it). */
  boolean forwards() {
    return switch (this) {
      case INTERNAL_ERROR, SLOW_DOWN, ACCESS_DENIED, TOO_MANY_REQUESTS, TIMEOUT -> false;
      default -> true;
    };
  }
}
