/**
 * The trainer's logic, independent of Numaflow: fetch an entity's history ({@link
 * io.rollguard.inference.trainer.PrometheusHistorySource}), guard it with a lease and a back-off
 * ({@link io.rollguard.inference.trainer.TrainingGuard}), fit and save a bundle ({@link
 * io.rollguard.inference.trainer.TrainingService}). The udf-inference module wraps it in the
 * trainer sink vertex; the local runner and benchmarks can use it in process.
 */
package io.rollguard.inference.trainer;
