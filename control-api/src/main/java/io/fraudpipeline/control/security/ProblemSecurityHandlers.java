package io.fraudpipeline.control.security;

import io.fraudpipeline.control.web.ApiException;
import io.fraudpipeline.control.web.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Hands security refusals to the MVC exception handling, so a 401 or 403 is the same problem detail
 * as any other error.
 */
final class ProblemSecurityHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

  static final String NO_TOKEN_DETAIL =
      "Writes are disabled because no API token is configured; "
          + "set FRAUD_API_TOKEN (fraud.security.api-token) and restart";

  private final HandlerExceptionResolver resolver;
  private final ApiTokenVerifier verifier;

  ProblemSecurityHandlers(HandlerExceptionResolver resolver, ApiTokenVerifier verifier) {
    this.resolver = resolver;
    this.verifier = verifier;
  }

  @Override
  public void commence(
      HttpServletRequest request,
      HttpServletResponse response,
      AuthenticationException authException) {
    Exception refusal;
    if (!verifier.isConfigured()) {
      refusal = new ApiException(ProblemType.FORBIDDEN, NO_TOKEN_DETAIL);
    } else if (request.getAttribute(BearerTokenFilter.OUTCOME_ATTRIBUTE)
        == BearerTokenFilter.Outcome.INVALID) {
      refusal = new InsufficientAuthenticationException("The bearer token is not valid");
    } else {
      refusal =
          new InsufficientAuthenticationException(
              "This request needs the header 'Authorization: Bearer <token>'");
    }
    resolver.resolveException(request, response, null, refusal);
  }

  @Override
  public void handle(
      HttpServletRequest request,
      HttpServletResponse response,
      AccessDeniedException accessDeniedException) {
    resolver.resolveException(request, response, null, accessDeniedException);
  }
}
