package io.fraudpipeline.control.jobs;

import java.time.Instant;

/**
 * One failure from the job's exception history.
 *
 * @param timestamp when it happened
 * @param exception the exception class
 * @param message the first line of its message
 * @param rootCause the innermost "Caused by" of its stack trace: often the reason a person needs
 *     (the outer message may only say "Could not start the JobMaster.")
 * @param task the task it happened in, if any
 */
public record JobFailure(
    Instant timestamp, String exception, String message, String rootCause, String task) {}
