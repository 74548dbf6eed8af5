package io.fraudpipeline.control.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a request that carries the configured bearer token. A request without it stays
 * anonymous; whether that is enough is the authorization rules' business. The outcome is left as a
 * request attribute so the 401 can say whether the token was missing or wrong.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

  static final String OUTCOME_ATTRIBUTE = BearerTokenFilter.class.getName() + ".outcome";
  static final String OPERATOR_ROLE = "OPERATOR";

  enum Outcome {
    MISSING,
    INVALID,
    ACCEPTED
  }

  private static final String PREFIX = "Bearer ";

  private final ApiTokenVerifier verifier;

  BearerTokenFilter(ApiTokenVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    Outcome outcome;
    if (header == null || header.isBlank()) {
      outcome = Outcome.MISSING;
    } else if (header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
        && verifier.matches(header.substring(PREFIX.length()).trim())) {
      outcome = Outcome.ACCEPTED;
      var context = SecurityContextHolder.createEmptyContext();
      context.setAuthentication(new ApiClient());
      SecurityContextHolder.setContext(context);
    } else {
      outcome = Outcome.INVALID;
    }
    request.setAttribute(OUTCOME_ATTRIBUTE, outcome);
    chain.doFilter(request, response);
  }

  /** The caller that presented the token; the token itself is not kept. */
  static final class ApiClient extends AbstractAuthenticationToken {
    ApiClient() {
      super(List.of(new SimpleGrantedAuthority("ROLE_" + OPERATOR_ROLE)));
      setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
      return "";
    }

    @Override
    public Object getPrincipal() {
      return "api-client";
    }
  }
}
