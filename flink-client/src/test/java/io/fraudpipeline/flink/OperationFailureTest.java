package io.fraudpipeline.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;
import org.apache.flink.runtime.rest.handler.async.AsynchronousOperationResult;
import org.apache.flink.runtime.rest.messages.job.savepoints.SavepointInfo;
import org.apache.flink.runtime.rest.util.RestMapperUtils;
import org.apache.flink.runtime.scheduler.stopwithsavepoint.StopWithSavepointStoppingException;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.util.SerializedThrowable;
import org.junit.jupiter.api.Test;

/** Flink's answer about a failed operation, written by Flink's own REST mapping. */
class OperationFailureTest {

  private static final String SUSPENDING =
      "CheckpointException: Checkpoint Coordinator is suspending.";

  @Test
  void readsTheRootCauseOfAFailedSavepoint() throws Exception {
    OperationResult result =
        answer(
            new CompletionException(
                new CheckpointException(CheckpointFailureReason.CHECKPOINT_COORDINATOR_SUSPEND)));

    assertThat(result.completed()).isTrue();
    OperationFailure failure = OperationFailure.in(result.operation(), "failure-cause").get();
    assertThat(failure.description()).isEqualTo(SUSPENDING);
    assertThat(failure.has(CheckpointException.class)).isTrue();
  }

  @Test
  void findsTheSavepointAStopWroteBeforeTheJobFailedToStop() throws Exception {
    OperationResult result =
        answer(
            new CompletionException(
                new StopWithSavepointStoppingException("file:/savepoints/sp-1", new JobID())));

    assertThat(
            OperationFailure.in(result.operation(), "failure-cause")
                .get()
                .find(StopWithSavepointStoppingException.class)
                .map(StopWithSavepointStoppingException::getSavepointPath))
        .hasValue("file:/savepoints/sp-1");
  }

  @Test
  void givesTheReasonFromTheStackTraceWhenTheSerializedFormCannotBeRead() throws Exception {
    OperationResult result =
        answer(
            new CompletionException(
                new CheckpointException(CheckpointFailureReason.CHECKPOINT_COORDINATOR_SUSPEND)));
    ((ObjectNode) result.operation().path("failure-cause"))
        .put("serialized-throwable", "bm90IGEgc2VyaWFsaXplZCB0aHJvd2FibGU=");

    OperationFailure failure = OperationFailure.in(result.operation(), "failure-cause").get();

    assertThat(failure.description()).isEqualTo(SUSPENDING);
    assertThat(failure.has(CheckpointException.class)).isTrue();
    assertThat(failure.has(java.io.FileNotFoundException.class)).isFalse();
  }

  @Test
  void aCompletedOperationWithoutFailureHasNone() throws Exception {
    String json =
        RestMapperUtils.getStrictObjectMapper()
            .writeValueAsString(
                AsynchronousOperationResult.completed(new SavepointInfo("file:/sp", null)));
    OperationResult result =
        RestMapperUtils.getStrictObjectMapper().readValue(json, OperationResult.class);

    assertThat(OperationFailure.in(result.operation(), "failure-cause")).isEmpty();
    assertThat(result.operation().path("location").textValue()).isEqualTo("file:/sp");
    assertThat(
            RestMapperUtils.getStrictObjectMapper()
                .readValue(
                    RestMapperUtils.getStrictObjectMapper()
                        .writeValueAsString(AsynchronousOperationResult.inProgress()),
                    OperationResult.class)
                .completed())
        .isFalse();
  }

  /** Flink's answer, as its REST handler writes it and as the client reads it. */
  private static OperationResult answer(Throwable failure) throws Exception {
    String json =
        RestMapperUtils.getStrictObjectMapper()
            .writeValueAsString(
                AsynchronousOperationResult.completed(
                    new SavepointInfo(null, new SerializedThrowable(failure))));
    return RestMapperUtils.getStrictObjectMapper().readValue(json, OperationResult.class);
  }
}
