package io.fraudpipeline.control.sse;

/**
 * One server-sent event of a feed, as the feed names it: the feed knows what it streams, {@link
 * SseFanOut} how it is sent.
 *
 * @param id the event's id ({@code id:} line)
 * @param name the event's name ({@code event:} line)
 * @param data its data, one line of JSON
 */
public record StreamEvent(String id, String name, String data) {}
