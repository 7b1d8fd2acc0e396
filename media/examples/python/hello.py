"""Hello world over REQ/REP: the talk's first example, fixed so that something crosses the wire.

Run it as `python3 hello.py` (both ends on tcp://127.0.0.1:5555), or put the ZeroMQ Inspector's
sniffer in between: `python3 hello.py --bind tcp://127.0.0.1:5555 --connect <sniffer listen>`.
"""
import multiprocessing

import zmq

from proto import RECEIVE_TIMEOUT_MS, parser_for


def start_server(endpoint, count):
    context = zmq.Context()
    socket = context.socket(zmq.REP)
    # Hidden lesson 1: the talk's server never binds and its client never connects, so the two
    # sockets never meet and the client waits forever. One side binds (the stable one, the
    # server), the other connects to the same endpoint.
    socket.bind(endpoint)
    socket.setsockopt(zmq.RCVTIMEO, RECEIVE_TIMEOUT_MS)
    try:
        for _ in range(count):
            request = socket.recv()
            print("server received:", request.decode())
            # A REP must answer before it can receive again: REQ/REP is a strict lock-step.
            socket.send(b"Hello client")
    except zmq.Again:
        print("server: no request for", RECEIVE_TIMEOUT_MS, "ms; is the client connected?")
    finally:
        # Linger lets the last reply leave before the socket goes away.
        socket.close(linger=1000)
        context.term()


def start_client(endpoint, count):
    context = zmq.Context()
    socket = context.socket(zmq.REQ)
    # Connecting before the server has bound is fine: ZeroMQ retries in the background.
    socket.connect(endpoint)
    socket.setsockopt(zmq.RCVTIMEO, RECEIVE_TIMEOUT_MS)
    try:
        for _ in range(count):
            socket.send(b"Hello server")
            reply = socket.recv()
            print("client received:", reply.decode())
    except zmq.Again:
        print("client: no reply for", RECEIVE_TIMEOUT_MS, "ms; is the server bound at", endpoint, "?")
    finally:
        socket.close(linger=0)
        context.term()


if __name__ == "__main__":
    parser = parser_for("REQ/REP hello world")
    parser.add_argument("--bind", default="tcp://127.0.0.1:5555", help="where the server binds")
    parser.add_argument("--connect", help="where the client connects (default: the --bind endpoint)")
    parser.add_argument("--count", type=int, default=10, help="requests to send")
    args = parser.parse_args()
    # Like the talk: each end in its own process, as two separate programs would be.
    server = multiprocessing.Process(target=start_server, args=(args.bind, args.count))
    client = multiprocessing.Process(target=start_client, args=(args.connect or args.bind, args.count))
    server.start()
    client.start()
    client.join()
    server.join()
