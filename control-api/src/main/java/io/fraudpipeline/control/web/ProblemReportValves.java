package io.fraudpipeline.control.web;

import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Makes {@link ProblemReportValve} the host's error report valve, through the host's {@code
 * errorReportValveClass} setting: the host adds it when it starts, after every valve a customizer
 * added, so it is the first to report whatever order the customizers run in. Boot's plain {@link
 * ErrorReportValve} (no report, no server info), when already there, is taken out: it would never
 * get to write anything.
 */
@Component
class ProblemReportValves implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    factory.addContextCustomizers(
        context -> {
          if (!(context.getParent() instanceof StandardHost host)) {
            return;
          }
          Pipeline pipeline = host.getPipeline();
          for (Valve valve : pipeline.getValves()) {
            if (valve instanceof ErrorReportValve && !(valve instanceof ProblemReportValve)) {
              pipeline.removeValve(valve);
            }
          }
          host.setErrorReportValveClass(ProblemReportValve.class.getName());
        });
  }
}
