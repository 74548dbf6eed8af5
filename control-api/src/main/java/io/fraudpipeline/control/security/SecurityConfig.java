package io.fraudpipeline.control.security;

import io.fraudpipeline.control.web.RequestBodyLimit;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Stateless bearer-token security: every state-changing request under {@code /api/**} needs the
 * token; reads, actuator and docs are open unless configured otherwise. No sessions, no CSRF (no
 * cookies are ever issued), no login page.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

  @Bean
  ApiTokenVerifier apiTokenVerifier(ApiSecurityProperties properties) {
    return new ApiTokenVerifier(properties.apiToken());
  }

  @Bean
  SecurityFilterChain apiSecurity(
      HttpSecurity http,
      ApiSecurityProperties properties,
      ApiTokenVerifier verifier,
      @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver)
      throws Exception {
    ProblemSecurityHandlers handlers = new ProblemSecurityHandlers(resolver, verifier);
    String operator = BearerTokenFilter.OPERATOR_ROLE;
    http.csrf(AbstractHttpConfigurer::disable)
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        .addFilterBefore(new BearerTokenFilter(verifier), AnonymousAuthenticationFilter.class)
        .addFilterBefore(
            new RequestBodyLimit(properties.maxBodySize(), resolver), BearerTokenFilter.class)
        .exceptionHandling(e -> e.authenticationEntryPoint(handlers).accessDeniedHandler(handlers))
        .authorizeHttpRequests(
            auth -> {
              for (HttpMethod write :
                  new HttpMethod[] {
                    HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE
                  }) {
                auth.requestMatchers(write, "/api/**").hasRole(operator);
              }
              if (!properties.openReads()) {
                auth.requestMatchers("/api/**").hasRole(operator);
              }
              if (!properties.openActuator()) {
                auth.requestMatchers("/actuator/**").hasRole(operator);
              }
              if (!properties.openDocs()) {
                auth.requestMatchers("/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html")
                    .hasRole(operator);
              }
              // Anything else is either open by the settings above or answers 404.
              auth.anyRequest().permitAll();
            });
    return http.build();
  }
}
