package io.fraudpipeline.control;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

/**
 * The fraud pipeline's control plane. Boot's default in-memory user is excluded: the API knows one
 * credential, the bearer token, and must never log a generated password.
 */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class ControlApiApplication {

  public static void main(String[] args) {
    SpringApplication.run(ControlApiApplication.class, args);
  }
}
