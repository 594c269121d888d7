package io.rollguard.store;

/**
 * What the sink answers for a record it cannot decode. Retrying cannot fix a malformed record, so
 * it goes to the fallback sink when the pipeline has one; otherwise it is a failure carrying the
 * reason, and the pipeline's {@code retryStrategy.onFailure} decides (configure {@code drop} or
 * {@code fallback}: with the default {@code retry} it would be retried forever and stall the
 * vertex). Either way it is counted and logged, never acknowledged as written.
 */
public enum MalformedRecordPolicy {
  /** {@code responseFallback}: only valid when the sink vertex has a {@code fallback} sink. */
  FALLBACK,
  /** {@code responseFailure(id, reason)}. */
  FAILURE;

  /** Environment variable that says the vertex has a fallback sink ({@code true}/{@code false}). */
  public static final String FALLBACK_ENV = "ROLLGUARD_STORE_FALLBACK_SINK";

  /**
   * FALLBACK when {@value #FALLBACK_ENV} is {@code true} and this container is not itself the
   * fallback sink ({@code NUMAFLOW_UD_CONTAINER_TYPE=fb-udsink}), else FAILURE.
   */
  public static MalformedRecordPolicy fromEnvironment(java.util.Map<String, String> env) {
    boolean fallbackConfigured = Boolean.parseBoolean(env.getOrDefault(FALLBACK_ENV, "false"));
    boolean isFallbackSink = "fb-udsink".equals(env.get("NUMAFLOW_UD_CONTAINER_TYPE"));
    return fallbackConfigured && !isFallbackSink ? FALLBACK : FAILURE;
  }
}
