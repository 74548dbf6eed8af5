package io.fraudpipeline.control.web;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The body of a command that takes no parameters: none, or {@code {}}. Declared rather than left
 * out so that a body that is not JSON, or names a field, is refused as in every other command
 * instead of being ignored while the command goes ahead (a mistyped cancel still cancelled).
 */
@Schema(description = "No parameters: send no body, or {}")
public record NoParameters() {}
