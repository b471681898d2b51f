package org.streamlearn.bench.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * The least an HTTP/1.1 keep-alive server can do here, as a data point beside {@link FloorServer} and
 * {@link JettyFloorServer}: one thread, one NIO selector, no hand-off. It reads each request's head, skips its
 * {@code Content-Length} body and answers the constant with a fixed length ({@code TCP_NODELAY} on). Not a general
 * server: no chunked bodies, no pipelining beyond what one read brings, headers within 8 KiB.
 */
final class NioFloorServer implements AutoCloseable {

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread loop;

    private NioFloorServer(ServerSocketChannel server, Selector selector, byte[] answer) {
        this.server = server;
        this.selector = selector;
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + answer.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer response = ByteBuffer.allocate(head.length + answer.length).put(head).put(answer).flip();
        this.loop = new Thread(() -> serve(response), "nio-floor");
        loop.setDaemon(true);
    }

    /** Starts a server on a free loopback port answering {@code answer}. */
    static NioFloorServer start(byte[] answer) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0), 128);
        server.configureBlocking(false);
        Selector selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        NioFloorServer s = new NioFloorServer(server, selector, answer);
        s.loop.start();
        return s;
    }

    /** Per connection: bytes of the current request read so far and the body bytes still to skip. */
    private static final class Conn {
        final ByteBuffer in = ByteBuffer.allocate(8192);
        long skip;
    }

    private void serve(ByteBuffer response) {
        try {
            while (selector.isOpen()) {
                selector.select();
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext();) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (k.isAcceptable()) {
                        SocketChannel c = server.accept();
                        if (c != null) {
                            c.configureBlocking(false);
                            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                            c.register(selector, SelectionKey.OP_READ, new Conn());
                        }
                    } else if (k.isReadable() && !read((SocketChannel) k.channel(), (Conn) k.attachment(), response)) {
                        k.cancel();
                        k.channel().close();
                    }
                }
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            // closed
        }
    }

    /** Reads what is there and answers every complete request; false when the connection is done. */
    private static boolean read(SocketChannel c, Conn conn, ByteBuffer response) throws IOException {
        if (c.read(conn.in) < 0) {
            return false;
        }
        while (true) {
            ByteBuffer b = conn.in;
            if (conn.skip > 0) {
                int n = (int) Math.min(conn.skip, b.position());
                b.flip().position(n);
                b.compact();
                conn.skip -= n;
                if (conn.skip > 0) {
                    return true;
                }
            }
            int end = headEnd(b);
            if (end < 0) {
                return b.hasRemaining();
            }
            String head = new String(b.array(), 0, end, StandardCharsets.US_ASCII);
            b.flip().position(end + 4);
            b.compact();
            conn.skip = contentLength(head);
            if (conn.skip > 0 && b.position() < conn.skip) {
                conn.skip -= b.position();
                b.clear();
            } else if (conn.skip > 0) {
                b.flip().position((int) conn.skip);
                b.compact();
                conn.skip = 0;
            }
            ByteBuffer out = response.duplicate();
            while (out.hasRemaining()) {
                c.write(out); // a small answer to a client waiting for it: the socket buffer takes it at once
            }
            if (conn.skip > 0) {
                return true;
            }
        }
    }

    private static int headEnd(ByteBuffer b) {
        byte[] a = b.array();
        for (int i = 3; i < b.position(); i++) {
            if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                return i - 3;
            }
        }
        return -1;
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                return Long.parseLong(line.substring(colon + 1).trim());
            }
        }
        return 0;
    }

    int port() {
        return server.socket().getLocalPort();
    }

    @Override
    public void close() throws IOException {
        selector.close();
        server.close();
    }
}
