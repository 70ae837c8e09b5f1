import java.lang.reflect.Field;

/**
 * Starts DynamoDB Local listening on 127.0.0.1 only.
 *
 * DynamoDB Local has no option for its listen address, and its embedded Jetty
 * server is built with `new Server(port)`, which binds every interface; no
 * JVM or Jetty system property changes that. A loopback proxy in front would
 * still leave DynamoDB Local's own port open on every interface. So this
 * launcher builds the server with DynamoDB Local's own entry point (same
 * command-line options), sets the host of its Jetty connectors to 127.0.0.1
 * before they open, then starts it. Only reflection is used, so it compiles
 * with no classpath (dynamodb-launcher.ts compiles it once and caches the
 * class) and also runs as a single source file
 * (`java -cp DynamoDBLocal.jar LoopbackDynamoDbLocal.java <options>`).
 */
public final class LoopbackDynamoDbLocal {
  private static final String HOST = "127.0.0.1";

  public static void main(String[] args) throws Exception {
    Class<?> runner = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner");
    Object server = runner.getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) args);
    Field field = server.getClass().getDeclaredField("server");
    field.setAccessible(true);
    Object jetty = field.get(server);
    Object[] connectors = (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty);
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Object connector : connectors) {
      connector.getClass().getMethod("setHost", String.class).invoke(connector, HOST);
    }
    server.getClass().getMethod("start").invoke(server);
    server.getClass().getMethod("join").invoke(server);
  }
}
