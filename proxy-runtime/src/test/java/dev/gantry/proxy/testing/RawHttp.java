package dev.gantry.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over a plain socket, so tests control every byte (Host, malformed
 * input, pipelining) and can see whether the server closed the connection. Reads responses framed
 * by Content-Length or chunked encoding.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawHttp(int port) throws IOException {
    this(connect(port));
  }

  /** Speaks over an already connected socket (e.g. an SSLSocket from TestTls). */
  public RawHttp(Socket connected) throws IOException {
    socket = connected;
    socket.setSoTimeout(15_000);
    socket.setTcpNoDelay(true);
    in = new java.io.BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    return s;
  }

  /** A parsed response; header names lower-case, repeated headers joined by ",". */
  public record Response(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  public void send(String raw) throws IOException {
    out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** GET with the given Host and extra header lines ("Name: value"). */
  public Response get(String host, String target, String... headers) throws IOException {
    return exchange("GET", host, target, null, headers);
  }

  public Response exchange(
      String method, String host, String target, String body, String... headers)
      throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    sb.append("Host: ").append(host).append("\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    if (body != null) {
      sb.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length);
      sb.append("\r\n");
    }
    sb.append("\r\n");
    if (body != null) {
      sb.append(new String(body.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    }
    send(sb.toString());
    return read(method.equals("HEAD"));
  }

  public Response read() throws IOException {
    return read(false);
  }

  public Response read(boolean head) throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    String[] parts = statusLine.split(" ", 3);
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    String l;
    while ((l = line()) != null && !l.isEmpty()) {
      int c = l.indexOf(':');
      String n = l.substring(0, c).trim().toLowerCase(Locale.ROOT);
      String v = l.substring(c + 1).trim();
      headers.merge(n, v, (a, b) -> a + "," + b);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    boolean noBody = head || status == 204 || status == 304 || (status >= 100 && status < 200);
    if (!noBody) {
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        while (true) {
          String size = line();
          int n = Integer.parseInt(size.split(";")[0].trim(), 16);
          if (n == 0) {
            while ((l = line()) != null && !l.isEmpty()) {
              // trailers are ignored
            }
            break;
          }
          body.write(in.readNBytes(n));
          line();
        }
      } else if (headers.containsKey("content-length")) {
        body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
      } else {
        body.write(in.readAllBytes());
      }
    }
    return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
  }

  /** Half-closes: the server sees end of input after what was sent. */
  public void closeOutput() throws IOException {
    socket.shutdownOutput();
  }

  /**
   * The status code of the first response line, or -1 when the server closed, reset or stayed
   * silent for 5 s without one (for fuzzing, where any outcome but a crash is acceptable).
   */
  public int tryReadStatus() throws IOException {
    socket.setSoTimeout(5000);
    try {
      String first = line();
      if (first == null || !first.startsWith("HTTP/1.1 ") || first.length() < 12) {
        return -1;
      }
      return Integer.parseInt(first.substring(9, 12));
    } catch (java.net.SocketException | java.net.SocketTimeoutException e) {
      return -1;
    }
  }

  /** True when the server closed the connection (EOF within the timeout). */
  public boolean closedByServer(int timeoutMs) throws IOException {
    socket.setSoTimeout(timeoutMs);
    try {
      return in.read() == -1;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException e) {
      return true; // reset also means closed
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  public static List<String> splitList(String v) {
    List<String> out = new ArrayList<>();
    if (v != null) {
      for (String s : v.split(",")) {
        out.add(s.trim());
      }
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
