package io.rollguard.common.config;

import io.rollguard.common.payload.ScoringKey;
import java.util.Objects;

/**
 * Prometheus label names that identify a scoring key, and the label values that mark the roles.
 * Defaults fit Argo Rollouts with pod labels copied onto the series ({@code podTargetLabels}); the
 * pod-template-hash label {@code rollouts-pod-template-hash} becomes {@code
 * rollouts_pod_template_hash} in Prometheus.
 */
public record EntitySettings(
    String namespaceLabel,
    String appLabel,
    String roleLabel,
    String podTemplateHashLabel,
    String stableRole,
    String canaryRole) {

  public EntitySettings {
    Objects.requireNonNull(namespaceLabel, "namespaceLabel");
    Objects.requireNonNull(appLabel, "appLabel");
    Objects.requireNonNull(roleLabel, "roleLabel");
    Objects.requireNonNull(podTemplateHashLabel, "podTemplateHashLabel");
    Objects.requireNonNull(stableRole, "stableRole");
    Objects.requireNonNull(canaryRole, "canaryRole");
  }

  /** The four scoring-key labels in message-key order, for {@code sum by ({{by}})}. */
  public String byClause() {
    return namespaceLabel + "," + appLabel + "," + roleLabel + "," + podTemplateHashLabel;
  }

  /**
   * Matchers for one entity's stable and canary series, e.g. {@code
   * namespace="shop",app="cart",role=~"stable|canary"}; values are escaped for PromQL.
   */
  public String selector(String namespace, String app) {
    return selector(namespaceLabel, appLabel, roleLabel, namespace, app);
  }

  /** Only the namespace matcher, e.g. {@code namespace="shop"}. */
  public String namespaceSelector(String namespace) {
    return namespaceLabel + "=\"" + escape(namespace) + "\"";
  }

  /**
   * The same matchers on kube-state-metrics' {@code kube_pod_labels}: pod labels there are prefixed
   * with {@code label_}, the namespace is {@code namespace}.
   */
  public String podLabelSelector(String namespace, String app) {
    return selector("namespace", "label_" + appLabel, "label_" + roleLabel, namespace, app);
  }

  /** The scoring-key role for a role label value, or null if the value is neither role. */
  public String roleOf(String roleLabelValue) {
    if (stableRole.equals(roleLabelValue)) {
      return ScoringKey.ROLE_STABLE;
    }
    if (canaryRole.equals(roleLabelValue)) {
      return ScoringKey.ROLE_CANARY;
    }
    return null;
  }

  private String selector(
      String nsLabel, String appLbl, String roleLbl, String namespace, String app) {
    return nsLabel
        + "=\""
        + escape(namespace)
        + "\","
        + appLbl
        + "=\""
        + escape(app)
        + "\","
        + roleLbl
        + "=~\""
        + regexLiteral(stableRole)
        + "|"
        + regexLiteral(canaryRole)
        + "\"";
  }

  /** Escapes a label value inside a double-quoted PromQL string. */
  static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static String regexLiteral(String value) {
    return escape(value.replaceAll("([\\\\.^$|?*+()\\[\\]{}])", "\\\\$1"));
  }
}
