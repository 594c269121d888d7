package io.rollguard.common.payload;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One scrape step of one scoring key, emitted by source-prometheus: every configured metric's value
 * at {@code timestamp} (epoch ms), {@code null} where Prometheus had no sample.
 *
 * <p>Values are boxed on purpose: a missing value is {@code null}, never zero.
 */
public record Sample(
    int schemaVersion,
    @JsonProperty(required = true) ScoringKey key,
    @JsonProperty(required = true) long timestamp,
    @JsonProperty(required = true)
        @JsonDeserialize(using = PayloadJacksonModule.MetricMapDeserializer.class)
        Map<String, Double> values) {

  public static final int SCHEMA_VERSION = 1;

  public Sample {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(values, "values");
    // Keep insertion order (metric order of the config) and allow null values.
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public Sample(ScoringKey key, long timestamp, Map<String, Double> values) {
    this(SCHEMA_VERSION, key, timestamp, values);
  }
}
