package io.fraudpipeline.job.source;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Watermarks for the rules stream: none, and the stream marked idle, so the operators it is
 * connected to take event time from the transactions alone.
 *
 * <p>Why not the obvious alternatives: a stream with no watermarks at all holds the combined
 * watermark of a two-input operator at its minimum forever, so the velocity rule would never fire;
 * and a {@code Long.MAX_VALUE} watermark would become the combined watermark as soon as every
 * transactions partition went idle, pushing event time to the end of time for good.
 */
public final class AlwaysIdleWatermarks<T> implements WatermarkGenerator<T> {

  @Override
  public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    output.markIdle();
  }
}
