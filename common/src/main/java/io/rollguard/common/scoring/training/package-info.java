/**
 * The trainer's logic, independent of Numaflow: fetch an entity's history ({@link
 * io.rollguard.common.scoring.training.PrometheusHistorySource}), guard it with a lease and a
 * back-off ({@link io.rollguard.common.scoring.training.TrainingGuard}), fit and save a bundle
 * ({@link io.rollguard.common.scoring.training.TrainingService}). The udf-inference module wraps it
 * in the trainer sink vertex; the local runner and benchmarks can use it in process.
 */
package io.rollguard.common.scoring.training;
