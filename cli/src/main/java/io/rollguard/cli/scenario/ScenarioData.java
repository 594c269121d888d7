package io.rollguard.cli.scenario;

/**
 * What a {@link Scenario} generates.
 *
 * @param scenario the spec these rows came from
 * @param history stable-only rows before the canary phase (training data; never labelled)
 * @param stable the stable role during the canary phase (never labelled: shared effects are not
 *     regressions)
 * @param canary the canary role during the canary phase, labelled where a canary effect is a
 *     regression
 */
public record ScenarioData(
    Scenario scenario, SeriesRows history, SeriesRows stable, SeriesRows canary) {}
