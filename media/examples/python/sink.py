"""The sink: collects the workers' results and adds up the sums.

`python3 sink.py --limit 20` waits for 20 results and prints the total.
"""
import zmq

from proto import RECEIVE_TIMEOUT_MS, RESULT_ADDR, add_form_argument, decode, parser_for


def start_sink(endpoint, limit, form):
    context = zmq.Context()
    if form == "diagram":
        results = context.socket(zmq.PULL)
    else:
        results = context.socket(zmq.SUB)
        # A SUB receives nothing until it subscribes; "" means every message.
        results.setsockopt(zmq.SUBSCRIBE, b"")
    # The sink is a fixed point, so it binds; the workers connect to it.
    results.bind(endpoint)
    results.setsockopt(zmq.RCVTIMEO, RECEIVE_TIMEOUT_MS)
    received = 0
    total = 0
    try:
        while received < limit:
            idx, partial = decode(results.recv())
            print(idx, "-->", partial)
            received += 1
            total += partial
    except zmq.Again:
        # Hidden lesson 4: with PUB/SUB a result published before the subscription arrived is
        # gone, so the talk's sink can wait forever for its last results. Here it gives up.
        print("sink: no result for", RECEIVE_TIMEOUT_MS, "ms; got", received, "of", limit)
    print("sink: total", total, "from", received, "results")
    results.close(linger=0)
    context.term()


if __name__ == "__main__":
    parser = parser_for("collect the workers' results")
    parser.add_argument("--bind", default=RESULT_ADDR)
    parser.add_argument("--limit", type=int, default=20, help="results to wait for")
    add_form_argument(parser)
    args = parser.parse_args()
    start_sink(args.bind, args.limit, args.form)
