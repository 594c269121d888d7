package io.rollguard.common.config;

/**
 * Settings every vertex container shares.
 *
 * @param metricsPort port of the vertex's own operational {@code /metrics}; 0 picks a free port
 */
public record VertexSettings(int metricsPort) {}
