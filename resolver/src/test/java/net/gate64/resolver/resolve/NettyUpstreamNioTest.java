package net.gate64.resolver.resolve;

/**
 * The same exchange tests on NIO loops, where outgoing UDP is a Netty datagram channel rather than the bare socket
 * epoll loops get (the path of machines without the native transport).
 */
class NettyUpstreamNioTest extends NettyUpstreamTest {
    @Override
    boolean useEpoll() {
        return false;
    }
}
