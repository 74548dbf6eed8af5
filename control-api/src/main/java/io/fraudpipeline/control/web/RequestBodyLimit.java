package io.fraudpipeline.control.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Refuses a request body larger than {@code fraud.security.max-body-size} with 413 before it is
 * read: every body the API takes is a small JSON document, and one read whole into memory could
 * otherwise take the heap, and with it the leadership heartbeat and the reconciler, down with an
 * {@code OutOfMemoryError}. A declared length above the limit is refused at once; a body without
 * one (chunked) is counted as it is read and refused when it passes the limit.
 */
public final class RequestBodyLimit extends OncePerRequestFilter {

  private final long maxBytes;
  private final HandlerExceptionResolver resolver;

  public RequestBodyLimit(DataSize maxBodySize, HandlerExceptionResolver resolver) {
    this.maxBytes = maxBodySize.toBytes();
    this.resolver = resolver;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxBytes) {
      resolver.resolveException(
          request, response, null, tooLarge("is " + declared + " bytes", maxBytes));
      return;
    }
    chain.doFilter(new Limited(request, maxBytes), response);
  }

  private static ApiException tooLarge(String size, long maxBytes) {
    return new ApiException(
        ProblemType.CONTENT_TOO_LARGE,
        "The request body " + size + "; this API takes at most " + maxBytes + " bytes");
  }

  /** The request, its body stream counted against the limit. */
  private static final class Limited extends HttpServletRequestWrapper {

    private final long maxBytes;
    private ServletInputStream limited;

    Limited(HttpServletRequest request, long maxBytes) {
      super(request);
      this.maxBytes = maxBytes;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (limited == null) {
        limited = new CountingInputStream(super.getInputStream(), maxBytes);
      }
      return limited;
    }
  }

  /** Throws once more than {@code maxBytes} have been read. */
  private static final class CountingInputStream extends ServletInputStream {

    private final ServletInputStream in;
    private final long maxBytes;
    private long read;

    CountingInputStream(ServletInputStream in, long maxBytes) {
      this.in = in;
      this.maxBytes = maxBytes;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > maxBytes) {
        throw tooLarge("is more than " + maxBytes + " bytes", maxBytes);
      }
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
